"""Exhibitors: the organisations with booths, and the staff who run them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event, InvitationBase
from events.models.texts import PerLanguageTexts, translations_field
from events.uploads import PictureField, RandomName


class Exhibitor(PerLanguageTexts, models.Model):
    TRANSLATED = ("name", "description")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitors")
    # In the event's first language; the other languages' versions are in *_translations.
    name = models.CharField(_("name"), max_length=160)
    name_translations = translations_field(_("name in other languages"))
    description = models.TextField(_("description"), blank=True)
    description_translations = translations_field(_("description in other languages"))
    # Re-encoded and stored under a random name: the uploader's file name never reaches /media/.
    logo = PictureField(_("logo"), upload_to=RandomName("exhibitors/logos", "logo"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="exhibitor_name_unique_in_event")
        ]

    def __str__(self) -> str:
        return self.name


class ExhibitorStaff(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exhibitor_roles"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exhibitor", "user"], name="staff_once_per_exhibitor")]
        verbose_name_plural = _("exhibitor staff")

    def __str__(self) -> str:
        return f"{self.user} @ {self.exhibitor}"


class StaffInvitation(InvitationBase):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
