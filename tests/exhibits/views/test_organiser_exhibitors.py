"""Tests of the organiser's exhibitor pages (exhibits/views/organiser_exhibitors.py)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.enums import EventStatus
from exhibits.models import Exhibitor
from tests.factories import EventFactory, ExhibitorFactory, StaffFactory, png_upload

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"floor:{name}", kwargs={"slug": "expo", **kwargs})


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


def exhibitor_data(**overrides) -> dict:
    data = {
        "name": "Gamma Labs",
        "description": "Sensors for ships.",
        "website": "https://gamma.example.org",
        "contact_email": "hello@gamma.example.org",
    }
    data.update(overrides)
    # The name and description have a box per event language; English is the first one here.
    return {(f"{key}_en" if key in ("name", "description") else key): value for key, value in data.items()}


def noisy_png_upload() -> SimpleUploadedFile:
    """A PNG that does not compress: random pixels, about 12 KB."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(buffer, "PNG")
    return SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")


def test_exhibitors_page_lists_staff_counts_and_booth_numbers(client, owner, staff_a, booth_a, exhibitor_b):
    StaffFactory(exhibitor=booth_a.exhibitor)
    client.force_login(owner)

    response = client.get(url("exhibitors"))

    assert response.status_code == 200
    rows = [
        (each.name, each.staff_count, [booth.number for booth in each.booths.all()])
        for each in response.context["exhibitors"]
    ]
    assert rows == [("Alpha Systems", 2, ["A-1"]), ("Beta Networks", 0, [])]
    assert "Add an exhibitor" in response.content.decode()


def test_exhibitors_page_someone_outside_the_team_gets_404(client, event, staff_a):
    client.force_login(staff_a)

    assert client.get(url("exhibitors")).status_code == 404


def test_exhibitor_create_saves_and_goes_to_its_page(client, owner, event):
    client.force_login(owner)

    response = client.post(url("exhibitor_create"), exhibitor_data(logo=png_upload()))

    exhibitor = Exhibitor.objects.get(event=event, name="Gamma Labs")
    assert response.status_code == 302
    assert response["Location"] == url("exhibitor_detail", exhibitor_id=exhibitor.pk)
    assert (exhibitor.description, exhibitor.website, exhibitor.contact_email) == (
        "Sensors for ships.",
        "https://gamma.example.org",
        "hello@gamma.example.org",
    )
    assert exhibitor.logo.name.startswith("exhibitors/logos/logo")


def test_exhibitor_create_page_shows_the_form(client, owner, event):
    client.force_login(owner)

    response = client.get(url("exhibitor_create"))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_exhibitor_create_duplicate_name_refused_inline_and_nothing_saved(client, owner, exhibitor_a):
    client.force_login(owner)

    response = client.post(url("exhibitor_create"), exhibitor_data(name="Alpha Systems"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name_en": ["This event already has an exhibitor called “Alpha Systems”. Choose another name."]
    }
    assert Exhibitor.objects.filter(name="Alpha Systems").count() == 1


def test_exhibitor_create_logo_not_a_picture_refused_inline(client, owner, event):
    client.force_login(owner)
    fake = SimpleUploadedFile("logo.png", b"<html>not a picture</html>", content_type="image/png")

    response = client.post(url("exhibitor_create"), exhibitor_data(logo=fake))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        # Judged by its content (events.forms.LogoField), with what to upload instead.
        "logo": ["This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF logo."]
    }
    assert Exhibitor.objects.count() == 0


def test_exhibitor_create_logo_in_another_format_refused_inline(client, owner, event):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "#1a5fb4").save(buffer, "BMP")
    # Named .png on purpose: the format is read from the content, never from the name.
    bmp = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    client.force_login(owner)

    response = client.post(url("exhibitor_create"), exhibitor_data(logo=bmp))

    assert response.context["form"].errors == {
        "logo": ["Logos must be PNG, JPEG, WebP or GIF; this file is BMP."]
    }
    assert Exhibitor.objects.count() == 0


def test_exhibitor_create_logo_too_large_refused_inline(client, owner, event, settings):
    settings.LOGO_MAX_BYTES = 1024
    logo = noisy_png_upload()
    client.force_login(owner)

    response = client.post(url("exhibitor_create"), exhibitor_data(logo=logo))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "logo": [f"The logo is {logo.size // 1024} KB; the limit is 1 KB. Save it smaller and try again."]
    }
    assert Exhibitor.objects.count() == 0


def test_exhibitor_create_logo_with_too_many_pixels_refused_inline(client, owner, event, settings):
    settings.LOGO_MAX_PIXELS = 100 * 100
    client.force_login(owner)

    response = client.post(url("exhibitor_create"), exhibitor_data(logo=png_upload(size=(200, 200))))

    assert response.context["form"].errors == {
        "logo": ["The logo is 200×200 pixels, too large to show. Scale it down and try again."]
    }
    assert Exhibitor.objects.count() == 0


def test_exhibitor_create_bad_website_and_email_refused_inline(client, owner, event):
    client.force_login(owner)

    response = client.post(
        url("exhibitor_create"), exhibitor_data(website="not a web address", contact_email="nobody")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "website": ["Enter a valid URL."],
        "contact_email": ["Enter a valid email address."],
    }
    assert Exhibitor.objects.count() == 0


def test_exhibitor_create_closed_event_403(client, owner, event):
    close(event)
    client.force_login(owner)

    assert client.post(url("exhibitor_create"), exhibitor_data()).status_code == 403
    assert Exhibitor.objects.count() == 0


def test_exhibitor_edit_saves(client, owner, exhibitor_a):
    client.force_login(owner)

    response = client.post(
        url("exhibitor_edit", exhibitor_id=exhibitor_a.pk),
        exhibitor_data(name="Alpha Systems Ltd", description="Now bigger."),
    )

    assert response.status_code == 302
    exhibitor_a.refresh_from_db()
    assert (exhibitor_a.name, exhibitor_a.description) == ("Alpha Systems Ltd", "Now bigger.")


def test_exhibitor_edit_name_of_another_exhibitor_refused_inline(client, owner, exhibitor_a, exhibitor_b):
    client.force_login(owner)

    response = client.post(
        url("exhibitor_edit", exhibitor_id=exhibitor_a.pk), exhibitor_data(name="Beta Networks")
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name_en"]
    exhibitor_a.refresh_from_db()
    assert exhibitor_a.name == "Alpha Systems"


def test_exhibitor_edit_exhibitor_of_another_event_404(client, owner, event):
    other = ExhibitorFactory(event=EventFactory(slug="other"), name="Elsewhere")
    client.force_login(owner)

    assert client.get(url("exhibitor_edit", exhibitor_id=other.pk)).status_code == 404
    assert client.post(url("exhibitor_edit", exhibitor_id=other.pk), exhibitor_data()).status_code == 404
    other.refresh_from_db()
    assert other.name == "Elsewhere"


def test_exhibitor_delete_confirm_page(client, owner, exhibitor_b):
    client.force_login(owner)

    response = client.get(url("exhibitor_delete", exhibitor_id=exhibitor_b.pk))

    assert response.status_code == 200
    assert "Delete exhibitor Beta Networks?" in response.content.decode()


def test_exhibitor_delete_without_booth_deleted(client, owner, exhibitor_b):
    client.force_login(owner)

    response = client.post(url("exhibitor_delete", exhibitor_id=exhibitor_b.pk), follow=True)

    assert response.redirect_chain == [(url("exhibitors"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Exhibitor “Beta Networks” deleted."]
    assert not Exhibitor.objects.filter(pk=exhibitor_b.pk).exists()


def test_exhibitor_delete_with_booth_refused_with_message_and_nothing_deleted(
    client, owner, exhibitor_a, booth_a
):
    client.force_login(owner)

    response = client.post(url("exhibitor_delete", exhibitor_id=exhibitor_a.pk), follow=True)

    assert response.redirect_chain == [(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Alpha Systems still has a booth. Delete the booth first."
    ]
    assert Exhibitor.objects.filter(pk=exhibitor_a.pk).exists()


def test_exhibitor_delete_closed_event_403(client, owner, event, exhibitor_b):
    close(event)
    client.force_login(owner)

    assert client.post(url("exhibitor_delete", exhibitor_id=exhibitor_b.pk)).status_code == 403
    assert Exhibitor.objects.filter(pk=exhibitor_b.pk).exists()
