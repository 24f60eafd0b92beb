"""Accounts: organisers sign up with e-mail and password; invited people accept here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from ..errors import InvitationError
from ..forms import LoginForm, SignupForm
from ..models import TeamInvitation
from ..services.team import accept_team_invitation


class SignupView(FormView):
    template_name = "events/accounts/signup.html"
    form_class = SignupForm

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")}

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome, %(name)s. Your account is ready.") % {"name": user})
        next_url = self.request.POST.get("next") or self.request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, {self.request.get_host()}):
            return redirect(next_url)
        return redirect("organiser:home")


class LoginView(auth_views.LoginView):
    template_name = "events/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
        member = accept_team_invitation(self.kwargs["token"], user=user)
        messages.success(
            self.request, _("You are now on the team of %(event)s.") % {"event": member.event.name}
        )
        return redirect("organiser:dashboard", slug=member.event.slug).url
