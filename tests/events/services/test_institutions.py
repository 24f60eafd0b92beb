"""Institutions: hashed access codes, seats, revoking and regenerating, joining, brute-force lock-out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.errors import EventClosed, NotAllowed
from events.models import AccessCode, Attendee, Institution, User
from events.models.registration import is_placeholder_email
from events.services.attempts import RateLimited, digest
from events.services.institutions import (
    JoinError,
    create_institution,
    join_institution,
    regenerate_all_codes,
    regenerate_code,
    revoke_code,
    seats_taken,
    update_institution,
    verify_codes,
)
from events.services.registration import decide
from events.services.signin import CODE_ALPHABET, format_code
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaist(event, owner):
    return create_institution(event, name="KAIST", seats=2, by=owner)


def join(event, code, name="Park Jisoo", **kwargs):
    return join_institution(event, code=code, display_name=name, **kwargs)


def test_create_institution_stores_only_a_hash_of_its_code(event, owner, kaist):
    institution, code = kaist
    stored = AccessCode.objects.get(institution=institution)
    assert (len(code), set(code) <= set(CODE_ALPHABET)) == (10, True)
    assert (stored.code_hash, stored.code_hint, stored.active, stored.created_by) == (
        digest("access-code", code),
        code[-2:],
        True,
        owner,
    )
    assert code not in stored.code_hash
    assert (institution.name, institution.seats) == ("KAIST", 2)


def test_create_institution_duplicate_name_or_no_seats_is_refused(event, owner, kaist):
    with pytest.raises(ValidationError) as caught:
        create_institution(event, name=" kaist ", seats=0, by=owner)
    assert caught.value.message_dict == {
        "name": ["There is already an institution called “kaist”."],
        "seats": ["An institution needs at least one seat."],
    }
    assert Institution.objects.count() == 1


def test_create_institution_by_outsider_or_closed_event_is_refused(event, owner):
    with pytest.raises(NotAllowed):
        create_institution(event, name="KAIST", seats=2, by=UserFactory())
    event.status = EventStatus.CLOSED
    event.save()
    with pytest.raises(EventClosed):
        create_institution(event, name="KAIST", seats=2, by=owner)
    assert (Institution.objects.count(), AccessCode.objects.count()) == (0, 0)


def test_join_institution_creates_a_confirmed_member_without_email(event, kaist):
    institution, code = kaist
    member = join(event, format_code(code).lower(), "  Park   Jisoo ", visible_to_others=True, language="ko")
    assert (member.kind, member.status, member.institution, member.display_name) == (
        AttendeeKind.INSTITUTION_MEMBER,
        AttendeeStatus.CONFIRMED,
        institution,
        "Park Jisoo",
    )
    assert (member.email, member.visible_to_others, member.language) == ("", True, "ko")
    assert is_placeholder_email(member.user.email) is True
    assert (member.user.has_usable_password(), member.user.display_name) == (False, "Park Jisoo")
    assert seats_taken(institution) == 1


def test_join_institution_wrong_code_is_refused_and_nothing_saved(event, kaist):
    users = User.objects.count()
    with pytest.raises(ValidationError) as caught:
        join(event, "AAAAA-BBBBB")
    assert caught.value.message_dict == {
        "code": [
            "This code is not valid for this event. Check it with your institution: "
            "codes look like ABCDE-FGH23."
        ]
    }
    assert (Attendee.objects.count(), User.objects.count()) == (0, users)


def test_join_institution_code_of_another_event_is_refused(event, kaist):
    _institution, code = kaist
    other = EventFactory()
    with pytest.raises(ValidationError):
        join(other, code)
    assert Attendee.objects.count() == 0


def test_join_institution_without_name_or_overlong_name_is_refused(event, kaist):
    _institution, code = kaist
    for name, message in (
        ("  ", "Enter the name others will know you by."),
        ("x" * 121, "Keep your name under 120 characters."),
    ):
        with pytest.raises(ValidationError) as caught:
            join(event, code, name)
        assert caught.value.message_dict == {"display_name": [message]}
    assert Attendee.objects.count() == 0


def test_join_institution_when_seats_are_taken_is_refused(event, kaist):
    _institution, code = kaist
    join(event, code, "One")
    join(event, code, "Two")
    users = User.objects.count()
    with pytest.raises(JoinError) as caught:
        join(event, code, "Three")
    assert (caught.value.code, caught.value.message) == (
        "join.full",
        "All 2 seats of KAIST are taken. Ask your institution's contact person for help.",
    )
    assert (Attendee.objects.count(), User.objects.count()) == (2, users)


def test_join_institution_cancelled_member_frees_a_seat(event, owner, kaist):
    _institution, code = kaist
    first = join(event, code, "One")
    join(event, code, "Two")
    decide(first, "cancel", by=owner)
    assert join(event, code, "Three").display_name == "Three"


def test_join_institution_revoked_code_gets_a_clear_message(event, owner, kaist):
    institution, code = kaist
    assert revoke_code(institution, by=owner) == 1
    with pytest.raises(JoinError) as caught:
        join(event, code)
    assert (caught.value.code, caught.value.message) == (
        "join.revoked",
        "This code has been withdrawn. Ask your institution for its new code.",
    )
    assert Attendee.objects.count() == 0


def test_regenerate_code_old_one_stops_new_one_works_members_stay(event, owner, kaist):
    institution, old = kaist
    member = join(event, old)
    new = regenerate_code(institution, by=owner)
    assert new != old
    with pytest.raises(JoinError):
        join(event, old)
    assert join(event, new, "Second").institution == institution
    assert AccessCode.objects.filter(institution=institution, active=True).count() == 1
    member.refresh_from_db()
    assert member.status == AttendeeStatus.CONFIRMED


def test_regenerate_all_codes_gives_every_institution_a_new_code(event, owner, kaist):
    create_institution(event, name="Yonsei", seats=5, by=owner)
    issued = regenerate_all_codes(event, by=owner)
    assert [institution.name for institution, _code in issued] == ["KAIST", "Yonsei"]
    assert verify_codes(event, [(str(i.pk), code) for i, code in issued]) == issued
    assert AccessCode.objects.filter(active=True).count() == 2


def test_verify_codes_ignores_codes_that_are_not_active_or_not_this_institutions(event, owner, kaist):
    institution, code = kaist
    second, second_code = create_institution(event, name="Yonsei", seats=5, by=owner)
    assert verify_codes(event, [(str(second.pk), code), (str(institution.pk), "NOPE")]) == []
    regenerate_code(second, by=owner)
    assert verify_codes(event, [(str(second.pk), second_code), (str(institution.pk), code)]) == [
        (institution, code)
    ]


def test_update_institution_seats_below_members_is_refused(event, owner, kaist):
    institution, code = kaist
    join(event, code, "One")
    join(event, code, "Two")
    with pytest.raises(ValidationError) as caught:
        update_institution(institution, name="KAIST", seats=1, by=owner)
    assert caught.value.message_dict == {
        "seats": ["2 members have already joined; give at least that many seats, or cancel members first."]
    }
    updated = update_institution(institution, name="KAIST Daejeon", seats=4, by=owner)
    assert (Institution.objects.get().name, updated.seats) == ("KAIST Daejeon", 4)


def test_join_institution_brute_force_locks_out_the_address(event, kaist, settings):
    settings.ACCESS_CODE_FAILURES_PER_IP = 3
    _institution, code = kaist
    for _attempt in range(3):
        with pytest.raises(ValidationError):
            join(event, "WRONG-CODE1", ip="203.0.113.9")
    with pytest.raises(RateLimited) as caught:
        join(event, code, ip="203.0.113.9")  # even the right code waits out the lock-out
    assert caught.value.message == "Too many wrong codes were tried. Try again in 15 minutes."
    assert caught.value.retry_after_minutes == 15
    assert join(event, code, ip="203.0.113.10").display_name == "Park Jisoo"
    assert Attendee.objects.count() == 1


def test_join_institution_one_person_cannot_lock_out_the_institution(event, kaist, settings):
    """Issue 10, part 9c: wrong codes lock out their sender and their code prefix, not the event."""
    settings.ACCESS_CODE_FAILURES_PER_IP = 3
    settings.ACCESS_CODE_FAILURES_PER_EVENT = 3  # the old, event-wide lock-out, if it were still read
    _institution, code = kaist
    for number in range(3):
        with pytest.raises(ValidationError):
            join(event, "WRONG-CODE1", ip=f"2001:db8:0:1::{number + 1}")
    # Another address of the same IPv6 /64 is the same person: still locked out.
    with pytest.raises(RateLimited):
        join(event, "WRONG-CODE2", ip="2001:db8:0:1::ff")
    assert join(event, code, ip="198.51.100.7").display_name == "Park Jisoo"
    assert join(event, code, ip="2001:db8:0:2::1", name="Lee Jisoo").display_name == "Lee Jisoo"


def test_join_institution_guessing_one_prefix_from_many_addresses_locks_only_that_prefix(
    event, kaist, settings
):
    settings.ACCESS_CODE_FAILURES_PER_PREFIX = 4
    _institution, code = kaist
    for number in range(4):
        with pytest.raises(ValidationError):
            join(event, f"WRONG-CODE{number}", ip=f"198.51.100.{number}")
    with pytest.raises(RateLimited) as caught:
        join(event, "wron-gcode9", ip="198.51.100.99")
    assert caught.value.message == "Too many wrong codes were tried. Try again in 15 minutes."
    # "WRON" is no code's beginning (there is no O in codes): the institution's own code works.
    assert join(event, code, ip="198.51.100.99").display_name == "Park Jisoo"
    assert Attendee.objects.count() == 1


def test_join_institution_on_closed_event_is_refused(event, kaist):
    _institution, code = kaist
    event.status = EventStatus.CLOSED
    event.save()
    with pytest.raises(JoinError) as caught:
        join(event, code)
    assert caught.value.code == "join.closed"
    assert Attendee.objects.count() == 0
