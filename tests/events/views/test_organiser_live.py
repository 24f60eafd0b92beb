"""The organiser's live page: lists the event's places with a cell per count for dashboard.js."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import BoothFactory, SessionFactory


def test_live_page_lists_every_place_of_the_event(client, owner, event):
    booth = BoothFactory(event=event, number="A-1", exhibitor__name="Acme")
    session = SessionFactory(event=event, title="Opening")
    client.force_login(owner)
    response = client.get(reverse("organiser:live", args=[event.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-live-socket="/ws/events/expo/"' in html
    assert 'data-count="lobby"' in html
    assert f'data-count="hall:{booth.hall_id}"' in html
    assert f'<th scope="row">Booth A-1 · Acme</th><td data-count="booth:{booth.pk}">–</td>' in html
    assert f'<th scope="row">Session: Opening</th><td data-count="session:{session.pk}">–</td>' in html


def test_live_page_leaves_out_places_of_other_events(client, owner, event):
    foreign = BoothFactory(number="Z-9")
    client.force_login(owner)
    response = client.get(reverse("organiser:live", args=[event.slug]))
    assert response.status_code == 200
    assert f'data-count="booth:{foreign.pk}"' not in response.content.decode()
