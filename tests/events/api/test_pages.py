"""The pages where owners and exhibitor staff make tokens and webhooks: the secret shown once,
clear errors that keep what was typed, switching a webhook back on only for allowed hosts."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from events.models import ApiToken, Webhook
from events.services.api_tokens import hash_secret

pytestmark = pytest.mark.django_db


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_owner_makes_a_token_and_sees_it_once(client, event, owner):
    client.force_login(owner)
    url = f"/organiser/{event.slug}/api/tokens/"
    response = client.post(
        url, {"name": "Desk sync", "scopes": ["event:read", "registrations:read"], "days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["new_secret"]
    assert (token.name, token.scopes, token.token_hash) == (
        "Desk sync",
        ["event:read", "registrations:read"],
        hash_secret(secret),
    )
    assert secret in response.content.decode()
    assert secret not in client.get(url).content.decode()


def test_too_long_a_token_is_refused_with_the_longest(client, event, owner, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    client.force_login(owner)
    response = client.post(
        f"/organiser/{event.slug}/api/tokens/", {"name": "Long", "scopes": ["event:read"], "days": "91"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["days"] == [
        "A token lasts from 1 to 90 days. Enter a number of days in that range."
    ]
    assert response.context["form"]["name"].value() == "Long"
    assert ApiToken.objects.count() == 0


def test_moderator_may_read_but_not_make_tokens(client, event, moderator):
    client.force_login(moderator)
    assert client.get(f"/organiser/{event.slug}/api/tokens/").status_code == 200
    response = client.post(
        f"/organiser/{event.slug}/api/tokens/", {"name": "X", "scopes": ["event:read"], "days": "1"}
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_webhook_to_a_host_not_allowed_is_refused_on_the_page(client, event, owner, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.lan"]
    client.force_login(owner)
    response = client.post(
        f"/organiser/{event.slug}/api/webhooks/",
        {"url": "https://example.com/hook", "kinds": ["session.started"]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "Webhooks may only go to the hosts the operator allowed (hooks.lan), by http or https. "
        "Use one of those, or ask the operator to add yours to WEBHOOK_ALLOWED_HOSTS."
    ]
    assert Webhook.objects.count() == 0


def test_owner_adds_a_webhook_and_its_secret_is_listed(client, event, owner, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.lan"]
    client.force_login(owner)
    response = client.post(
        f"/organiser/{event.slug}/api/webhooks/",
        {"url": "http://hooks.lan/rakwon", "kinds": ["registration.confirmed"]},
    )
    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert (hook.url, hook.kinds, hook.owner_kind, hook.owner_id) == (
        "http://hooks.lan/rakwon",
        ["registration.confirmed"],
        "",
        None,
    )
    assert hook.secret in client.get(f"/organiser/{event.slug}/api/webhooks/").content.decode()


@pytest.mark.parametrize(
    ("allowed", "active", "said"), [(["hooks.lan"], True, "The webhook is on again."), ([], False, None)]
)
def test_switching_a_webhook_back_on_checks_the_host(client, event, owner, settings, allowed, active, said):
    settings.WEBHOOK_ALLOWED_HOSTS = allowed
    hook = Webhook.objects.create(
        event=event, url="http://hooks.lan/e", kinds=["session.started"], active=False
    )
    client.force_login(owner)
    response = client.post(f"/organiser/{event.slug}/api/webhooks/{hook.pk}/enable/")
    assert (response.status_code, response["Location"]) == (302, f"/organiser/{event.slug}/api/webhooks/")
    hook.refresh_from_db()
    assert hook.active is active
    if said:
        assert _said(response) == [said]
    else:
        assert _said(response)[0].startswith(
            "Webhooks may only go to the hosts the operator allowed (none yet)"
        )


@pytest.mark.parametrize("who", ["moderator", "staff_a", "visitor"])
def test_others_cannot_switch_an_event_webhook_on(client, event, settings, request, who):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.lan"]
    hook = Webhook.objects.create(
        event=event, url="http://hooks.lan/e", kinds=["session.started"], active=False
    )
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/organiser/{event.slug}/api/webhooks/{hook.pk}/enable/")
    assert response.status_code == (403 if who == "moderator" else 404)
    hook.refresh_from_db()
    assert hook.active is False


def test_exhibitor_staff_make_a_leads_token(client, event, exhibitor_a, staff_a):
    client.force_login(staff_a)
    response = client.post(
        f"/exhibitor/{exhibitor_a.pk}/api/tokens/", {"name": "CRM", "scopes": ["leads:read"], "days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.owner_kind, token.owner_id, token.scopes, token.created_by) == (
        "exhibitor",
        exhibitor_a.pk,
        ["leads:read"],
        staff_a,
    )


def test_exhibitor_token_page_offers_no_event_scopes(client, exhibitor_a, staff_a):
    client.force_login(staff_a)
    response = client.post(
        f"/exhibitor/{exhibitor_a.pk}/api/tokens/", {"name": "CRM", "scopes": ["event:read"], "days": "30"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"] == [
        "Select a valid choice. event:read is not one of the available choices."
    ]
    assert ApiToken.objects.count() == 0


def test_event_team_cannot_make_an_exhibitors_token(client, exhibitor_a, owner):
    client.force_login(owner)
    response = client.post(
        f"/exhibitor/{exhibitor_a.pk}/api/tokens/", {"name": "CRM", "scopes": ["leads:read"], "days": "30"}
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status", "active"), [("staff_a", 302, True), ("staff_b", 404, False), ("owner", 403, False)]
)
def test_only_the_exhibitors_staff_switch_its_webhook_on(
    client, event, exhibitor_a, settings, request, who, status, active
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.lan"]
    hook = Webhook.objects.create(
        event=event,
        owner_kind="exhibitor",
        owner_id=exhibitor_a.pk,
        url="http://hooks.lan/x",
        kinds=["lead.shared"],
        active=False,
    )
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/exhibitor/{exhibitor_a.pk}/api/webhooks/{hook.pk}/enable/")
    assert response.status_code == status
    hook.refresh_from_db()
    assert hook.active is active
