"""The stage of a session without JavaScript: the organisers' page naming its speakers (reachable
from the schedule's session edit page, and for the staff of the session's place from its page),
accepting a speaker's invitation link, and the forms that raise a hand and let a moderator bring
someone on stage or take them off. What changes is pushed to the live pages as the socket would."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from ..interfaces.stage_forms import StageSpeakerForm
from ..live import stage_handlers
from ..models import Session, StageSpeaker
from ..permissions import MANAGE_EVENT
from ..services import stage
from .accounts import AcceptInvitationBase
from .mixins import EventMixin, FormRefusalMixin, PermissionMixin


class SessionStageMixin(LoginRequiredMixin, EventMixin):
    """A page or form about one session's stage, in the event of the URL."""

    @cached_property
    def session(self) -> Session:
        found = Session.objects.filter(pk=self.kwargs["session_id"], event=self.event).first()
        if found is None:
            raise Http404(str(_("There is no such session here.")))
        return found

    def session_page(self, anchor: str = "#stage") -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("visit:session", args=[self.event.slug, self.session.pk]) + anchor
        )


class StageSpeakersView(PermissionMixin, SessionStageMixin, FormRefusalMixin, FormView):
    """Who speaks on the session's stage; the organisers and the place's staff add and remove."""

    template_name = "events/stage/speakers.html"
    form_class = StageSpeakerForm

    page_permission = stage.NAME_SPEAKERS
    closed_reason = gettext_lazy("This event is closed and can no longer be changed. Reopen it first.")
    refused_reason = gettext_lazy(
        "Only the organisers, and the staff of the place the session is held at, name its speakers."
    )

    def get_permission_object(self) -> Session:
        return self.session

    def permission_event(self):
        return self.event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speakers = list(stage.speakers_of(self.session))
        mails = stage.invitation_mails(self.session)
        for speaker in speakers:
            speaker.invitation_mail = mails.get(speaker.pk)  # the last one tried, if any
        context.update(
            session=self.session,
            speakers=speakers,
            max_speakers=settings.RTC_STAGE_MAX_SPEAKERS,
            is_organiser=self.request.user.has_perm(MANAGE_EVENT, self.event),
            new_link=self.request.session.pop("stage_speaker_link", None),
        )
        return context

    def form_valid(self, form):
        try:
            named = stage.name_stage_speaker(self.session, form.cleaned_data["email"], by=self.request.user)
        except stage.StageError as error:
            return self.form_refused(form, error, "email")
        if named.link_token is None:
            messages.success(
                self.request,
                _("%(email)s is now a speaker of this session.") % {"email": named.speaker.email},
            )
        else:
            tell_about_invitation_mail(self.request, named)
        return redirect("stage:speakers", slug=self.event.slug, session_id=self.session.pk)


def tell_about_invitation_mail(request, named: stage.NamedSpeaker) -> None:
    """Whether the invitation mail went, and the link once on the next page (the database keeps
    just its hash), so that the organiser can pass it on another way whatever happened."""
    email = named.speaker.email
    if named.mail_sent:
        messages.success(request, _("The invitation was mailed to %(email)s.") % {"email": email})
    elif named.mail_refusal:
        messages.warning(request, named.mail_refusal)
    else:
        messages.error(
            request,
            _(
                "The invitation to %(email)s could not be mailed: the mail server did not take it. "
                "Nothing is lost: copy the link below and send it yourself, or press “Send again” "
                "later. If it keeps failing, ask the server's operator to check the mail settings."
            )
            % {"email": email},
        )
    link = request.build_absolute_uri(reverse("stage:accept", args=[named.link_token]))
    request.session["stage_speaker_link"] = {"email": email, "link": link, "mailed": bool(named.mail_sent)}


class StageSpeakerRemoveView(SessionStageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        speaker = get_object_or_404(StageSpeaker, pk=kwargs["speaker_id"], session=self.session)
        try:
            stage.remove_stage_speaker(speaker, by=request.user)
        except stage.StageError as error:
            raise PermissionDenied(error.message) from error
        messages.success(
            request, _("%(email)s is no longer a speaker of this session.") % {"email": speaker.email}
        )
        return redirect("stage:speakers", slug=self.event.slug, session_id=self.session.pk)


class StageSpeakerResendView(SessionStageMixin, View):
    """ "Send again": a new link by mail (the earlier one stops working), within the limits."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        speaker = get_object_or_404(StageSpeaker, pk=kwargs["speaker_id"], session=self.session)
        try:
            named = stage.resend_stage_invitation(speaker, by=request.user)
        except stage.StageError as error:
            if error.code == "stage.not_allowed":
                raise PermissionDenied(error.message) from error
            messages.error(request, error.message)
        else:
            tell_about_invitation_mail(request, named)
        return redirect("stage:speakers", slug=self.event.slug, session_id=self.session.pk)


class AcceptStageInvitationView(AcceptInvitationBase):
    """As the team's invitations: log in or create a log-in with the invited address, then accept."""

    invitation_model = StageSpeaker

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speaker = context["invitation"]
        if speaker:
            context["what"] = _("speak on the stage of “%(session)s” at %(event)s") % {
                "session": speaker.session.title,
                "event": speaker.event.name,
            }
        return context

    def accept(self, user):
        speaker = stage.accept_stage_invitation(self.kwargs["token"], by=user)
        messages.success(
            self.request,
            _("You are a speaker of “%(session)s”. Go on air from the green room on this page.")
            % {"session": speaker.session.title},
        )
        return reverse("visit:session", args=[speaker.event.slug, speaker.session_id]) + "#stage"


class RaiseHandView(SessionStageMixin, View):
    """Raise ("raised=1") or lower one's own hand without JavaScript."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            if request.POST.get("raised") == "1":
                stage.raise_hand(self.session, by=request.user)
                messages.success(request, _("Your hand is raised. The moderators can see it."))
            else:
                stage.lower_hand(self.session, by=request.user)
                messages.success(request, _("Your hand is down."))
        except stage.StageError as error:
            messages.error(request, error.message)
            return self.session_page()
        stage_handlers.announce_hands(self.session)
        return self.session_page()


class ModerateHandView(SessionStageMixin, View):
    """A moderator brings someone on stage ("bring_on") or takes them off ("take_off")."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        if not stage.may_moderate_stage(request.user, self.session):
            raise PermissionDenied(_("Only the session's moderators bring people on stage or take them off."))
        try:
            hand = stage.find_hand(self.session, kwargs["hand_id"])
        except stage.StageError as error:
            messages.error(request, error.message)
            return self.session_page()
        user_id = hand.user_id
        if self.action == "bring_on":
            stage.bring_on_stage(hand, by=request.user)
        else:
            stage.take_off_stage(hand, by=request.user)
        stage_handlers.announce_hands(self.session)
        stage_handlers.announce_person(self.session, user_id, on_stage=self.action == "bring_on")
        return self.session_page()
