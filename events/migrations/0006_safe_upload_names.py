"""Event logos are stored re-encoded under random names; this moves logos stored before that
(under the uploader's name, such as events/logos/pwn.js) to a random name whose extension is read
from the content ("bin" when it is no picture: kept, but only ever served as a download).

Running it again changes nothing. Old files are deleted only once the new names are committed.
"""

from django.db import migrations

import events.uploads
from events.uploads import RandomName, picture_extension, rename_unsafe_files

LOGOS = RandomName("events/logos", "logo")


def rename_event_logos(apps, schema_editor) -> None:
    event_model = apps.get_model("events", "Event")
    rename_unsafe_files(
        event_model.objects.exclude(logo="").order_by("pk"),
        "logo",
        extension_of=picture_extension,
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
