"""Finding one's way round the expo: booths by search words and tag, sessions by day or by place."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from events.models import Event, Session
from events.models.texts import search_texts

from ..models import Booth, Hall, Tag

# A search box is for a few words, not an essay: longer input is cut, not refused.
QUERY_MAX_LENGTH = 100
QUERY_MAX_WORDS = 8


def search_words(query: str) -> list[str]:
    """The words of a search, case-folded, so "AI" finds "ai" and Korean is compared as typed."""
    return (query or "")[:QUERY_MAX_LENGTH].casefold().split()[:QUERY_MAX_WORDS]


def event_booths(event: Event) -> QuerySet[Booth]:
    return (
        Booth.objects.filter(event=event)
        .select_related("hall", "exhibitor")
        .prefetch_related("tags")
        .order_by("hall__position", "hall_id", "number")
    )


def booth_text(booth: Booth) -> str:
    """Everything a visitor may search a booth by, in every language, case-folded."""
    descriptions = booth.description.values() if isinstance(booth.description, dict) else []
    parts = [
        booth.number,
        *search_texts(booth.exhibitor, "name"),
        *search_texts(booth, "tagline"),
        *search_texts(booth.exhibitor, "description"),
        *(text for text in descriptions if isinstance(text, str)),
        *(text for tag in booth.tags.all() for text in search_texts(tag, "name")),
    ]
    return "\n".join(part for part in parts if part).casefold()


def find_booths(
    event: Event, *, query: str = "", tag: Tag | None = None, hall: Hall | None = None
) -> list[Booth]:
    """Booths of the event whose words contain every search word, with the tag, in the hall.

    Matched in Python rather than with SQL LIKE: descriptions are JSON per language, which SQLite
    stores with \\u escapes (Korean would never match), and one event has hundreds of booths, not
    millions.
    """
    booths = event_booths(event)
    if tag is not None:
        booths = booths.filter(tags=tag)
    if hall is not None:
        booths = booths.filter(hall=hall)
    words = search_words(query)
    if not words:
        return list(booths)
    return [booth for booth in booths if all(word in booth_text(booth) for word in words)]


def tags_in_use(event: Event, hall: Hall | None = None) -> list[Tag]:
    """The event's tags that some booth (in the hall, if given) carries, by name."""
    tags = Tag.objects.filter(event=event)
    if hall is not None:
        tags = tags.filter(booths__hall=hall)
    return list(tags.annotate(booth_count=Count("booths")).filter(booth_count__gt=0).order_by("name"))


def tag_from(event: Event, raw: str | None) -> Tag | None:
    """The tag a `?tag=` parameter names, or None for a missing or unknown one."""
    if not raw or not str(raw).isdigit():
        return None
    return Tag.objects.filter(event=event, pk=int(raw)).first()


# --- Sessions ---------------------------------------------------------------------------------


def booth_of(session: Session) -> Booth | None:
    """The booth a session takes place at, or None (it has no place, or another kind)."""
    link = getattr(session, "booth_link", None)  # a missing reverse one-to-one raises: None then
    return link.booth if link else None


def with_places(sessions: QuerySet[Session]) -> list[Session]:
    """Sessions with their booth, hall and speakers loaded, each with `.booth` set (or None)."""
    loaded = list(
        sessions.select_related("booth_link__booth__hall", "booth_link__booth__exhibitor").prefetch_related(
            "speakers"
        )
    )
    for session in loaded:
        session.booth = booth_of(session)
    return loaded


def event_sessions(event: Event) -> list[Session]:
    return with_places(Session.objects.filter(event=event).order_by("starts_at", "title", "id"))


def sessions_by_place(sessions: list[Session]) -> list[tuple[Booth | None, list[Session]]]:
    """Sessions grouped by booth, in hall order then booth number; those at no booth come last."""
    groups: dict[int | None, tuple[Booth | None, list[Session]]] = {}
    for session in sessions:
        booth = getattr(session, "booth", None)
        key = booth.pk if booth else None
        groups.setdefault(key, (booth, []))[1].append(session)

    def order(group: tuple[Booth | None, list[Session]]):
        booth = group[0]
        if booth is None:
            return (1, 0, 0, "")
        return (0, booth.hall.position, booth.hall_id, booth.number)

    return sorted(groups.values(), key=order)
