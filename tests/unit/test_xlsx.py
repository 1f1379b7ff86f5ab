"""The FAQ spreadsheet: what is written reads back the same; unreadable files say why."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from bot.faq import xlsx

ROWS = [
    xlsx.SheetRow(1, "How do I join?", ("can I join", "sign me up"), "Just *join* <#C1>.",
                  ("joining",)),
    xlsx.SheetRow(7, "=SUM(A1) is not a formula", (), "Q&A: 5 > 3 & <https://x.example|x>",
                  ()),
]


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_written_rows_read_back_exactly() -> None:
    data = xlsx.write_rows(ROWS)
    raw = xlsx.read_rows(data)
    assert [(r.row, r.id, r.question, r.alternatives, r.answer, r.tags) for r in raw] == [
        (2, "1", "How do I join?", "can I join\nsign me up", "Just *join* <#C1>.", "joining"),
        (3, "7", "=SUM(A1) is not a formula", "", "Q&A: 5 > 3 & <https://x.example|x>", ""),
    ]


def test_columns_may_come_in_any_order_and_blank_rows_are_skipped() -> None:
    data = workbook_bytes([
        ["Answer", "Question", "ID", "tags", "alternatives"],
        [None, None, None, None, None],
        ["Yes.", "Is it open?", 3, "a, b", "open?"],
    ])
    (row,) = xlsx.read_rows(data)
    assert (row.row, row.id, row.question, row.answer, row.tags) == (
        3, "3", "Is it open?", "Yes.", "a, b")


def test_a_missing_column_is_named() -> None:
    data = workbook_bytes([["id", "question", "answer"], [1, "q", "a"]])
    with pytest.raises(xlsx.SpreadsheetError, match="missing: alternatives, tags"):
        xlsx.read_rows(data)


def test_something_that_is_not_xlsx_is_refused() -> None:
    with pytest.raises(xlsx.SpreadsheetError, match=r"not an \.xlsx"):
        xlsx.read_rows(b"id,question\n1,hello\n")


def test_an_empty_sheet_is_refused() -> None:
    with pytest.raises(xlsx.SpreadsheetError, match="empty"):
        xlsx.read_rows(workbook_bytes([]))
