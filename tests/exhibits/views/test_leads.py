"""Leads in pages: sharing and withdrawing from a booth page and My data; the exhibitor's list,
notes and rating, and CSV download; who may see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from events.enums import AttendeeStatus, EventStatus
from events.models import AuditLogEntry
from exhibits.models import Lead
from exhibits.services.audit_words import LEADS_EXPORTED
from exhibits.services.leads import share_contact, update_lead
from tests.events.views.helpers import messages_of
from tests.registration_factories import AnswerFactory, AttendeeFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def minji(event):
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    company = QuestionFactory(
        event=event, identifier="company", label={"en": "Company", "ko": "회사"}, contains_personal_data=True
    )
    AnswerFactory(attendee=attendee, question=company, value="Acme", question_label_snapshot=company.label)
    return attendee


def share_url(booth) -> str:
    return reverse("visit:share_contact", args=[booth.event.slug, booth.pk])


def withdraw_url(booth) -> str:
    return reverse("visit:withdraw_contact", args=[booth.event.slug, booth.pk])


def booth_url(booth) -> str:
    return reverse("visit:booth", args=[booth.event.slug, booth.pk])


def leads_url(exhibitor) -> str:
    return reverse("exhibitor:leads", args=[exhibitor.pk])


def export_url(exhibitor) -> str:
    return reverse("exhibitor:leads_export", args=[exhibitor.pk])


def edit_url(lead) -> str:
    return reverse("exhibitor:lead_edit", args=[lead.exhibitor_id, lead.pk])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Sharing from the booth page ------------------------------------------------------------


def test_share_shows_the_staff_exactly_the_chosen_fields(client, minji, booth_a, staff_a):
    client.force_login(minji.user)

    response = client.post(share_url(booth_a), {"fields_to_share": ["name", "answer:company"]})

    assert (response.status_code, response["Location"]) == (302, booth_url(booth_a))
    assert messages_of(response) == [
        "You shared your contact details with Alpha Systems. You can withdraw them at any time, "
        "here or on your “My data” page."
    ]
    client.force_login(staff_a)
    page = client.get(leads_url(booth_a.exhibitor))
    assert page.status_code == 200
    assert [lead.details for lead in page.context["leads"]] == [[("Name", "Kim Minji"), ("Company", "Acme")]]
    html = page.content.decode()
    assert "Kim Minji" in html and "Acme" in html
    assert "minji@example.org" not in html


def test_share_with_nothing_ticked_says_what_to_do(client, minji, booth_a):
    client.force_login(minji.user)

    response = client.post(share_url(booth_a), {})

    assert (response.status_code, response["Location"]) == (302, booth_url(booth_a))
    assert messages_of(response) == ["Tick at least one detail to share, then press “Share”."]
    assert Lead.objects.count() == 0


def test_not_shared_is_not_visible_to_staff(client, minji, booth_a, staff_a):
    client.force_login(staff_a)

    page = client.get(leads_url(booth_a.exhibitor))

    assert page.status_code == 200
    assert list(page.context["leads"]) == []
    assert "Kim Minji" not in page.content.decode()
    assert "No visitor has shared their contact details with you yet." in page.content.decode()


def test_share_anonymous_is_sent_to_sign_in(client, booth_a):
    response = client.post(share_url(booth_a), {"fields_to_share": ["name"]})

    assert response.status_code == 302
    assert response["Location"].split("?")[0] == "/expo/signin/"
    assert Lead.objects.count() == 0


def test_share_without_registration_is_404(client, booth_a, staff_a):
    client.force_login(staff_a)

    response = client.post(share_url(booth_a), {"fields_to_share": ["name"]})

    assert response.status_code == 404
    assert Lead.objects.count() == 0


def test_share_get_is_not_allowed(client, minji, booth_a):
    client.force_login(minji.user)

    assert client.get(share_url(booth_a)).status_code == 405


def test_share_at_a_booth_of_another_event_is_404(client, minji):
    from tests.factories import BoothFactory

    elsewhere = BoothFactory()
    client.force_login(minji.user)

    response = client.post(
        reverse("visit:share_contact", args=[minji.event.slug, elsewhere.pk]), {"fields_to_share": ["name"]}
    )

    assert response.status_code == 404
    assert Lead.objects.count() == 0


# --- Withdrawing ----------------------------------------------------------------------------


def test_withdraw_removes_the_lead_from_list_and_csv(client, minji, booth_a, staff_a, event):
    share_contact(booth_a, minji, keys=["name", "email"], by=minji.user)
    jun = AttendeeFactory(event=event, display_name="Lee Jun")
    share_contact(booth_a, jun, keys=["name"], by=jun.user)
    client.force_login(minji.user)

    response = client.post(withdraw_url(booth_a))

    assert (response.status_code, response["Location"]) == (302, booth_url(booth_a))
    assert messages_of(response) == ["You withdrew your contact details: Alpha Systems no longer sees them."]
    client.force_login(staff_a)
    page = client.get(leads_url(booth_a.exhibitor))
    assert [lead.shared_name for lead in page.context["leads"]] == ["Lee Jun"]
    assert "Kim Minji" not in page.content.decode()
    assert [row[2] for row in csv_rows(client.get(export_url(booth_a.exhibitor)))] == ["Name", "Lee Jun"]


def test_withdraw_from_my_data_goes_back_there(client, minji, booth_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)
    client.force_login(minji.user)
    my_data = reverse("privacy:my_data", args=["expo"])

    page = client.get(my_data)
    html = page.content.decode()
    assert "Contact details you shared with exhibitors" in html
    assert f'action="{withdraw_url(booth_a)}"' in html
    assert "Withdraw from Alpha Systems" in html

    response = client.post(withdraw_url(booth_a), {"next": my_data})

    assert (response.status_code, response["Location"]) == (302, my_data)
    assert Lead.objects.count() == 0
    assert (
        "You have not shared your contact details with any exhibitor." in client.get(my_data).content.decode()
    )


def test_withdraw_ignores_a_next_on_another_host(client, minji, booth_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)
    client.force_login(minji.user)

    response = client.post(withdraw_url(booth_a), {"next": "https://elsewhere.example/steal"})

    assert (response.status_code, response["Location"]) == (302, booth_url(booth_a))


def test_withdraw_without_a_lead_says_so(client, minji, booth_a):
    client.force_login(minji.user)

    response = client.post(withdraw_url(booth_a))

    assert response.status_code == 302
    assert messages_of(response) == [
        "You have not shared your contact details with this exhibitor, so there is nothing to withdraw."
    ]


def test_withdraw_works_once_the_event_is_closed(client, minji, booth_a, event):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(minji.user)

    response = client.post(withdraw_url(booth_a))

    assert response.status_code == 302
    assert Lead.objects.count() == 0


# --- The include on the booth page ----------------------------------------------------------


def render_share(booth, user, lead=None) -> str:
    request = RequestFactory().get(booth_url(booth))
    request.user = user
    return render_to_string(
        "exhibits/public/_share_contact.html", {"booth": booth, "lead": lead}, request=request
    )


def test_share_include_offers_each_field_and_says_who_sees_it(minji, booth_a):
    html = render_share(booth_a, minji.user)

    assert f'action="{share_url(booth_a)}"' in html
    assert html.count('type="checkbox" name="fields_to_share"') == 3
    assert 'value="name"' in html and 'value="email"' in html and 'value="answer:company"' in html
    assert (
        "Name: Kim Minji" in html and "E-mail address: minji@example.org" in html and "Company: Acme" in html
    )
    assert (
        "Only the staff of Alpha Systems will see the details you tick; not even the organisers of Expo."
        in html
    )
    assert "checked" not in html


def test_share_include_shows_what_was_shared_and_a_withdraw_button(minji, booth_a):
    lead = share_contact(booth_a, minji, keys=["email"], by=minji.user)

    html = render_share(booth_a, minji.user, lead)

    assert f'action="{withdraw_url(booth_a)}"' in html
    assert "E-mail address: minji@example.org" in html
    assert "Kim Minji" not in html
    assert "fields_to_share" not in html


def test_share_include_finds_the_lead_when_not_given_one(minji, booth_a):
    share_contact(booth_a, minji, keys=["name"], by=minji.user)

    html = render_share(booth_a, minji.user, None)

    assert f'action="{withdraw_url(booth_a)}"' in html
    assert "Name: Kim Minji" in html
    assert "fields_to_share" not in html


def test_booth_page_carries_the_share_form(client, minji, booth_a):
    client.force_login(minji.user)

    html = client.get(booth_url(booth_a)).content.decode()

    assert f'action="{share_url(booth_a)}"' in html
    assert html.count('name="fields_to_share"') == 3


def test_share_include_invites_strangers_to_sign_in(booth_a):
    from django.contrib.auth.models import AnonymousUser

    html = render_share(booth_a, AnonymousUser())

    assert 'href="/expo/signin/"' in html
    assert "fields_to_share" not in html


def test_share_include_tells_the_unconfirmed_to_wait(event, booth_a):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)

    html = render_share(booth_a, pending.user)

    assert "Once your registration is confirmed" in html
    assert "fields_to_share" not in html


# --- The exhibitor's list and CSV -----------------------------------------------------------


@pytest.fixture
def lead(minji, booth_a):
    return share_contact(booth_a, minji, keys=["name", "answer:company"], by=minji.user)


def test_leads_page_is_for_the_exhibitor_staff(client, lead, staff_a):
    client.force_login(staff_a)

    response = client.get(leads_url(lead.exhibitor))

    assert response.status_code == 200
    assert list(response.context["leads"]) == [lead]


LEADS_ARE_THE_EXHIBITORS = (
    "The visitors shared these contact details with Alpha Systems only, so only its staff can see, "
    "change or download them. The booth analytics show how many were shared."
)


@pytest.mark.parametrize("who", ["moderator", "owner"])
@pytest.mark.parametrize("url", [leads_url, export_url])
def test_event_team_cannot_read_or_download_the_leads(client, lead, who, url, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url(lead.exhibitor))

    assert response.status_code == 403
    assert LEADS_ARE_THE_EXHIBITORS in response.content.decode()
    assert "Kim Minji" not in response.content.decode()
    assert AuditLogEntry.objects.count() == 0


@pytest.mark.parametrize("who", ["moderator", "owner"])
def test_event_team_cannot_edit_a_lead(client, lead, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.post(edit_url(lead), {"rating": "1", "notes": "organiser's"})

    assert response.status_code == 403
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


def test_leads_csv_download_is_written_to_the_audit_log(client, lead, staff_a, event):
    client.force_login(staff_a)

    rows = csv_rows(client.get(export_url(lead.exhibitor)))

    assert len(rows) == 2
    entries = list(
        AuditLogEntry.objects.filter(event=event).values_list(
            "action", "actor_label", "subject", "rows", "details"
        )
    )
    assert entries == [
        (
            LEADS_EXPORTED,
            "staff-a@example.org",
            f"exhibitor:{lead.exhibitor_id}",
            1,
            {"kind": "leads_csv", "exhibitor": lead.exhibitor_id},
        )
    ]


@pytest.mark.parametrize("url", [leads_url, export_url])
def test_staff_of_another_exhibitor_cannot_see_the_leads(client, lead, staff_b, url):
    client.force_login(staff_b)

    assert client.get(url(lead.exhibitor)).status_code == 404


def test_staff_of_another_exhibitor_cannot_edit_a_lead(client, lead, staff_b):
    client.force_login(staff_b)

    response = client.post(edit_url(lead), {"rating": "1", "notes": "mine"})

    assert response.status_code == 404
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


def test_a_lead_of_another_exhibitor_is_not_found_under_mine(client, lead, staff_b, exhibitor_b):
    client.force_login(staff_b)

    response = client.get(reverse("exhibitor:lead_edit", args=[exhibitor_b.pk, lead.pk]))

    assert response.status_code == 404


def test_leads_page_anonymous_is_sent_to_log_in(client, lead):
    response = client.get(leads_url(lead.exhibitor))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_leads_csv_download(client, lead, staff_a, event):
    update_lead(lead, notes="=cmd()", rating=4, by=staff_a)
    client.force_login(staff_a)

    response = client.get(export_url(lead.exhibitor))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="expo-exhibitor-{lead.exhibitor_id}-leads-'
    )
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith("\ufeff".encode())
    rows = csv_rows(response)
    assert rows[0] == ["Booth", "Shared on", "Name", "E-mail address", "Company", "Rating", "Notes"]
    assert rows[1][0] == "A-1" and rows[1][2:] == ["Kim Minji", "", "Acme", "4", "'=cmd()"]


def test_closed_event_staff_still_read_and_export_but_not_edit(client, lead, staff_a, event):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(staff_a)

    page = client.get(leads_url(lead.exhibitor))
    assert page.status_code == 200
    assert list(page.context["leads"]) == [lead]
    assert "notes and ratings can no longer be changed" in page.content.decode()
    assert edit_url(lead) not in page.content.decode()
    assert csv_rows(client.get(export_url(lead.exhibitor)))[1][2] == "Kim Minji"
    assert client.get(edit_url(lead)).status_code == 403
    assert client.post(edit_url(lead), {"rating": "2", "notes": "late"}).status_code == 403
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


# --- Notes and rating -----------------------------------------------------------------------


def test_lead_edit_saves_notes_and_rating(client, lead, staff_a):
    client.force_login(staff_a)

    response = client.post(edit_url(lead), {"rating": "5", "notes": "Wants a quote."})

    assert (response.status_code, response["Location"]) == (302, leads_url(lead.exhibitor))
    assert messages_of(response) == ["Notes and rating saved."]
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("Wants a quote.", 5)
    page = client.get(leads_url(lead.exhibitor)).content.decode()
    assert "Wants a quote." in page and "5 of 5" in page


def test_lead_edit_shows_the_form_with_current_values(client, lead, staff_a):
    update_lead(lead, notes="Met twice", rating=3, by=staff_a)
    client.force_login(staff_a)

    response = client.get(edit_url(lead))

    assert response.status_code == 200
    assert response.context["form"].initial == {"notes": "Met twice", "rating": 3}
    html = response.content.decode()
    assert '<label for="id_rating">Rating</label>' in html and '<label for="id_notes">Notes</label>' in html


def test_lead_edit_refuses_a_bad_rating_inline(client, lead, staff_a):
    client.force_login(staff_a)

    response = client.post(edit_url(lead), {"rating": "9", "notes": "Keep me out"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rating": ["Select a valid choice. 9 is not one of the available choices."]
    }
    lead.refresh_from_db()
    assert (lead.notes, lead.rating) == ("", None)


def test_lead_edit_refuses_notes_too_long_inline(client, lead, staff_a):
    client.force_login(staff_a)

    response = client.post(edit_url(lead), {"rating": "", "notes": "x" * 2001})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "notes": ["Ensure this value has at most 2000 characters (it has 2001)."]
    }
    lead.refresh_from_db()
    assert lead.notes == ""


def test_organisers_see_in_the_audit_log_who_downloaded_leads_and_how_many(client, lead, staff_a, owner):
    client.force_login(staff_a)
    client.get(export_url(lead.exhibitor))
    client.force_login(owner)

    response = client.get(reverse("privacy_admin:audit", args=[lead.booth.event.slug]))

    entries = [
        (e.actor_text, e.get_action_display(), e.subject_text, e.rows) for e in response.context["page"]
    ]
    assert entries == [
        (
            "staff-a@example.org (exhibitor staff)",
            "Leads downloaded by the exhibitor",
            f"Leads of exhibitor #{lead.exhibitor_id} (CSV)",
            1,
        )
    ]
    assert "Kim Minji" not in response.content.decode()
