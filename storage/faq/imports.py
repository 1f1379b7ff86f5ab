"""Writing a spreadsheet import: many entries at once, holding the database briefly.

SQLite has one writer at a time, and every DM answer writes (it claims the message): a
transaction that inserts 5 000 entries row by row held the lock 2-4 s, and every DM
waited. Even one bulk INSERT spends 100+ ms turning parameters into SQL values under the
lock. So the rows are first staged in a temporary table (private to the connection:
writing it takes no lock on the database), and then, in the same transaction, moved
into `faq_entries` by a few INSERT ... SELECT / UPDATE ... FROM statements that run inside
the database in milliseconds. All or nothing, as before: one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from storage.faq.models import FaqEntry
from storage.faq.queries import (
    EntryValues,
    bump_revision_from,
    follow_explicit_ids,
)

_ENTRIES = FaqEntry.__table__
_STAGED = Table(
    "faq_import_staged",
    MetaData(),
    Column("seq", Integer, primary_key=True, autoincrement=False),  # the file's order
    Column("id", Integer, nullable=True),  # None: a new entry that takes the next id
    Column("existing", Boolean, nullable=False),  # update that entry, else insert
    Column("question", Text, nullable=False),
    Column("alternatives", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("tags", String(400), nullable=False),
    Column("last_edited_by", String(32), nullable=True),
    Column("at", _ENTRIES.c.created_at.type, nullable=False),
    prefixes=["TEMPORARY"],
)
_FIELDS = ("question", "alternatives", "answer", "tags", "last_edited_by")
_IDS_PER_STATEMENT = 500  # older SQLite builds allow 999 bound parameters


def write_import(
    session: Session,
    seen: int | None,
    added: Sequence[tuple[int | None, EntryValues]],
    updated: Sequence[tuple[int, EntryValues]],
    removed: Sequence[int],
    by: str | None,
    now: datetime,
) -> bool:
    """Add, update and remove entries and bump the FAQ's revision, if it is still `seen`;
    False, with nothing written, when the FAQ changed since. With `seen` None the caller
    has bumped the revision in this transaction already."""
    connection = session.connection()
    _STAGED.drop(connection, checkfirst=True)  # a connection reused after a failure
    _STAGED.create(connection)
    rows = [(entry_id, False, fields) for entry_id, fields in added]
    rows += [(entry_id, True, fields) for entry_id, fields in updated]
    if rows:
        connection.execute(insert(_STAGED), [
            {"seq": seq, "id": entry_id, "existing": existing, "question": f.question,
             "alternatives": "\n".join(f.alternatives), "answer": f.answer,
             "tags": ",".join(f.tags), "last_edited_by": by, "at": now}
            for seq, (entry_id, existing, f) in enumerate(rows)
        ])
    # The lock from here on: the revision first, so nothing is written if it moved.
    if seen is not None and not bump_revision_from(session, seen):
        _STAGED.drop(connection)
        return False
    staged = _STAGED.c
    fields = [staged[name] for name in _FIELDS]
    times = [staged.at, staged.at, staged.at]
    columns = [*_FIELDS, "created_at", "updated_at", "verified_at"]
    # Rows with an id first, so new rows without one never take an id the file gives.
    connection.execute(insert(_ENTRIES).from_select(
        ["id", *columns],
        select(staged.id, *fields, *times)
        .where(staged.id.is_not(None), staged.existing.is_(False)).order_by(staged.seq),
    ))
    follow_explicit_ids(session)
    connection.execute(insert(_ENTRIES).from_select(
        columns,
        select(*fields, *times)
        .where(staged.id.is_(None), staged.existing.is_(False)).order_by(staged.seq),
    ))
    connection.execute(
        update(_ENTRIES)
        .where(_ENTRIES.c.id == staged.id, staged.existing.is_(True))
        .values({**{name: staged[name] for name in _FIELDS},
                 "updated_at": staged.at, "verified_at": staged.at})
    )
    for start in range(0, len(removed), _IDS_PER_STATEMENT):
        chunk = list(removed[start : start + _IDS_PER_STATEMENT])
        connection.execute(delete(_ENTRIES).where(_ENTRIES.c.id.in_(chunk)))
    _STAGED.drop(connection)
    return True
