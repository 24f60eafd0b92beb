"""The access-code CSV: formula guard on every cell, and the audit log of each download."""

from __future__ import annotations

import csv
import io
import re

import pytest

from events.enums import AuditAction
from events.models import AuditLogEntry
from events.services.institutions import create_institution

pytestmark = pytest.mark.django_db

BASE = "/organiser/expo/"
SHEET_PAIR = re.compile(r'name="institution" value="(\d+)"><input type="hidden" name="code" value="(\w+)"')


def _download(client, owner, extra_pairs=()):
    client.force_login(owner)
    sheet = client.post(BASE + "institutions/new-codes/")
    pairs = SHEET_PAIR.findall(sheet.content.decode()) + list(extra_pairs)
    response = client.post(
        BASE + "institutions/codes.csv",
        {"institution": [pair[0] for pair in pairs], "code": [pair[1] for pair in pairs]},
    )
    return response, list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("start", ["＝", "＋", "－", "＠", "=", "@"])
def test_codes_csv_guards_full_width_formula_starts(client, event, owner, start):
    create_institution(event, name=start + "HYPERLINK(1)", seats=3, by=owner)

    _response, rows = _download(client, owner)

    assert [row[0] for row in rows] == ["Institution", "'" + start + "HYPERLINK(1)"]


def test_codes_csv_is_written_to_the_audit_log_with_its_rows(client, event, owner):
    create_institution(event, name="KAIST", seats=3, by=owner)
    create_institution(event, name="Yonsei", seats=5, by=owner)

    _response, rows = _download(client, owner, extra_pairs=[("999", "FORGED")])

    assert len(rows) == 3
    entries = list(AuditLogEntry.objects.values_list("action", "actor_label", "subject", "rows", "details"))
    assert entries == [
        (
            AuditAction.ACCESS_CODES_EXPORTED,
            "owner@example.org",
            "access_codes",
            2,
            {"kind": "access_codes_csv"},
        )
    ]
