"""Placeholder: audit actions of their own for lead and access-code downloads (filled in by that work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0009_bilingual_texts")]

    operations = []
