"""A whole club on one machine: the Slack emulator, the bot on a loopback HTTP
server, and a signed-request sender. `clubbot console` runs on it and every
wire test uses it, so both drive the bot exactly as Slack does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.app import ClubApp, create_app
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.emulator import SlackEmulator, SlackSender
from bot.emulator.sender import Delivery
from bot.web import BackgroundServer
from schedules import jobs
from storage import migrate
from storage.db import Database

SIGNING_SECRET = "local-signing-secret"


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    real_name: str
    tz: str


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str


# The demo club: people in different time zones, a club channel and a mentors channel.
OLIVIA = Person("U0OLIVIA", "olivia", "Olivia Organiser", "Europe/London")
MEI = Person("U0MEI", "mei", "Mei Mentor", "Asia/Singapore")
MARCO = Person("U0MARCO", "marco", "Marco Mentor", "Europe/Rome")
NINA = Person("U0NINA", "nina", "Nina Newbie", "America/New_York")
SAM = Person("U0SAM", "sam", "Sam Newbie", "America/Los_Angeles")
PRIYA = Person("U0PRIYA", "priya", "Priya Member", "Asia/Kolkata")
PEOPLE = (OLIVIA, MEI, MARCO, NINA, SAM, PRIYA)

CLUB = Channel("C0CLUB", "social-media-club")
MENTORS = Channel("C0MENTORS", "club-mentors")
RANDOM = Channel("C0RANDOM", "random")


def demo_env(api_url: str, database_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "CLUB_CHANNEL": CLUB.channel_id,
        "CLUB_MENTORS_CHANNEL": MENTORS.channel_id,
        "CLUB_ORGANISERS": OLIVIA.user_id,
    }


class LocalClub:
    """Start with `with LocalClub(url, clock) as club:`; every delivery waits
    until the bot has finished with it, so callers see all its Web API calls."""

    def __init__(
        self,
        database_url: str,
        clock: ManualClock,
        *,
        env: Mapping[str, str] | None = None,
        people: tuple[Person, ...] = PEOPLE,
        enforce_tiers: bool = False,
    ) -> None:
        self.clock = clock
        self.database_url = database_url
        self.emulator = SlackEmulator(
            clock=lambda: clock.now().timestamp(), enforce_tiers=enforce_tiers
        )
        self._extra_env = dict(env or {})
        self._people = people
        self._server: BackgroundServer | None = None
        self.app: ClubApp | None = None
        self.db: Database | None = None

    # lifecycle

    def __enter__(self) -> LocalClub:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.emulator.start()
        for person in self._people:
            self.emulator.add_user(person.user_id, person.name, person.real_name, tz=person.tz)
        members = [person.user_id for person in self._people]
        for channel in (CLUB, MENTORS, RANDOM):
            self.emulator.add_channel(channel.channel_id, channel.name, members=members)
        self.settings: Settings = load_settings(
            {**demo_env(self.emulator.api_url, self.database_url), **self._extra_env}
        )
        self.db = Database(self.settings.database_url)
        migrate.upgrade(self.db)
        self._start_app()

    def _start_app(self) -> None:
        assert self.db is not None
        self.app = create_app(self.settings, db=self.db, clock=self.clock)
        self._server = BackgroundServer(self.app)
        self._server.start()
        url = f"http://127.0.0.1:{self._server.port}/slack/events"
        self.sender = SlackSender(url, SIGNING_SECRET, self.emulator)

    def _stop_app(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.app is not None:
            self.app.executor.wait_idle()
            self.app.executor.shutdown(wait=True)
            self.app = None

    def restart(self) -> None:
        """A new bot process on the same database and the same Slack."""
        self._stop_app()
        self._start_app()

    def stop(self) -> None:
        self._stop_app()
        if self.db is not None:
            self.db.dispose()
        self.emulator.stop()

    # driving the bot

    @property
    def bot(self) -> ClubApp:
        assert self.app is not None, "LocalClub not started"
        return self.app

    def settle(self) -> None:
        if not self.bot.executor.wait_idle(timeout=20):
            raise TimeoutError("the bot was still busy after 20 s")

    def _settled(self, send: Callable[[], Delivery]) -> Delivery:
        delivery = send()
        self.settle()
        return delivery

    def command(self, user: str, text: str, channel: str = CLUB.channel_id) -> Delivery:
        return self._settled(lambda: self.sender.command(text, user_id=user, channel_id=channel))

    def say(self, user: str, text: str, channel: str = CLUB.channel_id, **extra: Any) -> Delivery:
        channel_type = "im" if channel.startswith("D") else "channel"
        return self._settled(
            lambda: self.sender.message(user, text, channel, channel_type=channel_type, **extra)
        )

    def dm(self, user: str, text: str) -> Delivery:
        return self.say(user, text, channel=self.emulator.dm_channel_id(user))

    def mention(self, user: str, text: str, channel: str = CLUB.channel_id) -> Delivery:
        bot = self.emulator.bot_user_id
        return self._settled(lambda: self.sender.app_mention(user, f"<@{bot}> {text}", channel))

    def event(self, event: dict[str, Any], **kwargs: Any) -> Delivery:
        return self._settled(lambda: self.sender.event(event, **kwargs))

    def press(self, user: str, target: dict[str, Any], action_id: str) -> Delivery:
        return self._settled(lambda: self.sender.press(user, target, action_id))

    def press_element(
        self, user: str, target: dict[str, Any], block_id: str | None, element: dict[str, Any]
    ) -> Delivery:
        return self._settled(lambda: self.sender.press_element(user, target, block_id, element))

    def choose(self, user: str, target: dict[str, Any], action_id: str, value: str) -> Delivery:
        return self._settled(lambda: self.sender.choose(user, target, action_id, value))

    def submit(self, user: str, view: dict[str, Any], inputs: Mapping[str, Any]) -> Delivery:
        return self._settled(lambda: self.sender.submit(user, view, inputs))

    def redeliver(self, delivery: Delivery, retry_num: int = 1) -> Delivery:
        return self._settled(lambda: self.sender.redeliver(delivery, retry_num=retry_num))

    def tick(self) -> None:
        """Run the scheduler's due work once, at the clock's time."""
        jobs.run_due_work(self.bot.deps)
        self.settle()

    def advance(self, delta: timedelta, step: timedelta = timedelta(minutes=1)) -> None:
        """Move the clock forward, running due work as the scheduler would: at every `step`
        while some is due, and straight to the next step at which some falls due when none
        is (the same ticks, at the same times, as stepping through every one)."""
        start = self.clock.now()
        target = start + delta
        while self.clock.now() < target:
            now = self.clock.now()
            upcoming = jobs.next_due_work(self.bot.deps)
            if upcoming is None:
                next_tick = target
            elif upcoming <= now + step:
                next_tick = now + step
            else:
                steps = -(-(upcoming - start) // step)  # whole steps from the start, rounded up
                next_tick = start + steps * step
            self.clock.advance(min(next_tick, target) - now)
            self.tick()

    # reading what the bot said

    def replies(self, channel: str | None = None) -> list[dict[str, Any]]:
        return self.emulator.messages(channel)

    def last_reply(self, channel: str | None = None) -> dict[str, Any]:
        messages = self.replies(channel)
        if not messages:
            raise AssertionError("the bot said nothing")
        return messages[-1]

    def dm_channel(self, user: str) -> str:
        return self.emulator.dm_channel_id(user)
