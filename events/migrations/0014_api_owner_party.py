"""Tokens and webhooks name their owner by party kind and id (events.registry.api_parties) instead
of an exhibitor id: the column is renamed with its values, and the rows that had one are marked as
the "exhibitor" party's, so every existing token and webhook keeps working.

The audit log's actions other apps record come from events.registry (the stored values stay the
same strings, so old entries read as before)."""

from django.db import migrations, models

import events.registry

# The one party that existed before parties were registered.
EXISTING_PARTY = "exhibitor"


def mark_existing_owners(apps, schema_editor):
    for model in ("ApiToken", "Webhook"):
        apps.get_model("events", model).objects.filter(owner_id__isnull=False).update(
            owner_kind=EXISTING_PARTY
        )


def drop_other_parties(apps, schema_editor):
    # Going back, a column of exhibitor ids cannot hold another party's: its tokens and webhooks go
    # (kept, they would turn into the event owners' own).
    for model in ("ApiToken", "Webhook"):
        apps.get_model("events", model).objects.exclude(owner_kind__in=["", EXISTING_PARTY]).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0013_meetings_placeholder")]

    operations = [
        migrations.RenameField("apitoken", "exhibitor_id", "owner_id"),
        migrations.RenameField("webhook", "exhibitor_id", "owner_id"),
        migrations.AddField(
            "apitoken", "owner_kind", models.CharField(blank=True, default="", max_length=40)
        ),
        migrations.AddField("webhook", "owner_kind", models.CharField(blank=True, default="", max_length=40)),
        migrations.RunPython(mark_existing_owners, drop_other_parties),
        migrations.AlterField(
            model_name="auditlogentry",
            name="action",
            field=models.CharField(
                choices=events.registry.audit_action_choices, max_length=32, verbose_name="what"
            ),
        ),
        migrations.AlterField(
            model_name="auditlogentry",
            name="actor_role",
            field=models.CharField(
                choices=[
                    ("team", "Event team"),
                    ("attendee", "The attendee themselves"),
                    ("retention", "Automatic retention"),
                ],
                max_length=12,
                verbose_name="by",
            ),
        ),
        # Chat shows staff as the registered role names itself (events.registry.event_roles).
        migrations.AlterField(
            model_name="chatmessage",
            name="author_role",
            field=models.CharField(
                choices=[("attendee", "Visitor"), ("staff", "Staff"), ("team", "Organiser")],
                max_length=12,
                verbose_name="role",
            ),
        ),
    ]
