"""An attendee's own data: their JSON export, visibility, and self-deletion."""

from __future__ import annotations

import pytest

from events.enums import AttendeeKind, AttendeeStatus, AuditAction, AuditActor, TeamRole
from events.errors import NotAllowed
from events.models import Answer, Attendee, AuditLogEntry, SignInLink, User
from events.services.privacy import (
    change_visibility,
    delete_registration,
    download_attendee_data,
    export_attendee_data,
    is_deleted_attendee,
    shown_name,
)
from events.services.signin import (
    SignInError,
    issue_signin_link,
    sign_in_with_code,
    sign_in_with_token,
)
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import (
    AnswerFactory,
    AttendeeFactory,
    MemberFactory,
    QuestionFactory,
    SignInLinkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def minji(event):
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    residence = QuestionFactory(
        event=event, identifier="residence", label={"en": "Place of residence", "ko": "거주지"}
    )
    AnswerFactory(attendee=attendee, question=residence, value="Busan")
    return attendee


# --- What is stored ---------------------------------------------------------------------------


def test_export_attendee_data_holds_exactly_their_data(event, minji):
    other = AttendeeFactory(event=event, display_name="Lee Jun", email="jun@example.org")
    AnswerFactory(attendee=other, question=QuestionFactory(event=event), value="Seoul")
    link = SignInLinkFactory(attendee=minji)

    data = export_attendee_data(minji)

    exported_at = data.pop("exported_at")
    assert exported_at[:4] == str(minji.created_at.year)
    assert data == {
        "event": {"name": "Expo", "slug": "expo"},
        "registration": {
            "id": minji.pk,
            "kind": "individual",
            "status": "confirmed",
            "name": "Kim Minji",
            "email": "minji@example.org",
            "language": "en",
            "visible_to_others": False,
            "open_to_meetings": False,
            "institution": None,
            "registered_at": minji.created_at.isoformat(),
            "confirmed_at": minji.confirmed_at.isoformat(),
            "decided_at": None,
        },
        "answers": [
            {
                "question": "Place of residence",
                "identifier": "residence",
                "answer": "Busan",
                "value": "Busan",
                "answered_at": minji.answers.get().answered_at.isoformat(),
            }
        ],
        "sign_in_links": [
            {
                "created_at": link.created_at.isoformat(),
                "expires_at": link.expires_at.isoformat(),
                "revoked_at": None,
                "last_used_at": None,
                "times_used": 0,
            }
        ],
        "account": {"email": "minji@example.org", "name": "Kim Minji"},
        "chat_messages": [],
        "session_questions": {"questions": [], "votes": []},
        "poll_votes": [],
        "stage": {"raised_hands": [], "speaker_of": []},
        # Registered by the exhibits app (events.registry.attendee_data): nothing shared yet.
        "shared_with_exhibitors": [],
        "bookmarks": [],
        "meetings": [],
        "visitor_meetings": [],
    }


def test_export_attendee_data_member_shows_institution_not_placeholder(event):
    member = MemberFactory(event=event, display_name="Park", institution__name="Seoul University")

    data = export_attendee_data(member)

    assert data["registration"]["institution"] == "Seoul University"
    assert data["registration"]["email"] == ""
    assert data["account"] == {"email": None, "name": "Park"}


def test_download_attendee_data_is_audited(event, minji):
    data = download_attendee_data(minji, by=minji.user)

    assert data["registration"]["id"] == minji.pk
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor_role, entry.subject, entry.rows) == (
        AuditAction.OWN_DATA_DOWNLOADED,
        AuditActor.ATTENDEE,
        f"attendee:{minji.pk}",
        1,
    )


def test_download_attendee_data_refuses_someone_else(event, minji, owner):
    with pytest.raises(NotAllowed):
        download_attendee_data(minji, by=owner)

    assert AuditLogEntry.objects.count() == 0


def test_change_visibility_by_attendee(event, minji):
    change_visibility(minji, visible=True, by=minji.user)

    minji.refresh_from_db()
    assert minji.visible_to_others is True


def test_change_visibility_refuses_someone_else(event, minji, visitor):
    with pytest.raises(NotAllowed):
        change_visibility(minji, visible=True, by=visitor)

    minji.refresh_from_db()
    assert minji.visible_to_others is False


# --- Deleting a registration ------------------------------------------------------------------


def test_delete_registration_anonymises_in_place(event, minji):
    user_id = minji.user_id
    issue_signin_link(minji)

    deletion = delete_registration(minji, by=minji.user)

    assert deletion.account_closed is True
    row = Attendee.objects.get(pk=minji.pk)
    assert (row.display_name, row.email, row.language, row.user_id, row.visible_to_others) == (
        "",
        "",
        "",
        None,
        False,
    )
    assert row.status == AttendeeStatus.CANCELLED
    assert row.kind == AttendeeKind.INDIVIDUAL
    assert is_deleted_attendee(row) is True
    assert shown_name(row) == "Deleted attendee"
    assert Answer.objects.filter(attendee_id=minji.pk).count() == 0
    assert SignInLink.objects.filter(attendee_id=minji.pk).count() == 0
    user = User.objects.get(pk=user_id)
    assert user.email == f"deleted-{user_id}@attendees.rakwon.invalid"
    assert (user.display_name, user.is_active, user.has_usable_password()) == ("", False, False)


def test_delete_registration_user_cannot_sign_in_again(event, minji):
    _link, token, code = issue_signin_link(minji)

    delete_registration(minji, by=minji.user)

    with pytest.raises(SignInError) as by_link:
        sign_in_with_token(token)
    assert by_link.value.code == "signin.invalid"
    with pytest.raises(SignInError) as by_code:
        sign_in_with_code(event, email="minji@example.org", code=code, ip="192.0.2.1")
    assert by_code.value.code == "signin.invalid"


def test_delete_registration_leaves_others_untouched(event, minji):
    other = AttendeeFactory(event=event, display_name="Lee Jun", email="jun@example.org")
    AnswerFactory(attendee=other, value="Seoul")
    SignInLinkFactory(attendee=other)

    delete_registration(minji, by=minji.user)

    other.refresh_from_db()
    assert (other.display_name, other.email, other.status) == (
        "Lee Jun",
        "jun@example.org",
        "confirmed",
    )
    assert other.answers.count() == 1
    assert other.signin_links.count() == 1
    assert other.user.is_active is True
    assert other.user.email == "jun@example.org"


def test_delete_registration_is_audited_without_personal_data(event, minji):
    download_attendee_data(minji, by=minji.user)

    delete_registration(minji, by=minji.user)

    entries = list(
        AuditLogEntry.objects.order_by("id").values_list("action", "actor", "actor_label", "subject")
    )
    assert entries == [
        (AuditAction.OWN_DATA_DOWNLOADED, None, "", f"attendee:{minji.pk}"),
        (AuditAction.REGISTRATION_DELETED, None, "", f"attendee:{minji.pk}"),
    ]


def test_delete_registration_of_organiser_only_unlinks(event, owner):
    other_event = EventFactory()
    TeamMemberFactory(event=other_event, user=UserFactory(email="boss@example.org"), role=TeamRole.OWNER)
    boss = User.objects.get(email="boss@example.org")
    attendee = AttendeeFactory(event=event, user=boss, email="boss@example.org")

    deletion = delete_registration(attendee, by=boss)

    assert deletion.account_closed is False
    boss.refresh_from_db()
    assert (boss.email, boss.is_active, boss.has_usable_password()) == (
        "boss@example.org",
        True,
        True,
    )
    attendee.refresh_from_db()
    assert (attendee.user_id, attendee.email, attendee.display_name) == (None, "", "")


def test_delete_registration_keeps_account_attending_elsewhere(event, minji):
    AttendeeFactory(event=EventFactory(), user=minji.user, email="minji@example.org")

    deletion = delete_registration(minji, by=minji.user)

    assert deletion.account_closed is False
    assert User.objects.get(pk=minji.user.pk).is_active is True


def test_delete_registration_member_closes_placeholder_account(event):
    member = MemberFactory(event=event, display_name="Park")
    user_id = member.user_id

    deletion = delete_registration(member, by=member.user)

    assert deletion.account_closed is True
    institution_id = member.institution_id
    member.refresh_from_db()
    assert (member.display_name, member.status, member.institution_id) == (
        "",
        "cancelled",
        institution_id,
    )
    assert User.objects.get(pk=user_id).is_active is False


def test_delete_registration_refuses_someone_else(event, minji, owner):
    with pytest.raises(NotAllowed):
        delete_registration(minji, by=owner)

    minji.refresh_from_db()
    assert (minji.display_name, minji.email, minji.status) == (
        "Kim Minji",
        "minji@example.org",
        "confirmed",
    )
    assert minji.answers.count() == 1
    assert AuditLogEntry.objects.count() == 0
