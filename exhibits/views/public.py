"""The visitor's tour of the floor: hall plans with topic filters, finding booths across the event,
and booth pages. Public read-only for a published event; acting on them needs a registration.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.models import Session
from events.models.registration import in_language
from events.permissions import ENTER_EVENT
from events.services.registration import attendance_of
from events.views.public import PublicEventMixin, zone_label
from events.views.registration import visitor_language

from ..models import Booth, Exhibitor, Hall
from ..plan import BoothOnVisitorPlan, place_visitor_labels
from ..services.analytics import record_booth_visit
from ..services.assets import assets_for_visitors
from ..services.bookmarks import bookmarked_ids, bookmarks_open
from ..services.exhibitors import plan_logo, plan_logo_version
from ..services.leads import lead_for
from ..services.tour import QUERY_MAX_LENGTH, find_booths, tag_from, tags_in_use, with_places


class VisitorSpot:
    """A booth as the visitor's plan draws it, with its logo thumbnail's version."""

    def __init__(self, spot: BoothOnVisitorPlan) -> None:
        self.__dict__.update(spot.__dict__)
        self.logo_version = plan_logo_version(spot.booth.exhibitor)


class TourMixin(PublicEventMixin):
    """What a tour page needs to know about the person on it: may they bookmark (a confirmed
    attendee), or should they be invited to register (an outsider of a published event)?"""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, self.event
        attendance = attendance_of(event, user)
        can_bookmark = bookmarks_open(attendance)
        booth_ids, session_ids = bookmarked_ids(attendance) if can_bookmark else (set(), set())
        context.update(
            attendance=attendance,
            can_bookmark=can_bookmark,
            bookmarked_booth_ids=booth_ids,
            bookmarked_session_ids=session_ids,
            invite_to_register=event.is_published
            and attendance is None
            and not user.has_perm(ENTER_EVENT, event),
        )
        return context


class HallView(TourMixin, TemplateView):
    template_name = "exhibits/public/hall.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hall = get_object_or_404(Hall, pk=self.kwargs["hall_id"], event=self.event)
        booths = list(hall.booths.select_related("exhibitor").order_by("number"))
        tag = tag_from(self.event, self.request.GET.get("tag"))
        if tag is not None:
            matching = {booth.pk for booth in find_booths(self.event, tag=tag, hall=hall)}
        else:
            matching = {booth.pk for booth in booths}
        context.update(
            hall=hall,
            booths=[booth for booth in booths if booth.pk in matching],
            has_booths=bool(booths),
            plan=[VisitorSpot(place_visitor_labels(booth)) for booth in booths],
            matching_ids=matching,
            tags=tags_in_use(self.event, hall),
            selected_tag=tag,
        )
        return context


class SearchView(TourMixin, TemplateView):
    """Find a booth across the whole event by words (name, number, tagline, description, topic)
    and by topic."""

    template_name = "exhibits/public/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
        tag = tag_from(self.event, self.request.GET.get("tag"))
        context.update(
            query=query,
            selected_tag=tag,
            tags=tags_in_use(self.event),
            results=find_booths(self.event, query=query, tag=tag),
            searched=bool(query or tag),
        )
        return context


class BoothView(TourMixin, TemplateView):
    template_name = "exhibits/public/booth.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        booth = get_object_or_404(
            Booth.objects.select_related("event", "hall", "exhibitor").prefetch_related("tags"),
            pk=self.kwargs["booth_id"],
            event=event,
        )
        exhibitor = booth.exhibitor
        attendance = context["attendance"]
        # Names of the exhibitor's staff only: attendees at the booth are never listed here.
        staff = exhibitor.staff.select_related("user").order_by("user__display_name", "pk")
        assets = assets_for_visitors(booth)
        prefetch_related_objects(assets.documents, "pages")
        context.update(
            booth=booth,
            exhibitor=exhibitor,
            booth_description=in_language(booth.description, visitor_language(event), event.languages),
            tags=list(booth.tags.all()),
            staff_names=[member.user.display_name for member in staff if member.user.display_name],
            sessions=with_places(Session.objects.filter(booth_link__booth=booth).order_by("starts_at", "id")),
            assets=assets,
            # Their pages for the live presentation beside the video, and its links without JavaScript.
            presentable_documents=assets.documents,
            # Only a confirmed attendee has a lead to show; the include explains itself to others.
            lead=lead_for(booth, attendance) if context["can_bookmark"] else None,
            zone=zone_label(event),
            # The booth's chat is for the people who may be in the live event.
            chat_room=f"booth:{booth.pk}" if self.request.user.has_perm(ENTER_EVENT, event) else "",
        )
        record_booth_visit(booth, attendance)  # a count for booth analytics; confirmed attendees only
        return context


class PlanLogoView(PublicEventMixin, View):
    """An exhibitor's logo as the hall plan shows it: small, and cacheable for ever (the address
    changes with the logo)."""

    def get(self, request, *args, **kwargs):
        exhibitor = get_object_or_404(Exhibitor, pk=self.kwargs["exhibitor_id"], event=self.event)
        if not exhibitor.logo or self.kwargs["version"] != plan_logo_version(exhibitor):
            raise Http404(_("No such logo."))
        response = HttpResponse(plan_logo(exhibitor), content_type="image/webp")
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
