"""A booth's content beyond its text: uploaded files (documents, videos, sound, pictures) with
what processing made of them for visitors, the pages of documents, and links. A session on the main
stage (held at no booth) owns the documents its presenters show, made by the same processing.

Files are stored under generated names in a folder with a random name (never the uploader's
file name); visitors see only assets whose processing finished (status "ready").
"""

from __future__ import annotations

import re
import secrets
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from events.models.texts import PerLanguageTexts, translations_field
from events.uploads import safe_extension

from ..processing import failure_message
from .booth import Booth


class AssetKind(models.TextChoices):
    DOCUMENT = "document", _("Document (PDF)")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    IMAGE = "image", _("Picture")


class AssetStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be processed")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


SETTLED_STATUSES = (AssetStatus.READY, AssetStatus.FAILED)


def new_folder() -> str:
    # Unguessable: /media/ is served to anyone, and a draft event's booth content is not public yet.
    return secrets.token_hex(16)


_NOT_IN_ROLE = re.compile(r"[^a-z0-9-]+")


def asset_file_path(asset: BoothAsset, filename: str) -> str:
    """Where an asset's files live: in the asset's random folder, under a name that says what
    the file is for (original.pdf, page-0001.webp, video-low.mp4, …). Those names are ours; should
    any other reach here, only lower-case letters, digits and hyphens of it are kept, and an
    extension /media/ does not serve becomes .bin."""
    role = _NOT_IN_ROLE.sub("-", PurePosixPath(filename).stem.lower()).strip("-")[:40] or "file"
    owner = f"booths/{asset.booth_id}" if asset.booth_id else f"sessions/{asset.session_id}"
    return f"{owner}/{asset.folder}/{role}.{safe_extension(filename)}"


def page_file_path(page: AssetPage, filename: str) -> str:
    return asset_file_path(page.asset, filename)


class BoothAsset(PerLanguageTexts, models.Model):
    """One uploaded file of a booth and what processing made of it for visitors; or a document of
    a session held at no booth (`session`), which only its stage's presenters show."""

    TRANSLATED = ("title",)

    booth = models.ForeignKey(Booth, null=True, blank=True, on_delete=models.CASCADE, related_name="assets")
    session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="stage_documents"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AssetKind.choices)
    # Shown to visitors; taken from the uploaded file's name only after sanitising, or typed.
    title = models.CharField(_("title"), max_length=120)
    title_translations = translations_field(_("title in other languages"))
    position = models.PositiveIntegerField(_("order"), default=0)
    is_voice_note = models.BooleanField(default=False)
    folder = models.CharField(max_length=32, unique=True, default=new_folder, editable=False)
    original = models.FileField(upload_to=asset_file_path, max_length=200)
    original_format = models.CharField(max_length=16)  # sniffed from the content: "pdf", "mp4", …
    original_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=AssetStatus.choices, default=AssetStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    # Why processing failed: a code from exhibits.processing.FAILURES and its parameters, so the
    # message is written in the language of whoever reads it.
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    # What visitors get: the 360p MP4 of a video, the Opus file of audio, a picture's display copy.
    variant = models.FileField(upload_to=asset_file_path, max_length=200, blank=True)
    # A video's poster frame, a document's first page or a picture's thumbnail.
    thumbnail = models.FileField(upload_to=asset_file_path, max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)  # of the variant (or page 1)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)  # seconds
    page_count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("booth file")
        verbose_name_plural = _("booth files")
        indexes = [models.Index(fields=["booth", "status"], name="asset_booth_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booth__isnull=False, session__isnull=True)
                | models.Q(booth__isnull=True, session__isnull=False),
                name="asset_of_a_booth_or_a_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.kind}, {self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == AssetStatus.READY

    @property
    def is_settled(self) -> bool:
        return self.status in SETTLED_STATUSES

    @property
    def error_message(self) -> str:
        return failure_message(self.error_code, self.error_params) if self.error_code else ""

    @property
    def duration_label(self) -> str:
        """ "1:05" for 65 seconds, "1:02:03" past the hour."""
        seconds = round(self.duration or 0)
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    @property
    def download_name(self) -> str:
        """A file name for saving the original: the title, made safe, with the real extension."""
        try:
            stem = get_valid_filename(self.title)[:80]
        except SuspiciousFileOperation:  # a title that leaves nothing usable, such as ".."
            stem = self.kind
        extension = self.original.name.rsplit(".", 1)[-1] if "." in self.original.name else ""
        return f"{stem}.{extension}" if extension else stem


class AssetPage(models.Model):
    """One page of a document, rendered as a picture visitors can read on a phone."""

    asset = models.ForeignKey(BoothAsset, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    image = models.FileField(upload_to=page_file_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["asset", "number"]
        constraints = [models.UniqueConstraint(fields=["asset", "number"], name="asset_page_once")]

    def __str__(self) -> str:
        return f"{self.asset.title} p. {self.number}"


# Only http and https: a javascript: or file: link on a booth would harm its visitors.
validate_web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address starting with http:// or https://, for example https://example.org/."),
)


class BoothLink(PerLanguageTexts, models.Model):
    """A link on a booth: the exhibitor's product page, a sign-up form, a repository."""

    TRANSLATED = ("title",)

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=120)
    title_translations = translations_field(_("title in other languages"))
    url = models.URLField(_("web address"), max_length=500, validators=[validate_web_url])
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("booth link")
        verbose_name_plural = _("booth links")

    def __str__(self) -> str:
        return self.title


@receiver(post_delete, sender=BoothAsset)
def _remove_asset_files(sender, instance: BoothAsset, **kwargs) -> None:
    # Also when a booth or a whole event is deleted (a cascade): files of deleted content must not
    # stay reachable under /media/. Only once the deletion is committed, so a rollback keeps them.
    names = [field.name for field in (instance.original, instance.variant, instance.thumbnail) if field]
    _delete_files_on_commit(instance.original.storage, names)


@receiver(post_delete, sender=AssetPage)
def _remove_page_file(sender, instance: AssetPage, **kwargs) -> None:
    if instance.image:
        _delete_files_on_commit(instance.image.storage, [instance.image.name])


def _delete_files_on_commit(storage, names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)
