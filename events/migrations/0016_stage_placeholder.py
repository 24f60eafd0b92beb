"""Reserved for the stage (speakers on a session's stage, raised hands): filled by that change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0015_session_questions"),
    ]

    operations = []
