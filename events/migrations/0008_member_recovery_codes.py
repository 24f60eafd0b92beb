"""Placeholder: institution members' recovery codes (filled in by that work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0007_hashed_invitations")]

    operations = []
