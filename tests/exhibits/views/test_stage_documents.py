"""The organisers' page for a main-stage session's documents (exhibits/views/stage_documents.py):
an owner's PDF is owned by the session and made into pages by the booths' processing; nobody else
uploads or removes; a session held at a booth shows the booth's documents and takes no upload; a
file that is not a PDF is refused with nothing saved. The page follows each document's processing
live through a progress JSON (the booth editor's, exhibits/views/asset_progress.py), readable
only by those who may change the documents, and a failed one can be processed again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import EventStatus, TeamRole
from exhibits.models import AssetStatus, BoothAsset, BoothSession
from tests.asset_factories import BoothAssetFactory, pdf_bytes, upload
from tests.events.views.helpers import messages_of
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(event):
    return SessionFactory(event=event, title="Keynote")


def page(session) -> str:
    return reverse("floor:stage_documents", args=[session.event.slug, session.pk])


def removal(session, asset) -> str:
    return reverse("floor:stage_document_remove", args=[session.event.slug, session.pk, asset.pk])


def test_an_owner_uploads_a_pdf_that_becomes_the_sessions_pages(
    client, owner, session, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(session), {"title": "", "file": upload("Keynote deck.pdf", pdf_bytes(2))})

    asset = BoothAsset.objects.get()
    assert response["Location"] == page(session)
    assert messages_of(response) == [
        "“Keynote deck” is uploaded and being processed: its progress is shown below."
    ]
    assert (asset.session_id, asset.booth_id, asset.status, asset.page_count) == (
        session.pk,
        None,
        "ready",
        2,
    )
    assert asset.original.name.startswith(f"sessions/{session.pk}/{asset.folder}/")
    assert [page.number for page in asset.pages.all()] == [1, 2]
    assert "2 pages" in client.get(page(session)).content.decode()


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_saved(client, owner, session):
    client.force_login(owner)

    response = client.post(page(session), {"file": upload("deck.pdf", b"just some text, not a PDF at all")})

    assert response.status_code == 200
    assert BoothAsset.objects.count() == 0
    assert "not a PDF" in response.content.decode()


def test_a_session_at_a_booth_takes_no_upload(client, owner, session, booth_a):
    BoothSession.objects.create(booth=booth_a, session=session)
    client.force_login(owner)

    shown = client.get(page(session)).content.decode()
    response = client.post(page(session), {"file": upload("deck.pdf", pdf_bytes(1))})

    assert "it shows the booth's documents" not in shown  # the page explains it in its own words:
    assert "its speakers present the booth's documents" in shown
    assert 'enctype="multipart/form-data"' not in shown
    assert BoothAsset.objects.count() == 0
    assert "This session is held at a booth" in response.content.decode()


# The team's moderators may change the event (tests/permission_expectations.py, TEAM_CHANGE): they
# are organisers here too. Exhibitor staff and visitors do not learn the page exists.
@pytest.mark.parametrize("who", ["visitor", "staff_a", "anonymous"])
def test_nobody_but_the_organisers_uploads_or_removes(client, request, event, session, who):
    kept = BoothAssetFactory(booth=None, session=session)
    if who == "visitor":
        client.force_login(AttendeeFactory(event=event).user)
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    uploaded = client.post(page(session), {"file": upload("deck.pdf", pdf_bytes(1))})
    removed = client.post(removal(session, kept))

    expected = {"visitor": 404, "staff_a": 404, "anonymous": 302}[who]
    assert (uploaded.status_code, removed.status_code) == (expected, expected)
    assert list(BoothAsset.objects.values_list("pk", flat=True)) == [kept.pk]


def test_an_owner_removes_a_document_but_not_another_sessions(client, owner, event, session):
    mine = BoothAssetFactory(booth=None, session=session, title="Old deck")
    theirs = BoothAssetFactory(booth=None, session=SessionFactory(event=event))
    client.force_login(owner)

    assert client.post(removal(session, theirs)).status_code == 404
    response = client.post(removal(session, mine))

    assert messages_of(response) == ["Document “Old deck” removed."]
    assert list(BoothAsset.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_closed_event_takes_no_upload(client, owner, event, session):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)

    response = client.post(page(session), {"file": upload("deck.pdf", pdf_bytes(1))})

    assert response.status_code == 403
    assert BoothAsset.objects.count() == 0


def test_the_session_page_links_the_organisers_to_the_stage_documents(client, owner, session):
    client.force_login(owner)

    html = client.get(reverse("visit:session", args=[session.event.slug, session.pk])).content.decode()

    assert f'<a href="{page(session)}">Stage documents</a>' in html


def progress(session) -> str:
    return reverse("floor:stage_document_progress", args=[session.event.slug, session.pk])


def again(session, asset) -> str:
    return reverse("floor:stage_document_retry", args=[session.event.slug, session.pk, asset.pk])


def test_the_page_watches_documents_being_processed(client, owner, session):
    waiting = BoothAssetFactory(booth=None, session=session, status=AssetStatus.PROCESSING, progress=42)
    BoothAssetFactory(booth=None, session=session)
    client.force_login(owner)

    response = client.get(page(session))

    html = response.content.decode()
    assert response.context["watching"] == [waiting.pk]
    assert f'data-watching="{waiting.pk}"' in html
    assert f'data-progress-url="{progress(session)}"' in html
    assert f'<progress id="asset-progress-{waiting.pk}" max="100" value="42">42 %</progress>' in html
    assert "rakwon/asset_progress" in html
    assert '<meta http-equiv="refresh" content="5">' in html  # without JavaScript


def test_a_page_with_nothing_processing_watches_nothing(client, owner, session):
    BoothAssetFactory(booth=None, session=session)
    client.force_login(owner)

    html = client.get(page(session)).content.decode()

    assert "data-progress-url" not in html
    assert "asset_progress" not in html


def test_progress_json_reports_and_renders_finished_documents(client, owner, event, session):
    busy = BoothAssetFactory(booth=None, session=session, status=AssetStatus.QUEUED, progress=0)
    done = BoothAssetFactory(booth=None, session=session, title="Keynote deck", page_count=3)
    broken = BoothAssetFactory(
        booth=None, session=session, title="Broken deck", status=AssetStatus.FAILED, error_code="pdf.corrupt"
    )
    foreign = BoothAssetFactory(booth=None, session=SessionFactory(event=event))  # another session's
    client.force_login(owner)

    ids = f"{busy.pk},{done.pk},{broken.pk},{foreign.pk},999999,x"
    response = client.get(progress(session), {"ids": ids})

    data = response.json()
    assert response["Cache-Control"] == "no-store"
    by_id = {entry["id"]: entry for entry in data["assets"]}
    assert sorted(by_id) == [busy.pk, done.pk, broken.pk]
    assert by_id[busy.pk] == {
        "id": busy.pk,
        "status": "queued",
        "status_label": "Waiting to be processed",
        "percent": 0,
        "settled": False,
    }
    assert by_id[done.pk]["settled"] is True
    assert f'id="document-{done.pk}"' in by_id[done.pk]["html"]
    assert "3 pages" in by_id[done.pk]["html"]
    assert "Process again" not in by_id[done.pk]["html"]
    failed = by_id[broken.pk]["html"]
    assert "This PDF is damaged or incomplete" in failed
    assert f'action="{again(session, broken)}"' in failed
    assert 'aria-label="Process Broken deck again"' in failed
    assert data["removed"] == [foreign.pk, 999999]


@pytest.mark.parametrize("who", ["other_organiser", "visitor", "staff_a"])
def test_progress_json_refuses_whoever_may_not_change_the_documents(client, request, event, session, who):
    watched = BoothAssetFactory(booth=None, session=session, status=AssetStatus.PROCESSING, progress=10)
    if who == "other_organiser":
        other = UserFactory(email="oscar.other@example.org")
        TeamMemberFactory(event=EventFactory(slug="other-expo"), user=other, role=TeamRole.OWNER)
        client.force_login(other)
    elif who == "visitor":
        client.force_login(AttendeeFactory(event=event).user)
    else:
        client.force_login(request.getfixturevalue(who))

    response = client.get(progress(session), {"ids": str(watched.pk)})

    assert response.status_code == 404
    assert b"processing" not in response.content


def test_progress_json_sends_strangers_to_log_in(client, session):
    watched = BoothAssetFactory(booth=None, session=session, status=AssetStatus.PROCESSING)

    response = client.get(progress(session), {"ids": str(watched.pk)})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_owner_processes_a_failed_document_again(
    client, owner, session, django_capture_on_commit_callbacks
):
    broken = BoothAssetFactory(
        booth=None,
        session=session,
        title="Deck",
        status=AssetStatus.FAILED,
        error_code="pdf.corrupt",
        progress=40,
    )
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again(session, broken))

    broken.refresh_from_db()
    assert messages_of(response) == ["“Deck” is being processed again."]
    # The factory's stand-in file is a real one-page PDF: processed again, it is ready.
    assert (broken.status, broken.error_code, broken.page_count) == (AssetStatus.READY, "", 1)


@pytest.mark.parametrize("who", ["visitor", "staff_a"])
def test_nobody_but_the_organisers_processes_a_document_again(client, request, event, session, who):
    broken = BoothAssetFactory(
        booth=None, session=session, status=AssetStatus.FAILED, error_code="pdf.corrupt"
    )
    client.force_login(
        AttendeeFactory(event=event).user if who == "visitor" else request.getfixturevalue(who)
    )

    response = client.post(again(session, broken))

    broken.refresh_from_db()
    assert response.status_code == 404
    assert (broken.status, broken.error_code) == (AssetStatus.FAILED, "pdf.corrupt")


def test_another_sessions_document_is_not_processed_again_from_here(client, owner, event, session):
    theirs = BoothAssetFactory(
        booth=None, session=SessionFactory(event=event), status=AssetStatus.FAILED, error_code="pdf.corrupt"
    )
    client.force_login(owner)

    assert client.post(again(session, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AssetStatus.FAILED
