"""Reserved for conference rooms (many organisations on one screen): filled by that change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("media_rtc", "0002_recording_placeholder"),
    ]

    operations = []
