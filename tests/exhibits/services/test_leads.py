"""Leads: sharing chosen details (snapshotted), withdrawing, notes and rating, CSV, shredding."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.enums import AttendeeStatus, EventStatus, QuestionKind
from events.errors import NotAllowed
from events.models import AuditLogEntry
from events.services.privacy import delete_registration
from events.shredder import ShredItem, shred_strategies
from exhibits.interfaces.leads_csv import export_leads, leads_csv
from exhibits.models import BoothDailyStats, Lead
from exhibits.services.audit_words import LEADS_EXPORTED, STAFF_ROLE
from exhibits.services.leads import (
    LeadError,
    LeadShredder,
    ShareableField,
    forget_leads_of_deleted_attendee,
    lead_for,
    share_contact,
    share_offer,
    shareable_fields,
    update_lead,
    withdraw_contact,
)
from tests.factories import BoothFactory, UserFactory
from tests.registration_factories import AnswerFactory, AttendeeFactory, MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(event):
    return QuestionFactory(
        event=event, identifier="company", label={"en": "Company", "ko": "회사"}, contains_personal_data=True
    )


@pytest.fixture
def minji(event, company):
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    AnswerFactory(attendee=attendee, question=company, value="Acme", question_label_snapshot=company.label)
    # Not flagged as personal data by the organiser: never offered for sharing.
    referral = QuestionFactory(event=event, identifier="referral", contains_personal_data=False)
    AnswerFactory(attendee=attendee, question=referral, value="A friend")
    return attendee


def _stats(booth) -> list[tuple]:
    return list(BoothDailyStats.objects.filter(booth=booth).values_list("day", "leads"))


# --- What may be shared ---------------------------------------------------------------------


def test_shareable_fields_offer_name_email_and_personal_answers(minji):
    assert shareable_fields(minji, "en") == [
        ShareableField("name", "Name", "Kim Minji"),
        ShareableField("email", "E-mail address", "minji@example.org"),
        ShareableField("answer:company", "Company", "Acme"),
    ]


def test_shareable_fields_member_has_no_email(event):
    member = MemberFactory(event=event, display_name="Park")

    assert shareable_fields(member, "en") == [ShareableField("name", "Name", "Park")]


# --- Sharing --------------------------------------------------------------------------------


def test_share_contact_snapshots_exactly_the_chosen_fields(minji, booth_a):
    lead = share_contact(booth_a, minji, keys=["name", "answer:company"], by=minji.user)

    lead.refresh_from_db()
    assert (lead.attendee, lead.booth, lead.exhibitor) == (minji, booth_a, booth_a.exhibitor)
    assert lead.shared_fields == [
        {"key": "name", "value": "Kim Minji"},
        {
            "key": "answer:company",
            "label": {"en": "Company", "ko": "회사"},
            "value": {"en": "Acme", "ko": "Acme"},
        },
    ]
    assert lead.details_in("en") == [("Name", "Kim Minji"), ("Company", "Acme")]
    assert lead.details_in("ko")[1] == ("회사", "Acme")
    assert _stats(booth_a) == [(timezone.localdate(lead.created_at, booth_a.event.tz), 1)]


def test_share_contact_snapshot_keeps_what_was_shared_after_changes(minji, booth_a):
    lead = share_contact(booth_a, minji, keys=["name", "email"], by=minji.user)
    minji.display_name, minji.email = "Minji Kim", "new@example.org"
    minji.save()

    lead.refresh_from_db()
    assert lead.details_in("en") == [("Name", "Kim Minji"), ("E-mail address", "minji@example.org")]


def test_share_contact_refuses_nothing_chosen(minji, booth_a):
    with pytest.raises(LeadError) as raised:
        share_contact(booth_a, minji, keys=[], by=minji.user)

    assert (raised.value.code, raised.value.message) == (
        "lead.nothing_chosen",
        "Tick at least one detail to share, then press “Share”.",
    )
    assert (Lead.objects.count(), _stats(booth_a)) == (0, [])


def test_share_contact_refuses_a_field_not_offered(minji, booth_a):
    with pytest.raises(LeadError) as raised:
        share_contact(booth_a, minji, keys=["name", "answer:referral"], by=minji.user)

    assert raised.value.code == "lead.unknown_field"
    assert Lead.objects.count() == 0


def test_share_contact_refuses_sharing_twice(minji, booth_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)

    with pytest.raises(LeadError) as raised:
        share_contact(booth_a, minji, keys=["email"], by=minji.user)

    assert raised.value.code == "lead.already_shared"
    assert list(Lead.objects.values_list("shared_fields", flat=True)) == [
        [{"key": "name", "value": "Kim Minji"}]
    ]
    assert [leads for _day, leads in _stats(booth_a)] == [1]


def test_share_contact_refuses_an_unconfirmed_attendee(event, booth_a):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)

    with pytest.raises(LeadError) as raised:
        share_contact(booth_a, pending, keys=["name"], by=pending.user)

    assert raised.value.code == "lead.not_confirmed"
    assert Lead.objects.count() == 0


def test_share_contact_refuses_a_closed_event(minji, booth_a, event):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(LeadError) as raised:
        share_contact(booth_a, minji, keys=["name"], by=minji.user)

    assert raised.value.code == "lead.event_closed"
    assert Lead.objects.count() == 0


def test_share_contact_refuses_anyone_but_the_attendee(minji, booth_a, staff_a):
    with pytest.raises(NotAllowed):
        share_contact(booth_a, minji, keys=["name"], by=staff_a)

    assert Lead.objects.count() == 0


def test_share_contact_refuses_a_booth_of_another_event(minji):
    elsewhere = BoothFactory()

    with pytest.raises(NotAllowed):
        share_contact(elsewhere, minji, keys=["name"], by=minji.user)

    assert Lead.objects.count() == 0


# --- Withdrawing ----------------------------------------------------------------------------


def test_withdraw_contact_deletes_the_lead_and_its_count(minji, booth_a):
    lead = share_contact(booth_a, minji, keys=["name", "email"], by=minji.user)

    withdraw_contact(booth_a, minji, by=minji.user)

    assert Lead.objects.filter(pk=lead.pk).exists() is False
    assert [leads for _day, leads in _stats(booth_a)] == [0]
    assert lead_for(booth_a, minji) is None


def test_withdraw_then_share_again_works(minji, booth_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)
    withdraw_contact(booth_a, minji, by=minji.user)

    lead = share_contact(booth_a, minji, keys=["email"], by=minji.user)

    assert lead_for(booth_a, minji) == lead
    assert lead.details_in("en") == [("E-mail address", "minji@example.org")]
    assert [leads for _day, leads in _stats(booth_a)] == [1]


def test_withdraw_contact_refused_when_nothing_was_shared(minji, booth_a):
    with pytest.raises(LeadError) as raised:
        withdraw_contact(booth_a, minji, by=minji.user)

    assert raised.value.code == "lead.not_shared"


def test_withdraw_contact_allowed_once_the_event_is_closed(minji, booth_a, event):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)
    event.status = EventStatus.CLOSED
    event.save()

    withdraw_contact(booth_a, minji, by=minji.user)

    assert Lead.objects.count() == 0


def test_withdraw_contact_refuses_anyone_but_the_attendee(minji, booth_a, staff_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)

    with pytest.raises(NotAllowed):
        withdraw_contact(booth_a, minji, by=staff_a)

    assert Lead.objects.count() == 1


def test_deleting_the_registration_deletes_the_leads(minji, booth_a):
    share_contact(booth_a, minji, keys=["name", "email"], by=minji.user)
    other = AttendeeFactory(event=minji.event)
    share_contact(booth_a, other, keys=["name"], by=other.user)

    delete_registration(minji, by=minji.user)

    assert list(Lead.objects.values_list("attendee", flat=True)) == [other.pk]
    assert [leads for _day, leads in _stats(booth_a)] == [1]


def test_forget_leads_of_deleted_attendee_leaves_a_live_registration_alone(minji, booth_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)

    assert forget_leads_of_deleted_attendee(minji) == 0
    assert Lead.objects.count() == 1


# --- What the booth page offers -------------------------------------------------------------


def test_share_offer_states(minji, booth_a, event, staff_a):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)

    assert share_offer(booth_a, None, "en").state == "anonymous"
    assert share_offer(booth_a, staff_a, "en").state == "not_attendee"
    assert share_offer(booth_a, pending.user, "en").state == "not_confirmed"
    offer = share_offer(booth_a, minji.user, "en")
    assert (offer.state, [each.key for each in offer.fields]) == ("open", ["name", "email", "answer:company"])
    lead = share_contact(booth_a, minji, keys=["name"], by=minji.user)
    assert (share_offer(booth_a, minji.user, "en").state, share_offer(booth_a, minji.user, "en").lead) == (
        "shared",
        lead,
    )
    event.status = EventStatus.CLOSED
    event.save()
    assert share_offer(booth_a, pending.user, "en").state == "not_confirmed"
    assert share_offer(booth_a, AttendeeFactory(event=event).user, "en").state == "closed"


# --- Notes and rating -----------------------------------------------------------------------


@pytest.fixture
def lead(minji, booth_a):
    return share_contact(booth_a, minji, keys=["name"], by=minji.user)


def test_update_lead_saves_notes_and_rating(lead, staff_a):
    update_lead(lead, notes="  Wants a demo in May.  ", rating=4, by=staff_a)

    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("Wants a demo in May.", 4)


def test_update_lead_clears_the_rating(lead, staff_a):
    update_lead(lead, notes="", rating=5, by=staff_a)

    update_lead(lead, notes="", rating=None, by=staff_a)

    lead.refresh_from_db()
    assert lead.rating is None


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_update_lead_refuses_a_rating_out_of_range(lead, staff_a, rating):
    with pytest.raises(ValidationError) as raised:
        update_lead(lead, notes="Keep me out", rating=rating, by=staff_a)

    assert raised.value.message_dict == {"rating": ["Choose a rating from 1 to 5, or none."]}
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


def test_update_lead_refuses_notes_too_long(lead, staff_a):
    with pytest.raises(ValidationError) as raised:
        update_lead(lead, notes="x" * 2001, rating=3, by=staff_a)

    assert raised.value.message_dict == {
        "notes": ["Keep the notes under 2000 characters (they have 2001). Shorten them."]
    }
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


def test_update_lead_refuses_staff_of_another_exhibitor(lead, staff_b):
    with pytest.raises(NotAllowed):
        update_lead(lead, notes="mine now", rating=1, by=staff_b)

    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


@pytest.mark.parametrize("who", ["moderator", "owner"])
def test_update_lead_refuses_the_event_team(lead, who, request):
    with pytest.raises(NotAllowed) as raised:
        update_lead(lead, notes="organiser's", rating=1, by=request.getfixturevalue(who))

    assert raised.value.code == "lead.not_exhibitor_staff"
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


def test_update_lead_refused_once_the_event_is_closed(lead, staff_a, event):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(NotAllowed) as raised:
        update_lead(lead, notes="late", rating=2, by=staff_a)

    assert raised.value.message == "This event is closed and can no longer be changed."
    lead.refresh_from_db()
    assert lead.notes == ""


# --- CSV ------------------------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_leads_csv_header_and_rows(minji, booth_a, event, company, staff_a):
    jun = AttendeeFactory(event=event, display_name="Lee Jun", email="jun@example.org")
    AnswerFactory(attendee=jun, question=company, value="Jun Corp", question_label_snapshot=company.label)
    first = share_contact(booth_a, minji, keys=["name", "email"], by=minji.user)
    second = share_contact(booth_a, jun, keys=["name", "answer:company"], by=jun.user)
    update_lead(second, notes="Call back", rating=5, by=staff_a)
    shared_at = [
        timezone.localtime(lead.created_at, event.tz).strftime("%Y-%m-%d %H:%M") for lead in (first, second)
    ]

    rows = _rows(leads_csv(booth_a.exhibitor, "en"))

    assert rows == [
        ["Booth", "Shared on", "Name", "E-mail address", "Company", "Rating", "Notes"],
        ["A-1", shared_at[0], "Kim Minji", "minji@example.org", "", "", ""],
        ["A-1", shared_at[1], "Lee Jun", "", "Jun Corp", "5", "Call back"],
    ]


def test_leads_csv_guards_against_formulas(event, booth_a, company, staff_a):
    sly = AttendeeFactory(event=event, display_name='=HYPERLINK("http://x")', email="sly@example.org")
    AnswerFactory(attendee=sly, question=company, value="+1+1", question_label_snapshot=company.label)
    lead = share_contact(booth_a, sly, keys=["name", "answer:company"], by=sly.user)
    update_lead(lead, notes="@SUM(A1)", rating=None, by=staff_a)

    rows = _rows(leads_csv(booth_a.exhibitor, "en"))

    assert rows[1][2:] == ['\'=HYPERLINK("http://x")', "", "'+1+1", "", "'@SUM(A1)"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_leads_csv_guards_every_formula_start(event, booth_a, company, staff_a, start):
    sly = AttendeeFactory(event=event, display_name=start + "cmd|' /C calc'!A0", email="sly@example.org")
    AnswerFactory(attendee=sly, question=company, value=start + "1+1", question_label_snapshot=company.label)
    lead = share_contact(booth_a, sly, keys=["name", "answer:company"], by=sly.user)
    if start not in "\t\r":  # notes are trimmed of leading white space when saved
        update_lead(lead, notes=start + "SUM(A1)", rating=None, by=staff_a)

    rows = _rows(leads_csv(booth_a.exhibitor, "en"))

    notes = "'" + start + "SUM(A1)" if start not in "\t\r" else ""
    assert rows[1][2:] == ["'" + start + "cmd|' /C calc'!A0", "", "'" + start + "1+1", "", notes]


def test_leads_csv_leaves_out_withdrawn_leads_and_other_exhibitors(minji, booth_a, event, exhibitor_b):
    jun = AttendeeFactory(event=event, display_name="Lee Jun")
    share_contact(booth_a, minji, keys=["name"], by=minji.user)
    share_contact(booth_a, jun, keys=["name"], by=jun.user)
    share_contact(BoothFactory(event=event, exhibitor=exhibitor_b, x=4), jun, keys=["name"], by=jun.user)
    withdraw_contact(booth_a, minji, by=minji.user)

    rows = _rows(leads_csv(booth_a.exhibitor, "en"))

    assert [row[2] for row in rows] == ["Name", "Lee Jun"]


def test_export_leads_writes_the_audit_log(minji, booth_a, event, staff_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)

    rows = _rows(export_leads(booth_a.exhibitor, by=staff_a, language="en"))

    assert [row[2] for row in rows] == ["Name", "Kim Minji"]
    entry = AuditLogEntry.objects.get()
    who = (entry.event, entry.actor, entry.actor_role)
    assert (*who, entry.action, entry.subject, entry.rows, entry.details) == (
        event,
        staff_a,
        STAFF_ROLE,
        LEADS_EXPORTED,
        f"exhibitor:{booth_a.exhibitor_id}",
        1,
        {"kind": "leads_csv", "exhibitor": booth_a.exhibitor_id},
    )


def test_export_leads_of_none_is_audited_with_no_rows(booth_a, staff_a):
    export_leads(booth_a.exhibitor, by=staff_a, language="en")

    assert list(AuditLogEntry.objects.values_list("rows", flat=True)) == [0]


@pytest.mark.parametrize("who", ["moderator", "owner", "staff_b", "visitor"])
def test_export_leads_refuses_all_but_the_exhibitor_staff(minji, booth_a, who, request):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)

    with pytest.raises(NotAllowed) as raised:
        export_leads(booth_a.exhibitor, by=request.getfixturevalue(who), language="en")

    assert raised.value.code == "lead.not_exhibitor_staff"
    assert AuditLogEntry.objects.count() == 0


def test_leads_csv_of_no_leads_is_the_header(booth_a):
    assert _rows(leads_csv(booth_a.exhibitor, "en")) == [
        ["Booth", "Shared on", "Name", "E-mail address", "Rating", "Notes"]
    ]


# --- Shredding ------------------------------------------------------------------------------


def test_lead_shredder_is_registered():
    assert isinstance(shred_strategies.get("exhibits.leads"), LeadShredder)


def test_lead_shredder_describes_exports_and_deletes_leads(minji, booth_a, event, staff_a):
    lead = share_contact(booth_a, minji, keys=["name"], by=minji.user)
    update_lead(lead, notes="Met at the booth", rating=3, by=staff_a)
    elsewhere = AttendeeFactory()
    other_lead = share_contact(
        BoothFactory(event=elsewhere.event), elsewhere, keys=["name"], by=elsewhere.user
    )
    shredder = LeadShredder()

    assert shredder.describe(event) == [ShredItem("Contact details shared with exhibitors, with notes", 1)]
    assert shredder.export(event) == {
        "leads": [
            {
                "attendee": minji.pk,
                "exhibitor": "Alpha Systems",
                "booth": "A-1",
                "shared_at": lead.created_at.isoformat(),
                "shared": [{"key": "name", "value": "Kim Minji"}],
                "notes": "Met at the booth",
                "rating": 3,
            }
        ]
    }
    assert shredder.shred(event) == {"leads": 1}
    assert list(Lead.objects.all()) == [other_lead]
    assert shredder.remaining(event) == 0
    # The counts are not personal data: they stay.
    assert [leads for _day, leads in _stats(booth_a)] == [1]


def test_lead_does_not_hold_the_answers_of_unchosen_questions(minji, booth_a):
    lead = share_contact(booth_a, minji, keys=["email"], by=minji.user)

    assert "Acme" not in str(lead.shared_fields)
    assert "Kim Minji" not in str(lead.shared_fields)


def test_share_contact_by_a_user_without_registration_is_refused(booth_a, minji):
    stranger = UserFactory()

    with pytest.raises(NotAllowed):
        share_contact(booth_a, minji, keys=["name"], by=stranger)


def test_answer_kinds_are_shared_as_read(event, booth_a):
    question = QuestionFactory(
        event=event,
        identifier="newsletter",
        kind=QuestionKind.YES_NO,
        label={"en": "Newsletter", "ko": "뉴스레터"},
        contains_personal_data=True,
    )
    attendee = AttendeeFactory(event=event)
    AnswerFactory(attendee=attendee, question=question, value=True, question_label_snapshot=question.label)

    lead = share_contact(booth_a, attendee, keys=["answer:newsletter"], by=attendee.user)

    assert lead.details_in("en") == [("Newsletter", "Yes")]
    assert lead.details_in("ko") == [("뉴스레터", "예")]
