"""The quality report's index over finished clocks: (state, stopped_at) first, then
every column the indicator aggregate reads, so a period is one index range read
without visiting the table. It replaces ``sla_finished_idx`` (service, kind,
stopped_at), which only that report used."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='slaclock', name='sla_finished_idx'),
        migrations.AddIndex(
            model_name='slaclock',
            index=models.Index(fields=['state', 'stopped_at', 'kind', 'service', 'area',
                                       'org_unit', 'limit_unit', 'timely', 'counted_duration'],
                               name='sla_finished_cover_idx'),
        ),
    ]
