"""The work orders' (created_at, id) index: the order the paged lists read them in
(TMF621, newest first), so a page walks the index instead of sorting the scope."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0003_historical_requests"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["created_at", "id"], name="wo_created_idx"),
        ),
    ]
