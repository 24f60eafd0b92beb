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
from ..services.floor_import import COLUMNS, REQUIRED_COLUMNS, FloorRow

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


def floor_csv_template() -> str:
    """The CSV organisers download and fill in: the header and example rows to overwrite."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_TEMPLATE_EXAMPLES)
    return out.getvalue()


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


def read_floor_csv(data: bytes) -> list[FloorRow]:
    """Rows of an uploaded floor-plan CSV, each with its line number; FloorFileError if unreadable."""
    text = decode_floor_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FloorFileError(_("This file is empty. Download the template and fill it in."))
        names = [cell.strip().lower() for cell in header]
        unknown = [name for name in names if name not in COLUMNS]
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if unknown or missing or len(set(names)) != len(names):
            raise FloorFileError(
                _(
                    "The first line must name the columns, as in the template: %(columns)s. "
                    "This file's first line is: %(header)s."
                )
                % {"columns": ", ".join(COLUMNS), "header": ", ".join(header)[:300]}
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
