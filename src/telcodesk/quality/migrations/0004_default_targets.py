"""Ship the default targets of the indicators that are not request time limits.

Time-limit indicators (installs, repairs, mobile changes …) take their limit and
target from the service standard in force; the network, billing, hotline and
complaint indicators take these rows. ``verified=False`` marks a default whose
regulator text was not available, or an operator target; ``source`` says which.
An operator publishes its own target by ending the default (``active_to``) and
adding a row from that instant.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations

SINCE = dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
UNVERIFIED = (" Unverified default: the regulator's text was not available; change it to "
              "the operator's published target.")
OPERATOR = " Operator target (the regulator sets none); change it to the operator's own."

# (indicator code, comparison, value, unit, source, verified)
DEFAULTS = [
    ("network_connection_rate", ">=", "90", "percent",
     "网络接通率 (busy hour, same network, local): at least 90%. MIIT 3G mobile service "
     "specification (2009).", True),
    ("network_congestion_rate", "<", "2", "percent",
     "无线信道拥塞率: below 2% (typical operator target)." + OPERATOR, False),
    ("network_drop_rate", "<=", "5", "percent",
     "通话中断率 (掉话率): at most 5%. MIIT 3G mobile service specification (2009).", True),
    ("billing_error_rate", "<=", "0.0001", "ratio",
     "计费差错率: erroneous charge records ÷ all charge records at most 1×10⁻⁴."
     + UNVERIFIED, False),
    ("hotline_answer_avg", "<=", "15", "seconds",
     "10000号应答平均时间: at most 15 s (the answer threshold N = 15 s)." + OPERATOR, False),
    ("hotline_timely", ">=", "90", "percent",
     "10000号应答及时率: calls answered within N = 15 s (the skill group's threshold) ÷ "
     "calls asking for an agent, at least 90%. The threshold is the standard's; the 90% is "
     "an operator target, unverified: change it to the operator's own.", False),
    ("complaint_handling_avg", "<=", "48", "hours",
     "投诉处理平均时间: at most 48 h, the operator's reply commitment (the regulator's limit "
     "is a reply within 15 days)." + OPERATOR, False),
    ("complaint_satisfaction", ">=", "90", "percent",
     "投诉处理满意率: satisfied answers ÷ survey answers at least 90%." + UNVERIFIED, False),
]


def ship(apps, schema_editor):
    IndicatorTarget = apps.get_model("quality", "IndicatorTarget")
    for code, comparison, value, unit, source, verified in DEFAULTS:
        IndicatorTarget.objects.create(
            indicator=code, comparison=comparison, value=Decimal(value), unit=unit,
            active_from=SINCE, active_to=None, source=source, verified=verified)


def unship(apps, schema_editor):
    IndicatorTarget = apps.get_model("quality", "IndicatorTarget")
    IndicatorTarget.objects.filter(active_from=SINCE, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_network_billing_targets_reports")]
    operations = [migrations.RunPython(ship, unship)]
