"""The organisers' report: `/club report` in Slack, `clubbot report --out` on the command line."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.cli import main as cli
from bot.clock import ManualClock
from bot.local import MARCO, NINA, OLIVIA, SAM, LocalClub
from bot.reports import report as reports
from storage.db import Database
from storage.encouragement.models import Kudos, SentNudge
from storage.faq.models import FaqQuestion
from storage.meetings.models import Attendance, Meeting
from storage.members.models import Member
from storage.mentoring.models import MentorRequestRow, Pairing
from storage.reports.xlsx import QUESTION_COLUMNS, SHEETS


def last_response_text(club: LocalClub) -> str:
    posts = [call.args for call in club.emulator.calls_to("response_url")]
    assert posts, "the bot did not answer through response_url"
    return posts[-1].get("text", "") + json.dumps(posts[-1].get("blocks", []))


def workbook_of(content: bytes | None) -> Workbook:
    assert content, "no file bytes"
    return load_workbook(io.BytesIO(content))


def rows(workbook: Workbook, sheet: str, width: int) -> list[tuple[Any, ...]]:
    ws = workbook[sheet]
    return [
        row for row in ws.iter_rows(min_row=2, max_col=width, values_only=True)
        if any(cell is not None for cell in row)
    ]


def assert_every_sheet_has_a_chart(workbook: Workbook) -> None:
    assert workbook.sheetnames == list(SHEETS)
    for name in SHEETS:
        assert len(workbook[name]._charts) == 1, name  # type: ignore[attr-defined]


def fill_club(db: Database, clock: ManualClock) -> None:
    """A little of everything, straight into the tables the features own."""
    now = clock.now()
    with db.transaction() as session:
        for person in (NINA, SAM, MARCO, OLIVIA):
            if session.get(Member, person.user_id) is None:
                session.add(Member(user_id=person.user_id, first_seen_at=now,
                                   display_name=person.real_name))
        session.flush()
        statuses = ["answered", "escalated", "mentor_answered", "unknown", "silent"]
        for n, status in enumerate(statuses):
            session.add(
                FaqQuestion(channel="D1", message_ts=f"{n}.1", asker=NINA.user_id,
                            text=f"=HYPERLINK(\"x\") question {n} \x07", via="dm",
                            asked_at=now - timedelta(days=5 - n), status=status)
            )
        session.add(MentorRequestRow(id=1, mentee_id=SAM.user_id, topics=["video"],
                                     status="paired", created_at=now))
        session.add(MentorRequestRow(id=2, mentee_id=NINA.user_id, topics=["blogging"],
                                     open_for=NINA.user_id, created_at=now))
        session.flush()
        session.add(Pairing(request_id=1, mentor_id=MARCO.user_id, mentee_id=SAM.user_id,
                            started_at=now))
        meeting = Meeting(title="Book club", organiser_id=OLIVIA.user_id, channel_id="C0CLUB",
                          tz="Europe/London", start_local="2026-11-01T15:00:00", repeat="weekly",
                          created_at=now, updated_at=now, reminders_checked_until=now)
        session.add(meeting)
        session.flush()
        for week, people in enumerate(([NINA], [NINA, SAM], [NINA, SAM, MARCO])):
            for person in people:
                session.add(Attendance(meeting_id=meeting.id, user_id=person.user_id,
                                       occurrence_at=now - timedelta(weeks=3 - week),
                                       marked_by=OLIVIA.user_id, marked_at=now))
        session.add(SentNudge(user_id=NINA.user_id, key="step:first_question",
                              kind="step_reached", sent_at=now))
        session.add(Kudos(giver_id=SAM.user_id, receiver_id=NINA.user_id, reason="help",
                          given_at=now))


# --- in Slack -------------------------------------------------------------------------------


def test_an_organiser_gets_the_workbook_in_a_dm(club: LocalClub) -> None:
    assert club.db is not None
    fill_club(club.db, club.clock)
    club.command(OLIVIA.user_id, "report")
    assert "sent you the club report in a DM" in last_response_text(club)
    (uploaded,) = club.emulator.files()
    assert uploaded.channels == [club.dm_channel(OLIVIA.user_id)]
    assert uploaded.name == "club-report-2026-12-01.xlsx"
    assert club.emulator.calls_to("files.getUploadURLExternal")
    assert club.emulator.calls_to("files.completeUploadExternal")
    workbook = workbook_of(uploaded.content)
    assert_every_sheet_has_a_chart(workbook)
    questions = rows(workbook, "Questions", len(QUESTION_COLUMNS))
    assert [q[4] for q in questions] == [  # unanswered first (oldest waiting on top), no silent
        "with the mentors", "not answered", "answered by a mentor", "answered by the FAQ",
    ]
    assert questions[0][2] == NINA.real_name
    assert questions[0][5].startswith("=HYPERLINK")  # kept as text, never a formula
    assert workbook["Questions"].cell(row=2, column=6).data_type == "s"
    assert len(rows(workbook, "FAQ usage", 5)) > 10  # the starter FAQ
    attendance = rows(workbook, "Meetings", 4)
    assert [a[3] for a in attendance] == [1, 2, 3]
    assert ("Requests waiting", 1) in [tuple(r) for r in
                                       workbook["Pairings"].iter_rows(min_col=11, max_col=12,
                                                                      values_only=True)]


def test_a_member_is_refused_and_nothing_is_built(club: LocalClub) -> None:
    club.command(NINA.user_id, "report")
    assert "Only organisers can use `/club report`" in last_response_text(club)
    assert club.emulator.files() == []
    assert club.emulator.calls_to("files.getUploadURLExternal") == []


def test_unknown_words_after_report_get_a_clear_message(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "report something-unknown")
    text = last_response_text(club)
    assert "takes nothing after it" in text and "something-unknown" in text
    assert club.emulator.files() == []


@pytest.mark.parametrize(
    "method", ["files.getUploadURLExternal", "files.completeUploadExternal", "conversations.open"]
)
def test_a_slack_error_on_upload_gets_an_apology_and_nothing_half_sent(
    club: LocalClub, method: str
) -> None:
    club.emulator.fail_next(method, "internal_error")
    club.command(OLIVIA.user_id, "report")
    assert "Sorry" in last_response_text(club) and "nothing was sent" in last_response_text(club)
    assert club.emulator.files() == []
    assert not [m for m in club.replies(club.dm_channel(OLIVIA.user_id)) if m.get("files")]
    club.command(OLIVIA.user_id, "report")  # asking again just works
    assert len(club.emulator.files()) == 1


def _shown(value: Any) -> int:
    if isinstance(value, datetime):
        return len("yyyy-mm-dd hh:mm")
    if isinstance(value, float):
        return len(f"{value:.0%}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def test_the_workbook_reads_well_when_opened(club: LocalClub) -> None:
    """Charts labelled with question text, count axes from 0 in whole steps, columns wide
    enough for their values, states in words with their shares."""
    assert club.db is not None
    fill_club(club.db, club.clock)
    for _ in range(3):
        club.dm(SAM.user_id, "how do I find a mentor?")
    club.dm(SAM.user_id, "how do I start a blog?")
    club.command(OLIVIA.user_id, "report")
    (uploaded,) = club.emulator.files()
    workbook = workbook_of(uploaded.content)

    for sheet in workbook:  # every value fits its column (long text wraps at 60)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or sheet.cell(row=1, column=cell.column).value is None:
                    continue
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= min(60, _shown(cell.value)), (sheet.title, cell.coordinate)
    faq = workbook["FAQ usage"]
    (chart,) = faq._charts  # type: ignore[attr-defined]
    categories = chart.series[0].cat.strRef.f
    assert categories == "'FAQ usage'!$B$2:$B$3"  # question text, only the two used entries
    assert [faq.cell(row=r, column=2).value for r in (2, 3)] == [
        "How do I find a mentor?", "How do I start a blog on the internal platform?",
    ]
    assert chart.y_axis.scaling.min == 0 and chart.y_axis.majorUnit == 1
    assert chart.y_axis.number_format.formatCode == "0" and chart.y_axis.scaling.max == 4
    for name in ("Pairings", "Meetings", "Nudges and kudos", "Campaigns"):
        (other,) = workbook[name]._charts  # type: ignore[attr-defined]
        assert other.y_axis.scaling.min == 0, name
        assert float(other.y_axis.majorUnit).is_integer(), name

    summary = {
        row[0]: row[1:] for row in workbook["Questions"].iter_rows(
            min_row=2, min_col=11, max_col=13, values_only=True) if row[0]
    }
    assert "unknown" not in summary and summary["not answered"][0] == 1
    assert summary["answered by the FAQ"] == (5, 5 / 8)  # 1 from fill_club, 4 asked now
    assert workbook["Questions"]["M2"].number_format == "0%"


# --- without Slack ---------------------------------------------------------------------------


def test_an_empty_club_still_gives_a_valid_workbook_with_headers_and_charts(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    with db.transaction() as session:
        from storage.faq.models import FaqEntry

        session.query(FaqEntry).delete()
    built = reports.build_report(db, clock.now())
    path = tmp_path / "empty.xlsx"
    path.write_bytes(built.content)
    workbook = load_workbook(path)
    assert_every_sheet_has_a_chart(workbook)
    header = next(workbook["Questions"].iter_rows(max_row=1, values_only=True))
    assert header[: len(QUESTION_COLUMNS)] == QUESTION_COLUMNS
    assert rows(workbook, "Questions", len(QUESTION_COLUMNS)) == []
    assert "0 questions" in built.summary


def test_clubbot_report_writes_the_file_with_only_a_database_url(
    database_url: str, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "club.xlsx"
    assert cli.main(["report", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert_every_sheet_has_a_chart(load_workbook(out))
    database = Database(database_url)
    try:
        fill_club(database, clock)
    finally:
        database.dispose()
    assert cli.main(["report", "--out", str(out)]) == 0
    assert len(rows(load_workbook(out), "Questions", len(QUESTION_COLUMNS))) == 4


def test_clubbot_report_refuses_a_bad_out_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'club.db'}")
    assert cli.main(["report", "--out", str(tmp_path / "report.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert cli.main(["report", "--out", str(tmp_path / "missing" / "r.xlsx")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert not (tmp_path / "club.db").exists()  # nothing touched before the checks pass
