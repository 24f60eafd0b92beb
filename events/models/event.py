"""The Event: one exhibition, from draft to published to closed."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import EventStatus
from ..uploads import PictureField, RandomName
from ..validators import (
    validate_colour,
    validate_event_slug,
    validate_languages,
    validate_time_zone,
)
from .texts import PerLanguageTexts, translations_field


def default_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Event(PerLanguageTexts, models.Model):
    TRANSLATED = ("name", "description")

    # In the event's first language; the other languages' versions are in name_translations.
    name = models.CharField(_("name"), max_length=200)
    name_translations = translations_field(_("name in other languages"))
    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        validators=[validate_event_slug],
        help_text=_("Used in the event's web address. Letters, digits and hyphens only."),
    )
    description = models.TextField(_("description"), blank=True)
    description_translations = translations_field(_("description in other languages"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_time_zone]
    )
    languages = models.JSONField(_("languages"), default=default_languages, validators=[validate_languages])
    # Re-encoded and stored under a random name: the uploader's file name never reaches /media/.
    logo = PictureField(_("logo"), upload_to=RandomName("events/logos", "logo"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1a5fb4", validators=[validate_colour])
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_closed(self) -> bool:
        return self.status == EventStatus.CLOSED

    @property
    def is_public(self) -> bool:
        """Published and closed events can be seen by anyone; drafts only by their team."""
        return self.status in (EventStatus.PUBLISHED, EventStatus.CLOSED)
