"""An uploaded .xlsx is checked before openpyxl reads it: size unpacked, cells, XML.

An 80 KB file that unpacked to 60 MB kept a worker busy for minutes. The bomb is built
here with zipfile from a real export (no binary in the repository).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import pytest

from bot.emulator.api.files import share_file
from bot.faq import manage as faq_admin
from bot.faq import xlsx
from bot.local import OLIVIA, LocalClub
from storage import spreadsheet

Tables = Callable[[LocalClub], dict[str, list[tuple[object, ...]]]]


def exported(club: LocalClub) -> bytes:
    assert club.db is not None
    data, _ = faq_admin.export_xlsx(club.db, club.clock.now())
    return data


def with_cell_text(data: bytes, text: str, doctype: str = "") -> bytes:
    """The workbook with `text` in a cell of column F (outside the FAQ's columns), and the
    whole file deflated hard."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                if doctype:
                    xml = xml.replace("?>", "?>" + doctype, 1) if "?>" in xml else doctype + xml
                cell = f'<row r="999"><c r="F999" t="inlineStr"><is><t>{text}</t></is></c></row>'
                assert "</sheetData>" in xml
                content = xml.replace("</sheetData>", cell + "</sheetData>").encode()
            target.writestr(member.filename, content)
    return out.getvalue()


def bomb(club: LocalClub) -> bytes:
    return with_cell_text(exported(club), "blogging" * 7_900_000)  # 60 MB (MiB) of text


def send(club: LocalClub, data: bytes) -> str:
    dm = club.dm_channel(OLIVIA.user_id)
    shared = share_file(club.emulator.workspace, OLIVIA.user_id, dm, "faq.xlsx", data)
    club.say(OLIVIA.user_id, "", channel=dm, subtype="file_share", files=[shared])
    return str(club.last_reply(dm)["text"])


def test_an_80_kb_file_that_unpacks_to_60_mb_is_refused_in_under_a_second(
    club: LocalClub, tables: Tables
) -> None:
    data = bomb(club)
    assert len(data) < 200 * 1024
    before = tables(club)
    started = time.monotonic()
    said = send(club, data)
    took = time.monotonic() - started
    assert took < 1.0, took
    assert "Nothing was imported" in said and "too big to import" in said
    assert "unpacks to 60 MB; at most 20 MB" in said
    assert tables(club) == before


def test_a_cell_longer_than_excel_allows_is_refused(club: LocalClub, tables: Tables) -> None:
    before = tables(club)
    said = send(club, with_cell_text(exported(club), "blogging" * 5000))
    assert "a cell holds 40,000 characters; at most 32,767" in said
    assert tables(club) == before


def test_xml_entities_are_refused(club: LocalClub, tables: Tables) -> None:
    before = tables(club)
    doctype = '<!DOCTYPE sst [<!ENTITY lol "lol">]>'
    said = send(club, with_cell_text(exported(club), "&lol;", doctype))
    assert "declares XML entities" in said
    assert tables(club) == before


def test_an_ordinary_export_still_imports_unchanged(club: LocalClub, tables: Tables) -> None:
    before = tables(club)
    said = send(club, exported(club))
    assert "Imported: 0 added, 0 updated" in said
    assert tables(club) == before


# ------------------------------------------------------------------ pure parts


def test_check_xlsx_reads_only_the_directory_for_the_size() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.bin", b"\0" * (spreadsheet.MAX_UNPACKED_BYTES + 1))
    with pytest.raises(spreadsheet.SpreadsheetTooBig, match="unpacks to 20 MB"):
        spreadsheet.check_xlsx(out.getvalue())


def test_a_file_that_is_no_zip_is_not_a_spreadsheet() -> None:
    with pytest.raises(xlsx.SpreadsheetError, match=r"not an \.xlsx"):
        xlsx.read_rows(b"id,question\n1,hello\n")
