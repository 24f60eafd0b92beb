"""Placeholder: renames stored uploads to safe names (filled in by the uploads work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("exhibits", "0008_booth_content"), ("events", "0006_safe_upload_names")]

    operations = []
