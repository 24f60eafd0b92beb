"""Staff invitations keep only the SHA-256 of their token (links already mailed keep working)."""

import hashlib

from django.db import migrations, models

import events.models.invitation


def hash_tokens(apps, schema_editor) -> None:
    invitation_model = apps.get_model("exhibits", "StaffInvitation")
    for invitation in invitation_model.objects.only("pk", "token_hash").iterator():
        if len(invitation.token_hash) == 64 and all(ch in "0123456789abcdef" for ch in invitation.token_hash):
            continue  # already a hash: running it again changes nothing
        invitation.token_hash = hashlib.sha256(invitation.token_hash.encode()).hexdigest()
        invitation.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("exhibits", "0009_safe_upload_names"),
        ("events", "0007_hashed_invitations"),
    ]

    operations = [
        migrations.RenameField("staffinvitation", "token", "token_hash"),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="staffinvitation",
            name="token_hash",
            field=models.CharField(
                default=events.models.invitation.unusable_token_hash,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
