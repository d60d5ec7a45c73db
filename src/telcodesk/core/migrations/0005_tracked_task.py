# The slow work a staff member starts from a console page (file imports), with its progress.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_tmf_event_subject_and_withheld'),
    ]

    operations = [
        migrations.CreateModel(
            name='TrackedTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=60, verbose_name='kind')),
                ('state', models.CharField(choices=[('queued', 'Waiting for the worker'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='state')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='rows done')),
                ('total', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows in all')),
                ('requested_at', models.DateTimeField(verbose_name='requested at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('file', models.FileField(blank=True, max_length=300, upload_to='tasks/%Y/%m/', verbose_name='file')),
                ('file_name', models.CharField(blank=True, max_length=300, verbose_name='file name')),
                ('options', models.JSONField(blank=True, default=dict, verbose_name='options')),
                ('result', models.JSONField(blank=True, default=dict, verbose_name='result')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'tracked task',
                'verbose_name_plural': 'tracked tasks',
                'db_table': 'core_tracked_task',
                'ordering': ['-requested_at', '-pk'],
                'indexes': [models.Index(fields=['kind', '-requested_at'], name='core_tracked_kind_idx')],
            },
        ),
    ]
