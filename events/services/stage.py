"""A session's stage: naming its speakers (an account by e-mail, or an invitation link for an
outside speaker), accepting such a link, and the audience's raised hands that a moderator brings
on stage and takes off again. Who publishes on the stage is decided here (`may_speak_on_stage`);
live video asks it through rules (events.speak_on_stage) and closes the streams of someone taken
off through `registry.stage_exits`. The socket side is events/live/stage_handlers.py.

An outside speaker's invitation is mailed when they are named, and again on "Send again" (a new
link; the old one stops working), at most STAGE_INVITATION_MAILS_PER_SPEAKER times per window.
Each mail tried is a line in the event's audit log (it sends a person's address to the mail
server), which is also where the speakers page reads whether it went: no column is needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import rules
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..errors import InvitationError, RakwonError
from ..models import Attendee, AuditLogEntry, Session, StageHand, StageSpeaker, User
from ..models.invitation import default_expiry
from ..permissions import CHANGE_EVENT, ENTER_EVENT
from ..registry import audit_actors, event_roles, session_places, stage_exits
from . import mail
from .audit import record_audit
from .session_questions import may_moderate
from .team import check_invited_address

#: Checked by rules on a session: naming its speakers, moderating its hands, publishing on it.
NAME_SPEAKERS = "events.name_stage_speakers"
MODERATE_STAGE = "events.moderate_stage"
SPEAK_ON_STAGE = "events.speak_on_stage"

UPCOMING, LIVE, ENDED = "upcoming", "live", "ended"

#: The audit log's line for each invitation mail tried (registered in events/contributions.py);
#: its subject names the speaker by reference ("stage_speaker:12"), never by address.
INVITATION_MAILED = "stage_invitation_mail"
INVITATION_MAILED_LABEL = gettext_lazy("Stage speaker invitation mailed")
SPEAKER_SUBJECT = "stage_speaker"


class StageError(RakwonError):
    code = "stage.error"


# --- Who may do what ------------------------------------------------------------------------------


def _is_staff_of_place(user: User, session: Session) -> bool:
    """The staff of the place the session is held at (a booth's, through the registries)."""
    provider, raw_id = session_places.split(session_places.current(session))
    return bool(provider and raw_id.isdigit() and event_roles.is_staff_at(user, provider.kind, int(raw_id)))


def may_name_speakers(user: User, session: Session) -> bool:
    """The organisers (while the event is open), and the staff of the session's place."""
    if not user or not user.is_authenticated or session.event.is_closed:
        return False
    return user.has_perm(CHANGE_EVENT, session.event) or _is_staff_of_place(user, session)


def may_moderate_stage(user: User, target: Session | StageHand) -> bool:
    """Those who moderate the session's questions moderate its hands too (the socket asks it of
    the hand a frame names)."""
    return may_moderate(user, target.session if isinstance(target, StageHand) else target)


def is_named_speaker(user: User, session: Session) -> bool:
    if not user or not user.is_authenticated:
        return False
    return StageSpeaker.objects.filter(session=session, user=user).exists()


def is_brought_on(user: User, session: Session) -> bool:
    if not user or not user.is_authenticated:
        return False
    return StageHand.objects.filter(session=session, user=user, on_stage_since__isnull=False).exists()


def may_speak_on_stage(user: User, session: Session) -> bool:
    """The named speakers and those a moderator brought on, while the event is open to them."""
    if not user or not user.is_authenticated or session.event.is_closed:
        return False
    if not user.has_perm(ENTER_EVENT, session.event):
        return False
    return is_named_speaker(user, session) or is_brought_on(user, session)


rules.add_perm(NAME_SPEAKERS, rules.predicate(may_name_speakers))
rules.add_perm(MODERATE_STAGE, rules.predicate(may_moderate_stage))
rules.add_perm(SPEAK_ON_STAGE, rules.predicate(may_speak_on_stage))


def _require(allowed: bool, message: str, code: str = "stage.not_allowed") -> None:
    if not allowed:
        raise StageError(message, code=code)


def _require_namer(session: Session, by: User) -> None:
    _require(
        may_name_speakers(by, session),
        _("Only the organisers, and the staff of the place the session is held at, name its speakers."),
    )


def _require_moderator(session: Session, by: User) -> None:
    _require(
        may_moderate_stage(by, session),
        _("Only the session's moderators bring people on stage or take them off."),
    )


# --- When the session is ----------------------------------------------------------------------


def stage_status(session: Session, now: datetime | None = None) -> str:
    """ "upcoming" before it starts, "live" while it runs, "ended" after (the server's clock)."""
    now = now or timezone.now()
    if now < session.starts_at:
        return UPCOMING
    return LIVE if now < session.ends_at else ENDED


# --- Naming speakers --------------------------------------------------------------------------


@dataclass
class NamedSpeaker:
    speaker: StageSpeaker
    link_token: str | None  # the invitation link's token, shown once; None for an account
    mail_sent: bool | None = None  # whether the invitation mail went; None for an account
    mail_refusal: str = ""  # why it was not even tried (the limits), to tell the organiser


def describe_speaker_subject(number: str) -> str:
    """The audit log's subject "stage_speaker:12" as the organiser reads it."""
    return _("Stage speaker #%(number)s") % {"number": number}


def name_stage_speaker(session: Session, email: str, *, by: User) -> NamedSpeaker:
    """An account with this address becomes a speaker at once; any other address gets an
    invitation link (only its hash is stored), mailed to it now and shown once to the organiser,
    who can copy it if the mail does not go."""
    _require_namer(session, by)
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise StageError(_("Enter the speaker's e-mail address."), code="stage.bad_email")
    account = User.objects.filter(email__iexact=email, is_active=True).first()
    try:
        with transaction.atomic():
            speaker = StageSpeaker(event=session.event, session=session, email=email, named_by=by)
            if account is not None:
                speaker.user = account
                speaker.accepted_at = timezone.now()
                speaker.accepted_by = account
            speaker.save()
    except IntegrityError:
        raise StageError(
            _("%(email)s is already a speaker of this session.") % {"email": email},
            code="stage.already_speaker",
        ) from None
    if account is not None:
        return NamedSpeaker(speaker, None)
    token = speaker.token
    try:
        _check_mail_limits(speaker, by=by)
    except StageError as limited:
        return NamedSpeaker(speaker, token, mail_sent=False, mail_refusal=limited.message)
    return NamedSpeaker(speaker, token, mail_sent=_mail_invitation(speaker, token, by=by))


def resend_stage_invitation(speaker: StageSpeaker, *, by: User) -> NamedSpeaker:
    """Mail the invitation again with a new link (the earlier one stops working) that is valid
    for INVITATION_VALID_DAYS from now. Refused (StageError) once accepted, or past the limits,
    before anything changes: a refused resend leaves the link the speaker has working."""
    _require_namer(speaker.session, by)
    if speaker.accepted_at is not None or speaker.user_id is not None:
        raise StageError(
            _("%(email)s has accepted already: there is nothing to send.") % {"email": speaker.email},
            code="stage.already_accepted",
        )
    _check_mail_limits(speaker, by=by)
    token = speaker.issue_token()
    speaker.expires_at = default_expiry()
    speaker.save(update_fields=["expires_at"])
    return NamedSpeaker(speaker, token, mail_sent=_mail_invitation(speaker, token, by=by))


def _mails_since(**lookups) -> int:
    since = timezone.now() - timedelta(minutes=settings.STAGE_INVITATION_MAIL_WINDOW_MINUTES)
    found = AuditLogEntry.objects.filter(action=INVITATION_MAILED, created_at__gt=since, **lookups)
    return sum(1 for details in found.values_list("details", flat=True) if details.get("sent"))


def _check_mail_limits(speaker: StageSpeaker, *, by: User) -> None:
    """Only mail that went counts: a mail server that is down does not use up the tries."""
    window = settings.STAGE_INVITATION_MAIL_WINDOW_MINUTES
    if _mails_since(
        event_id=speaker.event_id, subject=f"{SPEAKER_SUBJECT}:{speaker.pk}"
    ) >= settings.STAGE_INVITATION_MAILS_PER_SPEAKER or (
        _mails_since(actor=by) >= settings.STAGE_INVITATION_MAILS_PER_NAMER
    ):
        raise StageError(
            ngettext(
                "The invitation was mailed several times in the last %(minutes)s minute; wait "
                "before sending it again, or copy the link and send it yourself.",
                "The invitation was mailed several times in the last %(minutes)s minutes; wait "
                "before sending it again, or copy the link and send it yourself.",
                window,
            )
            % {"minutes": window},
            code="stage.mail_limited",
        )


def _mail_invitation(speaker: StageSpeaker, token: str, *, by: User) -> bool:
    """Send the invitation now; False if the mail server did not take it (the organiser is shown
    the link to copy, the dashboard lists the failure). Logged by reference, never the link."""
    sent, reason = True, ""
    try:
        mail.send_stage_invitation_mail(speaker, token=token, inviter=by.display_name or by.email)
    except OSError as error:  # smtplib's errors are OSErrors, as are a refused or lost connection
        sent, reason = False, type(error).__name__
        mail.record_failed_mail(
            speaker.event_id,
            what="stage_invitation",
            subject=f"{SPEAKER_SUBJECT}:{speaker.pk}",
            reason=reason,
        )
    staff_role = "" if by.has_perm(CHANGE_EVENT, speaker.event) or "staff" not in audit_actors else "staff"
    record_audit(
        speaker.event,
        INVITATION_MAILED,
        by=by,
        as_role=staff_role,
        subject=f"{SPEAKER_SUBJECT}:{speaker.pk}",
        details={"sent": sent, "reason": reason} if reason else {"sent": sent},
    )
    return sent


@dataclass(frozen=True)
class InvitationMail:
    """What the speakers page says of an invitation's last mail."""

    sent: bool
    at: datetime


def invitation_mails(session: Session) -> dict[int, InvitationMail]:
    """The last invitation mail tried for each of the session's invited speakers, by their id."""
    subjects = {
        f"{SPEAKER_SUBJECT}:{pk}": pk
        for pk in session.stage_speakers.filter(user__isnull=True).values_list("pk", flat=True)
    }
    last: dict[int, InvitationMail] = {}
    entries = AuditLogEntry.objects.filter(
        event_id=session.event_id, action=INVITATION_MAILED, subject__in=list(subjects)
    ).order_by("created_at", "id")
    for subject, details, at in entries.values_list("subject", "details", "created_at"):
        last[subjects[subject]] = InvitationMail(sent=bool(details.get("sent")), at=at)
    return last


def remove_stage_speaker(speaker: StageSpeaker, *, by: User) -> None:
    """The speaker's link stops working and, if they are on air, their streams end now."""
    _require_namer(speaker.session, by)
    user_id, session_id = speaker.user_id, speaker.session_id
    speaker.delete()
    if user_id is not None:
        leave_stage_media(session_id, user_id)


@transaction.atomic
def accept_stage_invitation(token: str, *, by: User) -> StageSpeaker:
    """As with the team's invitations: only the account with the invited address accepts."""
    speaker = StageSpeaker.by_token(token).select_for_update().first()
    if speaker is None or speaker.accepted_at is not None:
        raise InvitationError(_("This invitation link is not valid or has already been used."))
    if speaker.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the organisers for a new one."), code="invitation.expired"
        )
    check_invited_address(speaker, by=by)
    if StageSpeaker.objects.filter(session=speaker.session, user=by).exclude(pk=speaker.pk).exists():
        raise InvitationError(_("You are already a speaker of this session."), code="invitation.used")
    speaker.user = by
    speaker.accepted_at = timezone.now()
    speaker.accepted_by = by
    speaker.save(update_fields=["user", "accepted_at", "accepted_by"])
    return speaker


# --- Raised hands -----------------------------------------------------------------------------


def raise_hand(session: Session, *, by: User) -> StageHand:
    """Raising twice keeps the first hand (and its place in the queue)."""
    _require(
        by.is_authenticated and by.has_perm(ENTER_EVENT, session.event) and not session.event.is_closed,
        _("Only people in the live event raise a hand."),
    )
    _require(
        not is_named_speaker(by, session),
        _("You are a speaker of this session: go on air from the green room instead."),
        "stage.already_speaker",
    )
    hand, _created = StageHand.objects.get_or_create(
        session=session, user=by, defaults={"event": session.event}
    )
    return hand


def lower_hand(session: Session, *, by: User) -> bool:
    """A hand already brought on stays (leaving the stage is "take off" or leaving the page)."""
    return bool(StageHand.objects.filter(session=session, user=by, on_stage_since__isnull=True).delete()[0])


def find_hand(session: Session, hand_id: Any) -> StageHand:
    found = None
    if isinstance(hand_id, int) and not isinstance(hand_id, bool):
        found = (
            StageHand.objects.filter(session=session, pk=hand_id)
            .select_related("user", "session__event")
            .first()
        )
    if found is None:
        raise StageError(_("That hand is down already; reload the list."), code="stage.no_such_hand")
    return found


def bring_on_stage(hand: StageHand, *, by: User) -> StageHand:
    _require_moderator(hand.session, by)
    if hand.on_stage_since is None:
        hand.on_stage_since = timezone.now()
        hand.save(update_fields=["on_stage_since"])
    return hand


def take_off_stage(hand: StageHand, *, by: User) -> None:
    """The hand goes down and the person's streams on the stage end at once."""
    _require_moderator(hand.session, by)
    user_id, session_id = hand.user_id, hand.session_id
    hand.delete()
    leave_stage_media(session_id, user_id)


async def close_stage_streams(session_id: int, user_id: int) -> None:
    """Every app that carries the stage's media ends this person's streams (registry.stage_exits)."""
    for leave in stage_exits:
        await leave(session_id, user_id)


def leave_stage_media(session_id: int, user_id: int) -> None:
    """From sync code (a view, a service in a socket handler's thread): after the commit, so a
    failing transaction does not cut someone off who stays on stage."""
    transaction.on_commit(lambda: async_to_sync(close_stage_streams)(session_id, user_id))


# --- What a page or a socket is told -------------------------------------------------------------


def hand_payload(hand: StageHand) -> dict[str, Any]:
    """For moderators only: the attendee's display name, whatever their visibility elsewhere."""
    return {
        "id": hand.pk,
        "name": hand.user.display_name or str(_("Visitor")),
        "on_stage": hand.on_stage_since is not None,
        "raised_at": hand.raised_at.isoformat(),
    }


def hands_of(session: Session) -> list[dict[str, Any]]:
    return [hand_payload(hand) for hand in session.stage_hands.select_related("user")]


def stage_state(session: Session, user: User) -> dict[str, Any]:
    """What one person sees of the stage: their own hand, whether they may go on air, and for
    moderators the hands (others see only how many are raised)."""
    moderator = may_moderate_stage(user, session)
    mine = StageHand.objects.filter(session=session, user=user).first() if user.is_authenticated else None
    state: dict[str, Any] = {
        "session": session.pk,
        "status": stage_status(session),
        "speaker": is_named_speaker(user, session),
        "on_stage": may_speak_on_stage(user, session),
        "hand": "none" if mine is None else ("on_stage" if mine.on_stage_since else "raised"),
        "moderator": moderator,
        "raised": session.stage_hands.count(),
    }
    if moderator:
        state["hands"] = hands_of(session)
    return state


def speakers_of(session: Session):
    return session.stage_speakers.select_related("user").order_by("created_at", "id")


def attendee_stage(attendee: Attendee) -> dict[str, Any]:
    """Their part of "My data": the hands they raised and the stages they were named to speak on."""
    if attendee.user_id is None:
        return {"raised_hands": [], "speaker_of": []}
    hands = StageHand.objects.filter(event_id=attendee.event_id, user_id=attendee.user_id).order_by("id")
    named = StageSpeaker.objects.filter(event_id=attendee.event_id, user_id=attendee.user_id).order_by("id")
    return {
        "raised_hands": [
            {
                "session": hand.session_id,
                "raised_at": hand.raised_at.isoformat(),
                "on_stage": bool(hand.on_stage_since),
            }
            for hand in hands
        ],
        "speaker_of": [speaker.session_id for speaker in named],
    }
