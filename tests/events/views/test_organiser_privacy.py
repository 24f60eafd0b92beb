"""Organiser privacy pages: who sees them, exports with progress and downloads, audit, shredder."""

from __future__ import annotations

import pytest

from events.enums import AuditAction, EventStatus, ExportKind
from events.interfaces.attendee_export import export_attendees_csv
from events.models import Answer, Attendee, AuditLogEntry, ExportJob
from tests.factories import EventFactory
from tests.registration_factories import AnswerFactory, AttendeeFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

BASE = "/organiser/expo/"
PAGES = ["exports/", "audit/", "shred/"]


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def minji(event):
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    AnswerFactory(attendee=attendee, value="Busan")
    return attendee


@pytest.fixture
def closed(event):
    event.status = EventStatus.CLOSED
    event.save()
    return event


def finished_export(event, by) -> ExportJob:
    job = ExportJob.objects.create(event=event, requested_by=by, kind=ExportKind.ATTENDEES_CSV)
    return export_attendees_csv(job)


# --- Who sees the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_privacy_pages_anonymous_is_sent_to_log_in(client, event, page):
    response = client.get(BASE + page)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={BASE}{page}"


@pytest.mark.parametrize("page", PAGES)
def test_privacy_pages_outsiders_get_404(client, event, staff_a, page):
    client.force_login(staff_a)

    assert client.get(BASE + page).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_privacy_pages_moderator_sees_them_on_closed_event(client, closed, moderator, page):
    client.force_login(moderator)

    assert client.get(BASE + page).status_code == 200


# --- Exports ----------------------------------------------------------------------------------


def test_export_create_runs_and_shows_progress_page(
    client, closed, moderator, minji, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BASE + "exports/new/")

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}exports/{job.pk}/"
    assert messages_of(response) == ["The attendee list is being prepared. This page shows its progress."]
    job.refresh_from_db()
    assert (job.status, job.rows, job.requested_by) == ("done", 1, moderator)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'href="{BASE}exports/{job.pk}/download/"' in page.content.decode()
    assert "progress.js" not in page.content.decode()  # finished: nothing to poll


def test_export_create_get_is_not_allowed(client, event, owner):
    client.force_login(owner)

    assert client.get(BASE + "exports/new/").status_code == 405
    assert ExportJob.objects.count() == 0


def test_export_create_outsider_gets_404(client, event, staff_a):
    client.force_login(staff_a)

    assert client.post(BASE + "exports/new/").status_code == 404
    assert ExportJob.objects.count() == 0


def test_export_page_while_queued_polls_progress(client, event, owner):
    job = ExportJob.objects.create(event=event, requested_by=owner, kind=ExportKind.ATTENDEES_CSV)
    client.force_login(owner)

    body = client.get(f"{BASE}exports/{job.pk}/").content.decode()

    assert f'data-progress-url="{BASE}exports/{job.pk}/progress.json"' in body
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert "/static/rakwon/progress.js" in body


def test_export_progress_json(client, event, owner):
    job = ExportJob.objects.create(
        event=event,
        requested_by=owner,
        kind=ExportKind.ATTENDEES_CSV,
        status="running",
        progress_done=50,
        progress_total=200,
    )
    client.force_login(owner)

    response = client.get(f"{BASE}exports/{job.pk}/progress.json")

    assert response.status_code == 200
    assert response.json() == {
        "status": "running",
        "status_label": "In progress",
        "done": 50,
        "total": 200,
        "percent": 25,
        "finished": False,
        "download_url": None,
    }


def test_export_progress_json_when_done(client, event, owner, minji):
    job = finished_export(event, owner)
    client.force_login(owner)

    data = client.get(f"{BASE}exports/{job.pk}/progress.json").json()

    assert (data["status"], data["done"], data["total"], data["percent"], data["finished"]) == (
        "done",
        1,
        1,
        100,
        True,
    )
    assert data["download_url"] == f"{BASE}exports/{job.pk}/download/"


def test_export_of_another_event_is_404(client, event, owner):
    other = ExportJob.objects.create(event=EventFactory(), kind=ExportKind.ATTENDEES_CSV)
    client.force_login(owner)

    assert client.get(f"{BASE}exports/{other.pk}/").status_code == 404
    assert client.get(f"{BASE}exports/{other.pk}/download/").status_code == 404


def test_export_download_gives_file_and_is_audited(client, event, owner, moderator, minji):
    job = finished_export(event, owner)
    client.force_login(moderator)

    response = client.get(f"{BASE}exports/{job.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="expo-')
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Kim Minji,minji@example.org" in content
    entry = AuditLogEntry.objects.get(action=AuditAction.EXPORT_DOWNLOADED)
    assert (entry.actor, entry.subject, entry.rows) == (moderator, f"export:{job.pk}", 1)


def test_export_download_outsider_gets_404(client, event, owner, staff_a, minji):
    job = finished_export(event, owner)
    client.force_login(staff_a)

    assert client.get(f"{BASE}exports/{job.pk}/download/").status_code == 404
    assert AuditLogEntry.objects.filter(action=AuditAction.EXPORT_DOWNLOADED).count() == 0


def test_export_download_of_unfinished_job_explains(client, event, owner):
    job = ExportJob.objects.create(event=event, requested_by=owner, kind=ExportKind.ATTENDEES_CSV)
    client.force_login(owner)

    response = client.get(f"{BASE}exports/{job.pk}/download/")

    assert response.status_code == 302
    assert messages_of(response) == ["This export's file is no longer on the server. Make a new export."]


def test_export_file_is_not_under_media(client, event, owner, minji, settings):
    job = finished_export(event, owner)

    assert client.get(f"/media/{job.file_name}").status_code == 404
    # Climbing out of MEDIA_ROOT finds nothing either.
    assert client.get(f"/media/../private/exports/{job.file_name}").status_code == 404


# --- Audit log --------------------------------------------------------------------------------


def test_audit_page_lists_entries_newest_first(client, event, owner, minji):
    job = finished_export(event, owner)
    client.force_login(owner)
    client.get(f"{BASE}exports/{job.pk}/download/")

    response = client.get(BASE + "audit/")

    entries = list(response.context["page"].object_list)
    assert [(e.action, e.actor_text, e.subject_text, e.rows) for e in entries] == [
        (AuditAction.EXPORT_DOWNLOADED, "owner@example.org", f"Export #{job.pk}", 1),
        (AuditAction.ATTENDEES_EXPORTED, "owner@example.org", f"Export #{job.pk}", 1),
    ]


# --- Shredding --------------------------------------------------------------------------------


def test_shred_page_owner_sees_what_goes_and_the_form(client, closed, owner, minji):
    client.force_login(owner)

    response = client.get(BASE + "shred/")

    assert response.status_code == 200
    assert "form" in response.context
    described = {strategy.name: items for strategy, items in response.context["strategies"]}
    assert [(item.label, item.count) for item in described["events.attendees"]][:2] == [
        ("Registrations with a name or e-mail address", 1),
        ("Answers to registration questions", 1),
    ]
    assert 'name="confirmation"' in response.content.decode()


def test_shred_page_moderator_sees_no_form(client, closed, moderator, minji):
    client.force_login(moderator)

    response = client.get(BASE + "shred/")

    assert response.status_code == 200
    assert "form" not in response.context
    assert "Only an owner of the event can delete its personal data." in response.content.decode()


def test_shred_post_moderator_gets_403(client, closed, moderator, minji):
    client.force_login(moderator)

    response = client.post(BASE + "shred/", {"confirmation": "expo"})

    assert response.status_code == 403
    assert ExportJob.objects.count() == 0
    assert Answer.objects.count() == 1


def test_shred_post_without_confirmation_is_refused(client, closed, owner, minji):
    client.force_login(owner)

    response = client.post(BASE + "shred/", {"confirmation": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"confirmation": ["Type the event's short name to confirm."]}
    assert ExportJob.objects.count() == 0


def test_shred_post_with_wrong_confirmation_is_refused(client, closed, owner, minji):
    client.force_login(owner)

    response = client.post(BASE + "shred/", {"confirmation": "other"})

    assert response.context["form"].errors == {
        "confirmation": ["Type the event's short name “expo” exactly to confirm."]
    }
    assert ExportJob.objects.count() == 0
    assert Answer.objects.count() == 1


def test_shred_post_on_open_event_is_refused(client, event, owner, minji):
    client.force_login(owner)

    response = client.post(BASE + "shred/", {"confirmation": "expo"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Close the event first, so that nobody registers while its data is being deleted."
    ]
    assert ExportJob.objects.count() == 0


def test_shred_post_by_owner_exports_then_shreds(
    client, closed, owner, minji, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BASE + "shred/", {"confirmation": "expo"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.kind, job.status, job.shredded_at is not None) == (ExportKind.SHRED_ARCHIVE, "done", True)
    assert Attendee.objects.get(pk=minji.pk).display_name == ""
    assert Answer.objects.count() == 0
    page = client.get(f"{BASE}exports/{job.pk}/").content.decode()
    assert "Personal data deleted" in page
    assert client.get("/expo/").status_code == 200
