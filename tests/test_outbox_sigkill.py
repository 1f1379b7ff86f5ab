"""A real `clubbot run` killed with SIGKILL while the 1 h reminder DMs (and, apart,
encouragement nudges, and mentoring introductions) go out to five people: after each
restart the outbox carries on, and everyone has theirs exactly once.

The kill lands inside a Web API call, after the emulator (Slack) has acted on it and
before the bot hears the answer: the hardest moment, when the bot cannot know whether
its message was posted. Time is the bot's test clock (CLUB_TEST_CLOCK_FILE), moved past
the delivery lease at each restart so the dead process's claim runs out.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.clock import ManualClock
from bot.delivery import deliverer
from bot.emulator import SlackEmulator
from bot.emulator.calls import ApiCall
from bot.meetings import planning, rsvp
from bot.meetings.recurrence import Recurrence, Repeat
from bot.mentoring import mentors, offers
from bot.mentoring.messages import Said
from handlers.delivery.slack import WebApiSender
from handlers.mentoring.views import VIEWS
from storage import migrate
from storage.db import Database
from storage.mentoring.models import MentorOffer, Pairing
from storage.path import queries as path

ROOT = Path(__file__).resolve().parents[1]
WAIT = 30.0  # a cold child process imports Bolt, SQLAlchemy and every feature
PEOPLE = ["U0ANNA", "U0BEN", "U0CARA", "U0DAN", "U0ENA"]
STARTS = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
DUE = STARTS - timedelta(hours=1)
LEASE = timedelta(minutes=2)
# Where each run is killed: the nth call to a method in that run.
KILLS = [("chat.postMessage", 1), ("conversations.open", 2), ("chat.postMessage", 3)]
DELIVERED = re.compile(r"delivered key=(\S+)")
MENTOR = "U0MEI"


class Clock:
    """The file both the bot (CLUB_TEST_CLOCK_FILE) and the emulator read "now" from."""

    def __init__(self, path: Path, start: datetime) -> None:
        self.path = path
        self.set(start)

    def set(self, moment: datetime) -> None:
        self.moment = moment
        self.path.write_text(moment.isoformat())

    def advance(self, delta: timedelta) -> None:
        self.set(self.moment + delta)


class Process:
    """One `clubbot run`; a thread reads its log, noting what it delivered."""

    def __init__(self, env: dict[str, str], delivered: set[str], seen: threading.Condition):
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.log: list[str] = []
        self.connected = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(delivered, seen), daemon=True)
        self._reader.start()

    def _read(self, delivered: set[str], seen: threading.Condition) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.log.append(line)
            if "connected to Slack in Socket Mode" in line:
                self.connected.set()
            found = DELIVERED.search(line)
            if found:
                with seen:
                    delivered.add(found.group(1))
                    seen.notify_all()

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        self.popen.wait(timeout=WAIT)
        self._reader.join(timeout=WAIT)


@pytest.fixture
def clock_file(tmp_path: Path) -> Clock:
    return Clock(tmp_path / "now", DUE - timedelta(minutes=1))


@pytest.fixture
def emulator(clock_file: Clock) -> Iterator[SlackEmulator]:
    with SlackEmulator(
        app_token="xapp-1-A0CLUB-socket", clock=lambda: clock_file.moment.timestamp()
    ) as emu:
        emu.add_user("U0OLIVIA", "olivia")
        emu.add_user(MENTOR, "mentor")
        for user in PEOPLE:
            emu.add_user(user, user.lower()[2:])
        emu.add_channel("C0CLUB", "club", members=["U0OLIVIA", *PEOPLE])
        yield emu


def _seed(database_url: str, now: datetime) -> None:
    """A meeting at 15:00 with a 1 h reminder, and five people going."""
    db = Database(database_url)
    try:
        migrate.upgrade(db)
        draft = planning.MeetingDraft(
            title="Book club",
            recurrence=Recurrence(Repeat.NONE, "UTC", STARTS.replace(tzinfo=None)),
            channel_id="C0CLUB",
            offsets=(timedelta(hours=1),),
        )
        meeting = planning.create_meeting(db, "U0OLIVIA", draft, now, ())
        assert isinstance(meeting, planning.MeetingSnapshot), meeting
        for user in PEOPLE:
            rsvp.answer(db, meeting.id, user, rsvp.Answer.GOING, now, ())
    finally:
        db.dispose()


def _kill_and_restart(
    database_url: str, emulator: SlackEmulator, clock: Clock, expected: set[str]
) -> str:
    """Run `clubbot run`, SIGKILL it at each of KILLS in turn, restart it past the lease,
    and let the last run finish: returns every run's log once all `expected` delivery
    keys were delivered."""
    env = {
        "PATH": os.environ["PATH"],
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_APP_TOKEN": emulator.workspace.me.app_token,
        "SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": database_url,
        "CLUB_CHANNEL": "C0CLUB",
        "CLUB_DELIVERY_LEASE": "2m",
        "CLUB_TEST_CLOCK_FILE": str(clock.path),
    }
    delivered: set[str] = set()
    seen = threading.Condition()
    running: list[Process] = []
    killed = threading.Event()
    plan: dict[str, object] = {"kill": None, "counts": {}}

    def kill_on_cue(call: ApiCall) -> None:
        counts: dict[str, int] = plan["counts"]  # type: ignore[assignment]
        counts[call.method] = counts.get(call.method, 0) + 1
        if plan["kill"] == (call.method, counts[call.method]) and not killed.is_set():
            killed.set()
            os.kill(running[-1].popen.pid, signal.SIGKILL)

    emulator.on_call = kill_on_cue
    try:
        for run, kill in enumerate([*KILLS, None]):
            plan["kill"], plan["counts"] = kill, {}
            killed.clear()
            running.append(Process(env, delivered, seen))
            assert running[-1].connected.wait(WAIT), "".join(running[-1].log)
            # The first run: the work falls due. Later runs: past the dead one's lease.
            step = timedelta(minutes=1) if run == 0 else LEASE
            clock.advance(step + timedelta(seconds=1))
            if kill is not None:
                assert killed.wait(WAIT), f"run {run} never reached {kill}"
                assert running[-1].popen.wait(timeout=WAIT) == -signal.SIGKILL
        with seen:
            assert seen.wait_for(lambda: delivered >= expected, WAIT), delivered
    finally:
        emulator.on_call = None
        for process in running:
            process.stop()
    log = "".join(line for process in running for line in process.log)
    assert "Traceback" not in log, log
    # The two kills inside chat.postMessage: Slack had posted, and the next run saw so.
    assert log.count("delivery found already sent") == 2, log
    return log


def test_sigkill_while_reminder_dms_go_out_loses_and_doubles_nothing(
    database_url: str, emulator: SlackEmulator, clock_file: Clock
) -> None:
    _seed(database_url, clock_file.moment)
    reminder = f"meetings.reminder:1:{STARTS.strftime('%Y-%m-%dT%H:%M:%SZ')}:3600"
    _kill_and_restart(
        database_url, emulator, clock_file, {reminder, *(f"{reminder}:{u}" for u in PEOPLE)}
    )
    channel_posts = [m for m in emulator.messages("C0CLUB") if m["text"].startswith("Reminder:")]
    assert len(channel_posts) == 1
    for user in PEOPLE:
        dms = emulator.messages(emulator.dm_channel_id(user))
        assert len(dms) == 1, (user, dms)
        assert "You said you're going" in dms[0]["text"] + str(dms[0].get("blocks"))


def test_sigkill_while_nudges_go_out_loses_and_doubles_nothing(
    database_url: str, emulator: SlackEmulator, clock_file: Clock
) -> None:
    db = Database(database_url)
    try:
        migrate.upgrade(db)
        with db.transaction() as session:  # five people just read the guidelines
            for user in PEOPLE:
                for key in ("joined", "read_guidelines"):
                    path.record_step(session, user, key, clock_file.moment)
    finally:
        db.dispose()
    expected = {f"encouragement.nudge:{user}:step:read_guidelines" for user in PEOPLE}
    _kill_and_restart(database_url, emulator, clock_file, expected)
    for user in PEOPLE:
        dms = emulator.messages(emulator.dm_channel_id(user))
        assert len(dms) == 1, (user, dms)
        assert "Read the guidelines" in dms[0]["text"]


def test_sigkill_while_mentoring_introductions_go_out_loses_and_doubles_nothing(
    database_url: str, emulator: SlackEmulator, clock_file: Clock
) -> None:
    """A mentor accepted five mentees: each pairing's introduction (in the group DM of the
    two) and each mentee's good news are in the outbox when `clubbot run` starts."""
    now, timeout = clock_file.moment, timedelta(hours=24)
    db = Database(database_url)
    try:
        migrate.upgrade(db)
        said = Said(VIEWS, None)
        mentors.sign_up(db, MENTOR, ["blogging"], len(PEOPLE), now, timeout, said)
        for user in PEOPLE:
            offers.create_request(db, user, ["blogging"], "Start a blog", "", False, now,
                                  timeout, said)  # fmt: skip
        assert len(said.offered) == len(PEOPLE)
        # The offers' DMs went out before (this process, no kills): only the pairings wait.
        client = WebClient(token=emulator.bot_token, base_url=emulator.api_url)
        sent = deliverer.deliver_due(db, WebApiSender(client), ManualClock(now), lease=LEASE)
        assert sent == len(PEOPLE)
        with db.transaction() as session:
            offer_ids = list(session.scalars(select(MentorOffer.id).order_by(MentorOffer.id)))
        for offer_id in offer_ids:
            accepted = offers.accept_offer(db, offer_id, MENTOR, now, timeout, said)
            assert accepted.answer is offers.Answer.ACCEPTED
        with db.transaction() as session:
            pairings = [(p.id, p.mentee_id) for p in session.scalars(select(Pairing))]
    finally:
        db.dispose()
    stamp = int(now.timestamp())
    expected = {
        key
        for pairing_id, _mentee in pairings
        for key in (
            f"mentoring.intro:{pairing_id}:{stamp}",
            f"mentoring.notice:paired:{pairing_id}:{stamp}",
        )
    }
    assert len(expected) == 2 * len(PEOPLE)
    _kill_and_restart(database_url, emulator, clock_file, expected)
    db = Database(database_url)
    try:
        with db.transaction() as session:
            groups = {p.mentee_id: p.channel_id for p in session.scalars(select(Pairing))}
    finally:
        db.dispose()
    for user in PEOPLE:
        group = emulator.workspace.group_dm_for([MENTOR, user]).id
        assert groups[user] == group  # the introduction's on_sent hook remembered it
        intros = [m for m in emulator.messages(group) if "meet <@U0MEI>" in m["text"]]
        assert len(intros) == 1, (user, emulator.messages(group))
        dms = emulator.messages(emulator.dm_channel_id(user))
        news = [m for m in dms if m["text"].startswith(":tada: Good news")]
        assert len(news) == 1, (user, dms)
