"""Booth analytics as counts per booth and day (in the event's time zone): visits, unique
visitors, document views, video plays and contacts shared. Nothing here can tell who visited.

A unique visitor is recognised within one day by a keyed hash of the day, the booth and the
attendee (`BoothVisitMark`); marks are deleted once their day is over, so afterwards not even
the hash is left. A visit is counted when a confirmed attendee opens the booth page and when they
enter the booth over the live socket (written in batches, exhibits.services.presence); the repeat
window keeps the two from counting one visit twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.enums import AttendeeStatus
from events.models import Attendee, Event
from events.services.activity import count_in_hour
from events.shredder import ShredItem, ShredStrategy

from ..models import Booth, BoothDailyStats, BoothVisitMark
from ..models.assets import BoothAsset

COUNTERS = ("visits", "unique_visitors", "document_views", "video_plays", "leads")

# Named limits; the site may override each in rakwon_site/settings.py.


def limit(name: str) -> int:
    return int(getattr(settings, name))  # the named limits live in rakwon_site/settings.py


def event_day(booth: Booth, at: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(at or timezone.now(), booth.event.tz)


def _end_of_day(booth: Booth, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=booth.event.tz)


def _bump(booth: Booth, day: dt.date, **changes: int) -> None:
    """Add to a booth's counters of one day, creating the day's row if needed (race-safe)."""
    updates = {name: F(name) + amount for name, amount in changes.items()}
    if BoothDailyStats.objects.filter(booth=booth, day=day).update(**updates):
        return
    try:
        with transaction.atomic():
            BoothDailyStats.objects.create(booth=booth, day=day, **{k: max(v, 0) for k, v in changes.items()})
    except IntegrityError:  # another request created the row meanwhile
        BoothDailyStats.objects.filter(booth=booth, day=day).update(**updates)


def booth_place(booth: Booth) -> str:
    """The booth's presence place key, under which events counts its visits per hour."""
    return f"booth:{booth.pk}"


def visit_key(booth: Booth, day: dt.date, attendee_id: int) -> str:
    """HMAC keyed by the site's secret and the day: the same attendee gives another key tomorrow."""
    secret = f"{settings.SECRET_KEY}:booth-visit:{day.isoformat()}".encode()
    return hmac.new(secret, f"{booth.pk}:{attendee_id}".encode(), hashlib.sha256).hexdigest()


def record_booth_visit(booth: Booth, attendee: Attendee | None, *, at: dt.datetime | None = None) -> bool:
    """Count a confirmed attendee opening a booth. Returns whether a visit was counted.

    Not counted: nobody, someone unconfirmed or of another event, a shredded registration (a
    visit batched before shredding must not leave a new mark of them), or the same person again
    within BOOTH_VISIT_REPEAT_MINUTES. Their first visit of the day also counts them as a
    unique visitor.
    """
    if attendee is None or attendee.status != AttendeeStatus.CONFIRMED or attendee.event_id != booth.event_id:
        return False
    if attendee.user_id is None:  # shredded: no account, no name (events.services.privacy)
        return False
    now = at or timezone.now()
    day = event_day(booth, now)
    repeat = dt.timedelta(minutes=limit("BOOTH_VISIT_REPEAT_MINUTES"))
    with transaction.atomic():
        mark, created = BoothVisitMark.objects.select_for_update().get_or_create(
            booth=booth,
            day=day,
            key=visit_key(booth, day, attendee.pk),
            defaults={"last_counted_at": now, "expires_at": _end_of_day(booth, day)},
        )
        if created:
            # Marks of past days go with the next new visitor too, not only with the periodic task.
            BoothVisitMark.objects.filter(booth=booth, expires_at__lte=now).delete()
        else:
            if now - mark.last_counted_at < repeat:
                return False
            BoothVisitMark.objects.filter(pk=mark.pk).update(last_counted_at=now)
        _bump(booth, day, visits=1, unique_visitors=1 if created else 0)
        count_in_hour(booth.event, booth_place(booth), "visits", at=now)
    return True


def record_document_view(asset: BoothAsset, *, at: dt.datetime | None = None) -> None:
    """Count one view of a document (deduplicated per session by the caller)."""
    booth = asset.booth
    _bump(booth, event_day(booth, at), document_views=1)


def record_video_play(asset: BoothAsset, *, at: dt.datetime | None = None) -> None:
    """Count one play of a video (deduplicated per session by the caller)."""
    booth = asset.booth
    _bump(booth, event_day(booth, at), video_plays=1)


def count_lead(booth: Booth, at: dt.datetime) -> None:
    _bump(booth, event_day(booth, at), leads=1)


def uncount_lead(booth: Booth, at: dt.datetime) -> None:
    """A withdrawn lead is taken off the count of the day it was shared (never below zero)."""
    BoothDailyStats.objects.filter(booth=booth, day=event_day(booth, at), leads__gt=0).update(
        leads=F("leads") - 1
    )


def forget_visit_marks(now: dt.datetime | None = None) -> int:
    """Periodic: delete the unique-visitor marks of days that are over. Returns how many."""
    deleted, _per_model = BoothVisitMark.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- Per-session deduplication of asset events ----------------------------------------------


SESSION_KEY = "rakwon_asset_events"


def first_in_session(session, kind: str, asset_id: int, *, now: dt.datetime | None = None) -> bool:
    """True (and remembered in the session) unless this session reported the same event for the
    same asset within ASSET_EVENT_REPEAT_MINUTES, or has reported too many events already."""
    now_ts = (now or timezone.now()).timestamp()
    window = limit("ASSET_EVENT_REPEAT_MINUTES") * 60
    seen = {key: ts for key, ts in (session.get(SESSION_KEY) or {}).items() if now_ts - ts < window}
    key = f"{kind}:{asset_id}"
    fresh = key not in seen and len(seen) < limit("ASSET_EVENTS_PER_SESSION")
    if fresh:
        seen[key] = now_ts
    session[SESSION_KEY] = seen
    return fresh


def count_asset_event(session, attendee: Attendee | None, kind: str, asset: BoothAsset) -> bool:
    """Count a video play or a document view by a confirmed attendee of the asset's event, once
    per session within ASSET_EVENT_REPEAT_MINUTES (the booth page's script and the reader both
    report a document; together they count it once). Returns whether it counted."""
    record = {"document_view": record_document_view, "video_play": record_video_play}[kind]
    if attendee is None or not attendee.is_confirmed or attendee.event_id != asset.booth.event_id:
        return False
    if not first_in_session(session, kind, asset.pk):
        return False
    record(asset)
    return True


# --- The exhibitor's analytics page ---------------------------------------------------------


@dataclass(frozen=True)
class DayCounts:
    day: dt.date
    visits: int = 0
    unique_visitors: int = 0
    document_views: int = 0
    video_plays: int = 0
    leads: int = 0


def report_days(booth: Booth, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day shown: the event's days (in its time zone), stretched to any day
    with activity outside them (a preview, a late visitor). Before the event these are the days to
    come. At most BOOTH_ANALYTICS_DAYS: of a longer span, the days up to today (during the event),
    its first days (before it) or its last days (after it)."""
    event = booth.event
    today = today or event_day(booth)
    active = booth.daily_stats.filter(day__lte=max(today, event.ends_on)).order_by("day")
    first_active = active.values_list("day", flat=True).first()
    last_active = active.reverse().values_list("day", flat=True).first()
    start = min(event.starts_on, first_active or event.starts_on)
    end = max(event.ends_on, last_active or event.ends_on)
    most = limit("BOOTH_ANALYTICS_DAYS")
    if (end - start).days + 1 <= most:
        return start, end
    last = min(end, max(today, start + dt.timedelta(days=most - 1)))
    return last - dt.timedelta(days=most - 1), last


def booth_report(booth: Booth, *, today: dt.date | None = None) -> list[DayCounts]:
    """One row per day of `report_days`, first day first, zeros included."""
    start, end = report_days(booth, today)
    stored = {
        row.day: row for row in BoothDailyStats.objects.filter(booth=booth, day__gte=start, day__lte=end)
    }
    report = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        row = stored.get(day)
        counts = {name: getattr(row, name) for name in COUNTERS} if row else {}
        report.append(DayCounts(day, **counts))
    return report


def report_totals(report: list[DayCounts]) -> DayCounts | None:
    if not report:
        return None
    return DayCounts(report[0].day, **{name: sum(getattr(row, name) for row in report) for name in COUNTERS})


# --- Shredding ------------------------------------------------------------------------------


class VisitMarkShredder(ShredStrategy):
    """Today's unique-visitor marks (keyed hashes). The daily counts are not personal: they stay."""

    name = "exhibits.visit_marks"
    label = gettext_lazy("Unique-visitor marks of booths")

    def _marks(self, event: Event) -> QuerySet[BoothVisitMark]:
        return BoothVisitMark.objects.filter(booth__event=event)

    def describe(self, event: Event) -> list[ShredItem]:
        return [ShredItem(_("Scrambled marks of today's booth visitors"), self._marks(event).count())]

    def export(self, event: Event) -> dict[str, Any]:
        # The marks are hashes that mean nothing outside this server: the archive keeps the count.
        return {"visit_marks": self._marks(event).count()}

    def shred(self, event: Event) -> dict[str, int]:
        deleted, _per_model = self._marks(event).delete()
        return {"visit_marks": deleted}

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        """Their marks, found by recomputing the keys (they are kept for a day at most)."""
        marks = self._marks(attendee.event).select_related("booth")
        mine = [mark.pk for mark in marks if mark.key == visit_key(mark.booth, mark.day, attendee.pk)]
        deleted, _per_model = BoothVisitMark.objects.filter(pk__in=mine).delete()
        return {"visit_marks": deleted}
