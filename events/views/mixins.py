"""Loading the object a view is about, and refusing people who may not see it or change it.

One rule for every page of events and exhibits (PermissionMixin): anonymous users are sent to
log in; someone who may not even see the object gets 404 (its existence is not revealed); someone
who may see it but not do this gets 403 with the reason. A view declares what it needs:

- `permission_required`: to see the object at all (else 404);
- `page_permission`: to open this page by any method (else 403), for pages that exist only to
  change something (an edit form, a delete confirmation) or only for some of those who see it;
- `write_permission`: to send a change (POST and other unsafe methods; else 403), e.g. changing
  instead of reading, so a closed event stays readable and refuses changes with today's message.

Form views whose service may refuse what was sent show the refusal in the form (FormRefusalMixin).
"""

from __future__ import annotations

import warnings

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from ..errors import RakwonError
from ..models import Event, Session
from ..permissions import CHANGE_EVENT, ENTER_EVENT, MANAGE_EVENT, VIEW_EVENT
from ..services.registration import attendance_of

#: Methods that only read: everything else needs the write permission.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class PermissionMixin(AccessMixin):
    """Checks the declared permissions on `get_permission_object()` before the view runs."""

    login_required = True
    permission_required = ""
    page_permission = ""
    write_permission = ""
    not_found = _("Not found.")
    closed_reason = _("This event is closed and can no longer be changed.")
    refused_reason = _("You are not allowed to do this.")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The name before this mixin, still in views written alongside it: honoured, never dropped.
        if "permission" in vars(cls):
            warnings.warn(
                f"{cls.__qualname__}.permission: declare page_permission instead",
                DeprecationWarning,
                stacklevel=2,
            )
            cls.page_permission = cls.permission

    def get_permission_object(self):
        raise NotImplementedError(f"{type(self).__qualname__} must say what its permissions are checked on")

    def permission_event(self) -> Event | None:
        """The event whose being closed explains a refusal."""
        return None

    def permissions_for(self, method: str) -> list[str]:
        needed = [self.page_permission]
        if method not in READ_METHODS:
            needed.append(self.write_permission)
        return [permission for permission in needed if permission]

    def refusal_reason(self, permission: str) -> str:
        event = self.permission_event()
        return self.closed_reason if event is not None and event.is_closed else self.refused_reason

    def permission_denied(self, permission: str):
        """Someone who sees the object may not do this: 403 with the reason (or a page saying it)."""
        raise PermissionDenied(str(self.refusal_reason(permission)))

    def permitted(self) -> None:
        """Runs once the request is let in, before the handler: load what only they may see."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if self.login_required and not user.is_authenticated:
            return self.handle_no_permission()
        target = self.get_permission_object()
        if self.permission_required and not user.has_perm(self.permission_required, target):
            raise Http404(str(self.not_found))
        for permission in self.permissions_for(request.method):
            if not user.has_perm(permission, target):
                return self.permission_denied(permission)
        self.permitted()
        return super().dispatch(request, *args, **kwargs)


class EventMixin:
    """Loads `self.event` from the `slug` URL argument."""

    @cached_property
    def event(self) -> Event:
        return get_object_or_404(Event, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        return context


class EventPermissionMixin(PermissionMixin, EventMixin):
    """Permissions checked on the event of the URL."""

    not_found = _("No such event.")

    def get_permission_object(self) -> Event:
        return self.event

    def permission_event(self) -> Event:
        return self.event


class EventPageMixin(EventPermissionMixin):
    """A page of a public event, for anyone (drafts answer 404 except to their team)."""

    login_required = False
    permission_required = VIEW_EVENT


class VisitorSignInMixin(EventPageMixin):
    """A visitor's page behind signing in: strangers are sent to sign in with their mail's link
    or code (not to the organisers' log-in), then back to `signin_next()` where there is one."""

    login_required = True

    def signin_next(self) -> str | None:
        return self.request.get_full_path()

    def handle_no_permission(self):
        messages.info(self.request, _("Sign in with the link from your mail, or with its code here."))
        signin = reverse("attendee:signin", args=[self.kwargs["slug"]])
        back = self.signin_next()
        return redirect_to_login(back, signin) if back else redirect(signin)


class SessionPageFormMixin(VisitorSignInMixin):
    """A POST from a form on a session's page (Q&A, polls), by someone in the live event; it goes
    back to the page it came from, at `back_anchor`, and never to another site."""

    http_method_names = ["post"]
    page_permission = ENTER_EVENT
    refused_reason = _("Only confirmed attendees and the event's team take part in the live event.")
    back_anchor = ""  # "#questions"

    def signin_next(self) -> str | None:
        return self.back_url()

    @cached_property
    def session(self) -> Session:
        found = (
            Session.objects.filter(pk=self.kwargs["session_id"], event=self.event)
            .select_related("event")
            .first()
        )
        if found is None:
            raise Http404(str(_("There is no such session here.")))
        return found

    def back_url(self) -> str:
        """The page the form was on (the session's), never another site."""
        wanted = self.request.POST.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return wanted.split("#")[0]
        return reverse("visit:session", args=[self.event.slug, self.session.pk])

    def back(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(self.back_url() + self.back_anchor)


class SignedInAttendeeMixin(VisitorSignInMixin):
    """Loads `self.attendee`: the signed-in person's own registration for this event (else 404)."""

    def permitted(self) -> None:
        super().permitted()
        self.attendee = attendance_of(self.event, self.request.user)
        if self.attendee is None:
            raise Http404(str(_("You have no registration for this event.")))


class OrganiserMixin(EventPermissionMixin):
    """An organiser page of one event: the team sees it, others get 404; a team member lacking
    the page's or the change's permission is told why (a closed event: reopen it first)."""

    permission_required = MANAGE_EVENT
    closed_reason = _("This event is closed and can no longer be changed. Reopen it first.")
    refused_reason = _("Only an owner of the event can do this.")


class ChangeEventMixin(OrganiserMixin):
    """A page that exists only to change the event (a form, a confirmation): refused with the
    reason, also on GET, once the event is closed."""

    page_permission = CHANGE_EVENT


def show_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError in the form: beside its field when the form has one (a form
    that maps the service's keys to its fields does it itself), else above the form."""
    if hasattr(form, "add_service_errors"):
        form.add_service_errors(error)
    elif hasattr(error, "error_dict"):
        for key, texts in error.message_dict.items():
            form.add_error(key if key in form.fields else None, texts)
    else:
        form.add_error(None, error)


class FormRefusalMixin:
    """A form view whose service may refuse what was sent: the refusal is shown in the form (beside
    `field` where given) and the form is shown again with what was typed; nothing is saved."""

    def form_refused(self, form, error: ValidationError | RakwonError, field: str | None = None):
        if isinstance(error, ValidationError):
            show_service_errors(form, error)
        else:
            form.add_error(field, error.message)
        return self.form_invalid(form)
