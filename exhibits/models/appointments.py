"""Meetings by appointment: times a booth's staff offer (slots) and the meetings visitors book
in them. A meeting happens in a media_rtc meeting room; these rows only say who meets when.

A slot is offered by one staff member, or by the booth (whoever of its staff is there). At most
one open (asked or confirmed) meeting per slot: the database refuses a second one, whatever
the services get wrong under concurrency.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Attendee

from .booth import Booth
from .exhibitor import ExhibitorStaff

NOTE_MAX_LENGTH = 500
LENGTH_CHOICES_MINUTES = (15, 20, 30, 45, 60)
BUFFER_MAX_MINUTES = 60
SLOTS_PER_PUBLISH_MAX = 48  # one publishing makes at most a long day of short meetings


def new_room_token() -> str:
    return secrets.token_urlsafe(12)  # 16 characters: a media_rtc meeting token


class AppointmentStatus(models.TextChoices):
    ASKED = "asked", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = (AppointmentStatus.ASKED, AppointmentStatus.CONFIRMED)


class AskedBy(models.TextChoices):
    VISITOR = "visitor", _("the visitor")
    STAFF = "staff", _("the exhibitor")


class MeetingSlot(models.Model):
    """A time a booth's staff are free to meet one visitor; `buffer_minutes` after it stay free."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="meeting_slots")
    staff = models.ForeignKey(
        ExhibitorStaff,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_slots",
        verbose_name=_("staff member"),
        help_text=_("Empty: whoever of the booth's staff is there."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    buffer_minutes = models.PositiveSmallIntegerField(_("break after (minutes)"), default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting time")
        verbose_name_plural = _("meeting times")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["booth", "starts_at"], name="slot_booth_time")]

    def __str__(self) -> str:
        return f"slot #{self.pk} at booth {self.booth_id}"


class Appointment(models.Model):
    """One meeting between a visitor and a booth's staff, in one slot."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="appointments")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="appointments")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="appointments")
    staff = models.ForeignKey(
        ExhibitorStaff, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices)
    asked_by = models.CharField(max_length=8, choices=AskedBy.choices)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    visitor_agreed_at = models.DateTimeField(null=True, blank=True)
    staff_agreed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    visitor_joined_at = models.DateTimeField(null=True, blank=True)
    staff_joined_at = models.DateTimeField(null=True, blank=True)
    # The media_rtc meeting room both sides join at the time.
    room_token = models.CharField(max_length=32, unique=True, default=new_room_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status__in=["asked", "confirmed"]),
                name="one_open_appointment_per_slot",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["booth", "starts_at"], name="appointment_booth_time"),
            models.Index(fields=["status", "starts_at"], name="appointment_status_time"),
        ]

    def __str__(self) -> str:
        return f"meeting #{self.pk} at booth {self.booth_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_confirmed(self) -> bool:
        return self.status == AppointmentStatus.CONFIRMED

    @property
    def was_held(self) -> bool:
        return self.visitor_joined_at is not None and self.staff_joined_at is not None
