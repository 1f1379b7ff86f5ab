"""Regenerate the initial Alembic migration from the models.

Until clubbot's first release there is one migration, 0001, made from the
models; run this after changing a model. After the first release, add new
revisions with `alembic revision --autogenerate` instead (see README).

Usage: python scripts/regenerate_migration.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from storage import migrate
from storage.db import Database

VERSIONS = migrate.MIGRATIONS / "versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'empty.db'}")
        migrate.revision(database, "initial schema", rev_id="0001")
        database.dispose()
    for new in VERSIONS.glob("0001_*.py"):
        # A fixed date keeps regenerations diff-free when nothing changed.
        lines = [
            "Create Date: (regenerated from the models)" if line.startswith("Create Date:")
            else line
            for line in new.read_text().splitlines()
        ]
        new.write_text("\n".join(lines) + "\n")
        print(f"wrote {new}")


if __name__ == "__main__":
    main()
