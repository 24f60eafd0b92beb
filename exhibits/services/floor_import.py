"""Setting up a floor from a list: exhibitors and their booths, checked row by row, then written
all together or not at all.

`check_floor_plan` says what each row would do (a new booth, one already on the plan, or why it
cannot be placed) without writing; `import_floor_plan` checks again under a lock on the halls and
writes every row or none. A booth already on the plan exactly as its row says is left alone, so
importing the same file twice changes nothing; a row that would move or change one is refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.errors import EventClosed
from events.models import Event, User

from ..errors import FloorImportRefused
from ..models import Booth, Exhibitor, Hall
from .floor_cells import (
    PER_LANGUAGE_COLUMNS,
    hall_name_errors,
    other_language_texts,
    text_errors,
)

logger = logging.getLogger(__name__)

COLUMNS = (
    "hall",
    "number",
    "exhibitor",
    "column",
    "row",
    "width",
    "depth",
    "tagline",
    "website",
    "contact_email",
    "exhibitor_description",
)
REQUIRED_COLUMNS = ("hall", "number", "exhibitor", "column", "row")
_DEFAULT_SIZE = "2"


def floor_columns(languages: list[str]) -> tuple[str, ...]:
    """Every column a file may have for an event in `languages`: the first language's texts in
    the plain columns, then one column per text for each other language."""
    others = tuple(f"{column}_{code}" for code in languages[1:] for column in PER_LANGUAGE_COLUMNS)
    return COLUMNS + others


@dataclass(frozen=True)
class FloorRow:
    """One line of the file as written: every cell a string, `line` its line number in the file."""

    line: int
    hall: str = ""
    number: str = ""
    exhibitor: str = ""
    column: str = ""
    row: str = ""
    width: str = ""
    depth: str = ""
    tagline: str = ""
    website: str = ""
    contact_email: str = ""
    exhibitor_description: str = ""
    extra_cells: int = 0
    # The other languages' cells by column name, {"tagline_ko": "…"}, as written.
    other_languages: dict[str, str] = field(default_factory=dict)

    @property
    def other_language_cells(self) -> list[tuple[str, str, str]]:
        """(column, language code, text) of each filled-in other-language cell, for the preview."""
        return [
            (name, name.rsplit("_", 1)[-1], value.strip())
            for name, value in self.other_languages.items()
            if value.strip()
        ]


class Outcome:
    NEW = "new"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class RowCheck:
    """What importing one row would do, and every reason it cannot, in the reader's language."""

    row: FloorRow
    outcome: str = Outcome.NEW
    errors: list[str] = field(default_factory=list)
    new_exhibitor: bool = False
    booth: Booth | None = None


@dataclass
class FloorCheck:
    rows: list[RowCheck]

    @property
    def refused(self) -> list[RowCheck]:
        return [check for check in self.rows if check.errors]

    @property
    def new_booths(self) -> int:
        return sum(1 for check in self.rows if check.outcome == Outcome.NEW)

    @property
    def unchanged(self) -> int:
        return sum(1 for check in self.rows if check.outcome == Outcome.UNCHANGED)

    @property
    def new_exhibitors(self) -> int:
        return sum(1 for check in self.rows if check.new_exhibitor)


def _whole_number(label: str, value: str, *, least: int, errors: list[str]) -> int | None:
    text = value.strip() or ""
    if text.isascii() and text.isdigit() and int(text) >= least:
        return int(text)
    errors.append(
        _("“%(column)s” must be a whole number of %(least)s or more, not “%(value)s”.")
        % {"column": label, "least": least, "value": text[:20]}
    )
    return None


def _field_errors(error: ValidationError, labels: dict[str, str]) -> list[str]:
    messages = []
    for name, texts in error.message_dict.items():
        label = labels.get(name)
        messages.extend(f"“{label}”: {text}" if label else text for text in texts)
    return messages


class _Floor:
    """The event's floor as the import sees it: halls by name, exhibitors by name, booths by
    number and every taken rectangle per hall, updated as rows are accepted."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.languages = list(event.languages or [])
        self.halls = {hall.name.casefold(): hall for hall in Hall.objects.filter(event=event)}
        self.exhibitors = {ex.name.casefold(): ex for ex in Exhibitor.objects.filter(event=event)}
        booths = list(Booth.objects.filter(event=event).select_related("hall", "exhibitor"))
        self.booths = {booth.number.casefold(): booth for booth in booths}
        self.taken: dict[int, list[Booth]] = {}
        for booth in booths:
            self.taken.setdefault(booth.hall_id, []).append(booth)
        self.numbers_in_file: dict[str, int] = {}
        self.new_exhibitors: dict[str, Exhibitor] = {}


def _check_row(floor: _Floor, row: FloorRow) -> RowCheck:
    check = RowCheck(row)
    errors = check.errors
    labels = {
        "hall": _("hall"),
        "number": _("number"),
        "exhibitor": _("exhibitor"),
        "x": _("column"),
        "y": _("row"),
        "width": _("width"),
        "height": _("depth"),
        "tagline": _("tagline"),
        "website": _("website"),
        "contact_email": _("contact e-mail"),
        "description": _("exhibitor description"),
    }
    if row.extra_cells:
        errors.append(
            _("This line has more cells than the first line has column names. Remove the extra cells.")
        )
    texts = {
        "hall": row.hall.strip(),
        "number": row.number.strip(),
        "exhibitor": row.exhibitor.strip(),
        "tagline": row.tagline.strip(),
        "website": row.website.strip(),
        "contact_email": row.contact_email.strip(),
    }
    for name, value in texts.items():
        errors.extend(text_errors(labels[name], value))
    description = row.exhibitor_description.strip().replace("\r\n", "\n")
    errors.extend(text_errors(labels["description"], description, multi_line=True))
    translations = other_language_texts(row, floor.languages, errors)
    for name in ("hall", "number", "exhibitor"):
        if not texts[name]:
            errors.append(
                _("“%(column)s” is empty. Every booth needs a hall, a number and an exhibitor.")
                % {"column": labels[name]}
            )
    x = _whole_number(labels["x"], row.column, least=0, errors=errors)
    y = _whole_number(labels["y"], row.row, least=0, errors=errors)
    width = _whole_number(labels["width"], row.width.strip() or _DEFAULT_SIZE, least=1, errors=errors)
    height = _whole_number(labels["height"], row.depth.strip() or _DEFAULT_SIZE, least=1, errors=errors)
    if errors:
        check.outcome = Outcome.REFUSED
        return check

    hall = floor.halls.get(texts["hall"].casefold())
    if hall is None:
        errors.append(
            _("This event has no hall called “%(hall)s”. Add it on the Halls page, or correct the name.")
            % {"hall": texts["hall"]}
        )
    else:
        errors.extend(hall_name_errors(hall, translations["hall"]))
    key = texts["exhibitor"].casefold()
    exhibitor = floor.exhibitors.get(key) or floor.new_exhibitors.get(key)
    if exhibitor is None:
        exhibitor = Exhibitor(
            event=floor.event,
            name=texts["exhibitor"],
            name_translations=translations["exhibitor"],
            description=description,
            description_translations=translations["exhibitor_description"],
            website=texts["website"],
            contact_email=texts["contact_email"],
        )
        try:
            exhibitor.clean_fields(exclude=["event", "logo"])
        except ValidationError as error:
            errors.extend(_field_errors(error, labels))
        else:
            check.new_exhibitor = True
    number = texts["number"]
    first_line = floor.numbers_in_file.get(number.casefold())
    if first_line is not None:
        errors.append(
            _(
                "Booth number %(number)s is also on line %(line)s of this file. "
                "Give each booth its own number."
            )
            % {"number": number, "line": first_line}
        )
    if hall is None or errors:
        check.outcome = Outcome.REFUSED
        check.new_exhibitor = False
        return check

    booth = Booth(
        event=floor.event,
        hall=hall,
        exhibitor=exhibitor,
        number=number,
        tagline=texts["tagline"],
        tagline_translations=translations["tagline"],
        x=x,
        y=y,
        width=width,
        height=height,
    )
    existing = floor.booths.get(number.casefold())
    if existing is not None:
        same = (
            existing.hall_id == hall.pk
            and existing.exhibitor_id is not None
            and existing.exhibitor_id == exhibitor.pk
            and (existing.x, existing.y, existing.width, existing.height) == (x, y, width, height)
        )
        if same:
            floor.numbers_in_file[number.casefold()] = row.line
            check.outcome = Outcome.UNCHANGED
            check.booth = existing
            return check
        errors.append(
            _(
                "Booth %(number)s is already on the plan (%(hall)s, column %(column)s, row %(row)s, "
                "%(exhibitor)s). Move or change it on its own page, or give this line another number."
            )
            % {
                "number": existing.number,
                "hall": existing.hall.name,
                "column": existing.x,
                "row": existing.y,
                "exhibitor": existing.exhibitor.name,
            }
        )
    try:
        booth.clean_fields(exclude=["event", "hall", "exhibitor"])
        booth.clean()
    except ValidationError as error:
        errors.extend(_field_errors(error, labels))
    if not errors:
        other = next((each for each in floor.taken.get(hall.pk, []) if booth.overlaps(each)), None)
        if other is not None:
            errors.append(
                _("This spot overlaps booth %(number)s (%(exhibitor)s). Choose free cells on the plan.")
                % {"number": other.number, "exhibitor": other.exhibitor.name}
            )
    if errors:
        check.outcome = Outcome.REFUSED
        check.new_exhibitor = False
        return check
    floor.numbers_in_file[number.casefold()] = row.line
    floor.taken.setdefault(hall.pk, []).append(booth)
    if check.new_exhibitor:
        floor.new_exhibitors[key] = exhibitor
    check.booth = booth
    return check


def check_floor_plan(event: Event, rows: list[FloorRow]) -> FloorCheck:
    """What importing `rows` would do, row by row, writing nothing."""
    floor = _Floor(event)
    return FloorCheck([_check_row(floor, row) for row in rows])


@transaction.atomic
def import_floor_plan(event: Event, rows: list[FloorRow], *, by: User) -> FloorCheck:
    """Write every new exhibitor and booth of `rows`, or nothing: FloorImportRefused (with the
    check) if any row is wrong, EventClosed if the event is."""
    if event.is_closed:
        raise EventClosed(_("This event is closed; its booths can no longer change."))
    # The hall rows are the lock place_booth takes too: no booth lands on a checked cell meanwhile.
    list(Hall.objects.select_for_update().filter(event=event).values_list("pk", flat=True))
    check = check_floor_plan(event, rows)
    refused = len(check.refused)
    if refused:
        raise FloorImportRefused(
            ngettext(
                "%(count)d line cannot be imported, so nothing was imported. Correct it and try again.",
                "%(count)d lines cannot be imported, so nothing was imported. Correct them and try again.",
                refused,
            )
            % {"count": refused},
            check=check,
        )
    new = [each for each in check.rows if each.outcome == Outcome.NEW]
    exhibitors = [each.booth.exhibitor for each in new if each.new_exhibitor]
    Exhibitor.objects.bulk_create(exhibitors)
    # bulk_create reads each booth's exhibitor id from the exhibitor just created.
    booths = [each.booth for each in new]
    Booth.objects.bulk_create(booths)
    logger.info(
        "Floor import for event %s by user %s: %d booths, %d exhibitors",
        event.pk,
        by.pk,
        len(booths),
        len(exhibitors),
    )
    return check
