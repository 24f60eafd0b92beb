"""A booth: an exhibitor's place on a hall plan, numbered uniquely in the event."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event, Session
from events.models.texts import PerLanguageTexts, translations_field

from .exhibitor import Exhibitor
from .hall import Hall


class Booth(PerLanguageTexts, models.Model):
    # The description is already one text per language ({"en": ..., "ko": ...}); the tagline
    # follows the other per-language texts (events/models/texts.py).
    TRANSLATED = ("tagline",)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="booths")
    # RESTRICT: a hall with booths cannot vanish alone and orphan them (services.halls refuses
    # first), yet deleting the whole event takes its halls and booths with it.
    hall = models.ForeignKey(Hall, on_delete=models.RESTRICT, related_name="booths", verbose_name=_("hall"))
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.RESTRICT, related_name="booths", verbose_name=_("exhibitor")
    )
    number = models.CharField(
        _("booth number"), max_length=12, help_text=_("Unique in the event, for example A-12.")
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    tagline_translations = translations_field(_("tagline in other languages"))
    # The exhibitor's own words about the booth, one text per event language: {"en": ..., "ko": ...}.
    description = models.JSONField(_("description"), default=dict, blank=True)
    tags = models.ManyToManyField("exhibits.Tag", blank=True, related_name="booths", verbose_name=_("tags"))
    x = models.PositiveSmallIntegerField(_("column"), default=0, validators=[MaxValueValidator(59)])
    y = models.PositiveSmallIntegerField(_("row"), default=0, validators=[MaxValueValidator(59)])
    width = models.PositiveSmallIntegerField(
        _("width (cells)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    height = models.PositiveSmallIntegerField(
        _("depth (cells)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        ordering = ["hall__position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"],
                name="booth_number_unique_in_event",
                violation_error_message=_("This booth number is already taken in this event."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.exhibitor.name}"

    def overlaps(self, other: "Booth") -> bool:
        return not (
            self.x + self.width <= other.x
            or other.x + other.width <= self.x
            or self.y + self.height <= other.y
            or other.y + other.height <= self.y
        )

    def clean(self) -> None:
        errors = {}
        event_id = self.event_id or (self.hall.event_id if self.hall_id else None)
        if self.hall_id and self.hall.event_id != event_id:
            errors["hall"] = _("This hall belongs to another event.")
        if self.exhibitor_id and self.exhibitor.event_id != event_id:
            errors["exhibitor"] = _("This exhibitor belongs to another event.")
        if self.hall_id:
            if self.x + self.width > self.hall.plan_columns:
                errors["width"] = _(
                    "The booth runs off the right edge of the hall plan (%(n)s cells wide)."
                ) % {"n": self.hall.plan_columns}
            if self.y + self.height > self.hall.plan_rows:
                errors["height"] = _("The booth runs off the bottom of the hall plan (%(n)s cells deep).") % {
                    "n": self.hall.plan_rows
                }
        if errors:
            raise ValidationError(errors)


class Tag(PerLanguageTexts, models.Model):
    """A topic visitors filter booths by (“AI”, “Security”); shared by the booths of one event."""

    TRANSLATED = ("name",)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tags")
    # In the event's first language (unique in the event); other languages in name_translations.
    name = models.CharField(_("name"), max_length=40)
    name_translations = translations_field(_("name in other languages"))

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="tag_name_unique_in_event")]

    def __str__(self) -> str:
        return self.name


class BoothSession(models.Model):
    """Places a scheduled session at a booth (events knows nothing of booths; this link does)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="booth_link")
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="session_links")

    def __str__(self) -> str:
        return f"{self.session} @ {self.booth}"
