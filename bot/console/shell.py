"""`clubbot console`: talk to the bot in a terminal, no Slack workspace needed.

The bot, the Slack emulator and a SQLite database run in this one process; what
you type is delivered to the bot as signed Slack requests, and what the bot
sends to Slack is printed as text. When standard input is not a terminal, lines
are read as a script (see examples/), which is how demos and tests drive it.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.clock import ManualClock
from bot.config import parse_duration
from bot.console.render import Pressable, Screen
from bot.emulator.calls import ApiCall
from bot.local import CLUB, MENTORS, PEOPLE, RANDOM, LocalClub, Person

HELP = """\
Type a message to post it in the current channel (or DM), or a /club command.
  :as NAME             speak as someone else: {people}
  :in CHANNEL          club, mentors, random, or dm (your DM with the bot)
  :mention TEXT        @mention the bot in the current channel (or type @clubbot ...)
  :press N             press button N (also picks option N of a menu)
  :submit F=V; F=V     submit the open form (fields as listed; lists with commas;
                       people by name, e.g. attendees=nina,sam)
  :close               close the open form without submitting
  :save FILE           save the last file the bot sent you (a report, say) to FILE
  :join                join the current channel (as a newcomer would)
  :home                open the bot's App Home tab
  :clock +2h           move the clock forward (+30m, +1d ...): scheduled work runs
  :time                show the club's clock
  :people              who is who
  :quit                leave"""

CHANNELS = {"club": CLUB, "mentors": MENTORS, "random": RANDOM}
SHOWN_METHODS = {
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "response_url",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
    "files.completeUploadExternal",
    "chat.scheduleMessage",
}


class Console:
    def __init__(self, club: LocalClub, out: TextIO) -> None:
        self.club = club
        self.out = out
        self.me: Person = next(p for p in PEOPLE if p.name == "nina")
        self.channel = CLUB.channel_id
        self.pressables: list[Pressable] = []
        self.open_view: dict[str, Any] | None = None
        self.seen = len(club.emulator.calls)
        self.commands: dict[str, Callable[[str], None]] = {
            "help": lambda _: self.print(HELP.format(people=self._people_names())),
            "as": self._as,
            "in": self._in,
            "mention": self._mention,
            "press": self._press,
            "submit": self._submit,
            "close": self._close,
            "save": self._save,
            "join": self._join,
            "home": self._home,
            "clock": self._clock,
            "time": self._time,
            "people": self._people,
        }

    # input

    @property
    def prompt(self) -> str:
        return f"[{self.me.name} in {self._where()}]> "

    def handle(self, line: str) -> bool:
        """Run one line; False when the person wants to leave."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line.startswith(":"):
            name, _, rest = line[1:].partition(" ")
            command = self.commands.get(name.lower())
            if command is None:
                self.print(f"(unknown console command :{name}; type :help)")
            else:
                command(rest.strip())
        elif line.startswith("/club"):
            # Slack escapes mentions in slash commands (should_escape: true).
            text = _slack_mentions(line[5:].strip(), with_names=True)
            self._deliver(lambda: self.club.command(self.me.user_id, text, self.channel))
        elif _BOT_MENTION.search(line):
            # Typed as in Slack's composer: "@clubbot how do I ...?" is an @mention.
            self._mention(_BOT_MENTION.sub(" ", line).strip())
        else:
            text = _slack_mentions(line, with_names=False)
            self._deliver(lambda: self.club.say(self.me.user_id, text, self.channel))
        self.show_new()
        return True

    def _deliver(self, send: Callable[[], Any]) -> None:
        delivery = send()
        if not delivery.ok:
            self.print(f"(Slack would show an error: HTTP {delivery.status})")

    def _as(self, name: str) -> None:
        person = self._person(name)
        if person:
            self.me = person
            if self.channel.startswith("D"):
                self.channel = self.club.dm_channel(person.user_id)
            self.print(f"(you are now {person.real_name}, {person.tz})")

    def _in(self, name: str) -> None:
        key = name.lstrip("#").lower()
        if key == "dm":
            self.channel = self.club.dm_channel(self.me.user_id)
        elif key in CHANNELS:
            self.channel = CHANNELS[key].channel_id
        else:
            self.print("(channels: club, mentors, random, dm)")
            return
        self.print(f"(you are in {self._where()})")

    def _mention(self, text: str) -> None:
        self._deliver(lambda: self.club.mention(self.me.user_id, text, self.channel))

    def _press(self, number: str) -> None:
        if not self.pressables:
            self.print("(there are no buttons to press yet)")
            return
        if not number.isdigit() or not 1 <= int(number) <= len(self.pressables):
            self.print(f"(there is no button {number}; buttons shown: 1–{len(self.pressables)})")
            return
        pressable = self.pressables[int(number) - 1]
        if pressable.is_select and pressable.value is not None:
            self._deliver(
                lambda: self.club.choose(
                    self.me.user_id, pressable.target, pressable.action_id, pressable.value or ""
                )
            )
        else:  # this very button: others in the message may share its action id
            self._deliver(
                lambda: self.club.press_element(
                    self.me.user_id, pressable.target, pressable.block_id, pressable.element
                )
            )

    def _submit(self, text: str) -> None:
        if self.open_view is None:
            self.print("(no form is open)")
            return
        inputs = _parse_fields(text, self.open_view)
        unknown = _unknown_people(inputs, self.open_view)
        if unknown:
            self.print(
                f"(the form stays open: no such person {', '.join(unknown)}; "
                f"try {self._people_names()})"
            )
            return
        try:
            delivery = self.club.submit(self.me.user_id, self.open_view, inputs)
        except ValueError as problem:  # a field name the form does not have: say so, keep it open
            self.print(f"(the form stays open: {problem})")
            return
        view, self.open_view = self.open_view, None
        answer = delivery.json() if delivery.body else None
        if isinstance(answer, dict) and answer.get("response_action") == "errors":
            self.open_view = view
            for field_, reason in answer.get("errors", {}).items():
                self.print(f"  ! {field_}: {reason}")

    def _close(self, _rest: str) -> None:
        if self.open_view is not None:
            self.club.sender.view_closed(self.me.user_id, self.open_view)
            self.club.settle()
            self.open_view = None
            self.print("(form closed)")

    def _save(self, path: str) -> None:
        """Write the last file the bot sent into the speaker's DM to `path`."""
        if not path:
            self.print("(say where: :save club-report.xlsx)")
            return
        mine = self.club.dm_channel(self.me.user_id)
        sent = [f for f in self.club.emulator.files() if mine in f.channels and f.content]
        if not sent:
            self.print("(the bot has not sent you a file yet)")
            return
        try:
            Path(path).expanduser().write_bytes(sent[-1].content or b"")
        except OSError as problem:
            self.print(f"(could not write {path}: {problem.strerror})")
            return
        self.print(f"(saved {sent[-1].name} to {path}, {len(sent[-1].content or b'')} bytes)")

    def _join(self, _rest: str) -> None:
        self.club.emulator.add_member(self.channel, self.me.user_id)
        self._deliver(lambda: self.club.sender.member_joined_channel(self.me.user_id, self.channel))
        self.club.settle()

    def _home(self, _rest: str) -> None:
        self._deliver(lambda: self.club.sender.app_home_opened(self.me.user_id))
        self.club.settle()

    def _clock(self, text: str) -> None:
        delta = parse_duration(text.lstrip("+"))
        if delta is None:
            self.print("(say how far: :clock +30m, +2h or +1d)")
            return
        self.club.advance(delta, step=timedelta(minutes=1))
        self._time("")

    def _time(self, _rest: str) -> None:
        self.print(f"(club clock: {self.club.clock.now():%a %d %b %Y %H:%M} UTC)")

    def _people(self, _rest: str) -> None:
        for person in PEOPLE:
            self.print(f"  {person.name:7} {person.real_name:18} {person.tz}")
        self.print("  (olivia is an organiser)")

    # output

    def show_new(self) -> None:
        calls = self.club.emulator.calls
        new, self.seen = calls[self.seen :], len(calls)
        screen = Screen(self.club.emulator.user_name, self._channel_name, self.me.tz)
        for call in new:
            if call.method in SHOWN_METHODS and call.ok:
                self._render(call, screen)
        # Buttons stay pressable until the bot shows new ones: `:as marco` then
        # `:press 1` presses the offer Marco was just sent.
        if screen.pressables:
            self.pressables = screen.pressables
        for line in screen.lines:
            self.print(line)

    def _render(self, call: ApiCall, screen: Screen) -> None:
        args, context = call.args, call.context
        if call.method.startswith("views."):
            view = args.get("view") or {}
            if isinstance(view, str):
                import json

                view = json.loads(view)
            if call.method == "views.publish":
                if args.get("user_id") == self.me.user_id:
                    screen.lines.append("clubbot App Home:")
                    screen.blocks(view.get("blocks", []), view)
                return
            self.open_view = {**view, "id": (call.response.get("view") or {}).get("id")}
            title = (view.get("title") or {}).get("text", "")
            screen.lines.append(f"clubbot opens a form: {title}  (fill it with :submit)")
            screen.blocks(view.get("blocks", []), self.open_view)
            return
        if call.method == "files.completeUploadExternal":
            screen.lines.append("clubbot sends a file: " + _file_titles(args))
            return
        channel = str(context.get("channel") or args.get("channel") or "")
        if call.method == "chat.postEphemeral" and args.get("user") != self.me.user_id:
            return
        where = self._channel_label(channel) if channel else "?"
        private = (
            " (only you see this)"
            if call.method == "chat.postEphemeral"
            or (call.method == "response_url" and args.get("response_type") != "in_channel")
            else ""
        )
        edited = (
            " (updated)" if call.method == "chat.update" or args.get("replace_original") else ""
        )
        thread = " in a thread" if args.get("thread_ts") else ""
        screen.lines.append(f"clubbot in {where}{thread}{private}{edited}:")
        target: dict[str, Any] = {
            **args, **{k: context[k] for k in ("channel", "ts") if k in context}
        }
        if args.get("blocks"):
            blocks = args["blocks"]
            if isinstance(blocks, str):
                import json

                blocks = json.loads(blocks)
            screen.blocks(blocks, target)
        else:
            screen.text(str(args.get("text", "")))

    def _channel_name(self, channel_id: str) -> str:
        """What follows the # when a message mentions a channel."""
        return self._channel_label(channel_id).lstrip("#")

    def _channel_label(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            for person in PEOPLE:
                if self.club.dm_channel(person.user_id) == channel_id:
                    return f"DM with {person.name}"
        return "#" + self.club.emulator.channel_name(channel_id)

    def _where(self) -> str:
        return "your DM" if self.channel.startswith("D") else self._channel_label(self.channel)

    def _person(self, name: str) -> Person | None:
        for person in PEOPLE:
            if person.name == name.lower().lstrip("@"):
                return person
        self.print(f"(no such person; try {self._people_names()})")
        return None

    def _people_names(self) -> str:
        return ", ".join(person.name for person in PEOPLE)

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


_BOT_MENTION = re.compile(r"(?<![<\w])@clubbot\b", re.IGNORECASE)


def _slack_mentions(text: str, *, with_names: bool) -> str:
    """What Slack makes of `@nina` and `#club` typed in its composer."""

    def person(match: re.Match[str]) -> str:
        for known in PEOPLE:
            if known.name == match.group(1).lower():
                return f"<@{known.user_id}|{known.name}>" if with_names else f"<@{known.user_id}>"
        return match.group(0)

    def channel(match: re.Match[str]) -> str:
        known = CHANNELS.get(match.group(1).lower())
        if known is None:
            return match.group(0)
        return f"<#{known.channel_id}|{known.name}>"

    text = re.sub(r"(?<![<\w])@(\w+)", person, text)
    return re.sub(r"(?<![<\w])#([\w-]+)", channel, text)


def _file_titles(args: dict[str, Any]) -> str:
    files = args.get("files")
    if isinstance(files, str):
        import json

        files = json.loads(files)
    return ", ".join(str(f.get("title") or f.get("id")) for f in files or [])


_PEOPLE_FIELDS = ("users_select", "multi_users_select")


def _people_fields(view: dict[str, Any]) -> set[str]:
    return {
        str(block.get("block_id"))
        for block in view.get("blocks", [])
        if block.get("type") == "input" and block.get("element", {}).get("type") in _PEOPLE_FIELDS
    }


def _unknown_people(inputs: dict[str, str | list[str]], view: dict[str, Any]) -> list[str]:
    """People fields take people of the club (by name, @name or id), as Slack's picker
    does; names become ids here, and anything else is listed back."""
    unknown: list[str] = []
    for key in _people_fields(view) & set(inputs):
        given = inputs[key]
        names = given if isinstance(given, list) else [given]
        ids = []
        for name in names:
            person = next(
                (p for p in PEOPLE if name.lower().lstrip("@") in (p.name, p.user_id.lower())),
                None,
            )
            if person is None:
                unknown.append(name)
            else:
                ids.append(person.user_id)
        inputs[key] = ids if isinstance(given, list) else (ids[0] if ids else "")
    return unknown


def _parse_fields(text: str, view: dict[str, Any]) -> dict[str, str | list[str]]:
    """`title=Coffee; topics=blogging,video` → inputs keyed by block id."""
    multi = {
        block.get("block_id")
        for block in view.get("blocks", [])
        if block.get("type") == "input"
        and str(block.get("element", {}).get("type", "")).startswith(("multi_", "checkboxes"))
    }
    inputs: dict[str, str | list[str]] = {}
    for part in re.split(r";\s*", text):
        if "=" not in part:
            continue
        key, value = (s.strip() for s in part.split("=", 1))
        inputs[key] = [v.strip() for v in value.split(",") if v.strip()] if key in multi else value
    return inputs


def run_console(
    database_url: str | None, stdin: TextIO, stdout: TextIO, start: datetime | None = None
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    interactive = stdin.isatty()
    start = start or datetime.now(UTC).replace(second=0, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="clubbot-console-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'console.db'}"
        with LocalClub(url, ManualClock(start)) as club:
            console = Console(club, stdout)
            console.print("clubbot console: a demo club on your machine. Type :help for help.")
            console.print(f"(you are {console.me.real_name}; olivia is an organiser)")
            console.show_new()
            while True:
                if interactive:
                    try:
                        line = input(console.prompt)
                    except EOFError:
                        break
                else:
                    line = stdin.readline()
                    if not line:
                        break
                    console.print(console.prompt + line.rstrip("\n"))
                if not console.handle(line):
                    break
    return 0
