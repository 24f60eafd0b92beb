"""Event logos are stored re-encoded under random names; this redraws logos stored before that
(as uploaded, under the uploader's name, such as events/logos/pwn.js) and stores them under a
random name with the extension of what was drawn ("bin" for what does not decode as a picture:
kept, but only ever served as a download).

Running it again changes nothing. Old files are deleted only once the new names are committed.
"""

from django.conf import settings
from django.db import migrations

import events.uploads
from events.uploads import RandomName, redraw_stored_pictures

LOGOS = RandomName("events/logos", "logo")


def rename_event_logos(apps, schema_editor) -> None:
    event_model = apps.get_model("events", "Event")
    redraw_stored_pictures(
        event_model.objects.exclude(logo="").order_by("pk"),
        "logo",
        max_pixels=settings.LOGO_MAX_PIXELS,
        is_safe=LOGOS.is_ours,
        new_name=lambda event, old, extension: LOGOS(event, f"logo.{extension}"),
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0005_audit_sanction_lifted")]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="logo",
            field=events.uploads.PictureField(
                blank=True, upload_to=events.uploads.RandomName("events/logos", "logo"), verbose_name="logo"
            ),
        ),
        migrations.RunPython(rename_event_logos, migrations.RunPython.noop),
    ]
