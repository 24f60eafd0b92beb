"""Recordings of live rooms (a session's stage, a booth's room) and their replays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("media_rtc", "0001_initial"),
        ("events", "0017_polls_placeholder"),
    ]

    operations = [
        migrations.CreateModel(
            name='Recording',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('room', models.CharField(max_length=80, verbose_name='room')),
                ('state', models.CharField(choices=[('recording', 'Recording'), ('processing', 'Being prepared'), ('ready', 'Ready'), ('failed', 'Failed')], default='recording', max_length=12, verbose_name='state')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress')),
                ('duration', models.FloatField(default=0.0, verbose_name='length in seconds')),
                ('folder', models.CharField(blank=True, max_length=200)),
                ('replay_file', models.CharField(blank=True, max_length=200)),
                ('low_file', models.CharField(blank=True, max_length=200)),
                ('poster_file', models.CharField(blank=True, max_length=200)),
                ('other_files', models.JSONField(blank=True, default=list)),
                ('stop_reason', models.CharField(blank=True, max_length=20)),
                ('failure', models.CharField(blank=True, max_length=40)),
                ('started_at', models.DateTimeField(auto_now_add=True)),
                ('stopped_at', models.DateTimeField(blank=True, null=True)),
                ('booth', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='recordings', to='exhibits.booth')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recordings', to='events.event')),
                ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='recordings', to='events.session')),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'recording',
                'verbose_name_plural': 'recordings',
                'ordering': ['-started_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'recording')), fields=('room',), name='one_recording_per_room'), models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='recording_progress_percent')],
            },
        ),
    ]
