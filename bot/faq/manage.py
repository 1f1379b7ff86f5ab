"""Managing the FAQ: add, edit, remove, list, and the spreadsheet import and export."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.faq import xlsx
from bot.faq.fields import EntryFields, split_lines, split_tags, validate_entry
from bot.faq.index import ensure_seeded, index_for
from storage.db import Database
from storage.faq import queries as repo
from storage.faq import wordings
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
    with db.transaction() as session:
        existing = {entry.id: entry for entry in repo.all_entries(session)}
        listed = {entry_id for entry_id, _ in checked if entry_id is not None}
        # Rows with ids first, so new rows without one never take an id the file uses.
        ordered = sorted(checked, key=lambda row: row[0] is None)
        for position, (entry_id, fields) in enumerate(ordered):
            if entry_id is None and (position == 0 or ordered[position - 1][0] is not None):
                repo.follow_explicit_ids(session)
            entry = existing.get(entry_id) if entry_id is not None else None
            if entry is None:
                report.added += 1
                if not dry_run:
                    repo.add_entry(session, fields, by=by, now=now, entry_id=entry_id)
            elif fields_of(entry) == fields:
                report.unchanged += 1
            else:
                report.updated += 1
                if not dry_run:
                    repo.update_entry(session, entry, fields, by=by, now=now)
        repo.follow_explicit_ids(session)
        if replace:
            for entry_id in existing:
                if entry_id not in listed:
                    report.removed += 1
                    if not dry_run:
                        repo.remove_entry(session, entry_id)
        if not dry_run and (report.added or report.updated or report.removed):
            repo.bump_revision(session)
    log.info("FAQ import by=%s %s", by, report.summary())
    if not dry_run and (report.added or report.updated or report.removed):
        index_for(db).changed()  # a large FAQ starts rebuilding now, off the request path
    return report
