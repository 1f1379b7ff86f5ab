"""Mass sends and their progress line: which batches exist, and how far each has got."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.delivery.models import FINAL, SENT, Delivery, DeliveryBatch


def exists(session: Session, batch: str) -> bool:
    return session.get(DeliveryBatch, batch) is not None


def add_once(session: Session, row: DeliveryBatch) -> bool:
    """Insert unless the batch exists (also when another replica wins the race)."""
    if exists(session, row.batch):
        return False
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def open_lines(session: Session) -> list[DeliveryBatch]:
    """Batches whose progress line is posted and not yet final."""
    query = select(DeliveryBatch).where(
        DeliveryBatch.ts.is_not(None), DeliveryBatch.finished_at.is_(None)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Progress:
    total: int
    delivered: int
    settled: int  # rows with a final status: delivered, failed, expired or skipped


def progress(session: Session, batch: str) -> Progress:
    row = session.execute(
        select(
            func.count(),
            func.sum(case((Delivery.status == SENT, 1), else_=0)),
            func.sum(case((Delivery.status.in_(FINAL), 1), else_=0)),
        ).where(Delivery.batch == batch)
    ).one()
    return Progress(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
