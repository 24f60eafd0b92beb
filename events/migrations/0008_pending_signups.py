"""Placeholder: pending organiser sign-ups (filled in by the sign-up work, if it needs a table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0007_hashed_invitations")]

    operations = []
