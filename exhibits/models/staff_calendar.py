"""The secret in the address of a staff member's calendar feed of their exhibitor's meetings."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exhibitor import ExhibitorStaff


class StaffCalendarFeed(models.Model):
    """One per staff membership: removing the member from the staff deletes it, so the address
    stops working with their access. Kept in plain text, like the visitors' CalendarFeed, so the
    member can see the address again; renewing replaces the token.

    `language` is the one the agenda was read in when the address was made: a calendar app
    polling the feed sends no language of its own, and staff have none stored elsewhere.
    """

    staff = models.OneToOneField(ExhibitorStaff, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff calendar feed")
        verbose_name_plural = _("staff calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of staff member {self.staff_id}"
