"""The floor-plan CSV: reading an uploaded file into rows, and the template organisers fill in.

Reading checks only the file (size, encoding, header, row count); what each row means is checked
by services.floor_import, which also never trusts that this ran.
"""

from __future__ import annotations

import codecs
import csv
import io

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import FloorFileError
from ..services.floor_cells import PER_LANGUAGE_COLUMNS, language_label
from ..services.floor_import import COLUMNS, REQUIRED_COLUMNS, FloorRow, floor_columns

# Two example lines: one exhibitor with two booths, and a Korean name to show UTF-8 is expected.
_TEMPLATE_EXAMPLES = [
    [
        "Main Hall",
        "A-1",
        "Parcel Robots Ltd",
        "0",
        "0",
        "2",
        "2",
        "Robots that sort parcels.",
        "https://example.org",
        "booth@example.org",
        "",
    ],
    ["Main Hall", "A-2", "Parcel Robots Ltd", "2", "0", "2", "2", "", "", "", ""],
    ["Main Hall", "B-1", "한빛 소프트", "5", "0", "3", "2", "", "", "", ""],
]


# The first example line in another language, by column: an organiser sees where each text goes.
_OTHER_LANGUAGE_EXAMPLE = {
    "hall": "",
    "exhibitor": "Parcel Robots Ltd ({language})",
    "tagline": "Robots that sort parcels ({language})",
    "exhibitor_description": "",
}


def floor_csv_template(languages: list[str]) -> str:
    """The CSV organisers download and fill in: the header (with a column per text for each of
    the event's other languages) and example rows to overwrite."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(floor_columns(languages))
    for index, example in enumerate(_TEMPLATE_EXAMPLES):
        others = [
            _OTHER_LANGUAGE_EXAMPLE[column].format(language=code) if index == 0 else ""
            for code in languages[1:]
            for column in PER_LANGUAGE_COLUMNS
        ]
        writer.writerow(example + others)
    return out.getvalue()


def _language_column_error(name: str, languages: list[str]) -> FloorFileError | None:
    """A clear refusal for a column such as tagline_fr when the event has no French."""
    for column in sorted(PER_LANGUAGE_COLUMNS, key=len, reverse=True):
        code = name.removeprefix(f"{column}_")
        if code == name or not code.replace("-", "").isalpha() or len(code) > 7:
            continue
        values = {"column": name, "language": language_label(code), "base": column}
        if languages and code == languages[0]:
            return FloorFileError(
                _(
                    "The column “%(column)s” is for %(language)s, the event's first language, whose "
                    "texts go in “%(base)s”. Rename the column to “%(base)s” or remove it."
                )
                % values
            )
        return FloorFileError(
            _(
                "The column “%(column)s” is for %(language)s, which is not one of this event's "
                "languages (%(languages)s). Remove the column, or add the language in the event's "
                "settings first."
            )
            % {**values, "languages": ", ".join(language_label(each) for each in languages)}
        )
    return None


def check_floor_file_size(size: int) -> None:
    """Refuse a file over the limit before reading it."""
    limit = settings.FLOOR_IMPORT_MAX_BYTES
    if size > limit:
        raise FloorFileError(
            _(
                "This file is %(size)s KB; at most %(limit)s KB can be imported at once. "
                "Split it into several files."
            )
            % {"size": -(-size // 1024), "limit": limit // 1024}
        )


def decode_floor_csv(data: bytes) -> str:
    """The file's text: UTF-8, with or without the byte-order mark spreadsheets write."""
    check_floor_file_size(len(data))
    not_utf8 = FloorFileError(
        _(
            "This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma "
            "delimited)” and upload it again."
        )
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise not_utf8  # "Unicode text" from a spreadsheet: right idea, other encoding
    if b"\x00" in data:
        raise FloorFileError(_("This file is not a CSV text file. Download the template and fill it in."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8 from None


def read_floor_csv(data: bytes, *, languages: list[str]) -> list[FloorRow]:
    """Rows of an uploaded floor-plan CSV for an event in `languages`, each with its line number;
    FloorFileError if unreadable."""
    columns = floor_columns(languages)
    text = decode_floor_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FloorFileError(_("This file is empty. Download the template and fill it in."))
        names = [cell.strip().lower() for cell in header]
        unknown = [name for name in names if name not in columns]
        for name in unknown:
            if (error := _language_column_error(name, languages)) is not None:
                raise error
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if unknown or missing or len(set(names)) != len(names):
            raise FloorFileError(
                _(
                    "The first line must name the columns, as in the template: %(columns)s. "
                    "This file's first line is: %(header)s."
                )
                % {"columns": ", ".join(columns), "header": ", ".join(header)[:300]}
            )
        rows: list[FloorRow] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line between blocks, as spreadsheets leave them
            if len(rows) >= settings.FLOOR_IMPORT_MAX_ROWS:
                raise FloorFileError(
                    _("This file has more than %(limit)s booths. Split it into several files.")
                    % {"limit": settings.FLOOR_IMPORT_MAX_ROWS}
                )
            values = dict(zip(names, cells, strict=False))
            rows.append(
                FloorRow(
                    line=reader.line_num,
                    extra_cells=max(0, len(cells) - len(names)),
                    other_languages={name: values.get(name, "") for name in names if name not in COLUMNS},
                    **{name: values.get(name, "") for name in COLUMNS},
                )
            )
    except csv.Error as error:
        raise FloorFileError(
            _("Line %(line)s of this file is not valid CSV (%(problem)s). Correct it in your spreadsheet.")
            % {"line": reader.line_num, "problem": error}
        ) from None
    if not rows:
        raise FloorFileError(_("This file has a header but no booths. Add one line per booth."))
    return rows
