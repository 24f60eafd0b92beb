"""Reserved for a session's polls: filled by that change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_stage_placeholder"),
    ]

    operations = []
