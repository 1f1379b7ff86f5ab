"""Tables laid out on a write-only worksheet, streamed row by row.

openpyxl's write-only mode keeps no cells in memory, but it writes rows in order and
takes column widths only before the first row. So a sheet is described as tables
placed at (top, left) whose rows come from a callable: the rows are read once to
measure every column (so widths fit the longest value, as issue 14 asked) and once more
to write them, tables side by side merged into the same sheet rows.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

WIDTH_MIN, WIDTH_MAX = 8, 60  # characters; longer text wraps in its column
DATE_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")

Rows = Callable[[], Iterable[Sequence[Any]]]


def no_rows() -> Iterable[Sequence[Any]]:
    return ()


@dataclass(frozen=True)
class Table:
    """A bold header (a section title is a one-cell header) and rows under it."""

    top: int
    left: int
    header: Sequence[str]
    rows: Rows = no_rows
    wrapped: frozenset[int] = field(default_factory=frozenset)  # offsets whose text wraps


def cell_value(value: Any) -> Any:
    """What openpyxl can store: naive UTC datetimes, text without control characters."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def shown_length(value: Any) -> int:
    """How many characters a cell shows: a date as DATE_FORMAT, a share as 100%."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return len(f"{value:.0%}")
    if isinstance(value, str) and "\n" not in value:
        return len(value)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(tables: Sequence[Table]) -> dict[int, int]:
    widest: dict[int, int] = {}

    def see(column: int, value: Any) -> None:
        length = shown_length(value)
        if length > widest.get(column, 0):
            widest[column] = length

    for table in tables:
        for offset, title in enumerate(table.header):
            see(table.left + offset, title)
        for values in table.rows():
            for offset, value in enumerate(values):
                see(table.left + offset, cell_value(value))
    return widest


def _cell(ws: WriteOnlyWorksheet, value: Any, wrapped: bool) -> Any:
    """A plain value where openpyxl's defaults are right, else a styled cell."""
    value = cell_value(value)
    if isinstance(value, str):
        if not value.startswith("=") and not wrapped:
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a person's text is never a formula
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = PERCENT_FORMAT  # the only fractions written are shares
    else:
        return value
    if wrapped:
        cell.alignment = WRAPPED
    return cell


def _placed(
    ws: WriteOnlyWorksheet, order: int, table: Table
) -> Iterator[tuple[int, int, list[Any]]]:
    """(sheet row, table order, [(column, cell), ...]) for each row of a table."""
    header = []
    for offset, title in enumerate(table.header):
        cell = WriteOnlyCell(ws, value=title)
        cell.font = BOLD
        header.append((table.left + offset, cell))
    yield table.top, order, header
    for row, values in enumerate(table.rows(), start=table.top + 1):
        yield row, order, [
            (table.left + offset, _cell(ws, value, offset in table.wrapped))
            for offset, value in enumerate(values)
        ]


def write_tables(ws: WriteOnlyWorksheet, tables: Sequence[Table]) -> None:
    """Every table on the sheet, columns as wide as their longest value (within bounds),
    so dates never show as ### and labels are not cut off. Tables must not overlap."""
    for column, length in _widths(tables).items():
        width = min(WIDTH_MAX, max(WIDTH_MIN, length + 2))
        ws.column_dimensions[get_column_letter(column)].width = width
    streams = [_placed(ws, order, table) for order, table in enumerate(tables)]
    merged = heapq.merge(*streams, key=lambda placed: (placed[0], placed[1]))
    current, line = 0, dict[int, Any]()
    for row, _, cells in merged:
        if row != current:
            if current:
                _flush(ws, line)
            for _ in range(current + 1, row):  # rows no table covers
                ws.append([])
            current, line = row, {}
        line.update(cells)
    if current:
        _flush(ws, line)


def _flush(ws: WriteOnlyWorksheet, line: dict[int, Any]) -> None:
    ws.append([line.get(column) for column in range(1, max(line) + 1)])
