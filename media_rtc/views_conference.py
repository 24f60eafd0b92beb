"""Pages of conference rooms: the organiser creates a conference and invites exhibitors and people
(plain forms, no JavaScript needed), the sites' list of their conferences, the conference's own page
(media_rtc/static/media_rtc/conference.js) and each site's still thumbnail (from the cache)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from events.errors import RakwonError
from events.permissions import CHANGE_EVENT, MANAGE_EVENT, VIEW_EVENT
from events.views.mixins import EventPermissionMixin, OrganiserMixin

from .models import ConferenceRoom
from .rules import TAKE_SEAT
from .services import conferences


class ConferenceOfEventMixin:
    """The conference of the URL, in the URL's event (else 404)."""

    @cached_property
    def conference(self) -> ConferenceRoom:
        return get_object_or_404(
            ConferenceRoom.objects.select_related("event"), pk=self.kwargs["conference_id"], event=self.event
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "conference": self.conference}


class OrganiserConferencesView(OrganiserMixin, TemplateView):
    """The event's conferences and a form to create one."""

    template_name = "media_rtc/conference_list_organiser.html"
    refused_reason = gettext_lazy("Only the event's organisers arrange conferences.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conferences"] = self.event.conference_rooms.prefetch_related(
            "invited_exhibitors", "invited_people"
        )
        context["may_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context


class CreateConferenceView(OrganiserMixin, View):
    http_method_names = ["post"]
    write_permission = CHANGE_EVENT

    def post(self, request, slug: str):
        try:
            conference = conferences.create_conference(
                self.event, request.POST.get("name", ""), by=request.user
            )
        except RakwonError as refused:
            messages.error(request, refused.message)
            return redirect("rtc_meetings:conferences", slug)
        messages.success(request, _("Conference created. Now invite the organisations and people."))
        return redirect("rtc_meetings:conference_edit", slug, conference.pk)


class OrganiserConferenceView(ConferenceOfEventMixin, OrganiserMixin, TemplateView):
    """One conference: who is invited, forms to invite and to take an invitation back."""

    template_name = "media_rtc/conference_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invited = set(self.conference.invited_exhibitors.values_list("pk", flat=True))
        context["invited_exhibitors"] = self.conference.invited_exhibitors.order_by("name")
        context["other_exhibitors"] = self.event.exhibitors.exclude(pk__in=invited).order_by("name")
        context["invited_people"] = self.conference.invited_people.order_by("email")
        context["may_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context


class ConferenceChangeView(ConferenceOfEventMixin, OrganiserMixin, View):
    """A POST that changes who is invited; the service checks the same permission."""

    http_method_names = ["post"]
    write_permission = CHANGE_EVENT

    def post(self, request, slug: str, conference_id: int):
        try:
            done = self.change(request)
        except RakwonError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done)
        return redirect("rtc_meetings:conference_edit", slug, self.conference.pk)


class InviteExhibitorsView(ConferenceChangeView):
    def change(self, request) -> str:
        chosen = [value for value in request.POST.getlist("exhibitor") if value.isdigit()]
        exhibitors = list(self.event.exhibitors.filter(pk__in=chosen))
        if not exhibitors:
            raise conferences.ConferenceError(_("Choose at least one exhibitor to invite."))
        added = conferences.invite_exhibitors(self.conference, exhibitors, by=request.user)
        return _("Invited: %(count)d.") % {"count": added}


class InvitePersonView(ConferenceChangeView):
    def change(self, request) -> str:
        person = conferences.invite_person(self.conference, request.POST.get("email", ""), by=request.user)
        return _("%(email)s is invited.") % {"email": person.email}


class UninviteView(ConferenceChangeView):
    def change(self, request) -> str:
        exhibitor = person = None
        if request.POST.get("exhibitor", "").isdigit():
            exhibitor = get_object_or_404(self.conference.invited_exhibitors, pk=request.POST["exhibitor"])
        elif request.POST.get("person", "").isdigit():
            person = get_object_or_404(
                get_user_model(), pk=request.POST["person"], conference_rooms=self.conference
            )
        else:
            raise conferences.ConferenceError(_("Say whose invitation to take back."))
        conferences.uninvite(self.conference, exhibitor=exhibitor, person=person, by=request.user)
        return _("The invitation is taken back.")


class DeleteConferenceView(ConferenceOfEventMixin, OrganiserMixin, View):
    http_method_names = ["post"]
    write_permission = CHANGE_EVENT

    def post(self, request, slug: str, conference_id: int):
        conferences.delete_conference(self.conference, by=request.user)
        messages.success(request, _("The conference is deleted."))
        return redirect("rtc_meetings:conferences", slug)


# --- The sites' pages -----------------------------------------------------------------------------


class SiteMixin(EventPermissionMixin):
    """A signed-in person of the event; a conference page is its seats' and chair's only (else 404)."""

    login_required = True
    permission_required = VIEW_EVENT


class MyConferencesView(SiteMixin, TemplateView):
    """The conferences this person holds a seat in (the team: every one, as their chair)."""

    template_name = "media_rtc/conference_mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_perm(MANAGE_EVENT, self.event):
            context["conferences"] = list(self.event.conference_rooms.all())
        else:
            context["conferences"] = conferences.conferences_of(user, self.event)
        return context


class ConferenceSeatMixin(ConferenceOfEventMixin, SiteMixin):
    def permitted(self) -> None:
        super().permitted()
        room = conferences.load_conference_room(self.event, self.conference.pk)
        if not self.request.user.has_perm(TAKE_SEAT.permission, room):
            raise Http404(_("No such conference."))
        self.room = room


class ConferencePageView(ConferenceSeatMixin, TemplateView):
    """The conference: the active speakers' video, the other sites' thumbnails, the chair's controls."""

    template_name = "media_rtc/conference_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_chair"] = self.request.user.has_perm(MANAGE_EVENT, self.event)
        context["invited_exhibitors"] = self.conference.invited_exhibitors.order_by("name")
        context["video_slots"] = settings.RTC_CONFERENCE_VIDEO_SPEAKERS
        context["audio_slots"] = settings.RTC_CONFERENCE_AUDIO_SPEAKERS
        context["thumbnail_seconds"] = settings.RTC_CONFERENCE_THUMBNAIL_SECONDS
        context["thumbnail_bytes"] = settings.RTC_CONFERENCE_THUMBNAIL_BYTES
        return context


class ThumbnailView(ConferenceSeatMixin, View):
    """A site's latest still picture, for the conference's seats and chair only; never on disk."""

    http_method_names = ["get"]

    def get(self, request, slug: str, conference_id: int, site: str):
        found = conferences.thumbnail(self.conference.pk, site)
        if found is None:
            raise Http404(_("No thumbnail yet."))
        _version, jpeg = found
        response = HttpResponse(jpeg, content_type="image/jpeg")
        # Addressed by version (?v=): a new picture is a new address.
        response["Cache-Control"] = "private, max-age=300"
        return response
