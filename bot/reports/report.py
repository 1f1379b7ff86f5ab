"""The organisers' report: one read-only transaction over every feature, as an xlsx file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.reports import queries as repo
from storage.reports.queries import ClubReport
from storage.reports.xlsx import workbook_bytes


@dataclass(frozen=True)
class ReportFile:
    filename: str
    title: str
    content: bytes
    summary: str


def summary_of(report: ClubReport) -> str:
    counts = report.question_counts
    return (
        f"{counts.asked} questions ({counts.unanswered} unanswered), "
        f"{len(report.faq_usage)} FAQ entries, {len(report.pairings)} pairings "
        f"({report.pairing_counts.get('waiting', 0)} requests waiting), "
        f"{len(report.attendance)} meetings with attendance, "
        f"{sum(report.nudges_by_kind.values())} nudges, "
        f"{sum(k.received for k in report.kudos)} kudos"
    )


def build_report(db: Database, now: datetime) -> ReportFile:
    """One read-only transaction; the questions stream into the workbook inside it."""
    with db.transaction() as session:
        report = repo.club_report(session, now)
        content = workbook_bytes(report)
    return ReportFile(
        filename=f"club-report-{now:%Y-%m-%d}.xlsx",
        title=f"Social media club report, {now:%Y-%m-%d}",
        content=content,
        summary=summary_of(report),
    )
