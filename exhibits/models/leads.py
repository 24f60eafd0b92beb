"""Leads: contact details a visitor chose to share with one exhibitor at one of its booths.

`shared_fields` is a snapshot taken when the visitor shared, holding only what they ticked:
``[{"key": "name", "value": "Kim Minji"}, {"key": "email", "value": "minji@example.org"},
{"key": "answer:company", "label": {"en": "Company", "ko": "회사"}, "value": {"en": "Acme"}}]``.
Withdrawing deletes the row (see services.leads); the booth's daily counts keep the number only.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Attendee
from events.models.registration import in_language

from .booth import Booth
from .exhibitor import Exhibitor

NAME_KEY = "name"
EMAIL_KEY = "email"
ANSWER_PREFIX = "answer:"
NOTES_MAX_LENGTH = 2000
RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class Lead(models.Model):
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="leads")
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="leads")
    # Stored apart from the booth: the visitor consented to this exhibitor, and the lead stays
    # with it even if the organiser later gives the booth to someone else.
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="leads")
    shared_fields = models.JSONField(default=list)
    notes = models.TextField(gettext_lazy("notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    rating = models.PositiveSmallIntegerField(
        gettext_lazy("rating"),
        null=True,
        blank=True,
        choices=RATING_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(gettext_lazy("shared"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = gettext_lazy("lead")
        verbose_name_plural = gettext_lazy("leads")
        constraints = [
            models.UniqueConstraint(fields=["booth", "attendee"], name="one_lead_per_booth_and_attendee"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="lead_rating_one_to_five",
            ),
        ]
        indexes = [models.Index(fields=["exhibitor", "-created_at"], name="lead_exhibitor_time")]

    def __str__(self) -> str:
        return f"lead #{self.pk} at booth {self.booth_id}"

    def details_in(self, language: str) -> list[tuple[str, str]]:
        """(label, value) of each shared field, as the reader in `language` reads them."""
        fallbacks = self.booth.event.languages
        details = []
        for field in self.shared_fields or []:
            key = field.get("key", "")
            if key == NAME_KEY:
                details.append((_("Name"), str(field.get("value", ""))))
            elif key == EMAIL_KEY:
                details.append((_("E-mail address"), str(field.get("value", ""))))
            else:
                label = in_language(field.get("label", {}), language, fallbacks) or key[len(ANSWER_PREFIX) :]
                details.append((label, in_language(field.get("value", {}), language, fallbacks)))
        return details

    @property
    def shared_name(self) -> str:
        """The name the visitor shared, or "" if they did not share it."""
        return self.value_of(NAME_KEY, "")

    @property
    def details(self) -> list[tuple[str, str]]:
        """The shared fields in the active language (for templates)."""
        return self.details_in(translation.get_language() or "en")

    def value_of(self, key: str, language: str) -> str:
        """One shared field's value, or "" if the visitor did not share it."""
        for field in self.shared_fields or []:
            if field.get("key") == key:
                value = field.get("value", "")
                return (
                    in_language(value, language, self.booth.event.languages)
                    if isinstance(value, dict)
                    else str(value)
                )
        return ""
