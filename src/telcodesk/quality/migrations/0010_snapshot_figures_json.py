"""Report snapshots keep their figures as JSON text instead of pickle.

The pickled rows are deleted rather than converted: a snapshot is a cache of figures
computed from the records, and the report page computes it again on its next visit
(the published reports keep their own JSON copy, ``ReportPublication.snapshot``, which
is untouched). Converting would mean unpickling database contents inside a migration,
with the classes of whatever version runs it: the very thing this change removes.
Going back deletes the JSON rows the same way.
"""

from django.db import migrations, models


def forget_snapshots(apps, schema_editor):
    apps.get_model("quality", "ReportSnapshot").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0009_report_snapshots"),
    ]

    operations = [
        migrations.RunPython(forget_snapshots, forget_snapshots),
        migrations.RemoveField(model_name="reportsnapshot", name="figures"),
        migrations.AddField(
            model_name="reportsnapshot",
            name="figures",
            field=models.TextField(blank=True, editable=False, null=True,
                                   verbose_name="figures"),
        ),
    ]
