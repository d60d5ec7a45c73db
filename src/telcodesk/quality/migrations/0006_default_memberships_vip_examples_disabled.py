"""Ship which requests feed which time-limit indicator, and keep the VIP examples off.

Membership defaults follow the service standard: every request of an
indicator's service and kind counts, except for the mobile business change
(业务变更时长), which the standard names as name change, transfer, suspension
and disconnection; a package change or a value-added-service order is not in it
until the operator adds it.

The VIP repair standards shipped by ``0002_default_standards`` are operator
examples nobody published: they are disabled (never in force) until the
operator enables them.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

SINCE = dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
EXAMPLE = "Operator example (VIP service commitment)"

MOBILE_CHANGE = ("Mobile 业务变更时长 counts name change, transfer, suspension and "
                 "disconnection (MIIT 3G mobile service specification, 2009); a package or "
                 "value-added-service change is not a business change unless the operator "
                 "says so.")
EVERY = {
    "fixed_install": "Fixed telephone 装机平均时限 / 装机及时率: every installation "
                     "(a move is not an installation: it has its own standard).",
    "fixed_repair": "Fixed telephone 障碍修复平均时限 / 及时率: every fault repair "
                    "(customer-maintained lines excluded by the standard's pauses).",
    "broadband_install": "Internet access 装机入网平均时间 / 及时率: every installation.",
    "broadband_repair": "Internet access 障碍修复平均时间 / 及时率: every fault repair "
                        "(the customer's access line excluded by the standard's pauses).",
    "mobile_reconnection": "Mobile 恢复通话时长: every reconnection (MIIT 3G mobile "
                           "service specification, 2009).",
    "mobile_repair": "Mobile 障碍修复时长: every fault repair, handset faults excluded "
                     "(MIIT 3G mobile service specification, 2009).",
}
CHANGE_KINDS = ("name_change", "transfer", "suspension", "cancellation")


def ship(apps, schema_editor):
    Membership = apps.get_model("quality", "IndicatorMembership")
    rows = [Membership(measure=measure, request_kind="any", source=source)
            for measure, source in EVERY.items()]
    rows += [Membership(measure="mobile_change", request_kind=kind, source=MOBILE_CHANGE)
             for kind in CHANGE_KINDS]
    Membership.objects.bulk_create(rows, ignore_conflicts=True)
    Standard = apps.get_model("quality", "ServiceStandard")
    Standard.objects.filter(active_from=SINCE, created_by__isnull=True,
                            source__contains=EXAMPLE).exclude(tier="any").update(enabled=False)


def unship(apps, schema_editor):
    Membership = apps.get_model("quality", "IndicatorMembership")
    Membership.objects.filter(created_by__isnull=True).delete()
    Standard = apps.get_model("quality", "ServiceStandard")
    Standard.objects.filter(active_from=SINCE, created_by__isnull=True,
                            source__contains=EXAMPLE).update(enabled=True)


class Migration(migrations.Migration):
    dependencies = [("quality", "0005_standard_enabled_indicator_membership")]
    operations = [migrations.RunPython(ship, unship)]
