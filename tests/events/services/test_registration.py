"""Registering individuals: settings, answers per kind, capacity, window, approval, decisions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.enums import AttendeeKind, AttendeeStatus, EventStatus, QuestionKind
from events.errors import EventClosed, NotAllowed
from events.models import Answer, Attendee, Question, RegistrationSettings, User
from events.services.attempts import RateLimited
from events.services.questions import save_question
from events.services.registration import (
    RegistrationError,
    attendee_counts,
    clean_answer,
    confirm_registration,
    decide,
    decline_registration,
    find_attendees,
    get_registration_settings,
    privacy_notice,
    register_individual,
    registration_refusal,
    update_registration_settings,
)
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"name": "Kim Minji", "residence": "Busan"}


def register(event, email="minji@example.org", answers=None, **kwargs):
    return register_individual(event, email=email, answers=answers or ANSWERS, **kwargs)


def set_registration(event, owner, **changes):
    reg = get_registration_settings(event)
    fields = {
        "opens_at": reg.opens_at,
        "closes_at": reg.closes_at,
        "capacity": reg.capacity,
        "requires_approval": reg.requires_approval,
        "personal_data_retention_days": reg.personal_data_retention_days,
        "purpose": reg.purpose,
    }
    return update_registration_settings(event, by=owner, **{**fields, **changes})


def question(event, owner, kind, identifier, **kwargs):
    labels = {code: f"{identifier} ({code})" for code in event.languages}
    created, _archived = save_question(
        event, by=owner, kind=kind, label=labels, identifier=identifier, **kwargs
    )
    return created


# --- Settings -------------------------------------------------------------------------------


def test_registration_settings_first_use_creates_defaults_and_two_questions(event):
    reg = get_registration_settings(event)
    assert (reg.capacity, reg.requires_approval, reg.personal_data_retention_days) == (
        None,
        False,
        90,
    )
    questions = list(event.questions.values_list("identifier", "kind", "required", "contains_personal_data"))
    assert questions == [
        ("name", QuestionKind.SHORT_TEXT, True, True),
        ("residence", QuestionKind.SHORT_TEXT, True, True),
    ]
    # Each default label is written in every event language, from the shipped translations.
    assert event.questions.get(identifier="name").label == {"en": "Name", "ko": "이름"}
    assert event.questions.get(identifier="residence").label == {"en": "Place of residence", "ko": "거주지"}
    assert get_registration_settings(event).pk == reg.pk


def test_update_registration_settings_saves_every_field(event, owner):
    opens = timezone.now() + dt.timedelta(days=1)
    reg = set_registration(
        event,
        owner,
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=3),
        capacity=100,
        requires_approval=True,
        personal_data_retention_days=30,
        purpose={"en": " To print badges. ", "ko": "명찰"},
    )
    reg.refresh_from_db()
    assert (
        reg.opens_at,
        reg.capacity,
        reg.requires_approval,
        reg.personal_data_retention_days,
    ) == (
        opens,
        100,
        True,
        30,
    )
    assert reg.purpose == {"en": "To print badges.", "ko": "명찰"}
    assert reg.personal_data_deleted_on == event.ends_on + dt.timedelta(days=30)


def test_update_registration_settings_closing_before_opening_is_refused(event, owner):
    opens = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        set_registration(event, owner, opens_at=opens, closes_at=opens - dt.timedelta(hours=1))
    assert caught.value.message_dict == {"closes_at": ["Registration must close after it opens."]}
    assert RegistrationSettings.objects.get(event=event).opens_at is None


def test_update_registration_settings_capacity_below_registrations_is_refused(event, owner):
    register(event, "a@example.org")
    register(event, "b@example.org")
    with pytest.raises(ValidationError) as caught:
        set_registration(event, owner, capacity=1)
    assert caught.value.message_dict["capacity"] == [
        "2 people have already registered; the capacity cannot be lower. "
        "Cancel registrations first, or leave the capacity at 2 or more."
    ]
    assert RegistrationSettings.objects.get(event=event).capacity is None


def test_update_registration_settings_by_outsider_is_refused(event):
    with pytest.raises(NotAllowed):
        set_registration(event, UserFactory(), capacity=3)


def test_update_registration_settings_on_closed_event_is_refused(event, owner):
    event.status = EventStatus.CLOSED
    event.save()
    with pytest.raises(EventClosed):
        set_registration(event, owner, capacity=3)


def test_privacy_notice_lists_fields_and_retention(event, owner):
    set_registration(event, owner, purpose={"en": "Badges.", "ko": "명찰"}, personal_data_retention_days=14)
    notice = privacy_notice(event, "en", kind=AttendeeKind.INDIVIDUAL)
    assert notice["fields"] == [
        "Your e-mail address (to send your sign-in link)",
        "Name",
        "Place of residence",
        "Whether others may see your name",
    ]
    assert (notice["purpose"], notice["retention_days"]) == ("Badges.", 14)
    assert notice["deleted_on"] == event.ends_on + dt.timedelta(days=14)


# --- Answers per kind -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (QuestionKind.SHORT_TEXT, "  Seoul   city ", "Seoul city"),
        (QuestionKind.LONG_TEXT, "line one\nline two", "line one\nline two"),
        (QuestionKind.YES_NO, "yes", True),
        (QuestionKind.YES_NO, "no", False),
        (QuestionKind.DATE, "2026-05-14", "2026-05-14"),
        (QuestionKind.COUNTRY, "kr", "KR"),
        (QuestionKind.PHONE, "+82 2-123 4567", "+82 2-123 4567"),
        (QuestionKind.EMAIL, " Work@Example.ORG ", "work@example.org"),
    ],
)
def test_clean_answer_valid_input_is_stored_normalised(event, owner, kind, raw, stored):
    asked = question(event, owner, kind, "asked")
    assert clean_answer(asked, raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (
            QuestionKind.SHORT_TEXT,
            "x" * 201,
            "This answer is too long: 200 characters at most (it has 201). Shorten it.",
        ),
        (
            QuestionKind.LONG_TEXT,
            "x" * 2001,
            "This answer is too long: 2000 characters at most (it has 2001). Shorten it.",
        ),
        (
            QuestionKind.YES_NO,
            "maybe",
            "This answer is too long: 3 characters at most (it has 5). Shorten it.",
        ),
        (QuestionKind.YES_NO, "yep", "Answer yes or no."),
        (QuestionKind.DATE, "14.05.2026", "Enter a date as YYYY-MM-DD, for example 2026-05-14."),
        (QuestionKind.DATE, "1850-01-01", "Enter a date between the years 1900 and 2100."),
        (QuestionKind.COUNTRY, "XX", "Choose a country from the list."),
        (
            QuestionKind.PHONE,
            "call me",
            "Enter a phone number with digits, spaces, + and - only, for example +82 2 123 4567.",
        ),
        (
            QuestionKind.PHONE,
            "+1 23",
            "Enter a phone number with digits, spaces, + and - only, for example +82 2 123 4567.",
        ),
        (
            QuestionKind.EMAIL,
            "not-an-address",
            "Enter a valid e-mail address, for example name@example.org.",
        ),
    ],
)
def test_clean_answer_bad_input_is_refused_with_a_clear_message(event, owner, kind, raw, message):
    asked = question(event, owner, kind, "asked")
    with pytest.raises(ValidationError) as caught:
        clean_answer(asked, raw)
    assert caught.value.messages == [message]


def test_clean_answer_required_but_empty_is_refused(event, owner):
    asked = question(event, owner, QuestionKind.SHORT_TEXT, "asked", required=True)
    with pytest.raises(ValidationError) as caught:
        clean_answer(asked, "   ")
    assert caught.value.messages == ["Please answer this question."]


def test_clean_answer_optional_and_empty_stores_nothing(event, owner):
    asked = question(event, owner, QuestionKind.DATE, "asked")
    assert clean_answer(asked, "") is None


def test_clean_answer_forged_choice_is_refused(event, owner):
    options = [
        {"key": "ai", "labels": {"en": "AI", "ko": "AI"}},
        {"key": "web", "labels": {"en": "Web", "ko": "웹"}},
    ]
    single = question(event, owner, QuestionKind.SINGLE_CHOICE, "topic", options=options)
    multiple = question(event, owner, QuestionKind.MULTIPLE_CHOICE, "topics", options=options)
    assert (clean_answer(single, "web"), clean_answer(multiple, ["web", "ai", "web"])) == (
        "web",
        ["web", "ai"],
    )
    for asked, forged in ((single, "crypto"), (multiple, ["ai", "crypto"])):
        with pytest.raises(ValidationError) as caught:
            clean_answer(asked, forged)
        assert caught.value.messages == ["Choose from the options offered."]


# --- Registering ----------------------------------------------------------------------------


def test_register_individual_stores_answers_and_waits_for_the_mailed_link(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, " Minji@Example.org ", language="ko", ip="10.0.0.1")
    attendee = registration.attendee
    assert registration.created is True
    assert (attendee.kind, attendee.status, attendee.email, attendee.display_name) == (
        AttendeeKind.INDIVIDUAL,
        AttendeeStatus.UNCONFIRMED,
        "minji@example.org",
        "Kim Minji",
    )
    assert (attendee.visible_to_others, attendee.language, attendee.confirmed_at) == (False, "ko", None)
    confirmed = confirm_registration(attendee, by=attendee.user)
    assert (confirmed.status, confirmed.confirmed_at is not None) == (AttendeeStatus.CONFIRMED, True)
    assert attendee.user.email == "minji@example.org"
    assert attendee.user.has_usable_password() is False
    answers = {
        a.question.identifier: (a.value, a.question_label_snapshot["en"]) for a in attendee.answers.all()
    }
    assert answers == {"name": ("Kim Minji", "Name"), "residence": ("Busan", "Place of residence")}
    assert [m.to for m in mail.outbox] == [["minji@example.org"]]
    assert "/signin/" in mail.outbox[0].body


def test_register_individual_existing_user_account_is_reused(event):
    user = UserFactory(email="minji@example.org")
    attendee = register(event).attendee
    assert (attendee.user_id, User.objects.filter(email="minji@example.org").count()) == (
        user.pk,
        1,
    )


def test_register_individual_same_email_twice_mails_without_revoking_the_link(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = register(event)
    with django_capture_on_commit_callbacks(execute=True):
        again = register(event, "MINJI@example.org", answers={"name": "Someone Else", "residence": "Seoul"})
    assert (again.created, again.attendee.pk) == (False, first.attendee.pk)
    assert Attendee.objects.filter(event=event).count() == 1
    assert Attendee.objects.get().display_name == "Kim Minji"  # nobody overwrites another's data
    assert [m.subject for m in mail.outbox] == [
        "Confirm your registration for Expo",
        "You are already registered for Expo",
    ]
    assert re.findall(r"/signin/([\w-]+)/", mail.outbox[1].body) == ["new-link"]
    assert list(first.attendee.signin_links.values_list("revoked_at", flat=True)) == [None]


def test_register_individual_malformed_email_saves_nothing(event):
    for bad in (
        "minji",
        "minji@",
        "a b@example.org",
        "x@" + "a" * 250 + ".org",
        "m@attendees.rakwon.invalid",
    ):
        with pytest.raises(ValidationError) as caught:
            register(event, bad)
        assert caught.value.message_dict == {
            "email": ["Enter a valid e-mail address, for example name@example.org."]
        }
    assert (
        Attendee.objects.count(),
        User.objects.filter(email__startswith="minji").count(),
        len(mail.outbox),
    ) == (0, 0, 0)


def test_register_individual_bad_answers_are_all_reported_and_nothing_saved(event):
    with pytest.raises(ValidationError) as caught:
        register(event, "bad@", answers={"name": "x" * 300, "residence": ""})
    assert caught.value.message_dict == {
        "email": ["Enter a valid e-mail address, for example name@example.org."],
        "name": ["This answer is too long: 200 characters at most (it has 300). Shorten it."],
        "residence": ["Please answer this question."],
    }
    assert (Attendee.objects.count(), Answer.objects.count(), User.objects.count()) == (0, 0, 1)


def test_register_individual_archived_question_is_not_asked(event, owner):
    from events.services.questions import archive_question

    get_registration_settings(event)
    archive_question(event.questions.get(identifier="residence"), by=owner)
    attendee = register(event, answers={"name": "Kim Minji", "residence": "forged"}).attendee
    assert [a.question.identifier for a in attendee.answers.all()] == ["name"]


def test_register_individual_requires_approval_makes_it_pending(
    event, owner, django_capture_on_commit_callbacks
):
    set_registration(event, owner, requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        attendee = register(event).attendee
    assert (attendee.status, attendee.confirmed_at) == (AttendeeStatus.UNCONFIRMED, None)
    attendee = confirm_registration(attendee, by=attendee.user)
    assert (attendee.status, attendee.confirmed_at) == (AttendeeStatus.PENDING, None)
    assert [m.subject for m in mail.outbox] == ["We received your registration for Expo"]


def test_register_individual_before_opening_is_refused(event, owner):
    set_registration(event, owner, opens_at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(RegistrationError) as caught:
        register(event)
    assert caught.value.code == "registration.not_open"
    assert caught.value.message.startswith("Registration opens on ")
    assert Attendee.objects.count() == 0


def test_register_individual_after_closing_is_refused_and_nothing_saved(event, owner):
    opens = timezone.now() - dt.timedelta(days=2)
    set_registration(event, owner, opens_at=opens, closes_at=opens + dt.timedelta(days=1))
    with pytest.raises(RegistrationError) as caught:
        register(event)
    assert caught.value.code == "registration.closed"
    assert (Attendee.objects.count(), User.objects.count(), len(mail.outbox)) == (0, 1, 0)
    assert registration_refusal(event) == caught.value.message


def test_register_individual_closed_or_draft_event_is_refused(event):
    event.status = EventStatus.CLOSED
    event.save()
    with pytest.raises(RegistrationError) as caught:
        register(event)
    assert (caught.value.code, caught.value.message) == (
        "registration.closed",
        "This event has ended; registration is closed.",
    )
    draft = EventFactory(status=EventStatus.DRAFT)
    with pytest.raises(RegistrationError) as caught:
        register(draft)
    assert caught.value.code == "registration.not_published"
    assert Attendee.objects.count() == 0


def test_register_individual_when_full_is_refused_and_nothing_saved(event, owner):
    set_registration(event, owner, capacity=2, requires_approval=True)
    register(event, "a@example.org")  # pending holds a place too
    register(event, "b@example.org")
    with pytest.raises(RegistrationError) as caught:
        register(event, "c@example.org")
    assert (caught.value.code, caught.value.message) == (
        "registration.full",
        "Sorry, the event is full: all 2 places are taken.",
    )
    assert (Attendee.objects.count(), User.objects.filter(email="c@example.org").exists()) == (
        2,
        False,
    )


def test_register_individual_cancelled_registration_frees_its_place(event, owner):
    set_registration(event, owner, capacity=1)
    first = register(event, "a@example.org").attendee
    decide(first, "cancel", by=owner)
    assert register(event, "b@example.org").created is True


def test_register_individual_members_do_not_use_individual_capacity(event, owner):
    from events.services.institutions import create_institution, join_institution

    set_registration(event, owner, capacity=1)
    _institution, code = create_institution(event, name="Busan Univ", seats=3, by=owner)
    join_institution(event, code=code, display_name="Member")
    assert register(event).created is True


def test_register_individual_over_the_address_limit_is_refused_without_mail(
    event, settings, django_capture_on_commit_callbacks
):
    settings.SIGNIN_MAILS_PER_ADDRESS = 2
    with django_capture_on_commit_callbacks(execute=True):
        register(event)
        register(event)
    with pytest.raises(RateLimited) as caught, django_capture_on_commit_callbacks(execute=True):
        register(event)
    assert caught.value.message == (
        "We have already sent several sign-in mails to this address. Check your inbox and spam "
        "folder. Try again in 60 minutes."
    )
    assert (len(mail.outbox), Attendee.objects.count()) == (2, 1)


def test_register_individual_over_the_ip_limit_is_refused_and_nothing_saved(event, settings):
    settings.SIGNIN_MAILS_PER_IP = 2
    register(event, "a@example.org", ip="192.0.2.7")
    register(event, "b@example.org", ip="192.0.2.7")
    with pytest.raises(RateLimited) as caught:
        register(event, "c@example.org", ip="192.0.2.7")
    assert caught.value.message.startswith("Too many sign-in mails were requested from your network.")
    assert Attendee.objects.count() == 2
    assert register(event, "c@example.org", ip="192.0.2.8").created is True


# --- Decisions ------------------------------------------------------------------------------


@pytest.fixture
def pending(event, owner):
    set_registration(event, owner, requires_approval=True)
    attendee = register(event).attendee
    return confirm_registration(attendee, by=attendee.user)


def test_decide_approve_confirms_and_mails_a_link(pending, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendee = decide(pending, "approve", by=owner)
    attendee.refresh_from_db()
    assert (attendee.status, attendee.decided_by, attendee.confirmed_at is not None) == (
        AttendeeStatus.CONFIRMED,
        owner,
        True,
    )
    assert [m.subject for m in mail.outbox] == ["Your registration for Expo is approved"]
    assert "/signin/" in mail.outbox[0].body


def test_decide_reject_mails_without_link(pending, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(pending, "reject", by=owner)
    pending.refresh_from_db()
    assert pending.status == AttendeeStatus.REJECTED
    assert [m.subject for m in mail.outbox] == ["Your registration for Expo was not approved"]
    assert "/signin/" not in mail.outbox[0].body


def test_decide_cancel_confirmed_registration(event, owner, django_capture_on_commit_callbacks):
    attendee = register(event).attendee
    with django_capture_on_commit_callbacks(execute=True):
        decide(attendee, "cancel", by=owner)
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CANCELLED
    assert [m.subject for m in mail.outbox] == ["Your registration for Expo is cancelled"]


def test_decide_wrong_transition_is_refused(pending, owner):
    decide(pending, "reject", by=owner)
    with pytest.raises(RegistrationError) as caught:
        decide(pending, "approve", by=owner)
    assert caught.value.message == "This registration is already “Rejected”; it cannot be changed that way."
    pending.refresh_from_db()
    assert pending.status == AttendeeStatus.REJECTED


def test_decide_by_outsider_is_refused(pending):
    with pytest.raises(NotAllowed):
        decide(pending, "approve", by=UserFactory())
    pending.refresh_from_db()
    assert pending.status == AttendeeStatus.PENDING


# --- Lists and counts -----------------------------------------------------------------------


def test_find_attendees_searches_and_filters(event, owner):
    from events.services.institutions import create_institution, join_institution

    a = register(event, "alice@example.org", answers={"name": "Alice Park", "residence": "Seoul"}).attendee
    b = register(event, "bora@example.org", answers={"name": "Bora Lee", "residence": "Busan"}).attendee
    decide(b, "cancel", by=owner)
    institution, code = create_institution(event, name="KAIST", seats=5, by=owner)
    member = join_institution(event, code=code, display_name="Chul")
    assert list(find_attendees(event, search="park")) == [a]
    assert list(find_attendees(event, search="BORA@")) == [b]
    assert list(find_attendees(event, status="cancelled")) == [b]
    assert list(find_attendees(event, institution=str(institution.pk))) == [member]
    assert set(find_attendees(event, institution="individuals")) == {a, b}
    assert find_attendees(event, status="bogus").count() == 3


def test_attendee_counts_counts_each_group(event, owner):
    from events.services.institutions import create_institution, join_institution

    set_registration(event, owner, capacity=10)
    for email in ("a@example.org", "b@example.org"):
        attendee = register(event, email).attendee
        confirm_registration(attendee, by=attendee.user)
        set_registration(event, owner, requires_approval=True)
    _institution, code = create_institution(event, name="KAIST", seats=5, by=owner)
    join_institution(event, code=code, display_name="Chul")
    assert attendee_counts(event) == {
        "confirmed": 2,
        "pending": 1,
        "members": 1,
        "individuals": 2,
        "capacity": 10,
        "capacity_left": 8,
    }


def test_question_rows_are_not_shared_between_events(event, owner):
    other = EventFactory()
    get_registration_settings(event)
    get_registration_settings(other)
    assert Question.objects.filter(identifier="name").count() == 2


def test_confirm_or_decline_registration_by_another_account_is_refused(event):
    attendee = register(event).attendee
    stranger = UserFactory(email="stranger@example.org")
    for operation in (confirm_registration, decline_registration):
        with pytest.raises(RegistrationError) as caught:
            operation(attendee, by=stranger)
        assert (caught.value.code, caught.value.message) == (
            "registration.not_yours",
            "This registration belongs to another account.",
        )
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.UNCONFIRMED


def test_decline_registration_deletes_it_with_its_answers(event):
    attendee = register(event).attendee
    decline_registration(attendee, by=attendee.user)
    assert (Attendee.objects.count(), Answer.objects.count()) == (0, 0)
