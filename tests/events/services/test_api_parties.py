"""Tokens and webhooks of a registered party (events.registry.api_parties): events knows a party
only by kind and id, asks the registry who manages it and what it may be given."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils.translation import gettext_lazy as _

from events import registry
from events.errors import ApiTokenError, NotAllowed, WebhookError
from events.models import ApiToken, Webhook, WebhookDelivery
from events.services import api_tokens, webhooks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    """A party whose only manager is the user with the club's id (a stand-in for an app's own)."""
    party = registry.ApiParty(
        label=_("club"),
        scopes={"members:read": _("Read the club's members")},
        webhook_kinds={"member.joined": _("Someone joins the club")},
        may_manage=lambda user, event, owner_id: user.pk == owner_id,
    )
    registry.api_parties.register("club", party)
    yield party
    registry.api_parties.unregister("club")


def test_a_partys_manager_makes_a_token_with_the_partys_scopes(event, club):
    member = UserFactory()

    made = api_tokens.create_party_token(
        event, "club", member.pk, name="Sync", scopes=["members:read"], days=3, by=member
    )

    assert (made.token.owner_kind, made.token.owner_id, made.token.scopes) == (
        "club",
        member.pk,
        ["members:read"],
    )
    assert api_tokens.find_token(made.secret) == made.token
    assert list(api_tokens.party_tokens(event, "club", member.pk)) == [made.token]
    assert list(api_tokens.event_tokens(event)) == []


def test_a_party_token_is_refused_the_events_scopes_and_strangers(event, club):
    member, stranger = UserFactory(), UserFactory()

    with pytest.raises(ApiTokenError) as refused:
        api_tokens.create_party_token(
            event, "club", member.pk, name="S", scopes=["event:read"], days=3, by=member
        )
    assert refused.value.code == "api_token.bad_scope"
    with pytest.raises(NotAllowed) as not_theirs:
        api_tokens.create_party_token(
            event, "club", member.pk, name="S", scopes=["members:read"], days=3, by=stranger
        )
    assert not_theirs.value.message == "Only the people who manage this club can make its tokens."
    assert ApiToken.objects.count() == 0


def test_an_unknown_party_kind_is_refused_with_what_to_do(event, owner):
    with pytest.raises(ApiTokenError) as refused:
        api_tokens.create_party_token(event, "nobody", 1, name="S", scopes=["x"], days=3, by=owner)

    assert refused.value.code == "api_token.unknown_party"
    assert ApiToken.objects.count() == 0


def test_a_party_token_stops_working_when_its_maker_no_longer_manages_it(event, club):
    member = UserFactory()
    made = api_tokens.create_party_token(
        event, "club", member.pk, name="Sync", scopes=["members:read"], days=3, by=member
    )
    ApiToken.objects.filter(pk=made.token.pk).update(owner_id=member.pk + 1000)

    assert api_tokens.find_token(made.secret) is None


@override_settings(WEBHOOK_ALLOWED_HOSTS=["hooks.lan"])
def test_a_partys_webhook_hears_only_its_own_kinds_and_happenings(event, owner, club):
    member = UserFactory()
    theirs = webhooks.register_webhook(
        event,
        url="http://hooks.lan/club",
        kinds=["member.joined"],
        by=member,
        owner_kind="club",
        owner_id=member.pk,
    )
    webhooks.register_webhook(event, url="http://hooks.lan/event", kinds=["registration.confirmed"], by=owner)

    with pytest.raises(WebhookError):
        webhooks.register_webhook(
            event,
            url="http://hooks.lan/x",
            kinds=["registration.confirmed"],
            by=member,
            owner_kind="club",
            owner_id=member.pk,
        )
    with pytest.raises(NotAllowed):
        webhooks.register_webhook(
            event,
            url="http://hooks.lan/x",
            kinds=["member.joined"],
            by=owner,
            owner_kind="club",
            owner_id=member.pk,
        )
    webhooks.notify(event, "member.joined", "member:1", {"member": 1}, owner_kind="club", owner_id=member.pk)

    assert list(WebhookDelivery.objects.values_list("webhook_id", "subject")) == [(theirs.pk, "member:1")]
    assert list(webhooks.party_webhooks(event, "club", member.pk)) == [theirs]
    assert Webhook.objects.filter(owner_kind="").count() == 1


def test_the_exhibitor_party_is_registered_by_exhibits_with_its_scopes_and_kinds():
    party = registry.api_parties["exhibitor"]

    assert (list(party.scopes), list(party.webhook_kinds)) == (["leads:read"], ["lead.shared"])
    assert "leads:read" not in api_tokens.EVENT_SCOPES
    assert "lead.shared" not in webhooks.EVENT_KINDS
