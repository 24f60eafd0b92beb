"""A booth's tagline, topics, file titles and link titles in the visitor's language (issue 15):
the booth editor has a box per event language for each, and the booth and hall pages show the
visitor's version, falling back to the event's first language where nobody wrote one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from exhibits.models import BoothAsset, BoothLink, Tag
from tests.asset_factories import BoothAssetFactory, BoothLinkFactory, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def editor(name: str, booth) -> str:
    return reverse(f"exhibitor:{name}", kwargs={"booth_id": booth.pk})


def visitor_page(client, name: str, *args, language: str) -> str:
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def bilingual_booth(event, booth_a):
    event.languages = ["en", "ko"]
    event.save()
    booth_a.tagline = "Routers for schools"
    booth_a.tagline_translations = {"ko": "학교용 라우터"}
    booth_a.save()
    booth_a.tags.set([Tag.objects.create(event=event, name="Networks", name_translations={"ko": "네트워크"})])
    BoothAssetFactory(booth=booth_a, title="Price list", title_translations={"ko": "가격표"})
    BoothLinkFactory(booth=booth_a, title="Datasheet", title_translations={"ko": "제품 설명서"})
    return booth_a


# --- What visitors read ---------------------------------------------------------------------------------


def test_booth_page_in_korean_shows_the_korean_tagline_topic_file_and_link(client, bilingual_booth):
    html = visitor_page(client, "visit:booth", "expo", bilingual_booth.pk, language="ko")

    assert '<p class="tagline">학교용 라우터</p>' in html
    assert ">네트워크</a>" in html
    assert '<span class="asset-title">가격표</span>' in html
    assert ">제품 설명서</a></li>" in html
    assert "Routers for schools" not in html and "Datasheet" not in html


def test_booth_page_in_english_shows_the_first_language(client, bilingual_booth):
    html = visitor_page(client, "visit:booth", "expo", bilingual_booth.pk, language="en")

    assert '<p class="tagline">Routers for schools</p>' in html
    assert ">Datasheet</a></li>" in html
    assert "학교용 라우터" not in html and "가격표" not in html


def test_booth_page_in_korean_falls_back_where_nothing_is_translated(client, event, booth_a):
    event.languages = ["en", "ko"]
    event.save()
    booth_a.tagline = "Routers for schools"
    booth_a.save()
    BoothLinkFactory(booth=booth_a, title="Datasheet")

    html = visitor_page(client, "visit:booth", "expo", booth_a.pk, language="ko")

    assert '<p class="tagline">Routers for schools</p>' in html
    assert ">Datasheet</a></li>" in html


def test_hall_page_in_korean_filters_by_the_korean_topic_name(client, bilingual_booth):
    html = visitor_page(client, "visit:hall", "expo", bilingual_booth.hall_id, language="ko")

    tag = Tag.objects.get()
    assert f'?tag={tag.pk}">네트워크</a></li>' in html
    assert "Networks" not in html


def test_document_page_in_korean_is_titled_in_korean(client, bilingual_booth):
    asset = BoothAsset.objects.get()

    html = visitor_page(client, "visit:document", "expo", bilingual_booth.pk, asset.pk, language="ko")

    assert "<h1>가격표</h1>" in html


# --- The booth editor -----------------------------------------------------------------------------------


def test_content_form_has_a_tagline_box_per_language(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    form = client.get(editor("booth_editor", bilingual_booth)).context["form"]

    assert list(form.fields)[:2] == ["tagline_en", "tagline_ko"]
    assert (form.fields["tagline_ko"].label, form.fields["tagline_ko"].initial) == (
        "Tagline in Korean",
        "학교용 라우터",
    )


def test_content_saves_the_korean_tagline_and_topic_name(client, staff_a, bilingual_booth):
    tag = Tag.objects.get()
    client.force_login(staff_a)

    response = client.post(
        editor("booth_editor", bilingual_booth),
        {
            "tagline_en": "Routers for small schools",
            "tagline_ko": "작은 학교용 라우터",
            "tags": [tag.pk],
            f"tag_{tag.pk}_ko": "망",
        },
    )

    assert response.status_code == 302
    bilingual_booth.refresh_from_db()
    tag.refresh_from_db()
    assert (bilingual_booth.tagline, bilingual_booth.tagline_translations, tag.name_translations) == (
        "Routers for small schools",
        {"ko": "작은 학교용 라우터"},
        {"ko": "망"},
    )


def test_content_korean_tagline_on_two_lines_refused_nothing_saved(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    response = client.post(
        editor("booth_editor", bilingual_booth),
        {"tagline_en": "Changed", "tagline_ko": "첫 줄\n둘째 줄"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["tagline_ko"] == [
        "Write this on one line: it contains a line break or another control character (such as a "
        "tab). Remove it and try again."
    ]
    bilingual_booth.refresh_from_db()
    assert (bilingual_booth.tagline, bilingual_booth.tagline_translations) == (
        "Routers for schools",
        {"ko": "학교용 라우터"},
    )


def test_links_add_with_a_korean_title(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    response = client.post(
        editor("booth_links", bilingual_booth),
        {"title_en": "Price sheet", "title_ko": "가격 안내", "url": "alpha.example.org/prices"},
    )

    assert response.status_code == 302
    link = BoothLink.objects.get(title="Price sheet")
    assert (link.title_translations, link.url) == ({"ko": "가격 안내"}, "https://alpha.example.org/prices")


def test_links_without_the_first_language_title_refused_with_what_to_do(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    response = client.post(
        editor("booth_links", bilingual_booth), {"title_ko": "가격 안내", "url": "alpha.example.org/prices"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title_en"] == ["Write this in English, the event's first language."]
    assert BoothLink.objects.count() == 1  # only the fixture's


def test_upload_with_a_korean_title(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    response = client.post(
        editor("booth_media", bilingual_booth),
        {
            "kind": "document",
            "title_en": "",
            "title_ko": "회사 소개",
            "file": upload("About us.pdf", pdf_bytes(1)),
        },
    )

    assert response.status_code == 302
    asset = BoothAsset.objects.exclude(title="Price list").get()
    assert (asset.title, asset.title_translations) == ("About us", {"ko": "회사 소개"})


@pytest.mark.parametrize("words", ["학교용", "네트워크", "routers", "networks"])
def test_search_finds_the_booth_by_its_tagline_or_topic_in_either_language(client, bilingual_booth, words):
    response = client.get(reverse("visit:search", args=["expo"]), {"q": words}, HTTP_ACCEPT_LANGUAGE="ko")

    assert [booth.number for booth in response.context["results"]] == ["A-1"]


# --- The organiser's booth form ---------------------------------------------------------------------


def test_organiser_places_a_booth_with_a_korean_tagline(client, owner, event, exhibitor_a):
    from tests.factories import HallFactory

    event.languages = ["en", "ko"]
    event.save()
    hall = HallFactory(event=event)
    client.force_login(owner)

    response = client.post(
        reverse("floor:booth_create", kwargs={"slug": event.slug}),
        {
            "hall": hall.pk,
            "exhibitor": exhibitor_a.pk,
            "number": "B-7",
            "tagline_en": "Quiet fans",
            "tagline_ko": "조용한 선풍기",
            "x": 0,
            "y": 0,
            "width": 2,
            "height": 2,
        },
    )

    assert response.status_code == 302
    booth = hall.booths.get()
    assert (booth.tagline, booth.tagline_translations) == ("Quiet fans", {"ko": "조용한 선풍기"})


def test_organiser_booth_form_korean_tagline_on_two_lines_refused(client, owner, event, exhibitor_a):
    from tests.factories import HallFactory

    event.languages = ["en", "ko"]
    event.save()
    hall = HallFactory(event=event)
    client.force_login(owner)

    response = client.post(
        reverse("floor:booth_create", kwargs={"slug": event.slug}),
        {"hall": hall.pk, "exhibitor": exhibitor_a.pk, "number": "B-7", "tagline_ko": "한 줄\r\n두 줄"}
        | {"x": 0, "y": 0, "width": 2, "height": 2},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["tagline_ko"]
    assert hall.booths.count() == 0


# --- Titles of links and files already on the booth ---------------------------------------------------


def test_link_edit_saves_the_korean_title_and_the_address(client, staff_a, bilingual_booth):
    link = BoothLink.objects.get()
    client.force_login(staff_a)
    page = reverse("exhibitor:booth_link_edit", kwargs={"booth_id": bilingual_booth.pk, "link_id": link.pk})

    form = client.get(page).context["form"]
    response = client.post(
        page, {"title_en": "Data sheet", "title_ko": "제품 사양서", "url": "alpha.example.org/s"}
    )

    assert (form["title_ko"].value(), response.status_code) == ("제품 설명서", 302)
    link.refresh_from_db()
    assert (link.title, link.title_translations, link.url) == (
        "Data sheet",
        {"ko": "제품 사양서"},
        "https://alpha.example.org/s",
    )


def test_link_edit_with_a_bad_address_refused_nothing_changed(client, staff_a, bilingual_booth):
    link = BoothLink.objects.get()
    client.force_login(staff_a)
    page = reverse("exhibitor:booth_link_edit", kwargs={"booth_id": bilingual_booth.pk, "link_id": link.pk})

    response = client.post(page, {"title_en": "Data sheet", "title_ko": "", "url": "javascript:alert(1)"})

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "Enter a web address starting with http:// or https://, for example https://example.org/."
    ]
    link.refresh_from_db()
    assert (link.title, link.title_translations) == ("Datasheet", {"ko": "제품 설명서"})


def test_file_title_edit_saves_the_korean_title(client, staff_a, bilingual_booth):
    asset = BoothAsset.objects.get()
    client.force_login(staff_a)
    page = reverse(
        "exhibitor:booth_asset_edit", kwargs={"booth_id": bilingual_booth.pk, "asset_id": asset.pk}
    )

    response = client.post(page, {"title_en": "Prices 2026", "title_ko": "2026 가격표"})

    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.title, asset.title_translations) == ("Prices 2026", {"ko": "2026 가격표"})


def test_file_title_edit_without_the_first_language_refused(client, staff_a, bilingual_booth):
    asset = BoothAsset.objects.get()
    client.force_login(staff_a)
    page = reverse(
        "exhibitor:booth_asset_edit", kwargs={"booth_id": bilingual_booth.pk, "asset_id": asset.pk}
    )

    response = client.post(page, {"title_en": "  ", "title_ko": "2026 가격표"})

    assert response.status_code == 200
    assert response.context["form"].errors["title_en"] == [
        "Write this in English, the event's first language."
    ]
    asset.refresh_from_db()
    assert asset.title == "Price list"


def test_link_of_another_booth_is_not_found(client, staff_a, bilingual_booth):
    other = BoothLinkFactory()
    client.force_login(staff_a)

    response = client.get(
        reverse("exhibitor:booth_link_edit", kwargs={"booth_id": bilingual_booth.pk, "link_id": other.pk})
    )

    assert response.status_code == 404
