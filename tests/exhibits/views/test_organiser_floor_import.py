"""Tests of the organiser's floor import pages (exhibits/views/organiser_floor_import.py)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exhibits.models import Booth, Exhibitor
from tests.factories import BoothFactory, HallFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "hall,number,exhibitor,column,row,width,depth\n"


def url(name: str) -> str:
    return reverse(f"floor:{name}", kwargs={"slug": "expo"})


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)


def upload(client, text: str | bytes, name: str = "floor.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(url("import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def preview_token(response) -> str:
    return re.search(r'name="preview" value="([^"]+)"', response.content.decode()).group(1)


def test_import_page_previews_without_saving_then_confirm_places_every_booth(client, owner, event, hall):
    client.force_login(owner)
    text = HEADER + "Main Hall,A-1,Parcel Robots,0,0,2,2\nMain Hall,A-2,한빛 소프트,4,0,3,2\n"

    preview = upload(client, text)

    assert preview.status_code == 200
    assert Booth.objects.filter(event=event).count() == 0
    page = preview.content.decode()
    assert "2 new booths, 2 new exhibitors; 0 lines already on the plan are left as they are." in page
    assert "Place 2 booths" in page

    done = client.post(url("import"), {"preview": preview_token(preview)})

    assert done.status_code == 302 and done["Location"] == url("booths")
    assert list(
        Booth.objects.filter(event=event).order_by("number").values_list("number", "exhibitor__name")
    ) == [
        ("A-1", "Parcel Robots"),
        ("A-2", "한빛 소프트"),
    ]
    assert [m.message for m in done.wsgi_request._messages] == ["2 booths placed from the file."]


def test_import_page_shows_per_row_errors_and_offers_no_confirm(client, owner, event, hall):
    client.force_login(owner)

    response = upload(client, HEADER + "Main Hall,A-1,X,0,0,2,2\nSide Hall,A-2,X,4,0,2,2\n")

    page = response.content.decode()
    assert "1 line cannot be imported. Nothing has been saved: correct the file and upload it again." in page
    assert "This event has no hall called “Side Hall”. Add it on the Halls page, or correct the name." in page
    assert 'name="preview"' not in page
    assert Booth.objects.count() == 0


def test_import_page_in_korean_explains_errors_in_korean(client, owner, event, hall):
    client.force_login(owner)

    response = client.post(
        url("import"),
        {"file": SimpleUploadedFile("f.csv", (HEADER + "없는 홀,A-1,X,0,0,2,2\n").encode())},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert (
        "이 행사에는 “없는 홀” 전시관이 없습니다. 전시관 페이지에서 추가하거나 이름을 고치세요."
        in response.content.decode()
    )


def test_import_page_refuses_an_unreadable_file_beside_the_field(client, owner, event, hall):
    client.force_login(owner)

    response = upload(client, "hall,number,exhibitor\n".encode("utf-16"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and "
            "upload it again."
        ]
    }


def test_import_page_refuses_a_huge_file_before_reading_it(client, owner, event, hall, settings):
    settings.FLOOR_IMPORT_MAX_BYTES = 2048
    client.force_login(owner)

    response = upload(client, HEADER + "Main Hall,A-1,X,0,0,2,2\n" * 200)

    assert response.context["form"].errors == {
        "file": ["This file is 5 KB; at most 2 KB can be imported at once. Split it into several files."]
    }


def test_import_page_same_file_again_has_nothing_to_confirm(client, owner, event, hall):
    client.force_login(owner)
    text = HEADER + "Main Hall,A-1,Parcel Robots,0,0,2,2\n"
    client.post(url("import"), {"preview": preview_token(upload(client, text))})

    again = upload(client, text)

    page = again.content.decode()
    assert "Nothing new to import: every booth in this file is already on the plan as it says." in page
    assert 'name="preview"' not in page
    assert Booth.objects.filter(event=event).count() == 1


def test_import_confirm_after_the_floor_changed_writes_nothing_and_says_why(client, owner, event, hall):
    client.force_login(owner)
    preview = upload(
        client, HEADER + "Main Hall,A-1,Parcel Robots,0,0,2,2\nMain Hall,A-2,Parcel Robots,4,0,2,2\n"
    )
    other = Exhibitor.objects.create(event=event, name="Late Comer")
    BoothFactory(event=event, hall=hall, exhibitor=other, number="Z-9", x=4, y=0)

    response = client.post(url("import"), {"preview": preview_token(preview)})

    assert response.status_code == 409
    assert (
        "This spot overlaps booth Z-9 (Late Comer). Choose free cells on the plan."
        in response.content.decode()
    )
    assert list(Booth.objects.filter(event=event).values_list("number", flat=True)) == ["Z-9"]
    assert not Exhibitor.objects.filter(name="Parcel Robots").exists()


def test_import_confirm_refuses_a_changed_preview(client, owner, event, hall):
    client.force_login(owner)
    token = preview_token(upload(client, HEADER + "Main Hall,A-1,X,0,0,2,2\n"))

    response = client.post(url("import"), {"preview": token[:-2] + "xx"})

    assert response.status_code == 302 and response["Location"] == url("import")
    assert [m.message for m in response.wsgi_request._messages] == [
        "This preview has expired. Upload the file again."
    ]
    assert Booth.objects.count() == 0


def test_import_preview_of_one_event_cannot_be_confirmed_in_another(client, owner, event, hall):
    from tests.factories import EventFactory, TeamMemberFactory

    other = EventFactory(slug="other")
    TeamMemberFactory(event=other, user=owner)
    HallFactory(event=other, name="Main Hall")
    client.force_login(owner)
    token = preview_token(upload(client, HEADER + "Main Hall,A-1,X,0,0,2,2\n"))

    response = client.post(reverse("floor:import", kwargs={"slug": "other"}), {"preview": token})

    assert response.status_code == 302
    assert Booth.objects.count() == 0


def test_import_pages_are_for_the_event_team_only(client, event, hall):
    client.force_login(UserFactory())

    assert client.get(url("import")).status_code == 404
    assert upload(client, HEADER + "Main Hall,A-1,X,0,0,2,2\n").status_code == 404
    assert client.get(url("import_template")).status_code == 404
    assert Booth.objects.count() == 0


def test_import_template_is_a_utf8_csv_with_bom(client, owner, event):
    client.force_login(owner)

    response = client.get(url("import_template"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="expo-floor-plan.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffhall,number,exhibitor,column,row,width,depth,tagline,website,")
    assert "Main Hall,B-1,한빛 소프트,5,0,3,2" in text
