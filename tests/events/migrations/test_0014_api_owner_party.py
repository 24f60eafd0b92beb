"""The data step of the migration that names tokens' and webhooks' owners by party: rows that had
an owner id become the "exhibitor" party's, so tokens made before keep working."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from events.models import ApiToken, Webhook
from events.services.api_tokens import create_event_token, create_party_token, find_token

pytestmark = pytest.mark.django_db
migration = importlib.import_module("events.migrations.0014_api_owner_party")


def test_rows_with_an_owner_id_become_the_exhibitor_partys_and_keep_working(
    event, owner, exhibitor_a, staff_a
):
    theirs = create_party_token(
        event, "exhibitor", exhibitor_a.pk, name="CRM", scopes=["leads:read"], days=3, by=staff_a
    )
    ours = create_event_token(event, name="Desk", scopes=["event:read"], days=3, by=owner)
    hook = Webhook.objects.create(
        event=event, owner_id=exhibitor_a.pk, url="http://hooks.lan/x", kinds=["lead.shared"]
    )
    # As the renamed column left them: an id, no kind yet.
    ApiToken.objects.filter(pk=theirs.token.pk).update(owner_kind="")
    Webhook.objects.filter(pk=hook.pk).update(owner_kind="")

    migration.mark_existing_owners(apps, None)

    assert sorted(ApiToken.objects.values_list("owner_kind", "owner_id")) == [
        ("", None),
        ("exhibitor", exhibitor_a.pk),
    ]
    assert Webhook.objects.get().owner_kind == "exhibitor"
    assert (find_token(theirs.secret), find_token(ours.secret)) == (theirs.token, ours.token)


def test_going_back_drops_other_parties_instead_of_making_them_the_owners(event, owner):
    ApiToken.objects.create(
        event=event, owner_kind="club", owner_id=3, name="x", token_hash="a", expires_at=timezone.now()
    )
    create_event_token(event, name="Desk", scopes=["event:read"], days=3, by=owner)

    migration.drop_other_parties(apps, None)

    assert list(ApiToken.objects.values_list("owner_kind", flat=True)) == [""]
