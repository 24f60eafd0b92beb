"""Tests of events/services/mail.py: a line break in a name never stops an event's mail, and a mail
that cannot be sent is shown to the organisers (and logged), never swallowed."""

from __future__ import annotations

import socket

import pytest
from django.core import mail

from events.services.mail import failed_mails
from events.services.team import invite_team_member
from events.tasks import send_team_invitation

pytestmark = pytest.mark.django_db


def test_line_break_in_the_event_name_does_not_stop_its_mail(
    event, owner, django_capture_on_commit_callbacks
):
    event.name = "Expo\r\nBcc: someone@example.org"  # saved before one-line fields were checked
    event.save()

    with django_capture_on_commit_callbacks(execute=True):
        invite_team_member(event, "new@example.org", "moderator", by=owner)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Expo Bcc: someone@example.org" in message.subject
    assert message.bcc == []
    assert message.to == ["new@example.org"]
    assert failed_mails(event) == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


def test_mail_that_cannot_be_sent_is_listed_for_the_organisers_and_logged(
    event, owner, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invite_team_member(event, "new@example.org", "moderator", by=owner)
    # Its last attempt (the retries before it failed the same way).
    result = send_team_invitation.apply(
        args=[invitation.pk], retries=send_team_invitation.max_retries, throw=False
    )

    assert result.failed() is True
    assert [(each["what"], each["subject"], each["reason"]) for each in failed_mails(event)] == [
        ("team_invitation", f"team_invitation:{invitation.pk}", "ConnectionRefusedError")
    ]
    assert len(callbacks) == 1
    logged = [r for r in caplog.records if r.name == "events.services.mail" and r.levelname == "ERROR"]
    assert [r.getMessage() for r in logged] == [
        f"mail not sent: team_invitation:{invitation.pk} of event {event.pk}: ConnectionRefusedError"
    ]


def test_the_dashboard_shows_the_mail_that_could_not_be_sent(event, owner, client, settings):
    from events.services.mail import record_failed_mail

    record_failed_mail(
        event.pk, what="team_invitation", subject="team_invitation:7", reason="SMTPServerDisconnected"
    )
    client.force_login(owner)

    page = client.get(f"/organiser/{event.slug}/").content.decode()

    assert "Mail that could not be sent" in page
    assert "Team invitation (team_invitation:7): SMTPServerDisconnected" in page


def test_registration_and_staff_mail_failures_are_listed_too(event, exhibitor_a, owner, settings):
    from events.tasks import send_registration_mail
    from exhibits.services.exhibitors import invite_staff
    from exhibits.tasks import send_staff_invitation
    from tests.registration_factories import AttendeeFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    attendee = AttendeeFactory(event=event, email="visitor@example.org")
    staff = invite_staff(exhibitor_a, "staff@example.org", by=owner)

    send_registration_mail.apply(args=[attendee.pk, "confirmed"], retries=5, throw=False)
    send_staff_invitation.apply(args=[staff.pk], retries=5, throw=False)

    assert [(each["label"], each["subject"]) for each in failed_mails(event)] == [
        ("Exhibitor staff invitation", f"staff_invitation:{staff.pk}"),
        ("Registration mail", f"attendee:{attendee.pk}"),
    ]


def test_the_dashboard_says_it_in_korean(event, owner, client):
    from events.services.mail import record_failed_mail

    record_failed_mail(event.pk, what="registration", subject="attendee:3", reason="SMTPRecipientsRefused")
    client.force_login(owner)

    from django.utils import translation

    with translation.override("en"):  # undoes the page's Korean afterwards: no leak into other tests
        page = client.get(f"/organiser/{event.slug}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "보내지 못한 메일" in page
    assert "등록 메일 (attendee:3): SMTPRecipientsRefused" in page
