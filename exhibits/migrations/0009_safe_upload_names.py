"""No stored upload keeps a name it was not given by us: exhibitor logos are redrawn under random
names like event logos (events 0006), so are the originals of booth pictures (stored as uploaded
before: original.gif could carry a script after the picture), and booth files whose name or
extension does not match their content are moved to a safe name in their asset's random folder
(extension read from the content, "bin" when it is nothing we serve or a picture that does not
decode: kept, but only ever served as a download).

Running it again changes nothing. Old files are deleted only once the new names are committed.
"""

import re
from pathlib import PurePosixPath

from django.conf import settings
from django.db import migrations

import events.uploads
from events.uploads import (
    SERVED_TYPES,
    UNKNOWN_EXTENSION,
    RandomName,
    redraw_stored_pictures,
    rename_unsafe_files,
    served_type,
)

LOGOS = RandomName("exhibitors/logos", "logo")
# booths/<booth>/<asset folder>/<role>.<extension>; a role may carry the storage's _AbC1234 suffix.
_ASSET_NAME = re.compile(r"^booths/\d+/[0-9a-f]{32}/[A-Za-z0-9_-]+\.[a-z0-9]+$")
_ASSET_FIELDS = ("original", "variant", "thumbnail")


def content_extension(stored) -> str:
    from exhibits.processing.sniff import sniff

    found = sniff(stored)
    return found.extension if found and found.extension in SERVED_TYPES else UNKNOWN_EXTENSION


def asset_name_is_safe(name: str, extension: str) -> bool:
    """In an asset folder, and shown as what the content is (audio.opus holds Ogg: both audio/ogg)."""
    if not _ASSET_NAME.match(name):
        return False
    if extension == UNKNOWN_EXTENSION:
        return name.endswith(f".{UNKNOWN_EXTENSION}")
    return served_type(name) == SERVED_TYPES[extension]


def asset_name(asset, old: str, extension: str) -> str:
    from exhibits.models.assets import asset_file_path

    return asset_file_path(asset, f"{PurePosixPath(old).stem}.{extension}")


def picture_fields(extension: str, size: int) -> dict:
    """What a redrawn original says about itself (a kept .bin keeps its sniffed format)."""
    formats = {"png": "png", "jpg": "jpeg"}
    return {"original_format": formats[extension], "original_size": size} if extension in formats else {}


def rename_unsafe_uploads(apps, schema_editor) -> None:
    exhibitor_model = apps.get_model("exhibits", "Exhibitor")
    asset_model = apps.get_model("exhibits", "BoothAsset")
    page_model = apps.get_model("exhibits", "AssetPage")
    redraw_stored_pictures(
        exhibitor_model.objects.exclude(logo="").order_by("pk"),
        "logo",
        max_pixels=settings.LOGO_MAX_PIXELS,
        is_safe=LOGOS.is_ours,
        new_name=lambda exhibitor, old, extension: LOGOS(exhibitor, f"logo.{extension}"),
    )
    pictures = asset_model.objects.filter(kind="image").exclude(original="")
    redraw_stored_pictures(
        pictures.order_by("pk"),
        "original",
        max_pixels=settings.IMAGE_MAX_PIXELS,
        is_safe=asset_name_is_safe,
        new_name=asset_name,
        fields_for=picture_fields,
    )
    for field_name in _ASSET_FIELDS:
        assets = asset_model.objects.exclude(**{field_name: ""})
        if field_name == "original":  # a picture's original was settled just above
            assets = assets.exclude(kind="image")
        rename_unsafe_files(
            assets.order_by("pk"),
            field_name,
            extension_of=content_extension,
            is_safe=asset_name_is_safe,
            new_name=asset_name,
        )
    rename_unsafe_files(
        page_model.objects.select_related("asset").order_by("pk"),
        "image",
        extension_of=content_extension,
        is_safe=asset_name_is_safe,
        new_name=lambda page, old, extension: asset_name(page.asset, old, extension),
    )


class Migration(migrations.Migration):
    dependencies = [("exhibits", "0008_booth_content"), ("events", "0006_safe_upload_names")]

    operations = [
        migrations.AlterField(
            model_name="exhibitor",
            name="logo",
            field=events.uploads.PictureField(
                blank=True,
                upload_to=events.uploads.RandomName("exhibitors/logos", "logo"),
                verbose_name="logo",
            ),
        ),
        migrations.RunPython(rename_unsafe_uploads, migrations.RunPython.noop),
    ]
