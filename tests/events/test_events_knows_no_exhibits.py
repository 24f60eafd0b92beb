"""events never names the exhibition floor (issue 11 item 1): no booth, hall or exhibitor in its
code (identifiers, attribute names, strings that are not docstrings, URL and setting names) or in
its templates' text. What the floor adds reaches events through the registries
(events/registry.py), filled by exhibits/contributions.py.

Comments, docstrings and template comments may describe the seam with examples ("booth:12"):
they are documentation, not knowledge."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

EVENTS = Path(__file__).resolve().parents[2] / "events"
# Any form of the words, also inside identifiers ("booth_id", "is_exhibitor_staff"), but not
# "shall" or "install".
FLOOR_WORDS = re.compile(r"(?<![a-z])(booth|hall|exhibitor)", re.IGNORECASE)
PYTHON = ("*.py",)
TEMPLATES = ("*.html", "*.txt")
# Template comments, kept as newlines so line numbers stay right.
TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)

# (path under events/, the line's text, why it may stay). Migrations are history, not scanned.
# Only prose that describes to a person what happens to them or their data, and one setting's
# name that operators already use; no code decides anything by these words.
ALLOWED: list[tuple[str, str, str]] = [
    (
        "interfaces/registration_forms.py",
        "Show my name to other visitors and exhibitors",
        "consent: the attendee must read exactly who will see their name before they allow it",
    ),
    (
        "templates/events/registration/_privacy_notice.html",
        "Exhibitors see your details only if you choose to share them",
        "the privacy notice must name every recipient of the attendee's data, in one place",
    ),
    (
        "templates/events/organiser/dashboard.html",
        "Deleting the event removes its halls, exhibitors, booths",
        "a warning before deleting for good must say what goes with the event",
    ),
    (
        "templates/events/organiser/event_delete.html",
        "This removes the event with its halls, exhibitors, booths",
        "the confirmation of a deletion that cannot be undone must say what goes with the event",
    ),
    (
        "templates/events/organiser/moderation.html",
        "Booth staff and the team delete messages.",
        "the moderation help tells the organiser who else can delete messages in chat",
    ),
    (
        "templates/events/accounts/signup.html",
        "or staff an exhibitor's booth when you are invited",
        "tells a newcomer what an account is for before they make one",
    ),
    (
        "live/presence/places.py",
        "settings.PRESENCE_BOOTH_CROWD",
        "the operators' setting (README, their environment files) keeps its name; events reads it as "
        "the crowd size of any place that shows its people",
    ),
]


def _docstring_starts(source: str) -> set[tuple[int, int]]:
    """Where each docstring (of the module, a class or a function) begins."""
    starts = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                starts.add((first.lineno, first.col_offset))
    return starts


def python_mentions(source: str) -> list[int]:
    """The lines where code names the floor: names and strings, not comments or docstrings."""
    docstrings = _docstring_starts(source)
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.NAME, tokenize.STRING) or token.start in docstrings:
            continue
        if FLOOR_WORDS.search(token.string):
            lines.update(range(token.start[0], token.end[0] + 1))
    return sorted(lines)


def template_mentions(source: str) -> list[int]:
    """The lines where a template names the floor outside its {# #} and {% comment %} blocks."""
    text = TEMPLATE_COMMENTS.sub(lambda found: "\n" * found.group().count("\n"), source)
    return [number for number, line in enumerate(text.splitlines(), start=1) if FLOOR_WORDS.search(line)]


def floor_mentions() -> list[str]:
    found = []
    for patterns, scan in ((PYTHON, python_mentions), (TEMPLATES, template_mentions)):
        for pattern in patterns:
            for path in sorted(EVENTS.rglob(pattern)):
                relative = path.relative_to(EVENTS).as_posix()
                if relative.startswith("migrations/"):
                    continue
                source = path.read_text(encoding="utf-8")
                lines = source.splitlines()
                for number in scan(source):
                    line = lines[number - 1]
                    if not any(
                        relative == allowed_path and text in line for allowed_path, text, _why in ALLOWED
                    ):
                        found.append(f"events/{relative}:{number}: {line.strip()}")
    return found


def test_events_names_no_booth_hall_or_exhibitor():
    assert floor_mentions() == []


def test_the_scan_finds_the_words_in_any_form():
    words = ["booth_group", "Booths", "HALL", "event.halls", "is_exhibitor_staff", "exhibitors:list"]

    assert [bool(FLOOR_WORDS.search(word)) for word in words] == [True] * len(words)
    assert [bool(FLOOR_WORDS.search(word)) for word in ("shall", "install", "marshal")] == [False] * 3


PYTHON_SAMPLE = '''"""A module docstring may say "booth:12"."""
from django.urls import reverse


def visit(place):
    """A function docstring may show {"room": "booth:12"}."""
    # A comment may name a hall.
    crowd = place.booth_crowd
    label = _("Leave the hall")
    return reverse("floor:booths")


class Seat:
    """A class docstring may name an exhibitor."""

    limit = settings.PRESENCE_BOOTH_CROWD
'''


def test_the_scan_reads_python_code_but_not_comments_or_docstrings():
    # An identifier (8), a string that is not a docstring (9), a URL name (10), a setting (16).
    assert python_mentions(PYTHON_SAMPLE) == [8, 9, 10, 16]


def test_the_scan_reads_template_text_but_not_template_comments():
    template = (
        "{# A comment about booths. #}\n"
        "<p>{% translate 'Enter the hall' %}</p>\n"
        "{% comment %}\nThe exhibitor's part\n{% endcomment %}\n"
        "<a href=\"{% url 'floor:booth' 3 %}\">x</a>\n"
    )

    assert template_mentions(template) == [2, 6]


def test_every_allowed_line_has_a_reason_and_still_exists():
    for path, text, why in ALLOWED:
        assert why.strip(), f"events/{path}: say why {text!r} may stay"
        assert text in (EVENTS / path).read_text(encoding="utf-8"), f"events/{path} no longer has {text!r}"
