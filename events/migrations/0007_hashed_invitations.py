"""Team invitations keep only the SHA-256 of their token (the link still carries the token, so
links already mailed keep working); attendees gain the "awaiting confirmation" status and
counted attempts the access-code-prefix scope.
"""

import hashlib

from django.db import migrations, models

import events.models.invitation


def hash_tokens(apps, schema_editor) -> None:
    invitation_model = apps.get_model("events", "TeamInvitation")
    for invitation in invitation_model.objects.only("pk", "token_hash").iterator():
        if len(invitation.token_hash) == 64 and all(ch in "0123456789abcdef" for ch in invitation.token_hash):
            continue  # already a hash: running it again changes nothing
        invitation.token_hash = hashlib.sha256(invitation.token_hash.encode()).hexdigest()
        invitation.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [("events", "0006_safe_upload_names")]

    operations = [
        migrations.RenameField("teaminvitation", "token", "token_hash"),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="teaminvitation",
            name="token_hash",
            field=models.CharField(
                default=events.models.invitation.unusable_token_hash,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="attendee",
            name="status",
            field=models.CharField(
                choices=[
                    ("unconfirmed", "Awaiting confirmation"),
                    ("pending", "Awaiting approval"),
                    ("confirmed", "Confirmed"),
                    ("rejected", "Rejected"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="countedattempt",
            name="scope",
            field=models.CharField(
                choices=[
                    ("mail_address", "Sign-in mail to one address"),
                    ("mail_ip", "Sign-in mail from one network address"),
                    ("code_address", "Wrong sign-in code for one address"),
                    ("code_ip", "Wrong sign-in code from one network address"),
                    ("access_ip", "Wrong access code from one network address"),
                    ("access_event", "Wrong access code for one event"),
                    ("access_prefix", "Wrong access code starting the same way"),
                ],
                max_length=16,
            ),
        ),
    ]
