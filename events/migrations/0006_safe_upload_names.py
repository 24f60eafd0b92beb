"""Placeholder: renames stored uploads to safe names (filled in by the uploads work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0005_audit_sanction_lifted")]

    operations = []
