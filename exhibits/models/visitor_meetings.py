"""Meetings between two visitors, by consent: one asks another for a time, the other accepts,
declines or proposes another time. Both must be visible to others and open to meetings
(Attendee.open_to_meetings). The meeting happens in a media_rtc meeting room without a booth.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Attendee, Event

from .appointments import NOTE_MAX_LENGTH, OPEN_STATUSES, AppointmentStatus, new_room_token

VISITOR_MEETING_LENGTHS = (15, 30, 45, 60)


class VisitorMeeting(models.Model):
    """One meeting between two attendees of the same event: `asker` asked `invitee`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="visitor_meetings")
    asker = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="meetings_asked")
    invitee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="meetings_invited")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    asker_agreed_at = models.DateTimeField(null=True, blank=True)
    invitee_agreed_at = models.DateTimeField(null=True, blank=True)
    declined = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    asker_joined_at = models.DateTimeField(null=True, blank=True)
    invitee_joined_at = models.DateTimeField(null=True, blank=True)
    room_token = models.CharField(max_length=32, unique=True, default=new_room_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("visitor meeting")
        verbose_name_plural = _("visitor meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="visitor_meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(asker=models.F("invitee")), name="visitor_meeting_two_people"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="visitor_meeting_status_time")]

    def __str__(self) -> str:
        return f"visitor meeting #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_confirmed(self) -> bool:
        return self.status == AppointmentStatus.CONFIRMED

    @property
    def was_held(self) -> bool:
        return self.asker_joined_at is not None and self.invitee_joined_at is not None
