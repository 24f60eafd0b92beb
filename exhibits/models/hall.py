"""A hall: a named room of the expo with a plan on which booths are placed."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.models.texts import PerLanguageTexts, translations_field


class Hall(PerLanguageTexts, models.Model):
    TRANSLATED = ("name", "description")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="halls")
    # In the event's first language; the other languages' versions are in *_translations.
    name = models.CharField(_("name"), max_length=120)
    name_translations = translations_field(_("name in other languages"))
    description = models.TextField(_("description"), blank=True)
    description_translations = translations_field(_("description in other languages"))
    position = models.PositiveIntegerField(_("order"), default=0)
    plan_columns = models.PositiveSmallIntegerField(
        _("plan width (cells)"), default=12, validators=[MinValueValidator(2), MaxValueValidator(60)]
    )
    plan_rows = models.PositiveSmallIntegerField(
        _("plan depth (cells)"), default=8, validators=[MinValueValidator(2), MaxValueValidator(60)]
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="hall_name_unique_in_event")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A plan made smaller must still hold every booth already placed on it."""
        if not self.pk or not self.plan_columns or not self.plan_rows:
            return
        errors = {}
        booths = list(self.booths.select_related("exhibitor").order_by("number"))
        wide = next((b for b in booths if b.x + b.width > self.plan_columns), None)
        if wide:
            errors["plan_columns"] = _(
                "Booth %(number)s (%(exhibitor)s) reaches column %(needed)s: make the plan "
                "at least %(needed)s cells wide, or move the booth first."
            ) % {"number": wide.number, "exhibitor": wide.exhibitor.name, "needed": wide.x + wide.width}
        deep = next((b for b in booths if b.y + b.height > self.plan_rows), None)
        if deep:
            errors["plan_rows"] = _(
                "Booth %(number)s (%(exhibitor)s) reaches row %(needed)s: make the plan "
                "at least %(needed)s cells deep, or move the booth first."
            ) % {"number": deep.number, "exhibitor": deep.exhibitor.name, "needed": deep.y + deep.height}
        if errors:
            raise ValidationError(errors)
