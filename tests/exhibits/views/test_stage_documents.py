"""The organisers' page for a main-stage session's documents (exhibits/views/stage_documents.py):
an owner's PDF is owned by the session and made into pages by the booths' processing; nobody else
uploads or removes; a session held at a booth shows the booth's documents and takes no upload; a
file that is not a PDF is refused with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import BoothAsset, BoothSession
from tests.asset_factories import BoothAssetFactory, pdf_bytes, upload
from tests.events.views.helpers import messages_of
from tests.factories import SessionFactory
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
        "“Keynote deck” is uploaded and being made into pages; reload this page to see when it is ready."
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
