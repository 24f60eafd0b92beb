"""Tests of exhibits/services/booth_content.py: words per language, topics, logo and links."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus
from events.errors import EventClosed
from exhibits.models import BoothLink, Tag
from exhibits.services.booth_content import (
    add_link,
    change_logo,
    remove_link,
    save_booth_content,
    split_tag_names,
)
from tests.asset_factories import BoothLinkFactory
from tests.factories import EventFactory, png_upload

pytestmark = pytest.mark.django_db


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


def test_split_tag_names_trims_and_drops_repeats():
    assert split_tag_names(" AI,Security ,ai, ,  Cloud   computing") == ["AI", "Security", "Cloud computing"]


def test_save_booth_content_description_per_event_language(booth_a, event):
    event.languages = ["en", "ko"]
    event.save()

    save_booth_content(
        booth_a,
        tagline="  Routers   for schools ",
        description={"en": " We build routers. ", "ko": "", "de": "Wir bauen Router."},
        tags=[],
    )

    booth_a.refresh_from_db()
    assert (booth_a.tagline, booth_a.description) == ("Routers for schools", {"en": "We build routers."})


def test_save_booth_content_typed_tags_reuse_existing_ones(booth_a, event):
    security = Tag.objects.create(event=event, name="Security")
    elsewhere = Tag.objects.create(event=EventFactory(), name="AI")

    save_booth_content(booth_a, tagline="", description={}, tags=[elsewhere], new_tags="security, AI, Cloud")

    assert sorted(booth_a.tags.values_list("name", flat=True)) == ["AI", "Cloud", "Security"]
    assert booth_a.tags.get(name="Security") == security
    assert Tag.objects.filter(event=event).count() == 3
    assert elsewhere not in booth_a.tags.all()


def test_save_booth_content_unticked_tag_removed(booth_a, event):
    ai = Tag.objects.create(event=event, name="AI")
    booth_a.tags.add(ai)

    save_booth_content(booth_a, tagline="", description={}, tags=[])

    assert list(booth_a.tags.all()) == []
    assert Tag.objects.filter(pk=ai.pk).exists()


def test_save_booth_content_too_long_tag_refused_nothing_saved(booth_a, event):
    with pytest.raises(ValidationError) as caught:
        save_booth_content(booth_a, tagline="New", description={"en": "New"}, tags=[], new_tags="x" * 41)

    assert caught.value.message_dict == {
        "new_tags": ["“" + "x" * 41 + "” is too long for a topic: use at most 40 characters."]
    }
    booth_a.refresh_from_db()
    assert (booth_a.tagline, booth_a.description, Tag.objects.count()) == ("", {}, 0)


def test_save_booth_content_too_many_tags_refused_nothing_saved(booth_a, settings):
    settings.BOOTH_MAX_TAGS = 2

    with pytest.raises(ValidationError) as caught:
        save_booth_content(booth_a, tagline="", description={}, tags=[], new_tags="A, B, C")

    assert caught.value.message_dict == {
        "new_tags": ["A booth can have at most 2 topics; you chose 3. Untick or remove some."]
    }
    assert Tag.objects.count() == 0


def test_save_booth_content_closed_event_refused(booth_a, event):
    close(event)

    with pytest.raises(EventClosed):
        save_booth_content(booth_a, tagline="Late", description={}, tags=[])

    booth_a.refresh_from_db()
    assert booth_a.tagline == ""


def test_change_logo_replaces_and_deletes_old_file(exhibitor_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change_logo(exhibitor_a, png_upload("first.png"))
    first = exhibitor_a.logo.name
    storage = exhibitor_a.logo.storage

    with django_capture_on_commit_callbacks(execute=True):
        change_logo(exhibitor_a, png_upload("../second.png"))

    exhibitor_a.refresh_from_db()
    assert exhibitor_a.logo.name.startswith("exhibitors/logos/logo")
    assert exhibitor_a.logo.name != first
    assert (storage.exists(first), storage.exists(exhibitor_a.logo.name)) == (False, True)


def test_change_logo_remove(exhibitor_a, django_capture_on_commit_callbacks):
    change_logo(exhibitor_a, png_upload())
    name = exhibitor_a.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        change_logo(exhibitor_a, None, remove=True)

    exhibitor_a.refresh_from_db()
    assert (exhibitor_a.logo.name, exhibitor_a.logo.storage.exists(name)) == ("", False)


def test_add_link_at_the_end(booth_a):
    BoothLinkFactory(booth=booth_a, position=4)

    link = add_link(booth_a, title=" Product\x00 sheet ", url=" https://alpha.example.org/sheet ")

    assert (link.title, link.url, link.position) == ("Product sheet", "https://alpha.example.org/sheet", 5)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org/a",
        "file:///etc/passwd",
        "data:text/html,hi",
        "not a url",
    ],
)
def test_add_link_only_http_and_https(booth_a, url):
    with pytest.raises(ValidationError) as caught:
        add_link(booth_a, title="Bad", url=url)

    assert (
        "Enter a web address starting with http:// or https://, for example https://example.org/."
        in (caught.value.message_dict["url"])
    )
    assert BoothLink.objects.count() == 0


def test_add_link_empty_title_refused(booth_a):
    with pytest.raises(ValidationError) as caught:
        add_link(booth_a, title="\x00 ", url="https://example.org/")

    assert list(caught.value.message_dict) == ["title"]
    assert BoothLink.objects.count() == 0


def test_add_link_booth_full_refused(booth_a, settings):
    settings.BOOTH_MAX_LINKS = 1
    BoothLinkFactory(booth=booth_a)

    with pytest.raises(ValidationError) as caught:
        add_link(booth_a, title="More", url="https://example.org/")

    assert caught.value.messages == [
        "This booth already has 1 links, the most it can hold. Remove one first."
    ]
    assert BoothLink.objects.count() == 1


def test_remove_link(booth_a):
    link = BoothLinkFactory(booth=booth_a)

    remove_link(link)

    assert BoothLink.objects.count() == 0
