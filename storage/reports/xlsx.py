"""The organisers' report as an xlsx workbook (openpyxl), one sheet per area, each with a chart.

Sheets: Questions (unanswered first), FAQ usage, Pairings, Meetings, Nudges and kudos,
Campaigns.
Each chart reads a small summary table on its own sheet. Summary tables always have
their rows (zeros included), so an empty club still gives a valid workbook whose charts
draw nothing rather than break.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from storage.reports.queries import ClubReport

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


def _cell_value(value: Any) -> Any:
    """What openpyxl can store: naive UTC datetimes, text without control characters."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _put(ws: Worksheet, row: int, column: int, value: Any) -> None:
    cell = ws.cell(row=row, column=column, value=_cell_value(value))
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # a person's text is never a formula
    if isinstance(cell.value, datetime):
        cell.number_format = DATE_FORMAT
    if isinstance(cell.value, float):
        cell.number_format = PERCENT_FORMAT  # the only fractions written are shares


def _table(
    ws: Worksheet, top: int, left: int, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write a header and rows from (top, left); returns the last row written."""
    for offset, title in enumerate(header):
        ws.cell(row=top, column=left + offset, value=title).font = Font(bold=True)
    last = top
    for last, values in enumerate(rows, start=top + 1):
        for offset, value in enumerate(values):
            _put(ws, last, left + offset, value)
    return last


# What people read instead of the stored state names.
STATUS_LABELS = {
    "answered": "answered by the FAQ",
    "mentor_answered": "answered by a mentor",
    "escalated": "with the mentors",
    "unknown": "not answered",
    "silent": "left alone (channel chatter)",
}
WIDTH_MIN, WIDTH_MAX = 8, 60  # characters; longer text wraps in its column
DATE_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " "))


def _shown_length(value: Any) -> int:
    """How many characters a cell shows: a date as DATE_FORMAT, a share as 100%."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return len(f"{value:.0%}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _fit_columns(ws: Worksheet) -> None:
    """Every column as wide as its longest value (header included), within bounds, so
    dates never show as ### and labels are not cut off."""
    widest: dict[str, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            letter = getattr(cell, "column_letter", None)
            if letter is not None:
                widest[letter] = max(widest.get(letter, 0), _shown_length(cell.value))
    for letter, length in widest.items():
        ws.column_dimensions[letter].width = min(WIDTH_MAX, max(WIDTH_MIN, length + 2))


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


def _label_categories(chart: Any, ws: Worksheet, column: int, top: int, last: int) -> None:
    """Categories read as text (Excel and LibreOffice show numbers for a numeric ref)."""
    ref = Reference(ws, min_col=column, min_row=top, max_row=last)
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def _place(ws: Worksheet, chart: Any, anchor: str) -> None:
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    ws.add_chart(chart, anchor)


def _summary_chart(ws: Worksheet, chart: Any, left: int, top: int, last: int, anchor: str) -> None:
    """Chart a summary table: labels in `left`, counts beside them."""
    last = _data_rows(top, last)
    if not isinstance(chart, PieChart):
        counts = [ws.cell(row=r, column=left + 1).value for r in range(top + 1, last + 1)]
        _count_axis(chart, max((int(c) for c in counts if isinstance(c, int)), default=0))
        chart.legend = None  # one series, named by the chart's title
    values = Reference(ws, min_col=left + 1, min_row=top, max_row=last)
    chart.add_data(values, titles_from_data=True)
    _label_categories(chart, ws, left, top + 1, last)
    _place(ws, chart, anchor)


def _name(report: ClubReport, user_id: str | None) -> str:
    return report.names.get(user_id or "", "") if user_id else ""


# --- sheets -----------------------------------------------------------------------------------


def _questions(ws: Worksheet, report: ClubReport) -> None:
    rows = (
        (
            q.asked_at, q.asker, _name(report, q.asker), q.via, status_label(q.status), q.text,
            q.faq_entry or "", q.answered_by or "", q.answered_at,
        )
        for q in report.questions
    )
    _table(ws, 1, 1, QUESTION_COLUMNS, rows)
    ws.freeze_panes = "A2"
    for (cell,) in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    # Summary by state, with each state's share, and a pie chart.
    top, left = 1, 11
    total = sum(report.question_states.values())
    summary = (
        (status_label(state), n, _share(n, total)) for state, n in report.question_states.items()
    )
    last = _table(ws, top, left, ("Status", "Questions", "Share"), summary)
    chart = PieChart()
    chart.title = "Questions by state"
    _summary_chart(ws, chart, left, top, last, "K8")
    _fit_columns(ws)


def _faq_usage(ws: Worksheet, report: ClubReport) -> None:
    rows = (
        (e.id, e.question, e.times_used, e.helpful, e.not_helpful,
         _share(e.helpful, e.helpful + e.not_helpful))
        for e in report.faq_usage
    )  # fmt: skip
    _table(ws, 1, 1, FAQ_COLUMNS, rows)
    ws.freeze_panes = "A2"
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
    _fit_columns(ws)


def _pairings(ws: Worksheet, report: ClubReport) -> None:
    rows = (
        (
            p.mentor_id, _name(report, p.mentor_id), p.mentee_id, _name(report, p.mentee_id),
            p.status, p.started_at, p.ended_at, "yes" if p.met else "no", p.end_reason or "",
        )
        for p in report.pairings
    )
    last = _table(ws, 1, 1, PAIRING_COLUMNS, rows)
    ws.freeze_panes = "A2"
    waiting_top = last + 3
    ws.cell(row=waiting_top - 1, column=1, value="Waiting for a mentor").font = Font(bold=True)
    _table(
        ws, waiting_top, 1, ("Mentee", "Name", "Waiting since (UTC)", "Topics"),
        (
            (r.mentee_id, _name(report, r.mentee_id), r.since, ", ".join(r.topics))
            for r in report.requests_waiting
        ),
    )
    top, left = 1, 11
    labels = {"waiting": "Requests waiting", "active": "Active pairings", "ended": "Ended pairings"}
    summary = ((labels[k], report.pairing_counts.get(k, 0)) for k in labels)
    end = _table(ws, top, left, ("Mentoring", "Count"), summary)
    chart = BarChart()
    chart.title = "Mentoring"
    _summary_chart(ws, chart, left, top, end, "K7")
    _fit_columns(ws)


def _meetings(ws: Worksheet, report: ClubReport) -> None:
    rows = ((a.meeting_id, a.title, a.occurrence_at, a.attended) for a in report.attendance)
    last = _table(ws, 1, 1, ATTENDANCE_COLUMNS, rows)
    chart = LineChart()
    chart.title = "Attendance per meeting"
    chart.y_axis.title = "People"
    data_end = _data_rows(1, last)
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=data_end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=3, min_row=2, max_row=data_end))
    chart.legend = None
    _count_axis(chart, max((a.attended for a in report.attendance), default=0))
    _place(ws, chart, "M2")
    _table(
        ws, 1, 6, RSVP_COLUMNS,
        ((m.meeting_id, m.title, m.status, m.going, m.maybe, m.no) for m in report.rsvps),
    )
    _fit_columns(ws)


def _encouragement(ws: Worksheet, report: ClubReport) -> None:
    kinds = ((kind.replace("_", " "), n) for kind, n in report.nudges_by_kind.items())
    end = _table(ws, 1, 1, ("Nudge kind", "Sent"), kinds)
    chart = BarChart()
    chart.title = "Nudges sent by kind"
    _summary_chart(ws, chart, 1, 1, end, "K2")
    counters_top = end + 3
    ws.cell(row=counters_top - 1, column=1, value="Running totals (kept after forget me)").font = (
        Font(bold=True)
    )
    counters = sorted((name.replace("_", " "), n) for name, n in report.counters.items())
    counters_end = _table(ws, counters_top, 1, ("Counter", "Value"), counters)
    kudos_top = counters_end + 3
    ws.cell(row=kudos_top - 1, column=1, value="Kudos").font = Font(bold=True)
    _table(
        ws, kudos_top, 1, KUDOS_COLUMNS,
        ((k.user_id, _name(report, k.user_id), k.received, k.given) for k in report.kudos),
    )
    _fit_columns(ws)


def _campaigns(ws: Worksheet, report: ClubReport) -> None:
    rows = (
        (
            c.campaign_id, c.title, c.status, c.launch_at, c.closes_at, c.invited, c.joined,
            c.declined, c.posted, c.external_posts, c.practice_posts,
            "" if c.minutes_to_first_post is None else c.minutes_to_first_post,
        )
        for c in report.campaigns
    )
    last = _table(ws, 1, 1, CAMPAIGN_COLUMNS, rows)
    ws.freeze_panes = "A2"
    chart = BarChart()
    chart.title = "Invited, joined and posted per campaign"
    data_end = _data_rows(1, last)
    for column in (6, 7, 9):  # Invited, Joined, Posted
        chart.add_data(Reference(ws, min_col=column, min_row=1, max_row=data_end),
                       titles_from_data=True)
    _label_categories(chart, ws, 2, 2, data_end)
    chart.legend.position = "b"
    _count_axis(chart, max((max(c.invited, c.joined, c.posted) for c in report.campaigns),
                           default=0))
    _place(ws, chart, "N2")
    _fit_columns(ws)


def build_workbook(report: ClubReport) -> Workbook:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = SHEETS[0]
    _questions(first, report)
    fills = (_faq_usage, _pairings, _meetings, _encouragement, _campaigns)
    for title, fill in zip(SHEETS[1:], fills, strict=True):
        fill(workbook.create_sheet(title), report)
    workbook.properties.title = "Social media club report"
    workbook.properties.created = _cell_value(report.generated_at)
    return workbook


def workbook_bytes(report: ClubReport) -> bytes:
    buffer = io.BytesIO()
    build_workbook(report).save(buffer)
    return buffer.getvalue()
