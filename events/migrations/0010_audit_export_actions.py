"""Lead and access-code downloads get audit actions of their own, and exhibitor staff an actor
role of their own; the entries written before keep their meaning (moved by their details' kind)."""

from django.db import migrations, models


def name_old_downloads(apps, schema_editor):
    entry = apps.get_model("events", "AuditLogEntry")
    downloads = entry.objects.filter(action="export_downloaded")
    # Only an exhibitor's staff could download leads, though the log called them the team.
    downloads.filter(details__kind="leads_csv").update(action="leads_exported", actor_role="staff")
    downloads.filter(details__kind="access_codes_csv").update(action="access_codes_exported")


def unname_old_downloads(apps, schema_editor):
    entry = apps.get_model("events", "AuditLogEntry")
    entry.objects.filter(action="leads_exported").update(action="export_downloaded", actor_role="team")
    entry.objects.filter(action="access_codes_exported").update(action="export_downloaded")


class Migration(migrations.Migration):
    dependencies = [("events", "0009_bilingual_texts")]

    operations = [
        migrations.AlterField(
            model_name="auditlogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("attendees_exported", "Attendee list exported"),
                    ("archive_exported", "Archive written before deleting personal data"),
                    ("export_downloaded", "Export file downloaded"),
                    ("own_data_downloaded", "Attendee downloaded their own data"),
                    ("registration_deleted", "Attendee deleted their registration"),
                    ("event_shredded", "Personal data of the event deleted"),
                    ("chat_message_deleted", "Chat message deleted"),
                    ("attendee_muted", "Attendee muted in chat"),
                    ("attendee_banned", "Attendee banned from the live event"),
                    ("sanction_lifted", "Chat mute or ban lifted"),
                    ("leads_exported", "Leads downloaded by the exhibitor"),
                    ("access_codes_exported", "Access codes of institutions downloaded"),
                    # Added by 0008's work (choices are state only): this is the last word on them.
                    ("seat_revoked", "Institution member's seat revoked"),
                ],
                max_length=32,
                verbose_name="what",
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
                    ("staff", "Exhibitor staff"),
                ],
                max_length=12,
                verbose_name="by",
            ),
        ),
        migrations.RunPython(name_old_downloads, unname_old_downloads),
    ]
