"""What shredding removes outside the tables: sessions, mail files of the file backend, sockets."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from events.services.privacy import delete_registration
from events.services.shredding_traces import (
    MAIL_SEPARATOR,
    forget_mail_file,
    forget_sent_mail,
    sign_out_everywhere,
)
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_folder(settings, tmp_path) -> Path:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


def send(to: str, body: str) -> None:
    with mail.get_connection() as connection:
        mail.EmailMessage("Your link", body, to=[to], connection=connection).send()


def sessions_of(user) -> int:
    return sum(str(each.get_decoded().get("_auth_user_id")) == str(user.pk) for each in Session.objects.all())


def test_forget_mail_file_keeps_the_other_mails_of_the_same_file(mail_folder):
    with mail.get_connection() as connection:
        mail.EmailMessage("Link", "Hello Ada 뷁", to=["ada@example.org"], connection=connection).send()
        mail.EmailMessage("Link", "Hello Bo", to=["bo@example.org"], connection=connection).send()
    (path,) = mail_folder.iterdir()

    assert forget_mail_file(path, {"ada@example.org"}) == 1

    kept = path.read_bytes()
    assert (kept.count(MAIL_SEPARATOR), b"bo@example.org" in kept, b"ada@example.org" in kept) == (
        1,
        True,
        False,
    )


def test_forget_mail_file_finds_an_address_hidden_by_quoted_printable(mail_folder):
    # A line too long for 8bit goes out quoted-printable: the address's "예시" becomes "=EC=98=88...".
    send("bo@example.org", "뷁" * 400 + " write to ada@예시.kr")
    (path,) = mail_folder.iterdir()
    assert "ada@예시.kr".encode() not in path.read_bytes()

    assert forget_mail_file(path, {"ada@예시.kr"}) == 1
    assert list(mail_folder.iterdir()) == []  # nothing else was in it


def test_forget_sent_mail_waits_for_the_commit_and_ignores_case(
    mail_folder, django_capture_on_commit_callbacks
):
    send("Ada@Example.org", "Hello")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        forget_sent_mail(["ada@example.ORG", ""])
    assert len(list(mail_folder.iterdir())) == 1  # a rolled-back shred would have lost nothing
    for callback in callbacks:
        callback()
    assert list(mail_folder.iterdir()) == []


def test_forget_sent_mail_touches_nothing_with_another_backend(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    (tmp_path / "notes.log").write_text("ada@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        forget_sent_mail(["ada@example.org"])
    assert (callbacks, (tmp_path / "notes.log").read_text()) == ([], "ada@example.org")


def test_sign_out_everywhere_ends_only_that_persons_sessions():
    ada, bo = AttendeeFactory().user, AttendeeFactory().user
    for user in (ada, ada, bo):
        Client().force_login(user)

    assert sign_out_everywhere([ada.pk, None]) == 2
    assert (sessions_of(ada), sessions_of(bo)) == (0, 1)
    assert sign_out_everywhere([]) == 0


def test_delete_registration_signs_out_every_browser_of_a_closed_account(event):
    attendee = AttendeeFactory(event=event)
    here, there = Client(), Client()
    here.force_login(attendee.user)
    there.force_login(attendee.user)

    assert delete_registration(attendee, by=attendee.user).account_closed is True
    assert (sessions_of(attendee.user), there.get("/expo/me/").status_code) == (0, 302)


def test_delete_registration_keeps_sessions_of_an_account_still_in_use(event, owner):
    """An organiser who also registered keeps their account, so stays signed in elsewhere."""
    attendee = AttendeeFactory(event=event, user=owner, email=owner.email)
    Client().force_login(owner)

    assert delete_registration(attendee, by=owner).account_closed is False
    assert sessions_of(owner) == 1
