"""Placeholder: API tokens and webhooks (filled in by that work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0010_audit_export_actions")]

    operations = []
