"""Placeholder: per-language event, session texts (filled in by that work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0008_member_recovery_codes")]

    operations = []
