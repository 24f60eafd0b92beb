"""The visitor's way in: register, join with an institution's code, sign in by link or code,
ask for a new link, and the lobby (which only confirmed attendees, staff and the team enter).

These pages exist for public events only (drafts answer 404 except to their team).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from ..enums import PLACE_HOLDING_STATUSES, AttendeeKind, AttendeeStatus
from ..errors import RakwonError
from ..interfaces.registration_forms import JoinForm, NewLinkForm, RegistrationForm, SignInCodeForm
from ..permissions import ENTER_EVENT
from ..registry import session_places
from ..services.institutions import join_institution
from ..services.questions import active_questions
from ..services.registration import (
    attendance_of,
    confirm_registration,
    decline_registration,
    privacy_notice,
    register_individual,
    registration_refusal,
)
from ..services.signin import SignInError, request_new_link, sign_in_with_code, sign_in_with_token
from .mixins import EventPageMixin, VisitorSignInMixin
from .public import PublicEventMixin, zone_label

BACKEND = "django.contrib.auth.backends.ModelBackend"


def client_ip(request) -> str:
    """The visitor's address; behind the configured proxy, the one the proxy saw (last hop)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def run_service(form, service, *args, **kwargs):
    """Call a service; its refusals become the form's errors (check `form.errors` after)."""
    try:
        return service(*args, **kwargs)
    except ValidationError as error:
        form.add_service_errors(error)
    except RakwonError as error:
        form.add_error(None, error.message)
    return None


def visitor_language(event) -> str:
    current = translation.get_language() or settings.LANGUAGE_CODE
    if current in event.languages:
        return current
    short = current.split("-")[0]
    return short if short in event.languages else (event.languages or [settings.LANGUAGE_CODE])[0]


class VisitorMixin(EventPageMixin):
    """A public page of the event; the team also sees a draft's pages (to check them)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attendance"] = attendance_of(self.event, self.request.user)
        return context


class RegisterView(VisitorMixin, FormView):
    template_name = "events/registration/register.html"
    form_class = RegistrationForm

    def get_form_kwargs(self):
        questions = active_questions(self.event)
        return {
            **super().get_form_kwargs(),
            "questions": questions,
            "language": visitor_language(self.event),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = visitor_language(self.event)
        context["refusal"] = registration_refusal(self.event)
        context["notice"] = privacy_notice(self.event, language, kind=AttendeeKind.INDIVIDUAL)
        return context

    def form_valid(self, form):
        registration = run_service(
            form,
            register_individual,
            self.event,
            email=form.cleaned_data["email"],
            answers=form.raw_answers(),
            visible_to_others=form.cleaned_data["visible_to_others"],
            language=visitor_language(self.event),
            ip=client_ip(self.request),
        )
        if form.errors:
            return self.form_invalid(form)
        # The same words for a new address, a known account and a repeat: the mail says the rest.
        messages.info(
            self.request,
            _("We have sent a mail to %(email)s. Open it to confirm your registration.")
            % {"email": registration.attendee.email},
        )
        return redirect("attendee:link_sent", slug=self.event.slug)


class ConfirmRegistrationView(VisitorMixin, View):
    """The owner of an account, logged in, confirms or declines a registration made for it."""

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        attendance = attendance_of(self.event, request.user)
        if attendance is None or attendance.status != AttendeeStatus.UNCONFIRMED:
            return redirect("attendee:lobby", slug=self.event.slug)
        if request.POST.get("decision") == "decline":
            decline_registration(attendance, by=request.user)
            messages.info(request, _("The registration was deleted; nothing about it is kept."))
            return redirect("public:event", slug=self.event.slug)
        confirm_registration(attendance, by=request.user)
        return redirect("attendee:lobby", slug=self.event.slug)


class JoinView(VisitorMixin, FormView):
    template_name = "events/registration/join.html"
    form_class = JoinForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = visitor_language(self.event)
        context["notice"] = privacy_notice(self.event, language, kind=AttendeeKind.INSTITUTION_MEMBER)
        return context

    def form_valid(self, form):
        attendance = attendance_of(self.event, self.request.user)
        if attendance is not None and attendance.is_member and attendance.status in PLACE_HOLDING_STATUSES:
            # The form sent again (reload, back button, double tap): joining twice would burn a seat.
            messages.info(self.request, _("You are already in on this device; you kept your seat."))
            return redirect("attendee:lobby", slug=self.event.slug)
        attendee = run_service(
            form,
            join_institution,
            self.event,
            code=form.cleaned_data["code"],
            display_name=form.cleaned_data["display_name"],
            visible_to_others=form.cleaned_data["visible_to_others"],
            language=visitor_language(self.event),
            ip=client_ip(self.request),
        )
        if form.errors:
            return self.form_invalid(form)
        login(self.request, attendee.user, backend=BACKEND)
        messages.success(
            self.request,
            _("Welcome, %(name)s. You joined through %(institution)s.")
            % {"name": attendee.display_name, "institution": attendee.institution.name},
        )
        from .recovery import recovery_code_page  # that module builds on this one's mixins

        return recovery_code_page(self.request, self.event, attendee, attendee.recovery_code)


class SignInView(VisitorMixin, FormView):
    """Sign in on another device with the e-mail address and the short code from the mail."""

    template_name = "events/registration/signin.html"
    form_class = SignInCodeForm

    def form_valid(self, form):
        attendee = run_service(
            form,
            sign_in_with_code,
            self.event,
            email=form.cleaned_data["email"],
            code=form.cleaned_data["code"],
            ip=client_ip(self.request),
        )
        if form.errors:
            return self.form_invalid(form)
        login(self.request, attendee.user, backend=BACKEND)
        return redirect("attendee:lobby", slug=self.event.slug)


class NewLinkView(VisitorMixin, FormView):
    template_name = "events/registration/new_link.html"
    form_class = NewLinkForm

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")[:254]}

    def form_valid(self, form):
        run_service(
            form, request_new_link, self.event, email=form.cleaned_data["email"], ip=client_ip(self.request)
        )
        if form.errors:
            return self.form_invalid(form)
        # The same words whether or not the address is registered: nobody learns who is.
        messages.info(
            self.request,
            _("If %(email)s is registered for this event, a new sign-in link is on its way.")
            % {"email": form.cleaned_data["email"].strip()},
        )
        return redirect("attendee:link_sent", slug=self.event.slug)


class LinkSentView(VisitorMixin, TemplateView):
    template_name = "events/registration/link_sent.html"


class SignInLinkView(View):
    """The link from the mail: signs in and opens the lobby; reusable until it expires."""

    def get(self, request, token: str):
        try:
            attendee = sign_in_with_token(token)
        except SignInError as error:
            status = {"signin.invalid": 404, "signin.password_account": 403}.get(error.code, 410)
            context = {"error": error, "event": error.event, "password_account": status == 403}
            return render(request, "events/registration/link_invalid.html", context, status=status)
        login(request, attendee.user, backend=BACKEND)
        return redirect("attendee:lobby", slug=attendee.event.slug)


class EnterEventMixin(VisitorMixin, VisitorSignInMixin):
    """A page inside the live event (the lobby, other apps' pages): confirmed attendees, people
    with a role in the event (registry.event_roles) and the team enter. Anyone else signed in is
    told why not (403); strangers are sent to sign in.
    """

    refusals = {
        AttendeeStatus.UNCONFIRMED: gettext_lazy(
            "Someone registered this address for this event. If it was you, confirm the "
            "registration; if not, decline it and it is deleted."
        ),
        AttendeeStatus.PENDING: gettext_lazy(
            "Your registration is waiting for the organisers' approval. We will mail you as "
            "soon as they decide; you can enter then."
        ),
        AttendeeStatus.REJECTED: gettext_lazy(
            "The organisers did not approve your registration, so you cannot enter this event. "
            "Contact them if you think this is a mistake."
        ),
        AttendeeStatus.CANCELLED: gettext_lazy(
            "Your registration was cancelled, so you cannot enter this event. Contact the "
            "organisers if you think this is a mistake."
        ),
    }

    page_permission = ENTER_EVENT

    def signin_next(self) -> None:
        return None  # the lobby is where signing in leads anyway

    def permission_denied(self, permission: str):
        return self.refuse(self.request)

    def refuse(self, request):
        attendance = attendance_of(self.event, request.user)
        reason = self.refusals.get(attendance.status) if attendance else None
        context = {"event": self.event, "attendance": attendance, "reason": reason}
        if attendance and attendance.status == AttendeeStatus.UNCONFIRMED:
            language = visitor_language(self.event)
            context["answers"] = [
                (answer.question.label_in(language), answer.display_in(language))
                for answer in attendance.answers.select_related("question")
            ]
        return render(request, "events/registration/lobby_refused.html", context, status=403)


class LobbyView(EnterEventMixin, PublicEventMixin, TemplateView):
    """The way into the live event: the welcome, what is on now and next, and what other apps add
    (registry.page_sections, "lobby...")."""

    template_name = "events/registration/lobby.html"
    upcoming = 3

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, now = self.event, timezone.now()
        sessions = event.sessions.prefetch_related("speakers").order_by("starts_at", "title", "id")
        live = list(sessions.filter(starts_at__lte=now, ends_at__gt=now))
        upcoming = list(sessions.filter(starts_at__gt=now)[: self.upcoming])
        for session in (*live, *upcoming):
            session.place_label = session_places.label(session)
        context.update(live_sessions=live, next_sessions=upcoming, zone=zone_label(event))
        return context
