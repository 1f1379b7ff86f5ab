"""The FAQ as a spreadsheet (openpyxl): columns id, question, alternatives, answer, tags.

Alternatives are one per line inside their cell; tags are comma-separated. Reading only
parses cells into raw rows and reports what is unreadable; validating the content is
the import service's job.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from bot.edge.text import strip_controls
from storage.spreadsheet import SpreadsheetTooBig, check_xlsx, unpacked_bytes

COLUMNS = ("id", "question", "alternatives", "answer", "tags")
SHEET_TITLE = "FAQ"
MAX_ROWS = 5000


class SpreadsheetError(ValueError):
    """The file is not an FAQ spreadsheet at all (not xlsx, no header, ...)."""


@dataclass(frozen=True)
class RawRow:
    row: int  # the spreadsheet's row number, as people see it (header is row 1)
    id: str
    question: str
    alternatives: str
    answer: str
    tags: str


@dataclass(frozen=True)
class SheetRow:
    id: int
    question: str
    alternatives: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    # Learned wordings still waiting for an editor: shown, never imported (review them
    # with /club faq learned).
    waiting: tuple[str, ...] = ()


# The export's extra column; import ignores columns it does not know.
WAITING_COLUMN = "waiting wordings (not used until approved)"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return strip_controls(str(value))  # NUL fails on PostgreSQL; no cell means one


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except SpreadsheetTooBig as error:
        raise SpreadsheetError(f"this file is too big to import: {error}") from error
    except zipfile.BadZipFile as error:
        raise SpreadsheetError("this is not an .xlsx spreadsheet") from error


def unpacked_size(data: bytes) -> int:
    """How much XML the file holds, read from its zip directory alone (cheap): what
    reading it will cost. SpreadsheetError when that already rules it out."""
    with _refusals():
        return unpacked_bytes(data)


def read_rows(source: bytes | str | Path) -> list[RawRow]:
    """Rows of the first sheet under a header naming the five columns (any order)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with _refusals():
        check_xlsx(data)  # before openpyxl: an 80 KB file may unpack to 60 MB
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise SpreadsheetError("this is not an .xlsx spreadsheet") from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SpreadsheetError("the first sheet is empty; row 1 must name the columns")
        names = [_cell_text(cell).strip().lower() for cell in header]
        missing = [column for column in COLUMNS if column not in names]
        if missing:
            raise SpreadsheetError(
                "row 1 must name the columns " + ", ".join(COLUMNS)
                + f"; missing: {', '.join(missing)}"
            )
        where = {column: names.index(column) for column in COLUMNS}
        found: list[RawRow] = []
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(values[i]) if i < len(values) else "" for i in where.values()]
            if not any(cell.strip() for cell in cells):
                continue  # blank rows are allowed anywhere
            if len(found) >= MAX_ROWS:
                raise SpreadsheetError(f"more than {MAX_ROWS} entries; split the file")
            found.append(RawRow(number, *cells))
        return found
    finally:
        workbook.close()


def write_rows(rows: Iterable[SheetRow], target: str | Path | None = None) -> bytes:
    """Write the FAQ sheet; returns the file's bytes (and saves it when `target` is given)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([*COLUMNS, WAITING_COLUMN])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(
            [row.id, row.question, "\n".join(row.alternatives), row.answer, ", ".join(row.tags),
             "\n".join(row.waiting)]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    for letter, width in zip("ABCDEF", (6, 45, 50, 80, 20, 45), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if target is not None:
        Path(target).write_bytes(data)
    return data
