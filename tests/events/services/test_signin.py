"""Sign-in without a password: links and codes, reuse, expiry, revocation, mail, rate limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import AttemptScope, RegistrationMail
from events.models import CountedAttempt, SignInLink
from events.services.attempts import RateLimited, digest, forget_old_attempts
from events.services.institutions import create_institution, join_institution
from events.services.registration import register_individual
from events.services.signin import (
    CODE_ALPHABET,
    SignInError,
    issue_signin_link,
    request_new_link,
    send_registration_mail,
    sign_in_with_code,
    sign_in_with_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(event):
    return register_individual(
        event, email="minji@example.org", answers={"name": "Kim Minji", "residence": "Busan"}
    ).attendee


def token_and_code(message) -> tuple[str, str]:
    token = re.search(r"/signin/([\w-]+)/", message.body).group(1)
    code = re.search(r"^([A-Z2-9]{4}-[A-Z2-9]{4})$", message.body, re.MULTILINE).group(1)
    return token, code


def test_issue_signin_link_stores_hashes_and_revokes_older_links(attendee):
    first, token, code = issue_signin_link(attendee)
    assert (len(code), set(code) <= set(CODE_ALPHABET)) == (8, True)
    assert first.token_hash == digest("signin-token", token)
    assert token not in first.token_hash and code not in first.code_hash
    assert first.expires_at - first.created_at == dt.timedelta(days=7)
    second, _token, _code = issue_signin_link(attendee)
    first.refresh_from_db()
    assert (first.revoked_at is not None, second.revoked_at) == (True, None)


def test_sign_in_with_token_is_reusable_until_expiry(attendee):
    link, token, _code = issue_signin_link(attendee)
    assert sign_in_with_token(token) == attendee
    assert sign_in_with_token(token) == attendee  # a phone and a PC
    link.refresh_from_db()
    assert (link.use_count, link.last_used_at is not None) == (2, True)


def test_sign_in_with_token_expired_link_is_refused(attendee, event):
    link, token, _code = issue_signin_link(attendee)
    SignInLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(SignInError) as caught:
        sign_in_with_token(token)
    assert (caught.value.code, caught.value.event) == ("signin.expired", event)
    assert caught.value.message == "This sign-in link has expired. Ask for a new one: it arrives in a minute."


def test_sign_in_with_token_replaced_link_is_refused(attendee, event):
    _link, token, _code = issue_signin_link(attendee)
    issue_signin_link(attendee)
    with pytest.raises(SignInError) as caught:
        sign_in_with_token(token)
    assert (caught.value.code, caught.value.event) == ("signin.revoked", event)


def test_sign_in_with_token_unknown_token_is_refused(attendee):
    with pytest.raises(SignInError) as caught:
        sign_in_with_token("made-up-token")
    assert (caught.value.code, caught.value.event) == ("signin.invalid", None)


def test_sign_in_with_code_works_with_any_spacing_and_case(attendee, event):
    _link, _token, code = issue_signin_link(attendee)
    typed = f" {code[:4].lower()} - {code[4:]} "
    assert sign_in_with_code(event, email=" MINJI@example.org", code=typed, ip="10.0.0.1") == attendee


def test_sign_in_with_code_old_code_or_wrong_address_is_refused(attendee, event):
    _link, _token, old = issue_signin_link(attendee)
    _link, _token, new = issue_signin_link(attendee)
    for email, code in (("minji@example.org", old), ("other@example.org", new)):
        with pytest.raises(SignInError) as caught:
            sign_in_with_code(event, email=email, code=code, ip="10.0.0.1")
        assert caught.value.message == (
            "This e-mail address and code do not match. "
            "Use the code from your latest mail, or ask for a new one."
        )
    assert CountedAttempt.objects.filter(scope=AttemptScope.SIGNIN_CODE_IP).count() == 2


def test_sign_in_with_code_expired_is_refused(attendee, event):
    link, _token, code = issue_signin_link(attendee)
    SignInLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(SignInError) as caught:
        sign_in_with_code(event, email="minji@example.org", code=code, ip="10.0.0.1")
    assert caught.value.code == "signin.expired"


def test_sign_in_with_code_guessing_locks_out_the_address(attendee, event, settings):
    settings.SIGNIN_CODE_FAILURES_PER_ADDRESS = 3
    _link, _token, code = issue_signin_link(attendee)
    for number in range(3):
        with pytest.raises(SignInError):
            sign_in_with_code(event, email="minji@example.org", code="AAAA-AAAA", ip=f"10.0.0.{number}")
    with pytest.raises(RateLimited) as caught:
        sign_in_with_code(event, email="minji@example.org", code=code, ip="10.0.0.99")
    assert caught.value.message == "Too many wrong codes. Try again in 15 minutes."
    CountedAttempt.objects.update(created_at=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in_with_code(event, email="minji@example.org", code=code, ip="10.0.0.99") == attendee


def test_sign_in_with_code_guessing_locks_out_the_ip(attendee, event, settings):
    settings.SIGNIN_CODE_FAILURES_PER_IP = 2
    for email in ("a@example.org", "b@example.org"):
        with pytest.raises(SignInError):
            sign_in_with_code(event, email=email, code="AAAA-AAAA", ip="10.9.9.9")
    with pytest.raises(RateLimited):
        sign_in_with_code(event, email="minji@example.org", code="AAAA-AAAA", ip="10.9.9.9")


def test_send_registration_mail_carries_a_working_link_and_code(attendee, event):
    send_registration_mail(attendee.pk, RegistrationMail.WELCOME)
    [message] = mail.outbox
    token, code = token_and_code(message)
    assert (message.to, message.subject) == (["minji@example.org"], "Confirm your registration for Expo")
    assert "http://127.0.0.1:8000/expo/signin/" in message.body
    assert sign_in_with_token(token) == attendee
    assert sign_in_with_code(event, email="minji@example.org", code=code, ip="10.0.0.1") == attendee


def test_send_registration_mail_never_mails_institution_members(event, owner):
    _institution, code = create_institution(event, name="KAIST", seats=3, by=owner)
    member = join_institution(event, code=code, display_name="Park")
    send_registration_mail(member.pk, RegistrationMail.NEW_LINK)
    assert (mail.outbox, SignInLink.objects.count()) == ([], 0)


def test_request_new_link_registered_address_gets_a_new_link(
    attendee, event, django_capture_on_commit_callbacks
):
    _old, old_token, _code = issue_signin_link(attendee)
    with django_capture_on_commit_callbacks(execute=True):
        request_new_link(event, email="Minji@example.org", ip="10.0.0.1")
    assert [m.subject for m in mail.outbox] == ["Your new sign-in link for Expo"]
    with pytest.raises(SignInError):
        sign_in_with_token(old_token)


def test_request_new_link_unknown_address_sends_nothing(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_new_link(event, email="nobody@example.org", ip="10.0.0.1")
    assert mail.outbox == []


def test_request_new_link_over_the_limit_sends_nothing(
    attendee, event, settings, django_capture_on_commit_callbacks
):
    settings.SIGNIN_MAILS_PER_ADDRESS = 2  # the registration itself sent the first
    with django_capture_on_commit_callbacks(execute=True):
        request_new_link(event, email="minji@example.org", ip="10.0.0.1")
    with pytest.raises(RateLimited), django_capture_on_commit_callbacks(execute=True):
        request_new_link(event, email="minji@example.org", ip="10.0.0.2")
    assert len(mail.outbox) == 1


def test_forget_old_attempts_deletes_only_expired_ones(event):
    CountedAttempt.objects.create(
        scope=AttemptScope.SIGNIN_MAIL_IP, key="k", created_at=timezone.now() - dt.timedelta(hours=2)
    )
    fresh = CountedAttempt.objects.create(scope=AttemptScope.SIGNIN_MAIL_IP, key="k")
    assert forget_old_attempts() == 1
    assert list(CountedAttempt.objects.all()) == [fresh]
