"""Reserved for recordings of a stage and their replays: filled by that change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("media_rtc", "0001_initial"),
        ("events", "0017_polls_placeholder"),
    ]

    operations = []
