"""One open repair per line: a partial unique index on work orders.

Lines that already carry more than one open repair (reported concurrently before
the rule) keep the oldest; the later ones are cancelled as duplicates of it,
with their SLA clocks, a timeline line and an audit entry, so the index can be
built and nothing is silently deleted.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

OPEN = ("acknowledged", "inProgress", "pending", "held")


def cancel_duplicate_open_repairs(apps, schema_editor):
    WorkOrder = apps.get_model("orders", "WorkOrder")
    WorkOrderEvent = apps.get_model("orders", "WorkOrderEvent")
    SlaClock = apps.get_model("sla", "SlaClock")
    SlaPause = apps.get_model("sla", "SlaPause")
    AuditEntry = apps.get_model("core", "AuditEntry")
    now = timezone.now()  # the migration is an edge: it reads the clock once
    lines = (WorkOrder.objects.filter(kind="repair", status__in=OPEN)
             .values("subscription_id").annotate(n=Count("id")).filter(n__gt=1)
             .values_list("subscription_id", flat=True))
    for line in list(lines):
        kept, *duplicates = WorkOrder.objects.filter(
            subscription_id=line, kind="repair", status__in=OPEN).order_by("created_at", "id")
        for work_order in duplicates:
            reason = f"duplicate of {kept.code} (one open repair per line)"
            old = work_order.status
            WorkOrder.objects.filter(pk=work_order.pk).update(
                status="cancelled", status_reason=reason, status_changed_at=now,
                updated_at=now)
            if work_order.sla_clock_id is not None:
                SlaPause.objects.filter(clock_id=work_order.sla_clock_id,
                                        ended_at__isnull=True).update(ended_at=now)
                SlaClock.objects.filter(pk=work_order.sla_clock_id,
                                        state__in=("running", "paused")).update(
                    state="cancelled", stopped_at=now, paused_since=None)
            WorkOrderEvent.objects.create(
                work_order=work_order, at=now, actor_label="system", kind="status_changed",
                from_status=old, to_status="cancelled", reason=reason[:300])
            AuditEntry.objects.create(
                at=now, actor_label="system", channel="system", action="work_order.status",
                target_type="work_order", target_id=work_order.code,
                summary=f"{work_order.code} {old} → cancelled: {reason}"[:300])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_tmf_events'),
        ('customers', '0001_initial'),
        ('orders', '0001_initial'),
        ('sla', '0002_finished_clock_cover_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(cancel_duplicate_open_repairs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='workorder',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'repair'), ('status__in', ('acknowledged', 'inProgress', 'pending', 'held'))), fields=('subscription',), name='wo_one_open_repair_per_line'),
        ),
    ]
