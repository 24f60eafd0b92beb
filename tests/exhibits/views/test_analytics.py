"""Booth analytics in pages: the exhibitor's daily table, and the players' report endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events.enums import EventStatus
from exhibits.models import BoothDailyStats
from exhibits.models.assets import AssetKind, AssetStatus, BoothAsset
from exhibits.services.analytics import record_booth_visit
from tests.factories import BoothFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def analytics_url(booth) -> str:
    return reverse("exhibitor:booth_analytics", args=[booth.pk])


def event_url(booth) -> str:
    return reverse("visit:asset_event", args=[booth.event.slug, booth.pk])


def make_asset(booth, kind=AssetKind.VIDEO, status=AssetStatus.READY) -> BoothAsset:
    return BoothAsset.objects.create(
        booth=booth, kind=kind, title="Demo", original="x/original.bin", original_format="mp4", status=status
    )


def counted(booth) -> tuple[int, int]:
    rows = BoothDailyStats.objects.filter(booth=booth)
    return (sum(row.document_views for row in rows), sum(row.video_plays for row in rows))


@pytest.fixture
def minji(event):
    return AttendeeFactory(event=event, display_name="Kim Minji")


# --- The analytics page ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "moderator", "owner"])
def test_analytics_page_shows_the_event_days_and_totals(client, booth_a, minji, who, request):
    event = booth_a.event
    first_day = timezone.make_aware(dt.datetime.combine(event.starts_on, dt.time(10)), event.tz)
    record_booth_visit(booth_a, minji, at=first_day)
    client.force_login(request.getfixturevalue(who))

    response = client.get(analytics_url(booth_a))

    assert response.status_code == 200
    report = response.context["report"]
    assert [(row.day, row.visits, row.unique_visitors) for row in report] == [
        (event.starts_on, 1, 1),
        (event.ends_on, 0, 0),
    ]
    assert (response.context["totals"].visits, response.context["totals"].leads) == (1, 0)
    html = response.content.decode()
    assert '<div class="table-wrap">' in html
    assert f'<time datetime="{event.starts_on:%Y-%m-%d}">' in html
    assert "The event's 2 days, counted per day in the event's time zone (Asia/Seoul)." in html
    assert "Kim Minji" not in html


@pytest.mark.parametrize(("who", "shown"), [("staff_a", True), ("moderator", False), ("owner", False)])
def test_analytics_page_links_leads_only_for_the_exhibitors_staff(client, booth_a, who, shown, request):
    # The event team is refused the leads page (403), so the link is not offered to them.
    user = request.getfixturevalue(who)
    client.force_login(user)
    leads = reverse("exhibitor:leads", args=[booth_a.exhibitor_id])

    html = client.get(analytics_url(booth_a)).content.decode()

    assert (f'href="{leads}"' in html) is shown
    assert client.get(leads).status_code == (200 if shown else 403)


@pytest.mark.parametrize("who", ["staff_b", "visitor"])
def test_analytics_page_is_hidden_from_others(client, booth_a, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(analytics_url(booth_a)).status_code == 404


def test_analytics_page_anonymous_is_sent_to_log_in(client, booth_a):
    response = client.get(analytics_url(booth_a))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_analytics_page_readable_once_the_event_is_closed(client, booth_a, staff_a, event):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(staff_a)

    assert client.get(analytics_url(booth_a)).status_code == 200


def test_analytics_page_of_an_unknown_booth_is_404(client, staff_a):
    client.force_login(staff_a)

    assert client.get(reverse("exhibitor:booth_analytics", args=[99999])).status_code == 404


# --- Players reporting plays and views ------------------------------------------------------


def test_asset_event_counts_a_confirmed_attendee_once_per_session(client, booth_a, minji):
    video, document = make_asset(booth_a), make_asset(booth_a, AssetKind.DOCUMENT)
    client.force_login(minji.user)

    answers = [
        client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk}).status_code,
        client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk}).status_code,
        client.post(event_url(booth_a), {"kind": "document_view", "asset": document.pk}).status_code,
        client.post(event_url(booth_a), {"kind": "document_view", "asset": document.pk}).status_code,
    ]

    assert answers == [204, 204, 204, 204]
    assert counted(booth_a) == (1, 1)


def test_asset_event_of_a_new_session_counts_again(client, booth_a, minji):
    video = make_asset(booth_a)
    client.force_login(minji.user)
    client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk})
    other = Client()
    other.force_login(minji.user)

    other.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk})

    assert counted(booth_a) == (0, 2)


@pytest.mark.parametrize("who", ["staff_a", "moderator", None])
def test_asset_event_from_others_is_accepted_but_not_counted(client, booth_a, who, request):
    video = make_asset(booth_a)
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk})

    assert response.status_code == 204
    assert counted(booth_a) == (0, 0)


@pytest.mark.parametrize(
    "data",
    [{}, {"kind": "like", "asset": "1"}, {"kind": "video_play", "asset": "x"}, {"kind": "video_play"}],
)
def test_asset_event_refuses_a_malformed_report(client, booth_a, minji, data):
    client.force_login(minji.user)

    assert client.post(event_url(booth_a), data).status_code == 400
    assert counted(booth_a) == (0, 0)


def test_asset_event_refuses_assets_not_of_this_booth_kind_or_ready(client, booth_a, minji, event):
    other_booth = BoothFactory(event=event, number="B-9", x=4)
    elsewhere = make_asset(other_booth)
    document = make_asset(booth_a, AssetKind.DOCUMENT)
    processing = make_asset(booth_a, status=AssetStatus.PROCESSING)
    client.force_login(minji.user)

    answers = [
        client.post(event_url(booth_a), {"kind": "video_play", "asset": elsewhere.pk}).status_code,
        client.post(event_url(booth_a), {"kind": "video_play", "asset": document.pk}).status_code,
        client.post(event_url(booth_a), {"kind": "video_play", "asset": processing.pk}).status_code,
    ]

    assert answers == [404, 404, 404]
    assert (counted(booth_a), counted(other_booth)) == ((0, 0), (0, 0))


def test_asset_event_needs_the_csrf_token(booth_a, minji):
    video = make_asset(booth_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(minji.user)

    response = client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk})

    assert response.status_code == 403
    assert counted(booth_a) == (0, 0)


def test_asset_event_get_is_not_allowed(client, booth_a):
    assert client.get(event_url(booth_a)).status_code == 405


def test_asset_event_on_a_draft_event_is_404_for_visitors(client, booth_a, minji, event):
    video = make_asset(booth_a)
    event.status = EventStatus.DRAFT
    event.save()
    client.force_login(minji.user)

    assert client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk}).status_code == 404


def test_asset_event_counts_on_the_day_in_the_event_time_zone(client, booth_a, minji):
    video = make_asset(booth_a)
    client.force_login(minji.user)

    client.post(event_url(booth_a), {"kind": "video_play", "asset": video.pk})

    today = timezone.localdate(timezone.now(), booth_a.event.tz)
    assert list(BoothDailyStats.objects.values_list("day", "video_plays")) == [(today, 1)]


# --- The booth page counts visits -----------------------------------------------------------


def visits(booth) -> list[tuple[int, int]]:
    return list(BoothDailyStats.objects.filter(booth=booth).values_list("visits", "unique_visitors"))


def test_booth_page_counts_a_confirmed_attendee_once_within_minutes(client, booth_a, minji):
    client.force_login(minji.user)
    url = reverse("visit:booth", args=[booth_a.event.slug, booth_a.pk])

    assert [client.get(url).status_code for _reload in range(3)] == [200, 200, 200]
    assert visits(booth_a) == [(1, 1)]


@pytest.mark.parametrize("who", ["staff_a", "owner", "visitor", None])
def test_booth_page_does_not_count_people_who_are_not_attendees(client, booth_a, who, request):
    if who:
        client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("visit:booth", args=[booth_a.event.slug, booth_a.pk])).status_code == 200
    assert visits(booth_a) == []


# --- Reading a document is a document view --------------------------------------------------


def reader_url(booth, asset, page=None) -> str:
    url = reverse("visit:document", args=[booth.event.slug, booth.pk, asset.pk])
    return f"{url}?page={page}" if page else url


@pytest.fixture
def brochure(booth_a):
    from tests.asset_factories import AssetPageFactory, BoothAssetFactory

    asset = BoothAssetFactory(booth=booth_a, title="Brochure", page_count=2)
    for number in (1, 2):
        AssetPageFactory(asset=asset, number=number)
    return asset


def test_reading_a_document_counts_one_view_without_any_script(client, booth_a, minji, brochure):
    """The bug: only the booth page's script reported views, so the reader opened by its address
    (the presenter's link, a bookmark, a tap before the script arrived, no JavaScript) counted 0."""
    client.force_login(minji.user)

    pages = [client.get(reader_url(booth_a, brochure, page)).status_code for page in (None, 2, 1)]

    assert pages == [200, 200, 200]
    assert counted(booth_a) == (1, 0)


def test_reading_after_the_booth_page_reported_the_click_is_not_a_second_view(
    client, booth_a, minji, brochure
):
    client.force_login(minji.user)
    client.post(event_url(booth_a), {"kind": "document_view", "asset": brochure.pk})

    assert client.get(reader_url(booth_a, brochure)).status_code == 200
    assert counted(booth_a) == (1, 0)


@pytest.mark.parametrize("who", ["staff_a", "moderator", "visitor", None])
def test_reading_a_document_by_others_is_not_counted(client, booth_a, brochure, who, request):
    if who:
        client.force_login(request.getfixturevalue(who))

    assert client.get(reader_url(booth_a, brochure)).status_code == 200
    assert counted(booth_a) == (0, 0)


def test_analytics_page_in_korean_says_the_event_days(client, booth_a, staff_a):
    client.force_login(staff_a)

    try:
        html = client.get(analytics_url(booth_a), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    finally:
        translation.activate("en")  # the request left Korean active for the tests after this one

    assert "행사 기간 2일의 수치이며, 행사 시간대(Asia/Seoul) 기준으로 하루 단위로 집계합니다." in html
    assert "부스 A-1 일별 수치(첫날부터)" in html
