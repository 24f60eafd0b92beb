"""The visitor's hall plan names each booth's exhibitor, shows a small logo and the live count
(exhibits/views/public.py HallView and PlanLogoView)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from events.enums import EventStatus
from exhibits.services.exhibitors import plan_logo_version
from tests.factories import BoothFactory, EventFactory, ExhibitorFactory, HallFactory, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Networks", plan_columns=12, plan_rows=8)


def hall_page(client, event, hall) -> str:
    response = client.get(reverse("visit:hall", args=[event.slug, hall.pk]))
    assert response.status_code == 200
    return response.content.decode()


def plan_of(page: str) -> str:
    return page[page.index('<svg class="hall-plan"') : page.index("</svg>")]


def test_hall_plan_names_each_exhibitor_under_the_booth_number(client, event, hall):
    BoothFactory(
        event=event,
        hall=hall,
        number="N-1",
        width=4,
        height=2,
        exhibitor=ExhibitorFactory(event=event, name="Vision"),
    )
    BoothFactory(
        event=event,
        hall=hall,
        number="N-2",
        x=4,
        width=2,
        height=2,
        exhibitor=ExhibitorFactory(event=event, name="한빛 소프트 주식회사"),
    )
    BoothFactory(
        event=event,
        hall=hall,
        number="N-3",
        x=6,
        width=3,
        height=1,
        exhibitor=ExhibitorFactory(event=event, name="Shallow"),
    )

    plan = plan_of(hall_page(client, event, hall))

    names = re.findall(r'<text class="plan-name"[^>]*>([^<]*)</text>', plan)
    assert names == ["Vision", "한빛…"]
    assert 'aria-label="Booth N-3: Shallow"' in plan
    assert re.findall(r'data-plan-count="(\d+)"', plan) == [
        str(pk) for pk in event.booths.order_by("number").values_list("pk", flat=True)
    ]


def test_hall_plan_logo_loads_later_from_a_small_thumbnail(client, event, hall):
    exhibitor = ExhibitorFactory(event=event, name="Vision", logo=png_upload(size=(800, 400)))
    BoothFactory(event=event, hall=hall, number="N-1", width=4, height=3, exhibitor=exhibitor)
    version = plan_logo_version(exhibitor)

    plan = plan_of(hall_page(client, event, hall))

    logo_url = reverse("visit:plan_logo", args=[event.slug, exhibitor.pk, version])
    assert (
        f'<image class="plan-logo" data-plan-logo="{logo_url}" x="0.1" y="0.1" width="0.9" height="0.9"/>'
        in plan
    )
    assert " href=" not in plan.split("<image", 1)[1].split("/>", 1)[0]  # no eager load

    response = client.get(logo_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    picture = Image.open(io.BytesIO(response.content))
    assert (picture.format, picture.size) == ("WEBP", (48, 48))
    assert len(response.content) < 2048
    assert client.get(logo_url).content == response.content  # kept, not made again


def test_plan_logo_of_an_old_version_or_another_event_is_not_found(client, event, hall):
    exhibitor = ExhibitorFactory(event=event, name="Vision", logo=png_upload())
    other = ExhibitorFactory(event=EventFactory(slug="other"), logo=png_upload())
    no_logo = ExhibitorFactory(event=event, name="Plain")

    assert client.get(reverse("visit:plan_logo", args=[event.slug, exhibitor.pk, "old"])).status_code == 404
    assert (
        client.get(
            reverse("visit:plan_logo", args=[event.slug, other.pk, plan_logo_version(other)])
        ).status_code
        == 404
    )
    assert client.get(reverse("visit:plan_logo", args=[event.slug, no_logo.pk, "x"])).status_code == 404


def test_plan_logo_of_a_draft_event_is_hidden_from_outsiders(client, event):
    event.status = EventStatus.DRAFT
    event.save()
    exhibitor = ExhibitorFactory(event=event, logo=png_upload())

    response = client.get(
        reverse("visit:plan_logo", args=[event.slug, exhibitor.pk, plan_logo_version(exhibitor)])
    )

    assert response.status_code == 404
