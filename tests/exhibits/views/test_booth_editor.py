"""Tests of the booth editor (exhibits/views/booth_editor.py): who may edit, words and topics,
links, uploads with real and broken files, progress JSON, order, removal and processing again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import AssetStatus, BoothAsset, BoothLink, Tag
from tests.asset_factories import (
    BoothAssetFactory,
    BoothLinkFactory,
    audio_bytes,
    bomb_png_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)
from tests.events.views.helpers import messages_of
from tests.factories import png_upload

pytestmark = pytest.mark.django_db


def url(name: str, booth, **kwargs) -> str:
    return reverse(f"exhibitor:{name}", kwargs={"booth_id": booth.pk, **kwargs})


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


# --- Who may edit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["booth_editor", "booth_links", "booth_media"])
def test_editor_pages_staff_of_the_booth_see_them(client, staff_a, booth_a, name):
    client.force_login(staff_a)

    response = client.get(url(name, booth_a))

    assert response.status_code == 200
    assert response.context["booth"] == booth_a


@pytest.mark.parametrize("name", ["booth_editor", "booth_links", "booth_media"])
def test_editor_pages_other_exhibitors_staff_get_404(client, staff_b, booth_a, name):
    client.force_login(staff_b)

    assert client.get(url(name, booth_a)).status_code == 404


def test_editor_event_team_may_edit(client, moderator, booth_a):
    client.force_login(moderator)

    assert client.get(url("booth_editor", booth_a)).status_code == 200


def test_editor_anonymous_sent_to_log_in(client, booth_a):
    response = client.get(url("booth_media", booth_a))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_editor_closed_event_refused_with_reason(client, staff_a, booth_a, event):
    close(event)
    client.force_login(staff_a)

    response = client.get(url("booth_editor", booth_a))

    assert response.status_code == 403
    assert "This event is closed and can no longer be changed." in response.content.decode()


def test_upload_closed_event_refused_nothing_saved(client, staff_a, booth_a, event):
    close(event)
    client.force_login(staff_a)

    response = client.post(
        url("booth_media", booth_a), {"kind": "document", "file": upload("a.pdf", pdf_bytes(1))}
    )

    assert response.status_code == 403
    assert BoothAsset.objects.count() == 0


# --- Words, topics, logo -------------------------------------------------------------------------------


def test_content_form_has_a_description_per_event_language(client, staff_a, booth_a, event):
    event.languages = ["ko", "en"]
    event.save()
    client.force_login(staff_a)

    response = client.get(url("booth_editor", booth_a))

    form = response.context["form"]
    assert list(form.fields)[:4] == ["tagline_ko", "tagline_en", "description_ko", "description_en"]
    assert form.fields["description_ko"].label == "Description in Korean"
    page = response.content.decode()
    assert '<label for="id_description_en">Description in English</label>' in page


def test_content_saved_with_tags_and_logo(client, staff_a, booth_a, event):
    ai = Tag.objects.create(event=event, name="AI")
    client.force_login(staff_a)

    response = client.post(
        url("booth_editor", booth_a),
        {
            "tagline_en": "Routers for schools",
            "description_en": "We build routers.",
            "description_ko": "라우터를 만듭니다.",
            "tags": [ai.pk],
            "new_tags": "Networks",
            "logo": png_upload("../../logo.png"),
        },
    )

    assert (response.status_code, response["Location"]) == (302, url("booth_editor", booth_a))
    booth_a.refresh_from_db()
    assert (booth_a.tagline, booth_a.description) == (
        "Routers for schools",
        {"en": "We build routers.", "ko": "라우터를 만듭니다."},
    )
    assert sorted(booth_a.tags.values_list("name", flat=True)) == ["AI", "Networks"]
    booth_a.exhibitor.refresh_from_db()
    assert booth_a.exhibitor.logo.name.startswith("exhibitors/logos/logo")
    assert messages_of(response) == ["Booth A-1 saved."]


def test_content_logo_that_is_not_a_picture_refused_nothing_saved(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        url("booth_editor", booth_a),
        {"tagline_en": "Changed", "logo": upload("logo.png", pdf_bytes(1), "image/png")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    booth_a.refresh_from_db()
    assert booth_a.tagline == ""


def test_content_tag_of_another_event_refused(client, staff_a, booth_a):
    from tests.factories import EventFactory

    stranger = Tag.objects.create(event=EventFactory(), name="Elsewhere")
    client.force_login(staff_a)

    response = client.post(url("booth_editor", booth_a), {"tags": [stranger.pk]})

    assert response.status_code == 200
    assert response.context["form"].errors["tags"] == ["Choose topics from the list."]
    assert booth_a.tags.count() == 0


def test_content_too_long_typed_tag_shown_beside_the_field(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(url("booth_editor", booth_a), {"tagline_en": "New", "new_tags": "y" * 41})

    assert response.status_code == 200
    assert response.context["form"].errors["new_tags"] == [
        "“" + "y" * 41 + "” is too long for a topic: use at most 40 characters."
    ]
    booth_a.refresh_from_db()
    assert booth_a.tagline == ""


# --- Links ----------------------------------------------------------------------------------------------


def test_links_add(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        url("booth_links", booth_a), {"title_en": "Datasheet", "url": "alpha.example.org/sheet"}
    )

    link = BoothLink.objects.get()
    assert (link.title, link.url) == ("Datasheet", "https://alpha.example.org/sheet")
    assert response["Location"] == f"{url('booth_links', booth_a)}#link-{link.pk}"
    assert messages_of(response) == ["Link “Datasheet” added."]


def test_links_javascript_url_refused(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(url("booth_links", booth_a), {"title_en": "Click", "url": "javascript:alert(1)"})

    assert response.status_code == 200
    assert (
        "Enter a web address starting with http:// or https://, for example https://example.org/."
        in (response.context["form"].errors["url"])
    )
    assert BoothLink.objects.count() == 0


def test_links_listed_with_actions(client, staff_a, booth_a):
    first, second = BoothLinkFactory(booth=booth_a, title="One"), BoothLinkFactory(booth=booth_a, title="Two")
    client.force_login(staff_a)

    page = client.get(url("booth_links", booth_a)).content.decode()

    assert page.index("One") < page.index("Two")
    assert url("booth_link_move", booth_a, link_id=first.pk) in page
    assert url("booth_link_delete", booth_a, link_id=second.pk) in page


def test_link_move_down(client, staff_a, booth_a):
    first, second = BoothLinkFactory(booth=booth_a, position=0), BoothLinkFactory(booth=booth_a, position=1)
    client.force_login(staff_a)

    client.post(url("booth_link_move", booth_a, link_id=first.pk), {"direction": "down"})

    assert list(booth_a.links.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_link_move_bad_direction_explained(client, staff_a, booth_a):
    link = BoothLinkFactory(booth=booth_a)
    client.force_login(staff_a)

    response = client.post(url("booth_link_move", booth_a, link_id=link.pk), {"direction": "sideways"})

    assert messages_of(response) == ["Use the “Move up” or “Move down” button to reorder links."]


def test_link_of_another_booth_not_found(client, staff_a, booth_a):
    other = BoothLinkFactory()
    client.force_login(staff_a)

    response = client.post(url("booth_link_delete", booth_a, link_id=other.pk))

    assert response.status_code == 404
    assert BoothLink.objects.filter(pk=other.pk).exists()


def test_link_delete(client, staff_a, booth_a):
    link = BoothLinkFactory(booth=booth_a, title="Old page")
    client.force_login(staff_a)

    response = client.post(url("booth_link_delete", booth_a, link_id=link.pk))

    assert BoothLink.objects.count() == 0
    assert messages_of(response) == ["Link “Old page” removed."]


# --- Files ------------------------------------------------------------------------------------------------


def test_upload_pdf_processed_and_listed(client, staff_a, booth_a, django_capture_on_commit_callbacks):
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("booth_media", booth_a),
            {"kind": "document", "title_en": "", "file": upload("Price list 2025.pdf", pdf_bytes(2))},
        )

    asset = BoothAsset.objects.get()
    assert response["Location"] == f"{url('booth_media', booth_a)}#asset-{asset.pk}"
    assert messages_of(response) == [
        "“Price list 2025” is uploaded and being processed: its progress is shown below."
    ]
    assert (asset.status, asset.page_count) == ("ready", 2)
    page = client.get(url("booth_media", booth_a)).content.decode()
    assert f'id="asset-{asset.pk}"' in page
    assert "2 pages" in page
    assert reverse("visit:document", args=[booth_a.event.slug, booth_a.pk, asset.pk]) in page
    assert "data-progress-url" not in page  # nothing left to watch


def test_upload_text_claiming_to_be_pdf_refused_inline(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        url("booth_media", booth_a),
        {"kind": "document", "file": upload("report.pdf", b"plain words\n", "application/pdf")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file is a text file, not a PDF. Save or export the document as PDF and upload that."
    ]
    assert BoothAsset.objects.count() == 0


def test_upload_bomb_refused_inline(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        url("booth_media", booth_a), {"kind": "image", "file": upload("big.png", bomb_png_bytes())}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This picture has more than 40 megapixels, too many to process safely. "
        "Scale it down and upload it again."
    ]
    assert BoothAsset.objects.count() == 0


def test_upload_over_limit_refused_inline(client, staff_a, booth_a, settings):
    settings.ASSET_MAX_BYTES = {**settings.ASSET_MAX_BYTES, "image": 100}
    client.force_login(staff_a)

    response = client.post(
        url("booth_media", booth_a), {"kind": "image", "file": upload("a.png", png_bytes((50, 50)))}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("This file is ")
    assert BoothAsset.objects.count() == 0


def test_upload_without_file_asks_for_one(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(url("booth_media", booth_a), {"kind": "video"})

    assert response.context["form"].errors["file"] == ["Choose a file to upload."]


def test_upload_path_trick_name_stored_under_generated_name(
    client, staff_a, booth_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("booth_media", booth_a),
            {"kind": "image", "file": upload("../../../etc/pass\x00wd.png", png_bytes((40, 30)))},
        )

    asset = BoothAsset.objects.get()
    assert asset.original.name == f"booths/{booth_a.pk}/{asset.folder}/original.png"
    assert asset.title == "passwd"


def test_upload_failed_file_shows_why_and_stays_hidden(
    client, staff_a, booth_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("booth_media", booth_a), {"kind": "video", "file": upload("talk.mp4", audio_bytes(1))}
        )

    asset = BoothAsset.objects.get()
    page = client.get(url("booth_media", booth_a)).content.decode()
    assert asset.status == "failed"
    assert "This file has sound but no picture (no video stream)." in page
    assert url("booth_asset_retry", booth_a, asset_id=asset.pk) in page
    booth_page = client.get(reverse("visit:booth", args=[booth_a.event.slug, booth_a.pk])).content.decode()
    assert f'data-asset-id="{asset.pk}"' not in booth_page


def test_voice_note_upload_answers_json(client, staff_a, booth_a, django_capture_on_commit_callbacks):
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("booth_media", booth_a),
            {
                "kind": "audio",
                "title_en": "Hello visitors",
                "voice_note": "1",
                "file": upload("voice-note.ogg", audio_bytes(1, "ogg")),
            },
            HTTP_ACCEPT="application/json",
        )

    asset = BoothAsset.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "ok": True,
        "asset_id": asset.pk,
        "message": "“Hello visitors” is uploaded and being processed: its progress is shown below.",
    }
    assert (asset.kind, asset.is_voice_note, asset.status) == ("audio", True, "ready")


def test_voice_note_bad_upload_answers_json_errors(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        url("booth_media", booth_a),
        {"kind": "audio", "voice_note": "1", "file": upload("voice-note.webm", b"\x00\x01 not sound")},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "errors": [
            "This file is a kind of file we cannot read, not a sound file. "
            "Upload MP3, M4A, Ogg, Opus, WebM, WAV or FLAC."
        ],
    }
    assert BoothAsset.objects.count() == 0


def test_media_page_watches_files_being_processed(client, staff_a, booth_a):
    waiting = BoothAssetFactory(booth=booth_a, status=AssetStatus.PROCESSING, progress=42)
    BoothAssetFactory(booth=booth_a)
    client.force_login(staff_a)

    response = client.get(url("booth_media", booth_a))

    page = response.content.decode()
    assert response.context["watching"] == [waiting.pk]
    assert f'data-watching="{waiting.pk}"' in page
    assert f'data-progress-url="{url("booth_media_progress", booth_a)}"' in page
    assert f'<progress id="asset-progress-{waiting.pk}" max="100" value="42">42 %</progress>' in page
    assert '<meta http-equiv="refresh" content="5">' in page  # without JavaScript


def test_progress_json_reports_and_renders_finished_files(client, staff_a, booth_a):
    busy = BoothAssetFactory(booth=booth_a, status=AssetStatus.PROCESSING, progress=30)
    done = BoothAssetFactory(booth=booth_a, title="Catalogue")
    BoothAssetFactory(booth__event=booth_a.event)  # another booth's file is never reported
    client.force_login(staff_a)

    response = client.get(url("booth_media_progress", booth_a), {"ids": f"{busy.pk},{done.pk},999999,x"})

    data = response.json()
    assert response["Cache-Control"] == "no-store"
    by_id = {entry["id"]: entry for entry in data["assets"]}
    assert by_id[busy.pk] == {
        "id": busy.pk,
        "status": "processing",
        "status_label": "Processing",
        "percent": 30,
        "settled": False,
    }
    assert by_id[done.pk]["settled"] is True
    assert f'id="asset-{done.pk}"' in by_id[done.pk]["html"]
    assert "Catalogue" in by_id[done.pk]["html"]
    assert data["removed"] == [999999]


def test_progress_json_other_staff_get_404(client, staff_b, booth_a):
    client.force_login(staff_b)

    assert client.get(url("booth_media_progress", booth_a)).status_code == 404


def test_asset_move_up(client, staff_a, booth_a):
    first, second = BoothAssetFactory(booth=booth_a, position=0), BoothAssetFactory(booth=booth_a, position=1)
    client.force_login(staff_a)

    response = client.post(url("booth_asset_move", booth_a, asset_id=second.pk), {"direction": "up"})

    assert response["Location"] == f"{url('booth_media', booth_a)}#asset-{second.pk}"
    assert list(booth_a.assets.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_asset_move_get_not_allowed(client, staff_a, booth_a):
    asset = BoothAssetFactory(booth=booth_a)
    client.force_login(staff_a)

    assert client.get(url("booth_asset_move", booth_a, asset_id=asset.pk)).status_code == 405


def test_asset_delete_asks_then_removes(
    client, staff_a, booth_a, settings, django_capture_on_commit_callbacks
):
    asset = BoothAssetFactory(booth=booth_a, title="Old flyer")
    client.force_login(staff_a)

    confirm = client.get(url("booth_asset_delete", booth_a, asset_id=asset.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("booth_asset_delete", booth_a, asset_id=asset.pk))

    assert "Remove “Old flyer”?" in confirm.content.decode()
    assert BoothAsset.objects.count() == 0
    assert messages_of(response) == ["“Old flyer” removed."]
    assert not asset.original.storage.exists(asset.original.name)


def test_asset_of_another_booth_not_found(client, staff_a, booth_a):
    other = BoothAssetFactory()
    client.force_login(staff_a)

    assert client.post(url("booth_asset_delete", booth_a, asset_id=other.pk)).status_code == 404
    assert BoothAsset.objects.filter(pk=other.pk).exists()


def test_asset_retry_failed_file(client, staff_a, booth_a, django_capture_on_commit_callbacks):
    asset = BoothAssetFactory(booth=booth_a, status=AssetStatus.FAILED, error_code="asset.unexpected")
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("booth_asset_retry", booth_a, asset_id=asset.pk))

    asset.refresh_from_db()
    assert messages_of(response) == [f"“{asset.title}” is being processed again."]
    assert asset.status == "ready"  # the stand-in PDF is real, so processing it again succeeds


def test_asset_retry_ready_file_does_nothing(client, staff_a, booth_a):
    asset = BoothAssetFactory(booth=booth_a)
    client.force_login(staff_a)

    response = client.post(url("booth_asset_retry", booth_a, asset_id=asset.pk))

    assert messages_of(response) == [f"“{asset.title}” is ready; there is nothing to do again."]


def test_media_page_script_and_recorder_are_progressive(client, staff_a, booth_a):
    client.force_login(staff_a)

    page = client.get(url("booth_media", booth_a)).content.decode()

    assert '<script src="/static/rakwon/booth_editor.js" defer></script>' in page
    assert '<section aria-labelledby="voice-heading" class="voice-note" id="voice-note" hidden' in page
    assert "<script>" not in page and 'style="' not in page


# --- Preview of a description ----------------------------------------------------------------------


def test_preview_renders_the_text_as_visitors_will_see_it(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        url("booth_text_preview", booth_a), {"text": "**New** <b>x</b> [x](javascript:alert(1))"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "html": "<p><strong>New</strong> &lt;b&gt;x&lt;/b&gt; [x](javascript:alert(1))</p>"
    }


def test_preview_of_a_text_too_long_says_how_long_it_may_be(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(url("booth_text_preview", booth_a), {"text": "x" * 5001})

    assert response.status_code == 400
    assert response.json() == {"error": "Ensure this value has at most 5000 characters (it has 5001)."}


def test_preview_is_only_for_the_booth_staff(client, staff_b, booth_a):
    client.force_login(staff_b)

    assert client.post(url("booth_text_preview", booth_a), {"text": "x"}).status_code == 404


def test_editor_offers_a_preview_of_each_description(client, staff_a, booth_a):
    client.force_login(staff_a)

    html = client.get(url("booth_editor", booth_a)).content.decode()

    preview_url = url("booth_text_preview", booth_a)
    assert f'data-text-preview="{preview_url}"' in html
    assert "rakwon/text_preview.js" in html
    assert "**bold**, *italic*, lists starting with - or 1., links as [text](https://…)" in html
