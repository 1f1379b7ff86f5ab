"""What an uploaded .xlsx may cost, checked before openpyxl opens it.

An .xlsx is a zip of XML files. An 80 KB upload can unpack to 60 MB (one long string
compresses about a thousand to one) and kept a worker busy for minutes inside openpyxl.
So any spreadsheet the bot reads goes through `check_xlsx` first: the zip's directory
(member count and declared sizes; Python's zipfile never inflates a member past its
declared size) is read without unpacking anything, then the XML is streamed once to
refuse document type declarations (entity expansion, which no xlsx uses) and cells longer
than Excel itself allows. Every refusal is a `SpreadsheetTooBig` with a sentence a person
can act on.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError, XMLPullParser

MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # a 5 000-entry FAQ is a few MB unpacked
MAX_MEMBERS = 500
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
_CHUNK = 64 * 1024
_HEAD = 2048  # a DOCTYPE can only come before the root element


class SpreadsheetTooBig(ValueError):
    """The file would cost more to read than any real spreadsheet of ours does."""


def check_xlsx(data: bytes) -> None:
    """Raise SpreadsheetTooBig (or zipfile.BadZipFile for a file that is no zip) unless
    `data` is cheap to read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = _listed(archive)
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _check_xml(archive, member)


def unpacked_bytes(data: bytes) -> int:
    """What the file unpacks to, from the zip's directory alone (nothing is inflated);
    raises like `check_xlsx` when the directory is already too much."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(member.file_size for member in _listed(archive))


def _listed(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise SpreadsheetTooBig(f"it holds {len(members)} parts; a spreadsheet has a few")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetTooBig(
            f"it unpacks to {unpacked / 1024 / 1024:.0f} MB; at most "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB can be imported"
        )
    return members


def _check_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    parser = XMLPullParser(events=("end",))
    first = True
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if first and b"<!DOCTYPE" in chunk[:_HEAD].upper():
                raise SpreadsheetTooBig("it declares XML entities, which no spreadsheet needs")
            first = False
            try:  # the pull parser raises a chunk's syntax error from read_events()
                parser.feed(chunk)
                for _event, element in parser.read_events():
                    text = element.text
                    if text is not None and len(text) > MAX_CELL_CHARS:
                        raise SpreadsheetTooBig(
                            f"a cell holds {len(text):,} characters; at most {MAX_CELL_CHARS:,}"
                        )
                    element.clear()  # keep memory flat: nothing is kept after its check
            except ParseError as error:
                raise zipfile.BadZipFile(f"{member.filename} is not XML") from error
