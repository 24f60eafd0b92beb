"""Institution members' recovery codes: only an HMAC of each is stored, with when it was made."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0007_hashed_invitations")]

    operations = [
        migrations.AddField(
            model_name="attendee",
            name="recovery_code_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="attendee",
            name="recovery_code_made_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="recovery code made"),
        ),
    ]
