"""One scale benchmark (issue 16 item 5): two `clubbot run` replicas, a 10 000-member club.

    PYTHONPATH=. .venv/bin/python bench/scale.py --database-url postgresql+psycopg://.../clubbot_scale
        [--members 10000] [--going 2000] [--rate 50] [--seconds 60] [--lead SECONDS]

DROPS every clubbot table in the database, seeds --members members on the path (bench/
club_seed.py), remembers the DM channel of the people going (they have talked to the bot
before, as an all-hands' crowd has), schedules an all-hands through the meetings use case
(create_meeting with its announcement, then rsvp.answer Going, as the handlers do) a day
away, starts two `python -m bot run` replicas at once in HTTP mode on the same database
and one tier-enforcing Slack emulator, and once both are up moves the all-hands
(update_meeting; the answers follow) so that its reminder DM is due at least --lead
seconds later: the replicas get the whole lead, however long the seeding took. Signed
events alternate between the replicas: DM questions, channel chatter, app_home_opened and
`/club help`, --rate a second for --seconds. Then it waits (bounded) for every reminder
DM, every answer and every App Home opened, stops the replicas (SIGTERM; SIGABRT after
30 s, whose faulthandler dump in the log shows what held it) and prints: ack p99, DM
answer p99, reminder DMs before due, 429s per method, duplicates, anything lost, a
3000 x 7000 pairing round (bench/pairing.py) and the report's time and peak RSS
(bench/report_scale.py's measuring process). The replicas' logs stay in a temp folder.
Exit status 1 when a duplicate or a loss is seen.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.club_seed import fresh_database, member_id, seed_members, seed_path
from bot.delivery.rules import lead_time
from bot.emulator import ApiCall, SlackEmulator, SlackSender
from bot.local import CLUB, MENTORS, OLIVIA, SIGNING_SECRET, demo_env
from bot.meetings import planning as meetings
from bot.meetings import rsvp
from bot.meetings.planning import MeetingDraft, MeetingProblem
from bot.meetings.recurrence import Recurrence, Repeat
from handlers.meetings.announcements import Announcer
from storage.db import Database
from storage.delivery.models import DmChannel

ROOT = Path(__file__).resolve().parents[1]
REMINDER_PREFIX = "meetings.reminder:"
OFFSET = timedelta(minutes=5)  # the all-hands' one reminder, 5 minutes before it starts
QUESTIONS = (
    "how do I start a blog?",
    "how do I find a mentor?",
    "what are the posting guidelines?",
    "how do I schedule a post on LinkedIn?",
)
CHATTER = ("I just started a blog!", "great meetup yesterday", "lunch anyone?")
STOP_WAIT = 30.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def delivery_key(call: ApiCall) -> str | None:
    metadata = call.args.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    if not isinstance(metadata, dict):
        return None
    payload = metadata.get("event_payload") or {}
    key = payload.get("delivery_key")
    return str(key) if key else None


class Watch:
    """Every chat.postMessage the emulator answered: reminder DMs by delivery key, answers
    in the askers' DM channels, duplicates, and 429s per method."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.reminders: dict[str, float] = {}  # recipient -> first arrival (epoch s)
        self.waiting: dict[str, deque[float]] = defaultdict(deque)  # DM channel -> sent at
        self.answer_times: list[float] = []
        self.limited: Counter[str] = Counter()
        self.homes_opened: set[str] = set()
        self.homes_published: set[str] = set()

    def asked(self, channel: str, at: float) -> None:
        with self.lock:
            self.waiting[channel].append(at)

    def on_call(self, call: ApiCall) -> None:
        now = time.time()
        with self.lock:
            if call.status == 429:
                self.limited[call.method] += 1
                return
            if call.method == "views.publish" and call.ok:
                self.homes_published.add(str(call.args.get("user_id")))
                return
            if call.method != "chat.postMessage" or not call.ok:
                return
            key = delivery_key(call)
            if key is not None:
                self.keys[key] += 1
                recipient = key.rsplit(":", 1)[-1]
                if key.startswith(REMINDER_PREFIX) and recipient[:1] == "U":
                    self.reminders.setdefault(recipient, now)  # a DM, not the channel's
                    return
            channel = str(call.context.get("channel") or call.args.get("channel") or "")
            queue = self.waiting.get(channel)
            if queue:
                self.answer_times.append(now - queue.popleft())

    def unanswered(self) -> int:
        with self.lock:
            return sum(len(q) for q in self.waiting.values())


def going_people(going: int) -> list[str]:
    """The first `going` members who did not ask to be excluded (club_seed excludes every
    97th): each of them is owed a reminder DM."""
    return [member_id(i) for i in range(going * 2) if i % 97 != 0][:going]


PLACEHOLDER = timedelta(days=1)  # where the all-hands waits while the RSVPs are seeded


def all_hands(occurrence: datetime) -> MeetingDraft:
    return MeetingDraft(
        title="All-hands",
        recurrence=Recurrence(Repeat.NONE, "UTC", occurrence.replace(tzinfo=None)),
        channel_id=CLUB.channel_id,
        offsets=(OFFSET,),
    )


def seed(url: str, members: int, going: int, emulator: SlackEmulator) -> int:
    """The club and the all-hands, a day away while the RSVPs go in (seeding 2 000 of
    them through the use case takes minutes); returns the meeting's id."""
    import random

    started = time.perf_counter()
    db = fresh_database(url)
    seed_members(db, members, random.Random(16))
    seed_path(db, members)
    going_ids = going_people(going)
    with db.transaction() as session:
        session.add_all(
            DmChannel(user_id=u, channel_id=emulator.dm_channel_id(u)) for u in going_ids
        )
    now = datetime.now(UTC)
    occurrence = (now + PLACEHOLDER).replace(second=0, microsecond=0)
    draft = all_hands(occurrence)
    created = meetings.create_meeting(db, OLIVIA.user_id, draft, now, (OFFSET,), Announcer(now))
    if isinstance(created, MeetingProblem):
        raise SystemExit(f"bench: could not schedule the all-hands: {created.message}")

    def go(user_id: str) -> None:
        answered = rsvp.answer(
            db, created.id, user_id, rsvp.Answer.GOING, datetime.now(UTC), (OFFSET,),
            occurrence,
        )  # fmt: skip
        if isinstance(answered, MeetingProblem):
            raise SystemExit(f"bench: RSVP refused for {user_id}: {answered.message}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(go, going_ids))
    db.dispose()
    print(
        f"seeded {members} members, all-hands {created.id} with {going} going in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return created.id


def set_due(url: str, meeting_id: int, lead: float) -> datetime:
    """Move the all-hands so that its reminder falls due `lead` seconds from now (the
    replicas are up): the whole lead is theirs to deliver in. The answers follow the move
    (update_meeting carries them); no "moved" notices, as this is set-up, not an edit."""
    db = Database(url)
    try:
        now = datetime.now(UTC)
        due = (now + timedelta(seconds=lead)).replace(second=0, microsecond=0) + timedelta(
            minutes=1
        )  # meetings start on a minute
        moved = meetings.update_meeting(db, meeting_id, all_hands(due + OFFSET), now, (OFFSET,))
        if isinstance(moved, MeetingProblem):
            raise SystemExit(f"bench: could not move the all-hands: {moved.message}")
        going = len(moved.tell)
    finally:
        db.dispose()
    print(f"reminder due {due:%H:%M:%S} UTC, {(due - now).total_seconds():.0f} s after the "
          f"replicas were up "
          f"(meeting {due + OFFSET:%H:%M:%S} UTC, {going} going)", flush=True)  # fmt: skip
    return due


class Replica:
    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env={
                **env,
                "PORT": str(self.port),
                "PYTHONPATH": str(ROOT),
                "PYTHONFAULTHANDLER": "1",
            },
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}/slack/events"

    def wait_ready(self, timeout: float = 60.0) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"bench: replica {self.name} exited with {self.process.returncode}; "
                    f"see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"bench: replica {self.name} not healthy in {timeout:.0f} s; see "
                         f"{self.log_path}")  # fmt: skip

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                # SIGABRT first: faulthandler (PYTHONFAULTHANDLER) writes every thread's
                # stack to the log, which shows what held the process.
                self.process.send_signal(signal.SIGABRT)
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
                self._log.close()
                return (f"{self.name}: did not stop within {STOP_WAIT:.0f} s of SIGTERM, "
                        f"aborted (its stacks are in {self.log_path})")  # fmt: skip
        self._log.close()
        return f"{self.name}: exited {self.process.returncode}"


def drive(
    senders: list[SlackSender], emulator: SlackEmulator, watch: Watch, askers: list[str],
    others: list[str], rate: float, seconds: float,
) -> tuple[list[float], Counter[str], int]:  # fmt: skip
    """Mixed events at a steady rate, alternating replicas; ack latencies (ms) and kinds."""
    acks: list[float] = []
    kinds: Counter[str] = Counter()
    failed = 0
    lock = threading.Lock()
    count = int(rate * seconds)

    def one(index: int) -> None:
        nonlocal failed
        sender = senders[index % len(senders)]
        kind = ("dm", "dm", "chatter", "home", "help")[index % 5]
        began = time.perf_counter()
        if kind == "dm":
            user = askers[(index // 5 * 2 + index % 5) % len(askers)]
            channel = emulator.dm_channel_id(user)
            watch.asked(channel, time.time())
            status = sender.message(user, QUESTIONS[index % len(QUESTIONS)], channel,
                                    channel_type="im").status  # fmt: skip
        elif kind == "chatter":
            user = others[index % len(others)]
            status = sender.message(user, CHATTER[index % len(CHATTER)], CLUB.channel_id).status
        elif kind == "home":
            user = others[index % len(others)]
            with watch.lock:
                watch.homes_opened.add(user)
            status = sender.app_home_opened(user).status
        else:
            status = sender.command("help", others[index % len(others)], CLUB.channel_id).status
        took = (time.perf_counter() - began) * 1000
        with lock:
            kinds[kind] += 1
            if status == 200:
                acks.append(took)
            else:
                failed += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(32) as pool:
        futures = []
        for index in range(count):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, index))
        for future in futures:
            try:
                future.result(timeout=60)
            except Exception as error:  # a request that could not be sent at all
                with lock:
                    failed += 1
                print(f"  event failed: {type(error).__name__}: {error}", flush=True)
    return acks, kinds, failed


def pairing_round(mentors: int, requests: int) -> float:
    from bench.pairing import population
    from bot.mentoring.pairing import assign_round

    profiles, wanted, now = population(0, mentors, requests)
    started = time.perf_counter()
    assign_round(wanted, profiles, now)
    return time.perf_counter() - started


def report_figures(url: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report_scale.py"), url, "--measure"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True, capture_output=True, text=True,
        timeout=300,
    ).stdout.split()  # fmt: skip
    return float(out[0]), float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCALE_DATABASE_URL"),
        help="PostgreSQL database kept for this bench (it is dropped)",
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--going", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=50.0, help="events a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long events come")
    parser.add_argument(
        "--lead",
        type=float,
        default=None,
        help="seconds from start to the reminder's due time (default: the "
        "bot's own lead time for --going DMs, plus 2 minutes)",
    )
    parser.add_argument("--mentors", type=int, default=3_000, help="pairing round mentors")
    parser.add_argument("--requests", type=int, default=7_000, help="pairing round requests")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="most seconds to wait for reminders and answers after due",
    )
    args = parser.parse_args()  # fmt: skip
    if not args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("--database-url must name a PostgreSQL database kept for this bench")
    if args.going > args.members // 2:
        parser.error("--going must be at most half of --members (the rest ask and chat)")
    lead = args.lead
    if lead is None:
        lead = lead_time(0, args.going).total_seconds() + 120
    logs = Path(tempfile.mkdtemp(prefix="clubbot-scale-"))
    print(f"replica logs: {logs}", flush=True)

    watch = Watch()
    emulator = SlackEmulator(enforce_tiers=True)
    emulator.start()
    replicas: list[Replica] = []
    try:
        people = [member_id(i) for i in range(args.members)]
        for user in people:
            emulator.add_user(user, user.lower(), f"Member {user}", tz="UTC")
        emulator.add_user(OLIVIA.user_id, OLIVIA.name, OLIVIA.real_name, tz=OLIVIA.tz)
        emulator.add_channel(CLUB.channel_id, CLUB.name, members=[OLIVIA.user_id])
        emulator.add_channel(MENTORS.channel_id, MENTORS.name, members=[OLIVIA.user_id])
        meeting_id = seed(args.database_url, args.members, args.going, emulator)
        emulator.on_call = watch.on_call
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLUB_"))},
            **demo_env(emulator.api_url, args.database_url),
        }
        env.pop("SLACK_APP_TOKEN", None)
        began = time.perf_counter()
        replicas.extend(Replica(f"replica{i}", env, logs) for i in (1, 2))  # at once
        for replica in replicas:
            replica.wait_ready()
        print(f"2 replicas up in {time.perf_counter() - began:.1f} s", flush=True)
        due = set_due(args.database_url, meeting_id, lead)
        senders = [SlackSender(r.url, SIGNING_SECRET, emulator) for r in replicas]
        going_ids = set(going_people(args.going))
        non_going = [p for p in people if p not in going_ids]
        half = len(non_going) // 2
        askers, others = non_going[:half], non_going[half:]
        print(f"driving {args.rate:g} events/s for {args.seconds:g} s over 2 replicas", flush=True)
        acks, kinds, failed = drive(senders, emulator, watch, askers, others, args.rate,
                                    args.seconds)  # fmt: skip

        wait_until = due.timestamp() + (args.timeout if args.timeout is not None
                                        else max(120.0, lead))  # fmt: skip
        last_line = 0.0
        while time.time() < wait_until:
            with watch.lock:
                got = len(watch.reminders)
            with watch.lock:
                homes_left = len(watch.homes_opened - watch.homes_published)
            if got >= len(going_ids) and watch.unanswered() == 0 and homes_left == 0:
                break
            if time.time() - last_line > 30:
                print(f"  {got} of {len(going_ids)} reminder DMs, {watch.unanswered()} "
                      f"questions unanswered, {homes_left} Homes unpublished, due in "
                      f"{due.timestamp() - time.time():.0f} s", flush=True)  # fmt: skip
                last_line = time.time()
            for replica in replicas:
                if replica.process.poll() is not None:
                    raise SystemExit(f"bench: {replica.name} died; see {replica.log_path}")
            time.sleep(1)
        time.sleep(3)  # anything still in flight shows as a duplicate, not missed
    finally:
        stopped = [replica.stop() for replica in replicas]
        emulator.on_call = None
        emulator.stop()
    for line in stopped:
        print(f"  {line}")

    with watch.lock:
        reminders = dict(watch.reminders)
        duplicates = {k: n for k, n in watch.keys.items() if n > 1}
        unanswered = sum(len(q) for q in watch.waiting.values())
        answers = list(watch.answer_times)
        limited = dict(watch.limited)
        homes_lost = len(watch.homes_opened - watch.homes_published)
        homes_opened = len(watch.homes_opened)
    before_due = sum(1 for at in reminders.values() if at <= due.timestamp())
    never = len(going_ids - set(reminders))
    late = [at - due.timestamp() for at in reminders.values() if at > due.timestamp()]
    within = sum(1 for s in late if s <= 5.0)

    pairing = pairing_round(args.mentors, args.requests)
    report_s, report_mb = report_figures(args.database_url)

    print(f"\nclubbot scale bench: {args.members} members, 2 replicas, {args.rate:g} events/s "
          f"for {args.seconds:g} s ({dict(kinds)}), {args.going} going")  # fmt: skip
    print(f"ack p99: {percentile(acks, 0.99):.1f} ms (p50 {percentile(acks, 0.5):.1f} ms, "
          f"n={len(acks)}, {failed} not acked 200)")  # fmt: skip
    print(f"DM answer p99: {percentile(answers, 0.99) * 1000:.1f} ms "
          f"(p50 {percentile(answers, 0.5) * 1000:.1f} ms, n={len(answers)})")  # fmt: skip
    print(f"reminder DMs: {before_due} of {args.going} delivered before due, "
          f"{within} more within 5 s after it ({len(reminders)} in all, latest "
          f"{max(late, default=0):.1f} s after due)")  # fmt: skip
    print(f"429s seen: {sum(limited.values())} {limited or ''}")
    print(f"duplicates: {len(duplicates)} {dict(list(duplicates.items())[:5]) or ''}")
    print(f"lost: {never} reminders never delivered, {unanswered} questions never answered, "
          f"{homes_lost} of {homes_opened} App Homes opened never published")  # fmt: skip
    print(f"pairing round {args.mentors} x {args.requests}: {pairing:.2f} s")
    print(f"report (clubbot report's build_report): {report_s:.2f} s, peak RSS {report_mb:.0f} MB")
    print(f"replica logs: {logs}")
    return 1 if duplicates or never or unanswered or homes_lost else 0


if __name__ == "__main__":
    sys.exit(main())
