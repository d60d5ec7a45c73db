"""The service standard (and its vocabulary) moves from quality to sla: the SLA engine
owns the policy its clocks run on. State only: the table keeps its name
(``quality_servicestandard``), the clocks' foreign keys keep pointing at it, no row moves.
``quality.0007`` then drops the model from quality's state."""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0003_clock_judged_by_regulator_limit'),
        ('quality', '0006_default_memberships_vip_examples_disabled'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ServiceStandard',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('service', models.CharField(choices=[('fixed', 'Fixed telephone'), ('broadband', 'Broadband'), ('mobile', 'Mobile'), ('any', 'Any service')], max_length=10, verbose_name='service')),
                        ('kind', models.CharField(choices=[('install', 'Installation'), ('move', 'Move'), ('change', 'Business change'), ('reconnection', 'Reconnection'), ('repair', 'Fault repair'), ('complaint_reply', 'Complaint reply'), ('complaint_regulator', 'Complaint reply (regulator limit)')], max_length=20, verbose_name='request kind')),
                        ('area', models.CharField(choices=[('urban', 'Urban'), ('rural', 'Rural'), ('any', 'Any area')], default='any', max_length=5, verbose_name='area')),
                        ('tier', models.CharField(choices=[('ordinary', 'Ordinary'), ('silver', 'Silver'), ('gold', 'Gold'), ('diamond', 'Diamond'), ('any', 'Any tier')], default='any', max_length=10, verbose_name='customer tier')),
                        ('limit_value', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='limit')),
                        ('limit_unit', models.CharField(choices=[('hours', 'hours'), ('working_days', 'working days')], max_length=12, verbose_name='unit')),
                        ('maximum_value', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='maximum')),
                        ('average_target', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='average target')),
                        ('timely_target_pct', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='timely-rate target (%)')),
                        ('warning_ratio', models.DecimalField(decimal_places=2, default=Decimal('0.80'), max_digits=4, verbose_name='warning at (share of the limit)')),
                        ('excluded_pause_reasons', models.JSONField(blank=True, default=list, verbose_name='excluded pause reasons')),
                        ('active_from', models.DateTimeField(verbose_name='in force from')),
                        ('active_to', models.DateTimeField(blank=True, null=True, verbose_name='in force until')),
                        ('source', models.TextField(blank=True, verbose_name='source')),
                        ('verified', models.BooleanField(default=False, verbose_name="verified against the regulator's text")),
                        ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                        ('created_at', models.DateTimeField(blank=True, null=True, verbose_name='created')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'service standard',
                        'verbose_name_plural': 'service standards',
                        'db_table': 'quality_servicestandard',
                        'ordering': ['service', 'kind', 'area', 'tier', 'active_from'],
                    },
                ),
                migrations.AlterField(
                    model_name='slaclock',
                    name='indicator_standard',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sla.servicestandard', verbose_name="regulator's standard"),
                ),
                migrations.AlterField(
                    model_name='slaclock',
                    name='standard',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sla.servicestandard', verbose_name='standard'),
                ),
                migrations.AddIndex(
                    model_name='servicestandard',
                    index=models.Index(fields=['service', 'kind', 'area', 'tier', 'active_from'], name='standard_key_idx'),
                ),
                migrations.AddConstraint(
                    model_name='servicestandard',
                    constraint=models.CheckConstraint(condition=models.Q(('limit_value__gt', 0)), name='standard_limit_positive'),
                ),
                migrations.AddConstraint(
                    model_name='servicestandard',
                    constraint=models.CheckConstraint(condition=models.Q(('warning_ratio__gt', 0), ('warning_ratio__lte', 1)), name='standard_warning_ratio_range'),
                ),
                migrations.AddConstraint(
                    model_name='servicestandard',
                    constraint=models.CheckConstraint(condition=models.Q(('active_to__isnull', True), ('active_to__gt', models.F('active_from')), _connector='OR'), name='standard_period_order'),
                ),
            ],
        ),
    ]
