"""Alembic environment: runs against the connection `storage.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.schema import Base

target_metadata = Base.metadata


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Tables we do not model (APScheduler's job store) are not Alembic's to drop.
    return not (type_ == "table" and reflected and compare_to is None)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `clubbot db upgrade` (storage.migrate)")
_run(connection)
