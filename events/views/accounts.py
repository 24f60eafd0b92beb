"""Accounts: organisers sign up with e-mail and password; invited people accept here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from ..errors import InvitationError, RakwonError
from ..forms import InviteOrganiserForm, LoginForm, PasswordResetRequestForm, SignupForm
from ..models import TeamInvitation
from ..services.passwords import request_password_reset
from ..services.signup import (
    SignupError,
    accept_organiser_invitation,
    check_signup_link,
    confirm_signup,
    invite_organiser,
    masked_address,
    may_invite_organisers,
    open_organiser_invitation,
    request_signup,
    signup_mode,
)
from ..services.team import accept_team_invitation
from .mixins import FormRefusalMixin
from .registration import client_ip

BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request, url: str) -> str:
    return url if url and url_has_allowed_host_and_scheme(url, {request.get_host()}) else ""


class SignupView(FormRefusalMixin, FormView):
    """Answers the same for any address: the account is made from the mailed link (services.signup)."""

    template_name = "events/accounts/signup.html"
    form_class = SignupForm

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")[:254]}

    def invitation(self) -> str:
        return (self.request.POST.get("invitation") or self.request.GET.get("invitation") or "")[:500]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(signup_mode=signup_mode(), invitation=self.invitation())
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        next_url = safe_next(self.request, self.request.POST.get("next") or self.request.GET.get("next"))
        try:
            request_signup(
                email=data["email"],
                display_name=data["display_name"],
                password=data["password"],
                next_url=next_url,
                language=translation.get_language() or "",
                ip=client_ip(self.request),
                invitation=self.invitation(),
                invited_elsewhere=pending_invitation_at(next_url),
            )
        except RakwonError as error:
            return self.form_refused(form, error)
        messages.info(
            self.request,
            _("We have sent a mail to %(email)s. Open it to go on.") % {"email": data["email"]},
        )
        return redirect("accounts:signup_sent")


def pending_invitation_at(url: str) -> bool:
    """Whether `url` is the page of a team or staff invitation that can still be accepted: the
    invitation views name their model, so events finds exhibits' without importing it."""
    try:
        match = resolve((url or "").split("?")[0])
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, AcceptInvitationBase)):
        return False
    model = view_class.invitation_model
    invitation = model.by_token(match.kwargs.get("token", "")).first() if model else None
    return invitation is not None and invitation.is_pending


class SignupSentView(TemplateView):
    template_name = "events/accounts/signup_sent.html"


class SignupConfirmView(View):
    """The link from the sign-up mail. Opening it only shows a button, so a mail scanner that
    follows links creates no account and logs nobody in; the button does."""

    template_name = "events/accounts/signup_confirm.html"

    def refuse(self, request, error: SignupError):
        status = 404 if error.code == "signup.invalid" else 410
        return render(request, self.template_name, {"error": error}, status=status)

    def get(self, request, token: str):
        try:
            pending = check_signup_link(token)
        except SignupError as error:
            return self.refuse(request, error)
        return render(request, self.template_name, {"pending": pending})

    def post(self, request, token: str):
        try:
            user, next_url = confirm_signup(token)
        except SignupError as error:
            return self.refuse(request, error)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user})
        return redirect(safe_next(request, next_url) or "organiser:home")


class LoginView(auth_views.LoginView):
    template_name = "events/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(FormRefusalMixin, auth_views.PasswordResetView):
    """Django's reset, with the mail sent by a task (services.passwords): the same answer, in
    the same time, for any address."""

    template_name = "events/accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        try:
            request_password_reset(
                email=email, language=translation.get_language() or "", ip=client_ip(self.request)
            )
        except RakwonError as error:
            return self.form_refused(form, error)
        messages.info(
            self.request,
            _("If %(email)s has an account, a mail with a link to set a new password is on its way.")
            % {"email": email},
        )
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "events/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "events/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "events/accounts/password_reset_complete.html"


class LogoutView(auth_views.LogoutView):
    pass


class AcceptInvitationBase(TemplateView):
    """Shows an invitation; a logged-in user accepts it with one button."""

    template_name = "events/accounts/invitation.html"
    invitation_model = None

    def get_invitation(self):
        return self.invitation_model.by_token(self.kwargs["token"]).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitation"] = self.get_invitation()
        return context

    def accept(self, user):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{request.path}")
        try:
            redirect_to = self.accept(request.user)
        except InvitationError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        return redirect(redirect_to)


class AcceptTeamInvitationView(AcceptInvitationBase):
    invitation_model = TeamInvitation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = context["invitation"]
        if invitation:
            context["what"] = _("join the team of %(event)s as %(role)s") % {
                "event": invitation.event.name,
                "role": invitation.get_role_display().lower(),
            }
        return context

    def accept(self, user):
        member = accept_team_invitation(self.kwargs["token"], by=user)
        messages.success(
            self.request, _("You are now on the team of %(event)s.") % {"event": member.event.name}
        )
        return redirect("organiser:dashboard", slug=member.event.slug).url


class InviteOrganiserView(FormRefusalMixin, LoginRequiredMixin, FormView):
    """A superuser invites someone to create events (ORGANISER_SIGNUP=invitation)."""

    template_name = "events/accounts/invite_organiser.html"
    form_class = InviteOrganiserForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_invite_organisers(request.user):
            raise PermissionDenied(_("Only the server's administrators (superusers) invite organisers."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            invite_organiser(email, by=self.request.user, language=translation.get_language() or "")
        except RakwonError as error:
            return self.form_refused(form, error)
        messages.success(
            self.request, _("An invitation to organise events is on its way to %(email)s.") % {"email": email}
        )
        return redirect("accounts:invite_organiser")


class AcceptOrganiserInvitationView(TemplateView):
    """The link of an organiser invitation: sign up with it, or accept it when logged in."""

    template_name = "events/accounts/organiser_invitation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["masked_email"] = masked_address(open_organiser_invitation(self.kwargs["token"]))
        except InvitationError as error:
            context["error"] = error
        context["token"] = self.kwargs["token"]
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(request.path)
        try:
            accept_organiser_invitation(self.kwargs["token"], by=request.user)
        except InvitationError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        messages.success(request, _("You can now create events on this server."))
        return redirect("organiser:event_create")
