"""Managing the FAQ: add, edit, remove, list, and the spreadsheet import and export."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot import offload
from bot.faq import xlsx
from bot.faq.fields import EntryFields, split_lines, split_tags, validate_entry
from bot.faq.index import ensure_seeded, index_for
from storage.db import Database
from storage.faq import imports, wordings
from storage.faq import queries as repo
from storage.faq.models import FaqEntry

log = logging.getLogger("clubbot.faq")


@dataclass(frozen=True)
class EntryView:
    id: int
    question: str
    alternatives: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    times_used: int
    helpful_count: int
    not_helpful_count: int
    updated_at: datetime
    last_edited_by: str | None


def fields_of(entry: FaqEntry) -> EntryFields:
    """A stored entry's editable fields, as a form or a spreadsheet row gives them."""
    return EntryFields(
        question=entry.question,
        alternatives=repo.alternatives_of(entry),
        answer=entry.answer,
        tags=repo.tags_of(entry),
    )


def _view(entry: FaqEntry) -> EntryView:
    fields = fields_of(entry)
    return EntryView(
        entry.id, fields.question, fields.alternatives, fields.answer, fields.tags,
        entry.times_used, entry.helpful_count, entry.not_helpful_count, entry.updated_at,
        entry.last_edited_by,
    )


def parse_entry_id(text: str) -> int | None:
    """'12' or '#12' -> 12; anything else -> None."""
    cleaned = text.strip().lstrip("#")
    return int(cleaned) if cleaned.isdigit() and 0 < len(cleaned) < 10 else None


def get_entry(db: Database, entry_id: int, now: datetime) -> EntryView | None:
    ensure_seeded(db, now)
    with db.transaction() as session:
        entry = repo.get_entry(session, entry_id)
        return _view(entry) if entry is not None else None


def list_entries(db: Database, tag: str | None, now: datetime) -> list[EntryView]:
    ensure_seeded(db, now)
    with db.transaction() as session:
        return [_view(entry) for entry in repo.entries_tagged(session, tag)]


def add_entry(db: Database, fields: EntryFields, by: str, now: datetime) -> int:
    ensure_seeded(db, now)
    with db.transaction() as session:
        entry = repo.add_entry(session, fields, by=by, now=now)
        repo.bump_revision(session)
        log.info("FAQ entry added entry=%d by=%s", entry.id, by)
        return entry.id


def edit_entry(
    db: Database, entry_id: int, fields: EntryFields, by: str, now: datetime
) -> bool | None:
    """True when changed, False when nothing differed, None when the entry is gone."""
    with db.transaction() as session:
        entry = repo.get_entry(session, entry_id)
        if entry is None:
            return None
        changed = repo.update_entry(session, entry, fields, by=by, now=now)
        if changed:
            repo.bump_revision(session)
            log.info("FAQ entry edited entry=%d by=%s", entry_id, by)
        return changed


def remove_entry(db: Database, entry_id: int, by: str) -> str | None:
    """The removed entry's question, or None when there was no such entry."""
    with db.transaction() as session:
        entry = repo.get_entry(session, entry_id)
        if entry is None:
            return None
        question = entry.question
        repo.remove_entry(session, entry_id)
        repo.bump_revision(session)
        log.info("FAQ entry removed entry=%d by=%s", entry_id, by)
        return question


# ------------------------------------------------------------------ spreadsheets


def export_xlsx(db: Database, now: datetime, target: str | None = None) -> tuple[bytes, int]:
    entries = list_entries(db, None, now)
    with db.transaction() as session:
        waiting = wordings.waiting_by_entry(session)
    rows = [
        xlsx.SheetRow(e.id, e.question, e.alternatives, e.answer, e.tags,
                      tuple(waiting.get(e.id, ())))
        for e in entries
    ]
    return xlsx.write_rows(rows, target), len(rows)


@dataclass
class ImportReport:
    problems: list[str] = field(default_factory=list)  # "row 4, column answer: ..."
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            count = len(self.problems)
            head = (
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} "
                "to fix first."
            )
            return "\n".join([head, *self.problems])
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed."
            + (" (dry run: nothing was changed)" if self.dry_run else "")
        )


def _check_rows(raw_rows: list[xlsx.RawRow], report: ImportReport) -> list[tuple[int | None,
                                                                                  EntryFields]]:
    checked: list[tuple[int | None, EntryFields]] = []
    seen_ids: dict[int, int] = {}
    seen_questions: dict[str, int] = {}
    for raw in raw_rows:
        entry_id: int | None = None
        if raw.id.strip():
            entry_id = parse_entry_id(raw.id)
            if entry_id is None:
                report.problems.append(
                    f"row {raw.row}, column id: {raw.id.strip()!r} is not an entry number "
                    "(leave it empty for a new entry)"
                )
            elif entry_id in seen_ids:
                report.problems.append(
                    f"row {raw.row}, column id: {entry_id} is also used on row {seen_ids[entry_id]}"
                )
            else:
                seen_ids[entry_id] = raw.row
        fields, errors = validate_entry(
            raw.question, split_lines(raw.alternatives), raw.answer, split_tags(raw.tags)
        )
        for column in xlsx.COLUMNS:
            if column in errors:
                report.problems.append(f"row {raw.row}, column {column}: {errors[column]}")
        if fields is None:
            continue
        key = fields.question.lower()
        if key in seen_questions:
            report.problems.append(
                f"row {raw.row}, column question: the same question is on row "
                f"{seen_questions[key]}"
            )
        seen_questions.setdefault(key, raw.row)
        checked.append((entry_id, fields))
    return checked


# Spreadsheets that unpack to more than this are read, checked and applied in a child
# process (bot.offload): reading costs about 0.4 s of CPU-bound Python per MB (a 5 000-row
# file, 2.4 MB, 1 s) that on a thread of the bot would make every DM wait for the
# interpreter. Smaller ones (up to about 500 rows, 0.1 s) are read here.
IMPORT_INLINE_MAX_UNPACKED = 256 * 1024
# Attempts at planning outside the write before planning inside it (the FAQ kept changing).
PLAN_ATTEMPTS = 3


def import_xlsx(
    db: Database,
    source: bytes | str,
    by: str | None,
    now: datetime,
    *,
    dry_run: bool = False,
    replace: bool = False,
) -> ImportReport:
    """All or nothing: every bad row is reported and then nothing changes.

    Rows with an id update that entry (or create it with that id); rows without one are
    new. `replace` removes entries the file does not list. Unchanged rows stay untouched,
    so exporting and importing again changes nothing.
    """
    report: ImportReport | None = None
    if isinstance(source, bytes) and db.shareable and _costly(source):
        try:
            report = offload.run(import_elsewhere, db.url, source, by, now, dry_run, replace)
        except offload.OffloadError as error:
            if error.started:
                raise
            log.warning("FAQ import read on a thread instead: %s", error)
    if report is None:
        report = _import(db, source, by, now, dry_run=dry_run, replace=replace)
    log.info("FAQ import by=%s %s", by, report.summary())
    if not dry_run and (report.added or report.updated or report.removed):
        index_for(db).changed()  # a large FAQ starts rebuilding now, off the request path
    return report


def _costly(source: bytes) -> bool:
    try:
        return xlsx.unpacked_size(source) > IMPORT_INLINE_MAX_UNPACKED
    except xlsx.SpreadsheetError:
        return False  # refused at once, here, by reading it


def import_elsewhere(
    database_url: str, source: bytes, by: str | None, now: datetime, dry_run: bool,
    replace: bool,
) -> ImportReport:
    """In a child process: the import, into the same database."""
    db = Database(database_url)
    try:
        return _import(db, source, by, now, dry_run=dry_run, replace=replace)
    finally:
        db.dispose()


@dataclass
class _Plan:
    """What an import changes, worked out before anything is written."""

    added: list[tuple[int | None, EntryFields]] = field(default_factory=list)
    updated: list[tuple[int, EntryFields]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    unchanged: int = 0

    def count_into(self, report: ImportReport) -> ImportReport:
        report.added, report.updated = len(self.added), len(self.updated)
        report.removed, report.unchanged = len(self.removed), self.unchanged
        return report

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _plan(
    checked: list[tuple[int | None, EntryFields]],
    stored: dict[int, tuple[str, tuple[str, ...], str, tuple[str, ...]]],
    replace: bool,
) -> _Plan:
    plan = _Plan()
    for entry_id, fields in checked:
        known = stored.get(entry_id) if entry_id is not None else None
        if known is None:
            plan.added.append((entry_id, fields))
        elif EntryFields(*known) == fields:
            plan.unchanged += 1
        else:
            assert entry_id is not None
            plan.updated.append((entry_id, fields))
    if replace:
        listed = {entry_id for entry_id, _ in checked if entry_id is not None}
        plan.removed = [entry_id for entry_id in stored if entry_id not in listed]
    return plan


def _import(
    db: Database, source: bytes | str, by: str | None, now: datetime, *, dry_run: bool,
    replace: bool,
) -> ImportReport:
    """Read, check and plan without holding the database; then write the plan in one short
    transaction of a few bulk statements, if the FAQ has not changed since it was read.
    (SQLite has one writer: a DM answered meanwhile must not wait for the reading.)"""
    report = ImportReport(dry_run=dry_run)
    try:
        raw_rows = xlsx.read_rows(source if isinstance(source, bytes) else str(source))
    except xlsx.SpreadsheetError as error:
        report.problems.append(str(error))
        return report
    checked = _check_rows(raw_rows, report)
    if not report.ok:
        return report
    ensure_seeded(db, now)
    for _ in range(PLAN_ATTEMPTS):
        with db.transaction() as session:
            seen = repo.revision(session)
            plan = _plan(checked, repo.stored_fields(session), replace)
        if dry_run or not plan.changes:
            return plan.count_into(report)
        with db.transaction() as session:
            if imports.write_import(session, seen, plan.added, plan.updated, plan.removed,
                                    by, now):
                return plan.count_into(report)
    with db.transaction() as session:  # the FAQ kept changing: read it under the lock
        repo.bump_revision(session)
        plan = _plan(checked, repo.stored_fields(session), replace)
        imports.write_import(session, None, plan.added, plan.updated, plan.removed, by, now)
    return plan.count_into(report)
