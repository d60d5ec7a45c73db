"""A call that goes on from one queue to another is counted once.

Each stored visit becomes a call of its own (``call_outcome``/``call_wait_seconds``
its own outcome and wait); then the visits already stored of calls that left a
queue at its timeout, because it was empty, with a key or by a transfer, and
entered another within 300 s (or while the first visit was still open), are
joined the way the import joins them: the later visits are no longer counted, the
first takes the call's outcome (answered if any visit was) and its wait from the
first entry.
"""

from django.db import migrations, models
from django.db.models import Count, F

_CONTINUING = {"timeout", "empty", "key"}
_GAP = 300


def join_calls(apps, schema_editor):
    HotlineCall = apps.get_model("care", "HotlineCall")
    HotlineCall.objects.update(call_outcome=F("outcome"), call_wait_seconds=F("wait_seconds"))
    several = (HotlineCall.objects.values("call_ref").annotate(n=Count("pk"))
               .filter(n__gt=1).values_list("call_ref", flat=True).order_by())
    for call_ref in several.iterator():
        visits = list(HotlineCall.objects.filter(call_ref=call_ref).order_by("entered_at", "pk"))
        first = last = visits[0]
        for visit in visits[1:]:
            left = last.ended_at
            goes_on = (left is None or last.outcome in _CONTINUING
                       or last.ended_by == "transfer")
            near = (left is None and visit.entered_at >= last.entered_at) or (
                left is not None and 0 <= (visit.entered_at - left).total_seconds() <= _GAP)
            if not (goes_on and near):
                first = last = visit
                continue
            visit.counted = False
            visit.save(update_fields=["counted"])
            until = visit.answered_at or visit.ended_at
            if first.call_outcome != "answered":
                first.call_outcome = visit.outcome
                first.call_wait_seconds = (None if until is None else
                                           max(0, round((until - first.entered_at)
                                                        .total_seconds())))
                first.save(update_fields=["call_outcome", "call_wait_seconds"])
            last = visit


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0004_calls_idempotent_by_call'),
    ]

    operations = [
        migrations.AddField(
            model_name='hotlinecall',
            name='call_outcome',
            field=models.CharField(blank=True, choices=[('answered', 'Answered by an agent'), ('abandoned', 'Abandoned by the caller'), ('timeout', 'Left the queue at its timeout'), ('empty', 'No agent available (queue empty)'), ('key', 'Caller left with a key'), ('unknown', 'No exit recorded')], max_length=10, verbose_name='outcome of the call'),
        ),
        migrations.AddField(
            model_name='hotlinecall',
            name='call_wait_seconds',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='wait of the call (s)'),
        ),
        migrations.AddField(
            model_name='hotlinecall',
            name='counted',
            field=models.BooleanField(default=True, verbose_name='counted in the figures'),
        ),
        migrations.RunPython(join_calls, migrations.RunPython.noop),
    ]
