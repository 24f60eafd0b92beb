"""Organiser pages of registration: settings, questions, preview, institutions and codes, attendees."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail

from events.enums import AttendeeStatus, EventStatus, QuestionKind
from events.models import AccessCode, Attendee, Institution, Question
from events.services.institutions import create_institution, join_institution
from events.services.questions import archive_question, get_registration_settings, save_question
from events.services.registration import confirm_registration, register_individual
from events.services.signin import digest
from tests.factories import UserFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

BASE = "/organiser/expo/"
PAGES = [
    "registration/",
    "registration/questions/",
    "registration/questions/new/",
    "registration/preview/",
    "institutions/",
    "attendees/",
]


def register(event, email="minji@example.org", name="Kim Minji", **answers):
    """A registration its owner has confirmed by the mailed link (confirmed, or pending approval)."""
    attendee = register_individual(
        event, email=email, answers={"name": name, "residence": "Busan", **answers}
    ).attendee
    return confirm_registration(attendee, by=attendee.user)


# --- Who may see and change -----------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_registration_pages_anonymous_is_sent_to_log_in(client, event, page):
    response = client.get(BASE + page)
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


@pytest.mark.parametrize("page", PAGES)
def test_registration_pages_outsider_and_staff_get_404(client, event, staff_a, page):
    for user in (UserFactory(), staff_a):
        client.force_login(user)
        assert client.get(BASE + page).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_registration_pages_team_reads_them(client, event, moderator, page):
    client.force_login(moderator)
    response = client.get(BASE + page)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Organising Expo"' in html
    assert 'style="' not in html and "<script" not in html


def test_registration_closed_event_pages_read_only_and_changes_refused(client, event, owner):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)
    page = client.get(BASE + "registration/")
    assert (page.status_code, page.context["can_change"]) == (200, False)
    response = client.post(BASE + "institutions/", {"name": "KAIST", "seats": 3})
    assert response.status_code == 403
    assert Institution.objects.count() == 0


# --- Settings -------------------------------------------------------------------------------


def test_settings_form_saves_in_the_event_time_zone(client, event, owner):
    client.force_login(owner)
    response = client.post(
        BASE + "registration/",
        {
            "opens_at": "2030-05-01T09:00",
            "closes_at": "2030-05-10T18:00",
            "capacity": "250",
            "requires_approval": "on",
            "personal_data_retention_days": "30",
            "purpose_en": "To print badges.",
            "purpose_ko": "명찰 인쇄",
        },
    )
    assert (response.status_code, messages_of(response)) == (302, ["Registration settings saved."])
    reg = get_registration_settings(event)
    assert reg.opens_at.isoformat() == "2030-05-01T00:00:00+00:00"  # 09:00 in Seoul
    assert (reg.capacity, reg.requires_approval, reg.personal_data_retention_days) == (250, True, 30)
    assert reg.purpose == {"en": "To print badges.", "ko": "명찰 인쇄"}


def test_settings_form_bad_input_shows_inline_errors(client, event, owner):
    client.force_login(owner)
    response = client.post(
        BASE + "registration/",
        {"opens_at": "2030-05-10T09:00", "closes_at": "2030-05-01T09:00", "capacity": "-1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "capacity": ["Ensure this value is greater than or equal to 0."]
    }
    response = client.post(
        BASE + "registration/", {"opens_at": "2030-05-10T09:00", "closes_at": "2030-05-01T09:00"}
    )
    assert response.context["form"].errors == {"closes_at": ["Registration must close after it opens."]}
    assert get_registration_settings(event).opens_at is None


# --- Questions ------------------------------------------------------------------------------


def test_question_create_with_options_in_rows(client, event, owner):
    client.force_login(owner)
    response = client.post(
        BASE + "registration/questions/new/",
        {
            "kind": QuestionKind.MULTIPLE_CHOICE,
            "label_en": "Topics",
            "label_ko": "관심 분야",
            "help_en": "Pick any",
            "contains_personal_data": "on",
            "option_count": "3",
            **{"option-0-key": "ai", "option-0-label_en": "AI", "option-0-label_ko": "인공지능"},
            **{"option-2-key": "web", "option-2-label_en": "Web", "option-2-label_ko": "웹"},
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(identifier="topics")
    assert (question.kind, question.required, question.contains_personal_data) == (
        QuestionKind.MULTIPLE_CHOICE,
        False,
        True,
    )
    assert question.options == [
        {"key": "ai", "labels": {"en": "AI", "ko": "인공지능"}, "archived": False},
        {"key": "web", "labels": {"en": "Web", "ko": "웹"}, "archived": False},
    ]


def test_question_create_bad_option_line_and_missing_label_show_inline(client, event, owner):
    client.force_login(owner)
    response = client.post(
        BASE + "registration/questions/new/",
        {
            "kind": QuestionKind.SINGLE_CHOICE,
            "label_en": "Topic",
            "option_count": "1",
            "option-0-key": "ai",
            "option-0-label_en": "AI",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "label_ko": ["This field is required."],
        "__all__": ["Option 1: write its label in Korean."],
    }
    assert Question.objects.filter(event=event, identifier="topic").exists() is False


def test_question_edit_kind_of_answered_question_is_refused_inline(client, event, owner):
    register(event)
    residence = event.questions.get(identifier="residence")
    client.force_login(owner)
    response = client.post(
        BASE + f"registration/questions/{residence.pk}/",
        {"kind": QuestionKind.COUNTRY, "label_en": "Country", "label_ko": "국가", "required": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "People have already answered this question, so its kind cannot change. "
        "Archive it and add a new question instead."
    ]
    assert Question.objects.get(pk=residence.pk).kind == QuestionKind.SHORT_TEXT


def test_question_archive_answered_keeps_it_for_the_answers(client, event, owner):
    attendee = register(event)
    residence = event.questions.get(identifier="residence")
    client.force_login(owner)
    response = client.post(BASE + f"registration/questions/{residence.pk}/archive/")
    assert messages_of(response) == [
        "“Place of residence” is archived: no longer asked; the answers already given are kept."
    ]
    detail = client.get(BASE + f"attendees/{attendee.pk}/")
    assert detail.context["answers"] == [
        {"label": "Name", "value": "Kim Minji", "archived": False},
        {"label": "Place of residence", "value": "Busan", "archived": True},
    ]
    assert "(archived question)" in detail.content.decode()


def test_question_move_and_restore(client, event, owner):
    client.force_login(owner)
    get_registration_settings(event)
    residence = event.questions.get(identifier="residence")
    response = client.post(BASE + f"registration/questions/{residence.pk}/move/", {"direction": "up"})
    assert response["Location"] == f"/organiser/expo/registration/questions/#question-{residence.pk}"
    assert list(event.questions.values_list("identifier", flat=True)) == ["residence", "name"]
    register(event)
    archive_question(residence, by=owner)
    client.post(BASE + f"registration/questions/{residence.pk}/restore/")
    assert Question.objects.get(pk=residence.pk).archived_at is None


def test_question_actions_refuse_get(client, event, owner):
    client.force_login(owner)
    get_registration_settings(event)
    name = event.questions.get(identifier="name")
    assert client.get(BASE + f"registration/questions/{name.pk}/archive/").status_code == 405


def test_preview_shows_the_form_in_the_chosen_language(client, event, owner):
    save_question(
        event,
        by=owner,
        kind=QuestionKind.YES_NO,
        identifier="newsletter",
        label={"en": "Newsletter?", "ko": "뉴스레터?"},
    )
    client.force_login(owner)
    response = client.get(BASE + "registration/preview/?language=ko")
    assert response.context["language"] == "ko"
    assert response.context["form"]["q_newsletter"].label == "뉴스레터?"
    assert "<fieldset disabled>" in response.content.decode()


# --- Institutions ---------------------------------------------------------------------------


def shown_codes(response) -> list[str]:
    return re.findall(r'<code class="access-code">([A-Z2-9-]+)</code>', response.content.decode())


def test_institution_create_shows_its_code_once(client, event, owner):
    client.force_login(owner)
    response = client.post(BASE + "institutions/", {"name": "KAIST", "seats": "30"})
    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")
    [code] = shown_codes(response)
    stored = AccessCode.objects.get()
    assert stored.code_hash == digest("access-code", code.replace("-", ""))
    listing = client.get(BASE + "institutions/").content.decode()
    assert code not in listing and code.replace("-", "") not in listing
    assert f"ends in …{stored.code_hint}" in listing


def test_institution_create_bad_input_is_inline(client, event, owner):
    create_institution(event, name="KAIST", seats=3, by=owner)
    client.force_login(owner)
    response = client.post(BASE + "institutions/", {"name": "kaist", "seats": "3"})
    assert response.context["form"].errors == {"name": ["There is already an institution called “kaist”."]}
    assert Institution.objects.count() == 1


def test_institution_codes_csv_contains_the_codes_just_shown(client, event, owner):
    create_institution(event, name="=KAIST", seats=3, by=owner)
    create_institution(event, name="Yonsei", seats=5, by=owner)
    client.force_login(owner)
    sheet = client.post(BASE + "institutions/new-codes/")
    codes = shown_codes(sheet)
    pairs = re.findall(
        r'name="institution" value="(\d+)"><input type="hidden" name="code" value="(\w+)"',
        sheet.content.decode(),
    )
    response = client.post(
        BASE + "institutions/codes.csv",
        {"institution": [p[0] for p in pairs] + ["999"], "code": [p[1] for p in pairs] + ["FORGED"]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Institution", "Seats", "Access code", "Join at"],
        ["'=KAIST", "3", codes[0], "http://testserver/expo/join/"],
        ["Yonsei", "5", codes[1], "http://testserver/expo/join/"],
    ]


def test_institution_new_code_and_revoke(client, event, owner):
    institution, old = create_institution(event, name="KAIST", seats=3, by=owner)
    client.force_login(owner)
    [new] = shown_codes(client.post(BASE + f"institutions/{institution.pk}/new-code/"))
    assert new.replace("-", "") != old
    response = client.post(BASE + f"institutions/{institution.pk}/revoke/")
    assert messages_of(response) == ["The code of KAIST no longer works. Members who joined stay in."]
    assert AccessCode.objects.filter(active=True).count() == 0


def test_institution_edit_seats_below_members_is_refused(client, event, owner):
    institution, code = create_institution(event, name="KAIST", seats=3, by=owner)
    join_institution(event, code=code, display_name="One")
    join_institution(event, code=code, display_name="Two")
    client.force_login(owner)
    response = client.post(BASE + f"institutions/{institution.pk}/", {"name": "KAIST", "seats": "1"})
    assert response.context["form"].errors == {
        "seats": ["2 members have already joined; give at least that many seats, or cancel members first."]
    }
    assert Institution.objects.get().seats == 3


# --- Attendees ------------------------------------------------------------------------------


def test_attendee_list_filters_by_institution_and_shows_counts(client, event, owner):
    institution, code = create_institution(event, name="KAIST", seats=3, by=owner)
    member = join_institution(event, code=code, display_name="Park Jisoo")
    register(event)
    client.force_login(owner)
    response = client.get(BASE + f"attendees/?institution={institution.pk}")
    assert list(response.context["page"].object_list) == [member]
    assert response.context["counts"] == {
        "confirmed": 2,
        "pending": 0,
        "members": 1,
        "individuals": 1,
        "capacity": None,
        "capacity_left": None,
    }
    assert "KAIST" in response.content.decode()
    searched = client.get(BASE + "attendees/?q=minji")
    assert [a.email for a in searched.context["page"].object_list] == ["minji@example.org"]


def test_attendee_approve_from_the_list(client, event, owner, django_capture_on_commit_callbacks):
    reg = get_registration_settings(event)
    reg.requires_approval = True
    reg.save()
    attendee = register(event)
    mail.outbox.clear()
    client.force_login(owner)
    page = client.get(BASE + "attendees/?status=pending")
    assert f'action="/organiser/expo/attendees/{attendee.pk}/approve/"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE + f"attendees/{attendee.pk}/approve/", {"next": "/organiser/expo/attendees/?status=pending"}
        )
    assert (response["Location"], messages_of(response)) == (
        "/organiser/expo/attendees/?status=pending",
        ["Kim Minji is approved and can enter."],
    )
    assert Attendee.objects.get().status == AttendeeStatus.CONFIRMED
    assert [m.subject for m in mail.outbox] == ["Your registration for Expo is approved"]


def test_attendee_reject_and_cancel_and_wrong_transition(client, event, owner):
    attendee = register(event)
    client.force_login(owner)
    response = client.post(BASE + f"attendees/{attendee.pk}/reject/", {"next": "https://evil.example/"})
    assert response["Location"] == "/organiser/expo/attendees/"
    assert messages_of(response) == [
        "This registration is already “Confirmed”; it cannot be changed that way."
    ]
    client.post(BASE + f"attendees/{attendee.pk}/cancel/")
    assert Attendee.objects.get().status == AttendeeStatus.CANCELLED


def test_attendee_of_another_event_is_404(client, event, owner):
    from tests.factories import EventFactory

    other = EventFactory()
    stranger = register(other, "x@example.org")
    client.force_login(owner)
    assert client.get(BASE + f"attendees/{stranger.pk}/").status_code == 404
    assert client.post(BASE + f"attendees/{stranger.pk}/cancel/").status_code == 404
