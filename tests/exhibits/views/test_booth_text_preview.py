"""The description's preview works without JavaScript: the booth editor's "Preview" button posts
the form and gets it back, as typed, with what visitors will see and nothing saved. The
organiser's exhibitor page renders the exhibitor's description with the same safe Markdown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exhibits.forms_assets import DESCRIPTION_MAX_CHARS

pytestmark = pytest.mark.django_db


def editor(booth) -> str:
    return reverse("exhibitor:booth_editor", kwargs={"booth_id": booth.pk})


def test_preview_shows_the_rendered_description_and_saves_nothing(client, staff_a, booth_a, event):
    event.languages = ["en", "ko"]
    event.save()
    client.force_login(staff_a)

    response = client.post(
        editor(booth_a),
        {
            "tagline_en": "Kettles",
            "description_en": "Hear the **kettle** choir.",
            "description_ko": "- 첫째\n- 둘째",
            "preview": "1",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert '<section class="text-preview" aria-labelledby="preview-heading">' in html
    assert "<p>Hear the <strong>kettle</strong> choir.</p>" in html
    assert "<ul>\n<li>첫째</li>\n<li>둘째</li>\n</ul>" in html
    # The form comes back as typed, so the exhibitor can go on writing and then save.
    assert response.context["form"]["description_en"].value() == "Hear the **kettle** choir."
    booth_a.refresh_from_db()
    assert (booth_a.tagline, booth_a.description) == ("", {})


def test_preview_escapes_html_in_the_description(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(editor(booth_a), {"description_en": "<script>alert(1)</script>", "preview": "1"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_preview_of_a_too_long_description_says_what_to_do_and_saves_nothing(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(
        editor(booth_a), {"description_en": "x" * (DESCRIPTION_MAX_CHARS + 1), "preview": "1"}
    )

    assert response.status_code == 200
    limit = DESCRIPTION_MAX_CHARS
    assert response.context["form"].errors["description_en"] == [
        f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    ]
    assert response.context["previews"] == []
    booth_a.refresh_from_db()
    assert booth_a.description == {}


def test_saving_still_saves_without_the_preview_button(client, staff_a, booth_a):
    client.force_login(staff_a)

    response = client.post(editor(booth_a), {"description_en": "Hear the **kettle** choir."})

    assert response.status_code == 302
    booth_a.refresh_from_db()
    assert booth_a.description == {"en": "Hear the **kettle** choir."}


def test_editor_page_has_a_preview_button(client, staff_a, booth_a):
    client.force_login(staff_a)

    html = client.get(editor(booth_a)).content.decode()

    assert '<button type="submit" name="preview" value="1" class="secondary">Preview</button>' in html


def test_organiser_exhibitor_page_renders_the_description_as_safe_markdown(client, owner, event, exhibitor_a):
    exhibitor_a.description = "We make **routers**.\n\n<b>not bold</b>"
    exhibitor_a.save()
    client.force_login(owner)

    response = client.get(
        reverse("floor:exhibitor_detail", kwargs={"slug": event.slug, "exhibitor_id": exhibitor_a.pk})
    )

    html = response.content.decode()
    assert (
        '<div class="description"><p>We make <strong>routers</strong>.</p>\n'
        "<p>&lt;b&gt;not bold&lt;/b&gt;</p></div>"
    ) in html
