"""The schedule: live sessions with their speakers. Times are stored in UTC."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event
from .texts import PerLanguageTexts, translations_field


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=120)
    affiliation = models.CharField(_("affiliation"), max_length=160, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="speaker_name_unique_in_event")]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class Session(PerLanguageTexts, models.Model):
    TRANSLATED = ("title", "description")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    # In the event's first language; the other languages' versions are in *_translations.
    title = models.CharField(_("title"), max_length=200)
    title_translations = translations_field(_("title in other languages"))
    description = models.TextField(_("description"), blank=True)
    description_translations = translations_field(_("description in other languages"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    speakers = models.ManyToManyField(Speaker, blank=True, related_name="sessions")

    class Meta:
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})
