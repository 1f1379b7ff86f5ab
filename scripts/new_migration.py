"""Add an Alembic migration for what the models changed since the newest migration.

Installed clubs have databases at some revision, so a migration, once on main, is never
edited: each schema change is a new revision on top of the head. This migrates an empty
SQLite database to the head, lets Alembic compare it with the models, and writes
`storage/migrations/versions/<NNNN>_<slug>.py` with the next number. Review it (Alembic
cannot see renames) and run the suite: tests/test_migrations.py fails when the models and
the migrations disagree, on SQLite and PostgreSQL.

Usage: python scripts/new_migration.py "what changed"
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from storage import migrate
from storage.db import Database

VERSIONS = migrate.MIGRATIONS / "versions"


def next_number() -> str:
    numbers = [int(match.group(1)) for path in VERSIONS.glob("*.py")
               if (match := re.match(r"(\d{4})_", path.name))]
    return f"{max(numbers, default=0) + 1:04d}"


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        sys.exit('usage: python scripts/new_migration.py "what changed"')
    number = next_number()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'head.db'}")
        migrate.upgrade(database)
        migrate.revision(database, sys.argv[1].strip(), rev_id=number)
        database.dispose()
    for written in VERSIONS.glob(f"{number}_*.py"):
        print(f"wrote {written}")


if __name__ == "__main__":
    main()
