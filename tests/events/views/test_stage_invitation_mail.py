"""An outside stage speaker's invitation by mail (events/services/stage.py, organiser_stage.py): the
link is mailed in their language with the session, its time and who invited them; "Send again"
mails a new link within the limits; a mail server that is down loses nothing and says what to do;
nobody but those who name speakers makes the server mail anyone; no token reaches the logs."""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import socket

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from events.enums import EventStatus, TeamRole
from events.models import AuditLogEntry, StageSpeaker
from events.models.invitation import hash_token
from events.services import stage
from events.services.mail import failed_mails
from exhibits.models import BoothSession
from tests.factories import (
    BoothFactory,
    EventFactory,
    SessionFactory,
    StaffFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

GUEST = "guest@outside.example"
LINK = re.compile(r"(http://testserver\.example)?(/accounts/invitations/stage/([A-Za-z0-9_-]+)/)")


class DownMailServer(BaseEmailBackend):
    """A mail server that is not there (as smtplib says when the connection drops)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def expo(settings):
    settings.SITE_URL = "http://testserver.example"
    event = EventFactory(slug="stage-mail", status=EventStatus.PUBLISHED, languages=["ko", "en"])
    session = SessionFactory(
        event=event,
        title="Keynote on rivers",
        # 10:00 to 11:00 in Seoul (the factory's time zone)
        starts_at=dt.datetime(2027, 5, 4, 1, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 5, 4, 2, 0, tzinfo=dt.UTC),
    )
    booth = BoothFactory(event=event)
    BoothSession.objects.create(booth=booth, session=session)
    return {
        "event": event,
        "session": session,
        "owner": TeamMemberFactory(
            event=event, role=TeamRole.OWNER, user=UserFactory(display_name="Olivia Organiser")
        ).user,
        "booth_staff": StaffFactory(exhibitor=booth.exhibitor).user,
        "other_staff": StaffFactory(exhibitor=BoothFactory(event=event).exhibitor).user,
        "visitor": AttendeeFactory(event=event).user,
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _speakers_url(expo) -> str:
    return reverse("stage:speakers", args=[expo["event"].slug, expo["session"].pk])


def _resend_url(expo, speaker) -> str:
    return reverse("stage:speaker_resend", args=[expo["event"].slug, expo["session"].pk, speaker.pk])


def _mailed_token(message) -> str:
    found = LINK.search(message.body)
    assert found is not None and found.group(1) == "http://testserver.example"
    return found.group(3)


def _said(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# --- Who may make the server send mail (the attacker first) ----------------------------------


@pytest.mark.parametrize("who", ["visitor", "other_staff"])
def test_someone_who_names_no_speakers_cannot_have_the_server_mail_an_address(expo, who):
    named = stage.name_stage_speaker(expo["session"], GUEST, by=expo["owner"])
    mail.outbox.clear()
    client = _client(expo[who])

    added = client.post(_speakers_url(expo), {"email": "victim@elsewhere.example"})
    resent = client.post(_resend_url(expo, named.speaker))

    assert (added.status_code, resent.status_code) == (403, 403)
    assert mail.outbox == []
    assert StageSpeaker.objects.get().token_hash == hash_token(named.link_token)  # the link still works
    with pytest.raises(stage.StageError):
        stage.resend_stage_invitation(named.speaker, by=expo[who])
    assert mail.outbox == []


def test_a_stranger_is_sent_to_log_in_and_nothing_is_mailed(expo):
    named = stage.name_stage_speaker(expo["session"], GUEST, by=expo["owner"])
    mail.outbox.clear()

    resent = _client().post(_resend_url(expo, named.speaker))

    assert resent.status_code == 302 and "login" in resent["Location"]
    assert mail.outbox == []


def test_a_speaker_of_another_session_is_not_there(expo):
    other = SessionFactory(event=expo["event"])
    named = stage.name_stage_speaker(other, GUEST, by=expo["owner"])
    mail.outbox.clear()

    response = _client(expo["owner"]).post(_resend_url(expo, named.speaker))

    assert response.status_code == 404
    assert mail.outbox == []


# --- The mail ------------------------------------------------------------------------------


def test_naming_an_outsider_mails_the_link_in_the_events_language(expo):
    response = _client(expo["owner"]).post(_speakers_url(expo), {"email": GUEST}, follow=True)

    [sent] = mail.outbox
    assert sent.to == [GUEST]
    assert "Keynote on rivers" in sent.subject
    # Nobody knows the guest's language: the event's first, Korean.
    assert "Olivia Organiser 님이" in sent.body
    assert "2027-05-04 10:00–11:00 (Asia/Seoul)" in sent.body
    assert "“Keynote on rivers”" in sent.subject and "invited" not in sent.subject
    assert not re.search(r"\b(the|you|link|session)\b", LINK.sub("", sent.body), re.IGNORECASE)
    token = _mailed_token(sent)
    assert hash_token(token) == StageSpeaker.objects.get().token_hash
    page = response.content.decode()
    assert f"The invitation was mailed to {GUEST}." in page
    assert f"/accounts/invitations/stage/{token}/" in page  # the same link, once, to copy
    assert "Invitation mailed" in page
    assert "Send again" in page


def test_the_mail_is_in_the_speakers_language_when_the_event_knows_it(expo):
    # Registered without an account (an account would be named at once, with no mail).
    AttendeeFactory(event=expo["event"], email=GUEST, language="en", user=None)

    stage.name_stage_speaker(expo["session"], GUEST, by=expo["booth_staff"])

    [sent] = mail.outbox
    assert sent.subject == f"You are invited to speak at “Keynote on rivers” ({expo['event'].name})"
    assert "invited you to speak on the stage of “Keynote on rivers”" in sent.body
    assert "The session is on 2027-05-04 from 10:00 to 11:00 (Asia/Seoul)." in sent.body


def test_an_account_is_named_without_a_mail(expo):
    UserFactory(email="kim@example.org")

    named = stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo["owner"])

    assert (named.link_token, named.mail_sent) == (None, None)
    assert mail.outbox == []


def test_the_mailed_link_is_accepted_once_and_only_by_the_invited_address(expo):
    stage.name_stage_speaker(expo["session"], GUEST, by=expo["owner"])
    accept = reverse("stage:accept", args=[_mailed_token(mail.outbox[0])])
    guest = UserFactory(email=GUEST)

    wrong = _client(UserFactory(email="other@example.org")).post(accept)
    right = _client(guest).post(accept)
    again = _client(guest).get(accept)

    assert wrong["Location"] == accept
    assert right.status_code == 302
    assert StageSpeaker.objects.get().user == guest
    assert "not valid or has already been used" in again.content.decode()


# --- Send again ------------------------------------------------------------------------------


def test_send_again_mails_a_new_link_and_the_old_one_stops_working(expo):
    named = stage.name_stage_speaker(expo["session"], GUEST, by=expo["owner"])
    first = _mailed_token(mail.outbox[0])

    response = _client(expo["booth_staff"]).post(_resend_url(expo, named.speaker), follow=True)

    assert len(mail.outbox) == 2
    second = _mailed_token(mail.outbox[1])
    assert second != first
    row = StageSpeaker.objects.get()
    assert row.token_hash == hash_token(second)
    assert not StageSpeaker.by_token(first).exists()
    assert f"The invitation was mailed to {GUEST}." in response.content.decode()


def test_send_again_is_limited_and_a_refused_one_changes_nothing(expo, settings):
    settings.STAGE_INVITATION_MAILS_PER_SPEAKER = 3
    named = stage.name_stage_speaker(expo["session"], GUEST, by=expo["owner"])
    client = _client(expo["owner"])
    client.post(_resend_url(expo, named.speaker))
    client.post(_resend_url(expo, named.speaker))
    assert len(mail.outbox) == 3
    last = StageSpeaker.objects.get().token_hash

    refused = client.post(_resend_url(expo, named.speaker), follow=True)

    assert len(mail.outbox) == 3
    assert StageSpeaker.objects.get().token_hash == last  # the link last mailed still works
    assert (
        "The invitation was mailed several times in the last 60 minutes; wait before sending it "
        "again, or copy the link and send it yourself."
    ) in refused.content.decode()


def test_one_person_cannot_mail_many_addresses_by_naming_and_removing(expo, settings):
    settings.STAGE_INVITATION_MAILS_PER_NAMER = 2
    for number in range(4):
        named = stage.name_stage_speaker(
            expo["session"], f"someone{number}@example.org", by=expo["booth_staff"]
        )
        stage.remove_stage_speaker(named.speaker, by=expo["booth_staff"])

    assert len(mail.outbox) == 2
    assert named.mail_sent is False and "mailed several times" in named.mail_refusal


def test_an_accepted_invitation_is_not_sent_again(expo):
    named = stage.name_stage_speaker(expo["session"], GUEST, by=expo["owner"])
    stage.accept_stage_invitation(named.link_token, by=UserFactory(email=GUEST))
    mail.outbox.clear()

    with pytest.raises(stage.StageError) as refused:
        stage.resend_stage_invitation(StageSpeaker.objects.get(), by=expo["owner"])

    assert refused.value.code == "stage.already_accepted"
    assert mail.outbox == []


# --- A mail server that is down --------------------------------------------------------------


def test_a_mail_server_that_is_down_keeps_the_speaker_shows_the_link_and_says_what_to_do(expo, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownMailServer"

    response = _client(expo["owner"]).post(_speakers_url(expo), {"email": GUEST}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    row = StageSpeaker.objects.get()
    assert row.email == GUEST and row.user is None
    assert (
        f"The invitation to {GUEST} could not be mailed: the mail server did not take it. Nothing is "
        "lost: copy the link below and send it yourself, or press “Send again” later. If it keeps "
        "failing, ask the server&#x27;s operator to check the mail settings."
    ) in page
    token = LINK.search(page).group(3)
    assert hash_token(token) == row.token_hash  # the link to copy works
    assert "Mail not sent" in page
    assert [(entry["what"], entry["subject"], entry["reason"]) for entry in failed_mails(expo["event"])] == [
        ("stage_invitation", f"stage_speaker:{row.pk}", "SMTPServerDisconnected")
    ]

    # The server is back: "Send again" goes, and failures did not use up the tries.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _attempt in range(2):
        settings.EMAIL_BACKEND = f"{__name__}.DownMailServer"
        _client(expo["owner"]).post(_resend_url(expo, row))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resent = _client(expo["owner"]).post(_resend_url(expo, row), follow=True)
    assert f"The invitation was mailed to {GUEST}." in resent.content.decode()
    assert len(mail.outbox) == 1
    assert list(
        AuditLogEntry.objects.filter(action=stage.INVITATION_MAILED).values_list("details", flat=True)
    ) == [
        {"sent": True},
        {"sent": False, "reason": "SMTPServerDisconnected"},
        {"sent": False, "reason": "SMTPServerDisconnected"},
        {"sent": False, "reason": "SMTPServerDisconnected"},
    ]


# --- Logs ------------------------------------------------------------------------------------


def test_no_invitation_token_reaches_the_logs(expo, settings, caplog):
    caplog.set_level(logging.DEBUG)
    client = _client(expo["owner"])
    client.post(_speakers_url(expo), {"email": GUEST})
    named = StageSpeaker.objects.get()
    client.post(_resend_url(expo, named))
    settings.EMAIL_BACKEND = f"{__name__}.DownMailServer"
    client.post(_resend_url(expo, named))
    tokens = [LINK.search(message.body).group(3) for message in mail.outbox]
    tokens.append(LINK.search(client.get(_speakers_url(expo)).content.decode()).group(3))
    guest = UserFactory(email=GUEST)
    _client(guest).get(reverse("stage:accept", args=[tokens[-1]]))
    _client(guest).post(reverse("stage:accept", args=[tokens[-1]]))

    assert len(set(tokens)) == 3
    logged = "\n".join(f"{record.getMessage()} {vars(record)}" for record in caplog.records)
    assert "/accounts/invitations/stage/" in logged  # the accept requests were logged...
    assert [token for token in tokens if token in logged] == []  # ...without their token


def test_the_organiser_reads_the_mails_outcome_in_korean(expo, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownMailServer"
    client = _client(expo["owner"])

    failed = client.post(_speakers_url(expo), {"email": GUEST}, HTTP_ACCEPT_LANGUAGE="ko", follow=True)

    page = failed.content.decode()
    assert f"{GUEST} 님에게 초대 메일을 보내지 못했습니다." in page
    assert "메일을 보내지 못함" in page
    assert "다시 보내기" in page


def test_a_real_smtp_connection_refused_is_told_the_same_way(expo, settings):
    """Django's SMTP backend against a port where nothing listens (the mail server is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    response = _client(expo["owner"]).post(_speakers_url(expo), {"email": GUEST}, follow=True)

    assert f"The invitation to {GUEST} could not be mailed" in response.content.decode()
    row = StageSpeaker.objects.get()
    assert [entry["reason"] for entry in failed_mails(expo["event"])] == ["ConnectionRefusedError"]
    assert hash_token(LINK.search(response.content.decode()).group(3)) == row.token_hash
