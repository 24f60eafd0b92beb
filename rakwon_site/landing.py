"""Where a person goes after logging in, and which back offices the site header offers them.

One account can organise, staff a booth and attend; what it is offered follows what it does.
A visitor who logs in with a password lands in their event's lobby, not on an organiser page
telling them to create an event. This lives in the project, not in an app: it reads both the
event team (events) and exhibitor staff (exhibits).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from events.models import Attendee, EventTeamMember
from exhibits.models import ExhibitorStaff


@dataclass(frozen=True)
class Roles:
    organiser: bool  # on some event's team (or a superuser)
    exhibitor: bool  # staff of some exhibitor
    attending: tuple[Attendee, ...]  # registrations in any state, newest event first

    @property
    def offer_organiser_pages(self) -> bool:
        # A new account with no role yet came to organise: its way in is "Create an event".
        return self.organiser or not (self.exhibitor or self.attending)


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return Roles(organiser=False, exhibitor=False, attending=())
    attending = (
        Attendee.objects.filter(user=user)
        .select_related("event")
        .order_by("-event__starts_on", "event__name")
    )
    return Roles(
        organiser=user.is_superuser or EventTeamMember.objects.filter(user=user).exists(),
        exhibitor=ExhibitorStaff.objects.filter(user=user).exists(),
        attending=tuple(attending),
    )


def landing_url(user) -> str:
    """The page that fits this person best: their back office, or the event they registered for."""
    roles = roles_of(user)
    if roles.organiser:
        return reverse("organiser:home")
    if roles.exhibitor:
        return reverse("exhibitor:home")
    if len(roles.attending) == 1:
        # Awaiting approval, rejected or cancelled: the lobby says so and what to do next.
        return reverse("attendee:lobby", args=[roles.attending[0].event.slug])
    if roles.attending:
        return reverse("public:home")  # lists the events; each one's page leads to its lobby
    return reverse("organiser:home")


@login_required
def landing(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(landing_url(request.user))


def header_roles(request: HttpRequest) -> dict:
    """Template context: `roles`, worked out only if a page's header asks for it."""
    return {"roles": SimpleLazyObject(lambda: roles_of(request.user))}
