"""events never names the exhibition floor (issue 11 item 1): no booth, hall or exhibitor in its
code, strings, URL names or templates. What the floor adds reaches events through the registries
(events/registry.py), filled by exhibits/contributions.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

EVENTS = Path(__file__).resolve().parents[2] / "events"
# Any form of the words, also inside identifiers ("booth_id", "is_exhibitor_staff"), but not
# "shall" or "install".
FLOOR_WORDS = re.compile(r"(?<![a-z])(booth|hall|exhibitor)", re.IGNORECASE)
SCANNED = ("*.py", "*.html", "*.txt")

# (path under events/, the line's text, why it may stay). Migrations are history, not scanned.
ALLOWED: list[tuple[str, str, str]] = []


def floor_mentions() -> list[str]:
    found = []
    for pattern in SCANNED:
        for path in sorted(EVENTS.rglob(pattern)):
            relative = path.relative_to(EVENTS).as_posix()
            if relative.startswith("migrations/"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if FLOOR_WORDS.search(line) and not any(
                    relative == allowed_path and text in line for allowed_path, text, _why in ALLOWED
                ):
                    found.append(f"events/{relative}:{number}: {line.strip()}")
    return found


@pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 11 item 1 is open: the registries are in and the seams the issue names are moved "
        "(chat, rules, privacy, the lobby, the organiser's overview, menu and live view, presence), "
        "but events still names the floor in code other work owns (the API's exhibitor tokens and "
        "lead webhooks, the push shapes, enums, audit, model and form texts, a setting's name) and "
        "in some page prose; strict, so this mark must go the day the list is empty"
    ),
)
def test_events_names_no_booth_hall_or_exhibitor():
    assert floor_mentions() == []


def test_the_scan_finds_the_words_in_any_form():
    words = ["booth_group", "Booths", "HALL", "event.halls", "is_exhibitor_staff", "exhibitors:list"]

    assert [bool(FLOOR_WORDS.search(word)) for word in words] == [True] * len(words)
    assert [bool(FLOOR_WORDS.search(word)) for word in ("shall", "install", "marshal")] == [False] * 3


def test_every_allowed_line_has_a_reason_and_still_exists():
    for path, text, why in ALLOWED:
        assert why.strip(), f"events/{path}: say why {text!r} may stay"
        assert text in (EVENTS / path).read_text(encoding="utf-8"), f"events/{path} no longer has {text!r}"
