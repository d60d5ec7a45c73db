"""A hotline call is identified by its call id, queue and entry time, not by the file.

Before, the unique key began with the source file, so the same log imported under
another name (a copy, a rotated or overlapping log) stored its calls again. The
copies already stored are removed first: of each set of rows with the same call
id, queue and entry time the first one imported (lowest id) stays, and a complaint
opened from a removed copy is moved to the row that stays.
"""

from django.db import migrations, models
from django.db.models import Count, Min


def remove_copies(apps, schema_editor):
    HotlineCall = apps.get_model("care", "HotlineCall")
    Complaint = apps.get_model("care", "Complaint")
    doubled = (HotlineCall.objects.values("call_ref", "queue_id", "entered_at")
               .annotate(n=Count("pk"), keep=Min("pk")).filter(n__gt=1).order_by())
    for group in doubled.iterator():
        copies = list(HotlineCall.objects.filter(
            call_ref=group["call_ref"], queue_id=group["queue_id"],
            entered_at=group["entered_at"]).exclude(pk=group["keep"])
            .values_list("pk", flat=True))
        Complaint.objects.filter(contact_id__in=copies).update(contact_id=group["keep"])
        HotlineCall.objects.filter(pk__in=copies).delete()
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks now: PostgreSQL refuses to alter a table
        # with checks still pending in the transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0003_complaints'),
        ('customers', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='hotlinecall',
            name='hotline_call_once',
        ),
        migrations.RunPython(remove_copies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='hotlinecall',
            constraint=models.UniqueConstraint(fields=('call_ref', 'queue', 'entered_at'), name='hotline_call_once_per_call'),
        ),
    ]
