"""Institution members' recovery codes and seats: the code is the way back in on another device
(same seat, none burnt), wrong codes lock out per sender and per prefix, the organiser revokes a
lost seat (signed out, freed, audited)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from events.enums import AttendeeStatus
from events.errors import NotAllowed
from events.models import Attendee, AuditLogEntry
from events.services.attempts import RateLimited
from events.services.institutions import create_institution, join_institution, seats_taken
from events.services.recovery import (
    SeatError,
    recover_seat,
    recovery_code_hash,
    renew_recovery_code,
    revoke_seat,
    seat_holders,
)
from events.services.signin import CODE_ALPHABET, normalise_code
from tests.factories import EventFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

WRONG = (
    "This recovery code is not valid for this event. Type it as printed (XXXX-XXXX-XXXX), or ask "
    "your institution's contact person to free your seat so you can join again."
)
LOCKED = "Too many wrong codes were tried. Try again in 15 minutes."


@pytest.fixture
def kaist(event, owner):
    return create_institution(event, name="KAIST", seats=2, by=owner)


def join(event, code, name="Park Jisoo"):
    return join_institution(event, code=code, display_name=name, ip="10.0.0.1")


def other_code(code: str) -> str:
    """A well-formed code that differs from `code` from its first character on."""
    first = CODE_ALPHABET[(CODE_ALPHABET.index(code[0]) + 1) % len(CODE_ALPHABET)]
    return first + code[1:]


def test_join_gives_a_typeable_recovery_code_stored_only_as_a_hash(event, kaist):
    member = join(event, kaist[1])
    code = member.recovery_code
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code), code
    stored = Attendee.objects.get(pk=member.pk)
    assert stored.recovery_code_hash == recovery_code_hash(event, code)
    assert len(stored.recovery_code_hash) == 64
    row = Attendee.objects.filter(pk=member.pk).values().get()
    assert [key for key, value in row.items() if normalise_code(code) in str(value).upper()] == []


def test_recover_seat_with_the_code_is_the_same_member_and_takes_no_seat(event, kaist):
    institution, access_code = kaist
    member = join(event, access_code)
    before = seats_taken(institution)
    typed = " " + member.recovery_code.lower().replace("-", " ") + " "
    recovered = recover_seat(event, code=typed, ip="10.0.0.9")
    assert (recovered.pk, recovered.user_id, seats_taken(institution), before) == (
        member.pk,
        member.user_id,
        1,
        1,
    )
    assert Attendee.objects.count() == 1


def test_recover_seat_wrong_code_is_refused_and_locks_out_only_that_sender(event, kaist, settings):
    settings.ACCESS_CODE_FAILURES_PER_IP = 2
    member = join(event, kaist[1])
    wrong = other_code(normalise_code(member.recovery_code))
    for _attempt in range(2):
        with pytest.raises(ValidationError) as caught:
            recover_seat(event, code=wrong, ip="203.0.113.7")
        assert caught.value.message_dict == {"code": [WRONG]}
    with pytest.raises(RateLimited) as caught:
        recover_seat(event, code=member.recovery_code, ip="203.0.113.7")
    assert caught.value.message == LOCKED
    # Another sender (the member on their new phone) is not locked out by the guesser.
    assert recover_seat(event, code=member.recovery_code, ip="198.51.100.4").pk == member.pk


def test_recover_seat_guesses_from_many_addresses_hit_the_prefix_limit(event, kaist, settings):
    settings.ACCESS_CODE_FAILURES_PER_PREFIX = 2
    member = join(event, kaist[1])
    wrong = other_code(normalise_code(member.recovery_code))
    for ip in ("203.0.113.1", "203.0.113.2"):
        with pytest.raises(ValidationError):
            recover_seat(event, code=wrong, ip=ip)
    with pytest.raises(RateLimited) as caught:
        recover_seat(event, code=wrong[:4] + "ZZZZZZZZ", ip="203.0.113.3")
    assert caught.value.message == LOCKED
    # Codes starting otherwise (the member's own) still work: nobody locks out the institution.
    assert recover_seat(event, code=member.recovery_code, ip="203.0.113.3").pk == member.pk


def test_recover_seat_code_of_another_event_is_refused(event, kaist, owner):
    member = join(event, kaist[1])
    elsewhere = EventFactory(slug="other")
    with pytest.raises(ValidationError) as caught:
        recover_seat(elsewhere, code=member.recovery_code, ip="10.0.0.2")
    assert caught.value.message_dict == {"code": [WRONG]}


def test_recover_seat_empty_code_says_what_to_type(event):
    with pytest.raises(ValidationError) as caught:
        recover_seat(event, code="  ", ip="10.0.0.2")
    assert caught.value.message_dict == {
        "code": ["Type the recovery code you were given when you joined, for example ABCD-EFGH-JKLM."]
    }


def test_renew_recovery_code_replaces_the_old_one(event, kaist):
    member = join(event, kaist[1])
    old = member.recovery_code
    new = renew_recovery_code(member, by=member.user)
    assert (new != old, recover_seat(event, code=new, ip="10.0.0.3").pk) == (True, member.pk)
    with pytest.raises(ValidationError):
        recover_seat(event, code=old, ip="10.0.0.3")


def test_renew_recovery_code_is_only_for_the_member_themselves(event, kaist, owner):
    member = join(event, kaist[1])
    with pytest.raises(NotAllowed):
        renew_recovery_code(member, by=owner)
    individual = AttendeeFactory(event=event)
    with pytest.raises(SeatError) as caught:
        renew_recovery_code(individual, by=individual.user)
    assert caught.value.code == "seat.not_a_member"


def test_revoke_seat_frees_it_stops_the_code_and_is_audited(event, owner):
    institution, access_code = create_institution(event, name="KAIST", seats=1, by=owner)
    member = join(event, access_code)
    revoke_seat(member, by=owner)
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.status, member.decided_by, member.recovery_code_hash, member.user.is_active) == (
        AttendeeStatus.CANCELLED,
        owner,
        "",
        False,
    )
    assert seats_taken(institution) == 0
    with pytest.raises(ValidationError):
        recover_seat(event, code="ABCD-EFGH-JKLM", ip="10.0.0.4")
    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.actor, entry.subject, entry.details) == (
        "seat_revoked",
        owner,
        f"attendee:{member.pk}",
        {"institution": institution.pk},
    )
    # The freed seat lets the person join again with the institution's code.
    again = join(event, access_code, "Park Jisoo")
    assert (again.pk != member.pk, seats_taken(institution)) == (True, 1)


def test_revoke_seat_old_code_no_longer_recovers(event, kaist, owner):
    member = join(event, kaist[1])
    revoke_seat(member, by=owner)
    with pytest.raises(ValidationError) as caught:
        recover_seat(event, code=member.recovery_code, ip="10.0.0.5")
    assert caught.value.message_dict == {"code": [WRONG]}


def test_revoke_seat_by_outsider_or_twice_or_of_an_individual_is_refused(event, kaist, owner):
    member = join(event, kaist[1])
    with pytest.raises(NotAllowed):
        revoke_seat(member, by=UserFactory())
    revoke_seat(member, by=owner)
    with pytest.raises(SeatError) as caught:
        revoke_seat(member, by=owner)
    assert (caught.value.code, caught.value.message) == (
        "seat.already_free",
        "This seat is already free; the person can join again with the institution's code.",
    )
    with pytest.raises(SeatError) as caught:
        revoke_seat(AttendeeFactory(event=event), by=owner)
    assert caught.value.code == "seat.not_a_member"
    assert AuditLogEntry.objects.count() == 1


def test_seat_holders_lists_display_names_of_members_holding_a_seat(event, kaist, owner):
    institution, access_code = kaist
    first = join(event, access_code, "Kim Minji")
    second = join(event, access_code, "Ahn Jiho")
    revoke_seat(first, by=owner)
    assert [(m.pk, m.display_name) for m in seat_holders(institution)] == [(second.pk, "Ahn Jiho")]


def test_deleting_the_registration_leaves_no_recovery_code_behind(event, kaist):
    from events.services.privacy import delete_registration

    member = join(event, kaist[1])
    code = member.recovery_code
    delete_registration(member, by=member.user)

    stored = Attendee.objects.get(pk=member.pk)
    assert (stored.recovery_code_hash, stored.recovery_code_made_at) == ("", None)
    with pytest.raises((SeatError, ValidationError)):
        recover_seat(event, code=code, ip="10.0.0.9")
