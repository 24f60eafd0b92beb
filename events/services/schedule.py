"""Scheduling sessions: times in the event's zone, speakers, and an optional place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import EventClosed
from ..models import Event, Session, Speaker
from ..registry import session_places
from ..single_line import check_single_line, clean_instance


def parse_speakers(text: str) -> list[tuple[str, str]]:
    """One speaker a line, as “Name — Affiliation” or “Name, Affiliation”."""
    speakers = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in (" — ", " - ", ", "):
            if separator in line:
                name, affiliation = line.split(separator, 1)
                break
        else:
            name, affiliation = line, ""
        speakers.append((name.strip()[:120], affiliation.strip()[:160]))
    return speakers


def format_speakers(session: Session) -> str:
    return "\n".join(
        f"{s.name} — {s.affiliation}" if s.affiliation else s.name for s in session.speakers.all()
    )


@transaction.atomic
def save_session(
    event: Event,
    session: Session | None,
    *,
    title: str,
    description: str,
    starts_at,
    title_translations: dict[str, str] | None = None,
    description_translations: dict[str, str] | None = None,
    ends_at,
    speakers_text: str = "",
    place: str = "",
) -> Session:
    """Create or update a session. Raises ValidationError (nothing saved) if it does not fit."""
    if event.is_closed:
        raise EventClosed(_("This event is closed; its schedule can no longer change."))
    session = session or Session(event=event)
    session.title, session.description = title, description
    # The other event languages' versions; None keeps the ones the session has.
    if title_translations is not None:
        session.title_translations = title_translations
    if description_translations is not None:
        session.description_translations = description_translations
    session.starts_at, session.ends_at = starts_at, ends_at
    check_single_line({"speakers_text": " ".join((speakers_text or "").splitlines())})
    clean_instance(session, exclude=["event"])
    provider, key = session_places.split(place)
    if place and provider is None:
        raise ValidationError({"place": _("Choose a place from the list.")})
    if provider is not None:
        provider.check(event, key, starts_at, ends_at, exclude=session if session.pk else None)
    session.save()
    speakers = []
    for name, affiliation in parse_speakers(speakers_text):
        speaker, _created = Speaker.objects.get_or_create(
            event=event, name=name, defaults={"affiliation": affiliation}
        )
        if affiliation and speaker.affiliation != affiliation:
            speaker.affiliation = affiliation
            speaker.save(update_fields=["affiliation"])
        speakers.append(speaker)
    session.speakers.set(speakers)
    for each in session_places:
        each.assign(session, key if each is provider else "")
    return session


def delete_session(session: Session) -> None:
    if session.event.is_closed:
        raise EventClosed(_("This event is closed; its schedule can no longer change."))
    session.delete()
