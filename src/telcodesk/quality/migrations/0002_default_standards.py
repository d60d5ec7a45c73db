"""Ship the default service standards of the operator's published standard.

Rows marked ``verified=False`` are defaults whose regulator text was not
available, or operator examples; their ``source`` says which. Operators change
them by publishing new standards (retire the default, publish theirs).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations

SINCE = dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
COMMON = ["customer_absent", "customer_postponed", "awaiting_customer_info"]
UNVERIFIED = " Unverified default: the regulator's text was not available; change it to the " \
             "operator's published standard."
EXAMPLE = " Operator example (VIP service commitment), not a regulator limit."

# (service, kind, area, tier, limit, unit, maximum, average, timely %, excluded, source,
#  verified)
DEFAULTS = [
    ("fixed", "install", "urban", "any", "3", "working_days", None, None, "95", COMMON,
     "Fixed telephone 装机平均时限 / 装机及时率, urban: 3 working days, timely ≥ 95%."
     + UNVERIFIED, False),
    ("fixed", "install", "rural", "any", "5", "working_days", None, None, "95", COMMON,
     "Fixed telephone 装机平均时限 / 装机及时率, rural: 5 working days, timely ≥ 95%."
     + UNVERIFIED, False),
    ("fixed", "move", "urban", "any", "3", "working_days", None, None, "95", COMMON,
     "Fixed telephone move (移机): the installation limit applies, urban 3 working days."
     + UNVERIFIED, False),
    ("fixed", "move", "rural", "any", "5", "working_days", None, None, "95", COMMON,
     "Fixed telephone move (移机): the installation limit applies, rural 5 working days."
     + UNVERIFIED, False),
    ("fixed", "repair", "urban", "any", "24", "hours", None, None, "95",
     [*COMMON, "customer_line"],
     "Fixed telephone 障碍修复平均时限 / 及时率, urban: 24 h, customer-maintained lines "
     "(客户自维线路) excluded, timely ≥ 95%." + UNVERIFIED, False),
    ("fixed", "repair", "rural", "any", "48", "hours", None, None, "95",
     [*COMMON, "customer_line"],
     "Fixed telephone 障碍修复平均时限 / 及时率, rural: 48 h, customer-maintained lines "
     "(客户自维线路) excluded, timely ≥ 95%." + UNVERIFIED, False),
    ("fixed", "repair", "urban", "gold", "12", "hours", None, None, "98",
     [*COMMON, "customer_line"], "Fixed telephone repair for gold VIP customers, urban: 12 h."
     + EXAMPLE, False),
    ("fixed", "repair", "urban", "diamond", "8", "hours", None, None, "98",
     [*COMMON, "customer_line"],
     "Fixed telephone repair for diamond VIP customers, urban: 8 h." + EXAMPLE, False),
    ("fixed", "repair", "rural", "gold", "24", "hours", None, None, "98",
     [*COMMON, "customer_line"], "Fixed telephone repair for gold VIP customers, rural: 24 h."
     + EXAMPLE, False),
    ("fixed", "repair", "rural", "diamond", "24", "hours", None, None, "98",
     [*COMMON, "customer_line"],
     "Fixed telephone repair for diamond VIP customers, rural: 24 h." + EXAMPLE, False),
    ("fixed", "change", "any", "any", "24", "hours", None, None, None, COMMON,
     "Fixed telephone business change: 24 h, following the mobile business-change limit."
     + UNVERIFIED, False),
    ("fixed", "reconnection", "any", "any", "24", "hours", None, None, None, COMMON,
     "Fixed telephone reconnection: 24 h, following the mobile reconnection limit."
     + UNVERIFIED, False),
    ("broadband", "install", "urban", "any", "3", "working_days", None, None, "95", COMMON,
     "Internet access 装机入网平均时间 / 及时率, urban: 3 working days, timely ≥ 95%."
     + UNVERIFIED, False),
    ("broadband", "install", "rural", "any", "5", "working_days", None, None, "95", COMMON,
     "Internet access 装机入网平均时间 / 及时率, rural: 5 working days, timely ≥ 95%."
     + UNVERIFIED, False),
    ("broadband", "move", "urban", "any", "3", "working_days", None, None, "95", COMMON,
     "Broadband move (移机): the installation limit applies, urban 3 working days."
     + UNVERIFIED, False),
    ("broadband", "move", "rural", "any", "5", "working_days", None, None, "95", COMMON,
     "Broadband move (移机): the installation limit applies, rural 5 working days."
     + UNVERIFIED, False),
    ("broadband", "repair", "urban", "any", "24", "hours", None, None, "95",
     [*COMMON, "customer_access_line"],
     "Internet access 障碍修复平均时间 / 及时率, urban: 24 h, the customer's access line "
     "(客户接入线部分) excluded, timely ≥ 95%." + UNVERIFIED, False),
    ("broadband", "repair", "rural", "any", "48", "hours", None, None, "95",
     [*COMMON, "customer_access_line"],
     "Internet access 障碍修复平均时间 / 及时率, rural: 48 h, the customer's access line "
     "(客户接入线部分) excluded, timely ≥ 95%." + UNVERIFIED, False),
    ("broadband", "repair", "urban", "gold", "12", "hours", None, None, "98",
     [*COMMON, "customer_access_line"],
     "Broadband repair for gold VIP customers, urban: 12 h." + EXAMPLE, False),
    ("broadband", "repair", "urban", "diamond", "8", "hours", None, None, "98",
     [*COMMON, "customer_access_line"],
     "Broadband repair for diamond VIP customers, urban: 8 h." + EXAMPLE, False),
    ("broadband", "repair", "rural", "gold", "24", "hours", None, None, "98",
     [*COMMON, "customer_access_line"],
     "Broadband repair for gold VIP customers, rural: 24 h." + EXAMPLE, False),
    ("broadband", "repair", "rural", "diamond", "24", "hours", None, None, "98",
     [*COMMON, "customer_access_line"],
     "Broadband repair for diamond VIP customers, rural: 24 h." + EXAMPLE, False),
    ("broadband", "change", "any", "any", "24", "hours", None, None, None, COMMON,
     "Broadband business change: 24 h, following the mobile business-change limit."
     + UNVERIFIED, False),
    ("broadband", "reconnection", "any", "any", "24", "hours", None, None, None, COMMON,
     "Broadband reconnection: 24 h, following the mobile reconnection limit." + UNVERIFIED,
     False),
    ("mobile", "change", "any", "any", "24", "hours", "24", "1", None, COMMON,
     "Mobile 业务变更时长 (name change, transfer, suspension, disconnection): average ≤ 1 h, "
     "maximum 24 h; timely = within 24 h. MIIT 3G mobile service specification (2009).",
     True),
    ("mobile", "reconnection", "any", "any", "24", "hours", "24", "1", None, COMMON,
     "Mobile 恢复通话时长 (reconnection): average ≤ 1 h, maximum 24 h. MIIT 3G mobile "
     "service specification (2009).", True),
    ("mobile", "repair", "any", "any", "48", "hours", "48", "24", None,
     [*COMMON, "handset_fault"],
     "Mobile 障碍修复时长: average ≤ 24 h, maximum 48 h, handset faults excluded. MIIT 3G "
     "mobile service specification (2009).", True),
    ("any", "complaint_reply", "any", "any", "48", "hours", None, None, "90", COMMON,
     "投诉处理平均时间: the operator's commitment is a reply within 48 h (the regulator's "
     "limit, 15 days, is the complaint_regulator standard); satisfaction target ≥ 90%."
     + EXAMPLE.replace("VIP service commitment", "service commitment"), False),
    ("any", "complaint_regulator", "any", "any", "360", "hours", None, None, None, COMMON,
     "Regulator: a complaint must be answered within 15 days (360 h); an unanswered or "
     "unsatisfying complaint may go to the regulator after 15 days.", True),
]


def ship(apps, schema_editor):
    ServiceStandard = apps.get_model("quality", "ServiceStandard")
    for (service, kind, area, tier, limit, unit, maximum, average, timely, excluded, source,
         verified) in DEFAULTS:
        ServiceStandard.objects.create(
            service=service, kind=kind, area=area, tier=tier, limit_value=Decimal(limit),
            limit_unit=unit, maximum_value=Decimal(maximum) if maximum else None,
            average_target=Decimal(average) if average else None,
            timely_target_pct=Decimal(timely) if timely else None,
            warning_ratio=Decimal("0.80"), excluded_pause_reasons=list(excluded),
            active_from=SINCE, active_to=None, source=source, verified=verified)


def unship(apps, schema_editor):
    ServiceStandard = apps.get_model("quality", "ServiceStandard")
    ServiceStandard.objects.filter(active_from=SINCE, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
