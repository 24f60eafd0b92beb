"""Halls, exhibitors and booths of the token's event (`event:read`; adding needs `event:write`)."""

# No `from __future__ import annotations`: django-ninja reads the views' annotations as classes.

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from events.api.access import require
from events.api.event import refused, validation_answer
from events.api.idempotency import idempotent
from events.api.paging import Page, page_of
from events.errors import EventClosed

from ..models import Booth, Exhibitor, Hall
from ..services.exhibitors import create_exhibitor
from ..services.halls import create_hall

router = Router(tags=["floor"])


class HallOut(Schema):
    id: int
    name: str
    description: str
    position: int


class HallIn(Schema):
    name: str
    description: str = ""


class ExhibitorOut(Schema):
    id: int
    name: str
    description: str
    website: str


class ExhibitorIn(Schema):
    name: str
    description: str = ""
    website: str = ""


class BoothOut(Schema):
    id: int
    number: str
    hall: int
    exhibitor: int | None
    tagline: str


def show_hall(hall: Hall) -> dict:
    return {"id": hall.pk, "name": hall.name, "description": hall.description, "position": hall.position}


def show_exhibitor(exhibitor: Exhibitor) -> dict:
    # contact_email is the organisation's public contact, but it is left out: the API gives only
    # what the exhibitor page shows to everyone.
    return {
        "id": exhibitor.pk,
        "name": exhibitor.name,
        "description": exhibitor.description,
        "website": exhibitor.website,
    }


def show_booth(booth: Booth) -> dict:
    return {
        "id": booth.pk,
        "number": booth.number,
        "hall": booth.hall_id,
        "exhibitor": booth.exhibitor_id,
        "tagline": booth.tagline,
    }


@router.get("/halls", response=Page)
def list_halls(request, limit: int | None = None, offset: int = 0):
    token = require(request, "event:read")
    return page_of(
        Hall.objects.filter(event=token.event).order_by("position", "id"), limit, offset, show_hall
    )


@router.get("/halls/{hall_id}", response=HallOut)
def read_hall(request, hall_id: int):
    token = require(request, "event:read")
    return show_hall(get_object_or_404(Hall, event=token.event, pk=hall_id))


@router.post("/halls", response={201: HallOut})
@idempotent
def add_hall(request, payload: HallIn):
    token = require(request, "event:write")
    try:
        hall = create_hall(token.event, name=payload.name, description=payload.description)
    except ValidationError as error:
        return validation_answer(error)
    except EventClosed as error:
        return refused(error)
    return JsonResponse(show_hall(hall), status=201)


@router.get("/exhibitors", response=Page)
def list_exhibitors(request, limit: int | None = None, offset: int = 0):
    token = require(request, "event:read")
    exhibitors = Exhibitor.objects.filter(event=token.event).order_by("name", "id")
    return page_of(exhibitors, limit, offset, show_exhibitor)


@router.get("/exhibitors/{exhibitor_id}", response=ExhibitorOut)
def read_exhibitor(request, exhibitor_id: int):
    token = require(request, "event:read")
    return show_exhibitor(get_object_or_404(Exhibitor, event=token.event, pk=exhibitor_id))


@router.post("/exhibitors", response={201: ExhibitorOut})
@idempotent
def add_exhibitor(request, payload: ExhibitorIn):
    token = require(request, "event:write")
    try:
        exhibitor = create_exhibitor(
            token.event, name=payload.name, description=payload.description, website=payload.website
        )
    except ValidationError as error:
        return validation_answer(error)
    except EventClosed as error:
        return refused(error)
    return JsonResponse(show_exhibitor(exhibitor), status=201)


@router.get("/booths", response=Page)
def list_booths(request, limit: int | None = None, offset: int = 0):
    token = require(request, "event:read")
    return page_of(
        Booth.objects.filter(event=token.event).order_by("number", "id"), limit, offset, show_booth
    )


@router.get("/booths/{booth_id}", response=BoothOut)
def read_booth(request, booth_id: int):
    token = require(request, "event:read")
    return show_booth(get_object_or_404(Booth, event=token.event, pk=booth_id))
