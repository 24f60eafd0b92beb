"""Tokens at the door: expired, revoked, or made by someone who may no longer: 401; the rate per
token: 429 with Retry-After; lists in pages with a maximum; personal reads in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.enums import AuditAction, AuditActor, TeamRole
from events.models import ApiToken, AuditLogEntry
from events.services.api_tokens import hash_secret
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_shown_once(make_token):
    secret = make_token("event:read")
    token = ApiToken.objects.get()
    assert token.token_hash == hash_secret(secret)
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert token.prefix == secret[:10]


def test_expired_token_is_refused(make_token, call):
    secret = make_token("event:read")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert call("GET", "/event", secret).status_code == 401


def test_revoked_token_is_refused(make_token, call):
    secret = make_token("event:read")
    assert call("GET", "/event", secret).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert call("GET", "/event", secret).status_code == 401


def test_token_stops_when_its_maker_is_no_longer_owner(api_world, make_token, call):
    secret = make_token("event:read")
    api_world["event"].team.filter(user=api_world["owner"]).update(role=TeamRole.MODERATOR)
    assert call("GET", "/event", secret).status_code == 401


def test_exhibitor_token_stops_when_its_maker_leaves_the_staff(api_world, make_token, call):
    secret = make_token("leads:read")
    assert call("GET", "/leads", secret).status_code == 200
    api_world["exhibitor"].staff.all().delete()
    assert call("GET", "/leads", secret).status_code == 401


def test_last_use_is_noted(make_token, call):
    secret = make_token("event:read")
    call("GET", "/event", secret)
    assert ApiToken.objects.get().last_used_at is not None


def test_token_reads_only_its_own_event(api_world, make_token, call):
    other = SessionFactory()  # another event's session
    secret = make_token("event:read")
    assert call("GET", f"/sessions/{other.pk}", secret).status_code == 404


def test_too_many_calls_answer_429_with_retry_after(settings, make_token, call):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW_SECONDS = 60
    secret = make_token("event:read")
    answers = [call("GET", "/event", secret).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = call("GET", "/event", secret)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert (
        refused.json()["detail"]
        == f"Too many calls with this token. Try again in {refused['Retry-After']} s."
    )


def test_rate_is_counted_per_token(settings, make_token, call):
    settings.API_RATE_LIMIT = 1
    first, second = make_token("event:read"), make_token("event:read")
    assert [call("GET", "/event", first).status_code, call("GET", "/event", first).status_code] == [200, 429]
    assert call("GET", "/event", second).status_code == 200


def test_lists_come_in_pages(api_world, make_token, call):
    for hour in range(4):
        SessionFactory(event=api_world["event"], title=f"Talk {hour}")
    secret = make_token("event:read")
    page = call("GET", "/sessions?limit=2&offset=1", secret).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (5, 2, 1, 2)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("limit=201", "limit must be from 1 to 200; ask for the next page with offset."),
        ("limit=0", "limit must be from 1 to 200; ask for the next page with offset."),
        ("offset=-1", "offset must be 0 or more."),
    ],
)
def test_page_outside_the_limits_says_what_to_ask(make_token, call, query, detail):
    response = call("GET", f"/sessions?{query}", make_token("event:read"))
    assert (response.status_code, response.json()["detail"]) == (422, detail)


def test_registrations_without_personal_data_are_not_audited(api_world, make_token, call):
    secret = make_token("registrations:read", "registrations:personal")
    item = call("GET", "/registrations", secret).json()["items"][0]
    assert set(item) == {"id", "kind", "status", "institution", "registered_at", "confirmed_at"}
    assert AuditLogEntry.objects.count() == 0


def test_personal_read_is_audited_like_an_export(api_world, make_token, call):
    secret = make_token("registrations:read", "registrations:personal")
    item = call("GET", "/registrations?personal=true", secret).json()["items"][0]
    assert (item["name"], item["email"], item["answers"]) == (
        "Kim Minji",
        "minji@example.org",
        {"city": "Busan"},
    )
    entry = AuditLogEntry.objects.get()
    token = ApiToken.objects.get()
    assert (entry.action, entry.actor, entry.actor_role, entry.rows, entry.subject) == (
        AuditAction.API_PERSONAL_READ,
        api_world["owner"],
        AuditActor.TEAM,
        1,
        "registrations",
    )
    assert entry.details == {"kind": "registrations", "token": token.pk, "token_name": "Sync"}


def test_one_personal_registration_is_audited(api_world, make_token, call):
    secret = make_token("registrations:read", "registrations:personal")
    attendee = api_world["attendee"]
    assert call("GET", f"/registrations/{attendee.pk}?personal=true", secret).json()["name"] == "Kim Minji"
    assert list(AuditLogEntry.objects.values_list("subject", "rows")) == [(f"attendee:{attendee.pk}", 1)]


def test_unknown_status_filter_lists_the_statuses(make_token, call):
    response = call("GET", "/registrations?status=maybe", make_token("registrations:read"))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("status must be one of: ")
