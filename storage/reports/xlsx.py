"""The organisers' report as an xlsx workbook (openpyxl), one sheet per area, each with a chart.

Sheets: Questions (unanswered first), FAQ usage, Pairings, Meetings, Nudges and kudos,
Campaigns.
Each chart reads a small summary table on its own sheet. Summary tables always have
their rows (zeros included), so an empty club still gives a valid workbook whose charts
draw nothing rather than break. The workbook is write-only (storage/reports/sheet_layout.py):
rows stream out as they are read, so 100 000 questions never sit in memory as cells.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from storage.reports.queries import ClubReport
from storage.reports.sheet_layout import Table, cell_value, write_tables

SHEETS = ("Questions", "FAQ usage", "Pairings", "Meetings", "Nudges and kudos", "Campaigns")
QUESTION_COLUMNS = (
    "Asked (UTC)", "Asker", "Name", "Via", "Status", "Question", "FAQ entry given",
    "Answered by", "Answered at (UTC)",
)
FAQ_COLUMNS = (
    "Entry id", "Question", "Times used", "Helpful", "Not helpful", "Helpful share",
)
PAIRING_COLUMNS = (
    "Mentor", "Mentor name", "Mentee", "Mentee name", "Status", "Started (UTC)",
    "Ended (UTC)", "Met", "End reason",
)
ATTENDANCE_COLUMNS = ("Meeting id", "Meeting", "Occurrence (UTC)", "Attended")
RSVP_COLUMNS = ("Meeting id", "Meeting", "Status", "Going", "Maybe", "Can't")
KUDOS_COLUMNS = ("Person", "Name", "Kudos received", "Kudos given")
CAMPAIGN_COLUMNS = (
    "Campaign id", "Title", "Status", "Launch (UTC)", "Closes (UTC)", "Invited", "Joined",
    "Declined", "Posted", "External posts", "Practice posts", "Minutes to first post",
)
FAQ_CHART_TOP = 15  # the chart shows the most used entries; the table has them all
CHART_WIDTH, CHART_HEIGHT = 18, 9


# What people read instead of the stored state names.
STATUS_LABELS = {
    "answered": "answered by the FAQ",
    "mentor_answered": "answered by a mentor",
    "escalated": "with the mentors",
    "unknown": "not answered",
    "silent": "left alone (channel chatter)",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " "))


def _share(part: int, whole: int) -> float | str:
    return part / whole if whole else ""


def _count_axis(chart: Any, largest: int) -> None:
    """A value axis that counts: from 0, whole-number ticks, a little room at the top."""
    step = max(1, math.ceil(largest / 5))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = step * (math.ceil(max(largest, 1) / step) + (largest > 0))
    chart.y_axis.majorUnit = step
    chart.y_axis.number_format = "0"
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False  # some readers hide axes unless told


def _data_rows(top: int, last: int) -> int:
    """The last row a chart reads: at least one row under the header, even when empty."""
    return max(last, top + 1)


def _label_categories(chart: Any, ws: WriteOnlyWorksheet, column: int, top: int, last: int) -> None:
    """Categories read as text (Excel and LibreOffice show numbers for a numeric ref)."""
    ref = Reference(ws, min_col=column, min_row=top, max_row=last)
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def _place(ws: WriteOnlyWorksheet, chart: Any, anchor: str) -> None:
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    ws.add_chart(chart, anchor)


def _name(report: ClubReport, user_id: str | None) -> str:
    return report.names.get(user_id or "", "") if user_id else ""



def _summary_chart(
    ws: WriteOnlyWorksheet, chart: Any, summary: Table, counts: Sequence[int], anchor: str
) -> None:
    """Chart a summary table: labels in its first column, counts beside them."""
    top, left = summary.top, summary.left
    last = _data_rows(top, top + len(counts))
    if not isinstance(chart, PieChart):
        _count_axis(chart, max(counts, default=0))
        chart.legend = None  # one series, named by the chart's title
    values = Reference(ws, min_col=left + 1, min_row=top, max_row=last)
    chart.add_data(values, titles_from_data=True)
    _label_categories(chart, ws, left, top + 1, last)
    _place(ws, chart, anchor)


def _listed(rows: Sequence[Sequence[Any]]) -> Any:
    """Rows already in memory (a small table), read as often as the layout needs."""
    return lambda: rows


# --- sheets -----------------------------------------------------------------------------------


def _questions(ws: WriteOnlyWorksheet, report: ClubReport) -> None:
    def rows() -> Any:
        return (
            (
                q.asked_at, q.asker, _name(report, q.asker), q.via, status_label(q.status),
                q.text, q.faq_entry or "", q.answered_by or "", q.answered_at,
            )
            for q in report.questions()
        )

    ws.freeze_panes = "A2"
    # Beside the questions: the count by state, with each state's share, and a pie chart.
    total = sum(report.question_states.values())
    summary = Table(1, 11, ("Status", "Questions", "Share"), _listed([
        (status_label(state), n, _share(n, total)) for state, n in report.question_states.items()
    ]))  # fmt: skip
    write_tables(ws, [Table(1, 1, QUESTION_COLUMNS, rows, wrapped=frozenset({5})), summary])
    chart = PieChart()
    chart.title = "Questions by state"
    _summary_chart(ws, chart, summary, list(report.question_states.values()), "K8")


def _faq_usage(ws: WriteOnlyWorksheet, report: ClubReport) -> None:
    rows = [
        (e.id, e.question, e.times_used, e.helpful, e.not_helpful,
         _share(e.helpful, e.helpful + e.not_helpful))
        for e in report.faq_usage
    ]  # fmt: skip
    ws.freeze_panes = "A2"
    write_tables(ws, [Table(1, 1, FAQ_COLUMNS, _listed(rows))])
    # The chart: the most used entries (sorted first), by their question; unused ones
    # would only be rows of nothing.
    used = [e for e in report.faq_usage if e.times_used > 0][:FAQ_CHART_TOP]
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Most used FAQ entries" if used else "Most used FAQ entries (none used yet)"
    chart.y_axis.title = "Times"
    top_row = _data_rows(1, 1 + len(used))
    chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=1, max_row=top_row),
                   titles_from_data=True)
    _label_categories(chart, ws, 2, 2, top_row)
    chart.x_axis.scaling.orientation = "maxMin"  # the most used on top, as in the table
    chart.legend.position = "b"
    _count_axis(chart, max((e.times_used for e in used), default=0))
    _place(ws, chart, "H2")


def _pairings(ws: WriteOnlyWorksheet, report: ClubReport) -> None:
    rows = [
        (
            p.mentor_id, _name(report, p.mentor_id), p.mentee_id, _name(report, p.mentee_id),
            p.status, p.started_at, p.ended_at, "yes" if p.met else "no", p.end_reason or "",
        )
        for p in report.pairings
    ]
    waiting = [
        (r.mentee_id, _name(report, r.mentee_id), r.since, ", ".join(r.topics))
        for r in report.requests_waiting
    ]
    waiting_top = 1 + len(rows) + 3
    labels = {"waiting": "Requests waiting", "active": "Active pairings", "ended": "Ended pairings"}
    counts = [report.pairing_counts.get(k, 0) for k in labels]
    summary_rows = list(zip(labels.values(), counts, strict=True))
    summary = Table(1, 11, ("Mentoring", "Count"), _listed(summary_rows))
    ws.freeze_panes = "A2"
    write_tables(ws, [
        Table(1, 1, PAIRING_COLUMNS, _listed(rows)),
        Table(waiting_top - 1, 1, ("Waiting for a mentor",)),
        Table(waiting_top, 1, ("Mentee", "Name", "Waiting since (UTC)", "Topics"),
              _listed(waiting)),
        summary,
    ])  # fmt: skip
    chart = BarChart()
    chart.title = "Mentoring"
    _summary_chart(ws, chart, summary, counts, "K7")


def _meetings(ws: WriteOnlyWorksheet, report: ClubReport) -> None:
    rows = [(a.meeting_id, a.title, a.occurrence_at, a.attended) for a in report.attendance]
    rsvps = [(m.meeting_id, m.title, m.status, m.going, m.maybe, m.no) for m in report.rsvps]
    write_tables(ws, [
        Table(1, 1, ATTENDANCE_COLUMNS, _listed(rows)),
        Table(1, 6, RSVP_COLUMNS, _listed(rsvps)),
    ])  # fmt: skip
    chart = LineChart()
    chart.title = "Attendance per meeting"
    chart.y_axis.title = "People"
    data_end = _data_rows(1, 1 + len(rows))
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=data_end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=3, min_row=2, max_row=data_end))
    chart.legend = None
    _count_axis(chart, max((a.attended for a in report.attendance), default=0))
    _place(ws, chart, "M2")


def _encouragement(ws: WriteOnlyWorksheet, report: ClubReport) -> None:
    kinds = [(kind.replace("_", " "), n) for kind, n in report.nudges_by_kind.items()]
    summary = Table(1, 1, ("Nudge kind", "Sent"), _listed(kinds))
    counters_top = 1 + len(kinds) + 3
    counters = sorted((name.replace("_", " "), n) for name, n in report.counters.items())
    kudos_top = counters_top + len(counters) + 3
    kudos = [(k.user_id, _name(report, k.user_id), k.received, k.given) for k in report.kudos]
    write_tables(ws, [
        summary,
        Table(counters_top - 1, 1, ("Running totals (kept after forget me)",)),
        Table(counters_top, 1, ("Counter", "Value"), _listed(counters)),
        Table(kudos_top - 1, 1, ("Kudos",)),
        Table(kudos_top, 1, KUDOS_COLUMNS, _listed(kudos)),
    ])  # fmt: skip
    chart = BarChart()
    chart.title = "Nudges sent by kind"
    _summary_chart(ws, chart, summary, [n for _, n in kinds], "K2")


def _campaigns(ws: WriteOnlyWorksheet, report: ClubReport) -> None:
    rows = [
        (
            c.campaign_id, c.title, c.status, c.launch_at, c.closes_at, c.invited, c.joined,
            c.declined, c.posted, c.external_posts, c.practice_posts,
            "" if c.minutes_to_first_post is None else c.minutes_to_first_post,
        )
        for c in report.campaigns
    ]
    ws.freeze_panes = "A2"
    write_tables(ws, [Table(1, 1, CAMPAIGN_COLUMNS, _listed(rows))])
    chart = BarChart()
    chart.title = "Invited, joined and posted per campaign"
    data_end = _data_rows(1, 1 + len(rows))
    for column in (6, 7, 9):  # Invited, Joined, Posted
        chart.add_data(Reference(ws, min_col=column, min_row=1, max_row=data_end),
                       titles_from_data=True)
    _label_categories(chart, ws, 2, 2, data_end)
    chart.legend.position = "b"
    _count_axis(chart, max((max(c.invited, c.joined, c.posted) for c in report.campaigns),
                           default=0))
    _place(ws, chart, "N2")


def write_workbook(report: ClubReport, out: Any) -> None:
    """Stream the workbook to `out` (a path or a binary file); call it inside the
    transaction `report` was read in, since its questions are read as it writes."""
    workbook = Workbook(write_only=True)
    fills = (_questions, _faq_usage, _pairings, _meetings, _encouragement, _campaigns)
    for title, fill in zip(SHEETS, fills, strict=True):
        fill(workbook.create_sheet(title), report)
    workbook.properties.title = "Social media club report"
    workbook.properties.created = cell_value(report.generated_at)
    workbook.save(out)


def workbook_bytes(report: ClubReport) -> bytes:
    buffer = io.BytesIO()
    write_workbook(report, buffer)
    return buffer.getvalue()
