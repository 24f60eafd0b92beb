"""Placeholder: per-language hall and exhibitor texts (filled in by that work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("exhibits", "0010_hashed_invitations"), ("events", "0009_bilingual_texts")]

    operations = []
