"""The event, its sessions and its registrations, for the event's tokens.

Registrations come without personal data; `?personal=true` adds names, addresses and answers for
a token with `registrations:personal`, and every such read is in the event's audit log.
"""

# No `from __future__ import annotations`: django-ninja reads the views' annotations as classes.

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from ..enums import AttendeeStatus
from ..errors import EventClosed, NotAllowed
from ..models import Attendee, Event, Session
from ..services.events import update_event
from ..services.registration import RegistrationError, decide
from ..services.schedule import format_speakers, save_session
from .access import acting_user, audit_personal_read, require
from .idempotency import idempotent
from .paging import Page, page_of

router = Router(tags=["event"])


def validation_answer(error: ValidationError) -> JsonResponse:
    fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return JsonResponse({"detail": _("Some values do not fit; see errors."), "errors": fields}, status=422)


def refused(error: Exception) -> JsonResponse:
    status = 409 if isinstance(error, EventClosed | RegistrationError) else 403
    return JsonResponse(
        {"detail": getattr(error, "message", str(error)), "code": getattr(error, "code", "")}, status=status
    )


# --- The event --------------------------------------------------------------------------------


class EventOut(Schema):
    slug: str
    name: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str
    languages: list[str]
    status: str


class EventChange(Schema):
    name: str | None = None
    description: str | None = None


def show_event(event: Event) -> dict:
    return {
        "slug": event.slug,
        "name": event.name,
        "description": event.description,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "time_zone": event.time_zone,
        "languages": list(event.languages),
        "status": event.status,
    }


@router.get("/event", response=EventOut, summary="The token's event")
def read_event(request):
    return show_event(require(request, "event:read").event)


@router.patch("/event", response=EventOut, summary="Change the event's name or description")
@idempotent
def change_event(request, payload: EventChange):
    token = require(request, "event:write")
    fields = payload.dict(exclude_none=True)
    try:
        event = update_event(token.event, by=acting_user(token), **fields)
    except ValidationError as error:
        return validation_answer(error)
    except NotAllowed as error:
        return JsonResponse({"detail": error.message, "code": "event.closed"}, status=409)
    return JsonResponse(show_event(event))


# --- Sessions ---------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    speakers: str


class SessionIn(Schema):
    title: str
    description: str = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    speakers: str = ""


def show_session(session: Session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "speakers": format_speakers(session),
    }


@router.get("/sessions", response=Page, summary="The event's sessions, in order of time")
def list_sessions(request, limit: int | None = None, offset: int = 0):
    token = require(request, "event:read")
    sessions = (
        Session.objects.filter(event=token.event).prefetch_related("speakers").order_by("starts_at", "id")
    )
    return page_of(sessions, limit, offset, show_session)


@router.get("/sessions/{session_id}", response=SessionOut)
def read_session(request, session_id: int):
    token = require(request, "event:read")
    return show_session(get_object_or_404(Session, event=token.event, pk=session_id))


@router.post("/sessions", response={201: SessionOut}, summary="Add a session")
@idempotent
def create_session(request, payload: SessionIn):
    token = require(request, "event:write")
    try:
        session = save_session(
            token.event,
            None,
            title=payload.title,
            description=payload.description,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            speakers_text=payload.speakers,
        )
    except ValidationError as error:
        return validation_answer(error)
    except EventClosed as error:
        return refused(error)
    return JsonResponse(show_session(session), status=201)


# --- Registrations ----------------------------------------------------------------------------


class RegistrationOut(Schema):
    id: int
    kind: str
    status: str
    institution: int | None
    registered_at: dt.datetime
    confirmed_at: dt.datetime | None
    # Only with ?personal=true and the scope registrations:personal:
    name: str | None = None
    email: str | None = None
    answers: dict[str, str] | None = None


class Decision(Schema):
    action: str  # approve, reject, cancel


def show_registration(attendee: Attendee, *, personal: bool) -> dict:
    shown = {
        "id": attendee.pk,
        "kind": attendee.kind,
        "status": attendee.status,
        "institution": attendee.institution_id,
        "registered_at": attendee.created_at.isoformat(),
        "confirmed_at": attendee.confirmed_at.isoformat() if attendee.confirmed_at else None,
    }
    if personal:
        language = attendee.event.languages[0]
        shown["name"] = attendee.display_name
        shown["email"] = attendee.email
        shown["answers"] = {
            answer.question.identifier: answer.display_in(language) for answer in attendee.answers.all()
        }
    return shown


def _personal(request, personal: bool):
    token = require(request, "registrations:read")
    if personal:
        require(request, "registrations:personal")
    return token


@router.get(
    "/registrations", response=Page, summary="Registrations (personal data only when asked and allowed)"
)
def list_registrations(
    request, limit: int | None = None, offset: int = 0, status: str = "", personal: bool = False
):
    token = _personal(request, personal)
    attendees = (
        Attendee.objects.filter(event=token.event).select_related("event").order_by("created_at", "id")
    )
    if status:
        if status not in AttendeeStatus.values:
            raise HttpError(
                422, _("status must be one of: %(values)s.") % {"values": ", ".join(AttendeeStatus.values)}
            )
        attendees = attendees.filter(status=status)
    if personal:
        attendees = attendees.prefetch_related("answers__question")
    answer = page_of(attendees, limit, offset, lambda each: show_registration(each, personal=personal))
    if personal:
        audit_personal_read(token, kind="registrations", subject="registrations", rows=len(answer["items"]))
    return answer


@router.get("/registrations/{registration_id}", response=RegistrationOut)
def read_registration(request, registration_id: int, personal: bool = False):
    token = _personal(request, personal)
    attendee = get_object_or_404(
        Attendee.objects.select_related("event").prefetch_related("answers__question"),
        event=token.event,
        pk=registration_id,
    )
    if personal:
        audit_personal_read(token, kind="registration", subject=f"attendee:{attendee.pk}", rows=1)
    return show_registration(attendee, personal=personal)


@router.post(
    "/registrations/{registration_id}/decision", response=RegistrationOut, summary="Approve, reject or cancel"
)
@idempotent
def decide_registration(request, registration_id: int, payload: Decision):
    token = require(request, "registrations:write")
    attendee = get_object_or_404(Attendee, event=token.event, pk=registration_id)
    try:
        attendee = decide(attendee, payload.action, by=acting_user(token))
    except (RegistrationError, NotAllowed, EventClosed) as error:
        return refused(error)
    return JsonResponse(show_registration(attendee, personal=False))
