"""An event's activity over time, as counts for the organiser's charts: the online count sampled
every few minutes, things counted per place and hour, and registrations per day. Days and hours
are the event's own, on its clock; nothing here follows a person.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from ..charts import Chart, Series
from ..enums import AttendeeKind, AttendeeStatus, EventStatus
from ..live.presence.places import local_connections
from ..live.presence.snapshot import event_counts
from ..live.presence.store import RedisStore, get_store
from ..models import Attendee, Event, HourlyCount, OnlineSample, RegistrationSettings
from ..registry import dashboard_charts

log = logging.getLogger(__name__)

# Registrations that hold a place: an address never confirmed, a refusal or a cancellation is not one.
REGISTERED = (AttendeeStatus.PENDING, AttendeeStatus.CONFIRMED)
# The most days the registrations chart shows (the last ones, up to the event's end).
REGISTRATION_DAYS_MOST = 120


def _day_label(day: dt.date) -> str:
    return f"{day:%m-%d}"


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def start_of_day(event: Event, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=event.tz)


def event_hour(event: Event, at: dt.datetime) -> dt.datetime:
    """The start of the hour `at` falls in, on the event's clock (not every zone's hours are UTC's)."""
    return timezone.localtime(at, event.tz).replace(minute=0, second=0, microsecond=0)


def event_hours(
    event: Event, *, first_day: dt.date | None = None, last_day: dt.date | None = None, now: dt.datetime
) -> list[dt.datetime]:
    """Each hour of the days (the event's, by default) that has begun by `now`."""
    first_day, last_day = first_day or event.starts_on, last_day or event.ends_on
    hour, end = start_of_day(event, first_day), start_of_day(event, last_day + dt.timedelta(days=1))
    hours = []
    while hour < end and hour <= now:
        hours.append(hour)
        # Added in UTC: a day that changes its clock still has one slot per real hour.
        hour = (hour.astimezone(dt.UTC) + dt.timedelta(hours=1)).astimezone(event.tz)
    return hours


def _hour_label(hour: dt.datetime) -> str:
    return f"{hour:%m-%d %H}:00"


# --- Sampling the online count --------------------------------------------------------------


def events_on_today(now: dt.datetime) -> list[Event]:
    """Published events whose days, in their own time zone, include `now`."""
    near = Event.objects.filter(
        status=EventStatus.PUBLISHED,
        starts_on__lte=(now + dt.timedelta(days=1)).date(),
        ends_on__gte=(now - dt.timedelta(days=1)).date(),
    )
    return [event for event in near if event.starts_on <= timezone.localdate(now, event.tz) <= event.ends_on]


def sees_presence() -> bool:
    """Whether this process reads the site's presence: Redis is shared by every process; the
    in-process store only by the process that holds the sockets (not a Celery worker)."""
    return isinstance(get_store(), RedisStore) or bool(local_connections())


def sample_online(*, now: dt.datetime | None = None, holds_the_sockets: bool = False) -> dict[int, int]:
    """Store each live event's online count from the presence store, at most once a minute.
    Returns {event id: count}. Counts only: who was online is never written. Without Redis the web
    process samples from its tick (`holds_the_sockets`, events/contributions.py); beat's task in a
    worker then finds the store out of sight and leaves it to the web process."""
    if not (holds_the_sockets or sees_presence()):
        log.info(
            "online counts not sampled here: presence lives in the web process's memory (no "
            "REDIS_URL), which samples them itself; a worker's count would be false zeros"
        )
        return {}
    now = now or timezone.now()
    at = now.replace(second=0, microsecond=0)
    taken = {}
    for event in events_on_today(now):
        online = async_to_sync(event_counts)(event.pk)["online"]
        OnlineSample.objects.update_or_create(event=event, at=at, defaults={"online": online})
        taken[event.pk] = online
    return taken


def online_chart(event: Event, *, now: dt.datetime | None = None) -> Chart:
    """The highest online count of each hour of the event so far."""
    now = now or timezone.now()
    hours = event_hours(event, now=now)
    highest = dict(
        OnlineSample.objects.filter(event=event, at__gte=start_of_day(event, event.starts_on), at__lte=now)
        .annotate(hour=TruncHour("at", tzinfo=event.tz))
        .values("hour")
        .annotate(most=Max("online"))
        .values_list("hour", "most")
    )
    return Chart(
        name="online",
        title=_("Attendees online over the event"),
        description=_(
            "The highest number of people online in each hour of the event, on the event's clock, "
            "counted every few minutes. Someone with two places open counts twice."
        ),
        kind="line",
        label_heading=_("Hour"),
        labels=tuple(_hour_label(hour) for hour in hours),
        series=(Series(_("Online"), tuple(highest.get(hour, 0) for hour in hours)),),
        keys=tuple(hour.isoformat() for hour in hours),
    )


# --- Counted per place and hour -------------------------------------------------------------


def count_in_hour(event: Event, place: str, what: str, *, at: dt.datetime, amount: int = 1) -> None:
    """Add to how often `what` happened at `place` in the event's hour of `at` (race-safe)."""
    hour = event_hour(event, at)
    found = HourlyCount.objects.filter(event=event, place=place, what=what, hour=hour)
    if found.update(count=F("count") + amount):
        return
    try:
        with transaction.atomic():
            HourlyCount.objects.create(event=event, place=place, what=what, hour=hour, count=max(amount, 0))
    except IntegrityError:  # another request made the row meanwhile
        found.update(count=F("count") + amount)


def hourly_chart(
    event: Event,
    place: str,
    what: str,
    *,
    name: str,
    title: str,
    description: str,
    series_name: str,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Chart:
    """One count per hour of the days (the event's, by default) so far, zeros included."""
    hours = event_hours(event, first_day=first_day, last_day=last_day, now=now or timezone.now())
    counted = dict(
        HourlyCount.objects.filter(event=event, place=place, what=what).values_list("hour", "count")
    )
    return Chart(
        name=name,
        title=title,
        description=description,
        kind="line",
        label_heading=_("Hour"),
        labels=tuple(_hour_label(hour) for hour in hours),
        series=(Series(series_name, tuple(counted.get(hour, 0) for hour in hours)),),
        keys=tuple(hour.isoformat() for hour in hours),
    )


# --- Registrations --------------------------------------------------------------------------


def registration_days(event: Event) -> tuple[dt.date, dt.date]:
    """From the day registration opened (or the event was made) to the event's last day, on the
    event's clock; back to an earlier registration if the opening was moved later."""
    opens_at = (
        RegistrationSettings.objects.filter(event=event).values_list("opens_at", flat=True).first()
        or event.created_at
    )
    first = timezone.localdate(opens_at, event.tz)
    earliest = Attendee.objects.filter(event=event, status__in=REGISTERED).order_by("created_at").first()
    if earliest is not None:
        first = min(first, timezone.localdate(earliest.created_at, event.tz))
    last = event.ends_on
    first = min(first, last)
    return max(first, last - dt.timedelta(days=REGISTRATION_DAYS_MOST - 1)), last


def registrations_chart(event: Event) -> Chart:
    first, last = registration_days(event)
    per_day = (
        Attendee.objects.filter(
            event=event,
            status__in=REGISTERED,
            created_at__gte=start_of_day(event, first),
            created_at__lt=start_of_day(event, last + dt.timedelta(days=1)),
        )
        .annotate(day=TruncDate("created_at", tzinfo=event.tz))
        .values("day")
        .annotate(
            individuals=Count("pk", filter=Q(kind=AttendeeKind.INDIVIDUAL)),
            members=Count("pk", filter=Q(kind=AttendeeKind.INSTITUTION_MEMBER)),
        )
    )
    counted = {row["day"]: row for row in per_day}
    days = _days(first, last)
    return Chart(
        name="registrations",
        title=_("Registrations per day"),
        description=_(
            "New registrations each day, from the day registration opened to the event's last day, "
            "on the event's clock: individuals and institution members. Registrations awaiting "
            "approval count; unconfirmed, refused and cancelled ones do not."
        ),
        kind="line",
        label_heading=_("Day"),
        labels=tuple(_day_label(day) for day in days),
        series=(
            Series(_("Individuals"), tuple(counted.get(day, {}).get("individuals", 0) for day in days)),
            Series(_("Institution members"), tuple(counted.get(day, {}).get("members", 0) for day in days)),
        ),
        keys=tuple(day.isoformat() for day in days),
    )


def institutions_chart(event: Event) -> Chart:
    institutions = event.institutions.annotate(
        registered=Count("members", filter=Q(members__status__in=REGISTERED))
    ).order_by("-registered", "name")
    return Chart(
        name="institutions",
        title=_("Registrations by institution"),
        description=_("Members registered under each institution's code, most first."),
        kind="bar",
        label_heading=_("Institution"),
        labels=tuple(institution.name for institution in institutions),
        series=(Series(_("Members"), tuple(institution.registered for institution in institutions)),),
        keys=tuple(str(institution.pk) for institution in institutions),
    )


# --- The organiser's dashboard --------------------------------------------------------------

#: The dashboard's own charts, before those other apps add (events.registry.dashboard_charts).
EVENT_CHARTS: dict[str, Callable[[Event], Chart]] = {
    "registrations": registrations_chart,
    "institutions": institutions_chart,
    "online": online_chart,
}


def dashboard_chart_makers() -> dict[str, Callable[[Event], Chart]]:
    return {**EVENT_CHARTS, **dict(dashboard_charts.items())}


def dashboard_charts_of(event: Event) -> list[Chart]:
    return [make(event) for make in dashboard_chart_makers().values()]


def dashboard_chart(event: Event, name: str) -> Chart | None:
    make = dashboard_chart_makers().get(name)
    return make(event) if make else None
