"""The floor import pages with a column per event language (issue 15 item 2): the template lists
them, the preview shows them, and the Korean booth page reads what the file said in Korean."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from exhibits.models import Booth
from tests.factories import HallFactory

pytestmark = pytest.mark.django_db

HEADER = "hall,number,exhibitor,column,row,tagline,exhibitor_ko,tagline_ko\n"


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def url(name: str) -> str:
    return reverse(f"floor:{name}", kwargs={"slug": "expo"})


@pytest.fixture
def hall(event):
    event.languages = ["en", "ko"]
    event.save()
    return HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)


def upload(client, text: str):
    return client.post(
        url("import"), {"file": SimpleUploadedFile("floor.csv", text.encode(), content_type="text/csv")}
    )


def test_import_with_korean_columns_shows_them_then_the_korean_booth_page_reads_them(
    client, owner, event, hall
):
    client.force_login(owner)

    preview = upload(
        client, HEADER + "Main Hall,A-1,Parcel Robots,0,0,Robots that sort parcels,소포 로봇,소포 분류 로봇\n"
    )

    page = preview.content.decode()
    assert '<span lang="ko">소포 로봇</span>' in page
    assert '<span lang="ko">소포 분류 로봇</span>' in page
    token = re.search(r'name="preview" value="([^"]+)"', page).group(1)
    client.post(url("import"), {"preview": token})
    booth = Booth.objects.get(event=event)
    html = client.get(
        reverse("visit:booth", args=["expo", booth.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "<h1>소포 로봇</h1>" in html
    assert '<p class="tagline">소포 분류 로봇</p>' in html
    assert "Parcel Robots" not in html


def test_import_with_a_bad_korean_value_shows_the_rows_error_and_saves_nothing(client, owner, event, hall):
    client.force_login(owner)

    response = upload(client, HEADER + f"Main Hall,A-1,Parcel Robots,0,0,Robots,소포 로봇,{'가' * 201}\n")

    page = response.content.decode()
    assert "“tagline_ko” is 201 characters long; at most 200 fit. Shorten it." in page
    assert 'name="preview"' not in page
    assert Booth.objects.count() == 0


def test_import_with_a_column_for_another_language_says_which_beside_the_field(client, owner, event, hall):
    client.force_login(owner)

    response = upload(client, "hall,number,exhibitor,column,row,tagline_fr\nMain Hall,A-1,X,0,0,x\n")

    assert response.context["form"].errors == {
        "file": [
            "The column “tagline_fr” is for French, which is not one of this event's languages "
            "(English, Korean). "
            "Remove the column, or add the language in the event's settings first."
        ]
    }


def test_import_template_download_has_the_events_language_columns(client, owner, event, hall):
    client.force_login(owner)

    response = client.get(url("import_template"))

    text = response.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[-4:] == ["hall_ko", "exhibitor_ko", "tagline_ko", "exhibitor_description_ko"]


def test_import_page_lists_the_korean_columns_for_a_two_language_event(client, owner, event, hall):
    client.force_login(owner)

    page = client.get(url("import")).content.decode()

    assert "<code>tagline_ko</code>" in page


def test_import_for_a_one_language_event_needs_and_lists_no_other_columns(client, owner, event):
    event.languages = ["en"]
    event.save()
    HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)
    client.force_login(owner)

    preview = upload(client, "hall,number,exhibitor,column,row\nMain Hall,A-1,Parcel Robots,0,0\n")
    template = client.get(url("import_template")).content.decode("utf-8-sig")

    assert 'name="preview"' in preview.content.decode()
    assert "_ko" not in template.splitlines()[0]
    assert "<code>tagline_ko</code>" not in client.get(url("import")).content.decode()


def test_import_page_in_korean_explains_the_columns_and_a_bad_korean_value_in_korean(
    client, owner, event, hall
):
    client.force_login(owner)

    page = client.get(url("import"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    response = client.post(
        url("import"),
        {
            "file": SimpleUploadedFile(
                "f.csv", (HEADER + f"Main Hall,A-1,X,0,0,Robots,엑스,{'가' * 201}\n").encode()
            )
        },
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert "선택 사항: 같은 글의 한국어 버전입니다." in page
    assert "<code>hall_ko</code> 열은 전시관의 한국어 이름을 확인하기만 하며" in page
    refused = response.content.decode()
    assert "“tagline_ko” 칸이 201자입니다. 최대 200자까지 넣을 수 있습니다. 줄여 주세요." in refused
    assert '<th scope="col">다른 언어</th>' in refused
