"""The service standard moves to sla (``sla.0004`` takes it over in the state): drop it
from quality's state only. The table ``quality_servicestandard`` stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0006_default_memberships_vip_examples_disabled'),
        ('sla', '0004_service_standard_from_quality'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='ServiceStandard',
                ),
            ],
        ),
    ]
