"""A staff member's private calendar feed of their exhibitor's meetings: its secret address,
renewing it, finding it again by that address, the meetings it lists, and its shredding.

The address is a capability: whoever holds it reads who meets the exhibitor when. So it answers
only while its holder is still on the exhibitor's staff with an active account, and renewing it
kills the old address at once.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.errors import NotAllowed
from events.models import Event, User
from events.shredder import ShredItem, ShredStrategy

from ..models import Appointment, Exhibitor, ExhibitorStaff, StaffCalendarFeed

FEED_TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64


def _new_token() -> str:
    return secrets.token_urlsafe(FEED_TOKEN_BYTES)


def _member(exhibitor: Exhibitor, by: User) -> ExhibitorStaff:
    member = (
        ExhibitorStaff.objects.filter(exhibitor=exhibitor, user=by).first()
        if by is not None and by.is_authenticated
        else None
    )
    if member is None:
        raise NotAllowed(_("Only the exhibitor's own staff have a calendar feed of its meetings."))
    return member


def staff_calendar_feed_of(exhibitor: Exhibitor, *, by: User, language: str = "") -> StaffCalendarFeed:
    """`by`'s feed of the exhibitor's meetings, made on first use (in `language`)."""
    member = _member(exhibitor, by)
    feed = StaffCalendarFeed.objects.filter(staff=member).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return StaffCalendarFeed.objects.create(staff=member, token=_new_token(), language=language)
    except IntegrityError:  # made at the same moment by another request
        return StaffCalendarFeed.objects.get(staff=member)


@transaction.atomic
def renew_staff_calendar_feed(exhibitor: Exhibitor, *, by: User, language: str = "") -> StaffCalendarFeed:
    """A new secret address for `by`'s feed; the old one stops working at once."""
    member = _member(exhibitor, by)
    feed = StaffCalendarFeed.objects.select_for_update().filter(staff=member).first()
    if feed is None:
        return StaffCalendarFeed.objects.create(staff=member, token=_new_token(), language=language)
    feed.token, feed.created_at = _new_token(), timezone.now()
    feed.language = language or feed.language
    feed.save(update_fields=["token", "created_at", "language"])
    return feed


def staff_feed_by_token(exhibitor_id: int, token: str) -> StaffCalendarFeed | None:
    """The feed behind a secret address, while its holder is still on the exhibitor's staff
    (a removed member's row, and with it the feed, is gone) with an active account."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    feed = (
        StaffCalendarFeed.objects.filter(token=token, staff__exhibitor_id=exhibitor_id)
        .select_related("staff__exhibitor__event", "staff__user")
        .first()
    )
    if feed is None or not feed.staff.user.is_active:
        return None
    return feed


def meetings_of_staff(member: ExhibitorStaff) -> QuerySet[Appointment]:
    """The exhibitor's meetings `member` takes part in: those in their own times and those in
    times the booth offered for whoever of its staff is there; cancelled ones included."""
    return (
        Appointment.objects.filter(booth__exhibitor_id=member.exhibitor_id)
        .filter(Q(staff=member) | Q(staff__isnull=True))
        .select_related("booth__exhibitor", "booth__hall", "booth__event", "attendee")
        .order_by("starts_at", "id")
    )


class StaffCalendarFeedShredder(ShredStrategy):
    """A staff feed reads out who met the exhibitor: its secret goes with the event's data."""

    name = "exhibits.staff_calendar_feeds"
    label = gettext_lazy("Staff calendar feed addresses")

    def _feeds(self, event: Event) -> QuerySet[StaffCalendarFeed]:
        return StaffCalendarFeed.objects.filter(staff__exhibitor__event=event)

    def describe(self, event: Event) -> list[ShredItem]:
        return [ShredItem(_("Staff calendar feed addresses"), self._feeds(event).count())]

    def export(self, event: Event) -> dict[str, Any]:
        feeds = self._feeds(event).select_related("staff").order_by("staff_id")
        # The secret itself is not archived: an archive must never reopen a feed.
        return {
            "staff_calendar_feeds": [
                {
                    "exhibitor": feed.staff.exhibitor_id,
                    "staff": feed.staff_id,
                    "created_at": feed.created_at.isoformat(),
                }
                for feed in feeds
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        return {"staff_calendar_feeds": self._feeds(event).delete()[0]}
