"""A visitor's bookmarks: the page listing them with the calendar feed's address, and the buttons
that add and remove them (plain form posts: they work without JavaScript).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.models import Session
from events.views.mixins import SignedInAttendeeMixin
from events.views.public import PublicEventMixin, zone_label
from events.views.registration import EnterEventMixin

from ..models import Booth
from ..services.bookmarks import (
    BookmarkError,
    add_bookmark,
    bookmarks_of,
    bookmarks_open,
    calendar_feed_of,
    remove_bookmark,
    renew_calendar_feed,
)


class BookmarksView(EnterEventMixin, PublicEventMixin, TemplateView):
    template_name = "exhibits/public/bookmarks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendance = context["attendance"]
        can_bookmark = bookmarks_open(attendance)
        feed_url = ""
        if can_bookmark:
            feed = calendar_feed_of(attendance)
            path = reverse("visit:calendar_feed", args=[self.event.slug, feed.token])
            feed_url = self.request.build_absolute_uri(path)
        context.update(
            can_bookmark=can_bookmark,
            bookmarks=bookmarks_of(attendance),
            feed_url=feed_url,
            zone=zone_label(self.event),
        )
        return context


class AttendeeActionMixin(SignedInAttendeeMixin):
    """A change only the signed-in attendee makes to their own things (posted by a form)."""

    http_method_names = ["post"]

    def signin_next(self) -> None:
        return None  # a form's post: there is no page to come back to

    def back(self, default: str):
        """Back to the page the form was on (only ever a page of this site)."""
        target = self.request.POST.get("next", "")
        allowed = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return redirect(target if target and allowed else default)


class BookmarkMixin(AttendeeActionMixin, View):
    def target(self) -> Booth | Session:
        raise NotImplementedError

    def added(self, target) -> str:
        raise NotImplementedError

    def removed(self, target) -> str:
        raise NotImplementedError

    def default_page(self, target) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        target = self.target()
        action = request.POST.get("action")
        try:
            if action == "add":
                add_bookmark(target, attendee=self.attendee)
                messages.success(request, self.added(target))
            elif action == "remove":
                remove_bookmark(target, attendee=self.attendee)
                messages.success(request, self.removed(target))
            else:
                messages.error(request, _("Nothing changed: use the Bookmark button on the page."))
        except BookmarkError as error:
            messages.error(request, error.message)
        return self.back(self.default_page(target))


class BoothBookmarkView(BookmarkMixin):
    def target(self) -> Booth:
        return get_object_or_404(
            Booth.objects.select_related("exhibitor"), pk=self.kwargs["booth_id"], event=self.event
        )

    def added(self, booth) -> str:
        return _("Booth %(number)s (%(exhibitor)s) is in your bookmarks.") % {
            "number": booth.number,
            "exhibitor": booth.exhibitor.name,
        }

    def removed(self, booth) -> str:
        return _("Booth %(number)s (%(exhibitor)s) is no longer in your bookmarks.") % {
            "number": booth.number,
            "exhibitor": booth.exhibitor.name,
        }

    def default_page(self, booth) -> str:
        return reverse("visit:booth", args=[self.event.slug, booth.pk])


class SessionBookmarkView(BookmarkMixin):
    def target(self) -> Session:
        return get_object_or_404(Session, pk=self.kwargs["session_id"], event=self.event)

    def added(self, session) -> str:
        return _("“%(title)s” is in your bookmarks.") % {"title": session.title}

    def removed(self, session) -> str:
        return _("“%(title)s” is no longer in your bookmarks.") % {"title": session.title}

    def default_page(self, session) -> str:
        return reverse("visit:agenda", args=[self.event.slug]) + f"#session-{session.pk}"


class RenewCalendarFeedView(AttendeeActionMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            renew_calendar_feed(attendee=self.attendee)
        except BookmarkError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Your calendar feed has a new address; the old one no longer works. "
                    "Subscribe again in your calendar app with the new address."
                ),
            )
        return redirect(reverse("visit:bookmarks", args=[self.event.slug]) + "#calendar")
