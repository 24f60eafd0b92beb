"""Chat services: posting, history and resume, deletion, mutes and bans, shredding."""

from __future__ import annotations

import pytest

from events.enums import AuditAction, ChatRole, SanctionKind
from events.errors import ChatError
from events.models import AuditLogEntry, ChatMessage, ChatSanction
from events.services import chat
from events.services.chat_shredding import DELETED_AUTHOR, chat_shredder
from tests.factories import SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(event):
    return AttendeeFactory(event=event, display_name="Ada Visible", visible_to_others=True)


def _room(booth) -> str:
    return f"booth:{booth.pk}"


def test_post_message_stores_visible_attendee_by_name(event, booth_a, attendee):
    message = chat.post_message(event, _room(booth_a), "  Hello <b>there</b>  ", by=attendee.user)
    message.refresh_from_db()
    assert (message.text, message.author_label, message.author_role, message.author_id) == (
        "Hello <b>there</b>",
        "Ada Visible",
        ChatRole.ATTENDEE,
        attendee.user.pk,
    )


def test_post_message_hidden_attendee_is_shown_as_visitor(event, booth_a):
    hidden = AttendeeFactory(event=event, display_name="Hidden Person", visible_to_others=False)
    message = chat.post_message(event, _room(booth_a), "hi", by=hidden.user)
    assert message.author_label == "Visitor"


def test_post_message_staff_and_team_are_shown_by_name_with_role(event, booth_a, staff_a, owner):
    by_staff = chat.post_message(event, _room(booth_a), "Welcome", by=staff_a)
    by_team = chat.post_message(event, "announcements", "Doors open", by=owner)
    assert (by_staff.author_label, by_staff.author_role) == (staff_a.display_name, ChatRole.STAFF)
    assert (by_team.author_label, by_team.author_role) == ("Olivia Owner", ChatRole.TEAM)
    assert chat.message_payload(by_team)["role_label"] == "Organiser"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "chat.empty"),
        ("   ", "chat.empty"),
        (None, "chat.empty"),
        (12, "chat.empty"),
        ("x" * 1001, "chat.too_long"),
    ],
)
def test_post_message_bad_text_is_refused_and_nothing_stored(event, booth_a, attendee, text, code):
    with pytest.raises(ChatError) as failure:
        chat.post_message(event, _room(booth_a), text, by=attendee.user)
    assert failure.value.code == code
    assert ChatMessage.objects.count() == 0


def test_post_message_at_the_limit_is_accepted(event, booth_a, attendee):
    assert len(chat.post_message(event, _room(booth_a), "x" * 1000, by=attendee.user).text) == 1000


@pytest.mark.parametrize("room", ["booth:999999", "booth:x", "hall:1", "", None, 5, "announcements2"])
def test_post_message_unknown_room_is_refused(event, attendee, room):
    with pytest.raises(ChatError) as failure:
        chat.post_message(event, room, "hi", by=attendee.user)
    assert failure.value.code == "chat.no_such_room"
    assert ChatMessage.objects.count() == 0


def test_post_message_booth_of_another_event_is_refused(event, attendee):
    from tests.factories import BoothFactory

    elsewhere = BoothFactory()
    with pytest.raises(ChatError) as failure:
        chat.post_message(event, _room(elsewhere), "hi", by=attendee.user)
    assert failure.value.code == "chat.no_such_room"


def test_post_message_session_room_is_accepted(event, attendee):
    session = SessionFactory(event=event)
    assert chat.post_message(event, f"session:{session.pk}", "question", by=attendee.user).room == (
        f"session:{session.pk}"
    )


def test_post_message_announcement_by_attendee_is_refused(event, attendee, staff_a):
    for user in (attendee.user, staff_a):
        with pytest.raises(ChatError) as failure:
            chat.post_message(event, "announcements", "hi all", by=user)
        assert failure.value.code == "chat.announcements_only_team"
    assert ChatMessage.objects.count() == 0


def test_history_returns_last_fifty_oldest_first_then_pages(event, booth_a, attendee):
    ids = [chat.post_message(event, _room(booth_a), f"m{n}", by=attendee.user).pk for n in range(60)]
    first = chat.history(event, _room(booth_a))
    assert [message.pk for message in first] == ids[10:]
    older = chat.history(event, _room(booth_a), before_id=first[0].pk)
    assert [message.pk for message in older] == ids[:10]


def test_since_returns_only_newer_messages_of_the_room(event, booth_a, attendee, owner):
    seen = chat.post_message(event, _room(booth_a), "one", by=attendee.user)
    chat.post_message(event, "announcements", "other room", by=owner)
    newer = chat.post_message(event, _room(booth_a), "two", by=attendee.user)
    assert [message.pk for message in chat.since(event, _room(booth_a), seen.pk)] == [newer.pk]


def test_since_bad_id_is_refused(event, booth_a):
    with pytest.raises(ChatError) as failure:
        chat.since(event, _room(booth_a), "7")
    assert failure.value.code == "chat.bad_id"


@pytest.mark.parametrize("deleter", ["staff_a", "moderator"])
def test_delete_message_by_booth_staff_or_team_hides_it_and_is_audited(
    request, event, booth_a, attendee, deleter
):
    user = request.getfixturevalue(deleter)
    message = chat.post_message(event, _room(booth_a), "spam", by=attendee.user)
    chat.delete_message(event, message.pk, by=user)
    message.refresh_from_db()
    assert (message.deleted_by, chat.message_payload(message)["text"]) == (user, "")
    entry = AuditLogEntry.objects.get(action=AuditAction.CHAT_MESSAGE_DELETED)
    assert (entry.subject, entry.actor) == (f"chat:{message.pk}", user)


@pytest.mark.parametrize("deleter", ["staff_b", "other_attendee"])
def test_delete_message_by_others_is_refused(request, event, booth_a, attendee, deleter):
    user = (
        AttendeeFactory(event=event).user if deleter == "other_attendee" else request.getfixturevalue(deleter)
    )
    message = chat.post_message(event, _room(booth_a), "keep me", by=attendee.user)
    with pytest.raises(ChatError) as failure:
        chat.delete_message(event, message.pk, by=user)
    assert failure.value.code == "chat.not_allowed"
    message.refresh_from_db()
    assert message.deleted_at is None
    assert AuditLogEntry.objects.filter(action=AuditAction.CHAT_MESSAGE_DELETED).count() == 0


def test_delete_message_unknown_is_refused(event, moderator):
    with pytest.raises(ChatError) as failure:
        chat.delete_message(event, 424242, by=moderator)
    assert failure.value.code == "chat.no_such_message"


def test_mute_makes_sending_fail_and_is_audited(event, booth_a, attendee, moderator):
    chat.mute(event, attendee.user.pk, by=moderator)
    with pytest.raises(ChatError) as failure:
        chat.post_message(event, _room(booth_a), "hi", by=attendee.user)
    assert failure.value.code == "chat.muted"
    entry = AuditLogEntry.objects.get(action=AuditAction.ATTENDEE_MUTED)
    assert entry.subject == f"attendee:{attendee.pk}"


def test_ban_is_recorded_and_audited(event, attendee, moderator):
    chat.ban(event, attendee.user.pk, by=moderator)
    assert chat.is_banned(event, attendee.user) is True
    assert AuditLogEntry.objects.get(action=AuditAction.ATTENDEE_BANNED).subject == f"attendee:{attendee.pk}"


def test_sanction_by_non_team_is_refused(event, attendee, staff_a):
    with pytest.raises(ChatError) as failure:
        chat.ban(event, attendee.user.pk, by=staff_a)
    assert failure.value.code == "chat.not_allowed"
    assert ChatSanction.objects.count() == 0


def test_sanction_of_team_member_or_nobody_is_refused(event, moderator, owner):
    for target, code in (
        (owner.pk, "chat.cannot_sanction"),
        (999999, "chat.no_such_user"),
        ("1", "chat.no_such_user"),
    ):
        with pytest.raises(ChatError) as failure:
            chat.mute(event, target, by=moderator)
        assert failure.value.code == code
    assert ChatSanction.objects.count() == 0


def test_shredder_removes_attendee_texts_and_keeps_team_announcements(
    event, booth_a, attendee, owner, moderator
):
    by_attendee = chat.post_message(event, _room(booth_a), "my phone is 010", by=attendee.user)
    by_team = chat.post_message(event, "announcements", "Welcome", by=owner)
    chat.mute(event, attendee.user.pk, by=moderator)
    assert chat_shredder.export(event)["messages"][0]["text"] == "my phone is 010"
    counts = chat_shredder.shred(event)
    by_attendee.refresh_from_db()
    by_team.refresh_from_db()
    assert (by_attendee.text, by_attendee.author_id, by_attendee.author_label) == ("", None, DELETED_AUTHOR)
    assert (by_team.text, by_team.author_id) == ("Welcome", None)
    assert counts == {"chat_messages": 2, "chat_sanctions": 1}
    assert chat_shredder.remaining(event) == 0
    assert SanctionKind.MUTE == "mute"
