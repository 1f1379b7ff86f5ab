"""Three concurrent 40 000-character one-word DMs, and ordinary DMs meanwhile.

Starts clubbot (the real app, on waitress, against the local Slack emulator and a SQLite
file, or --database-url) and, while a few people keep asking ordinary questions one after
another, three others each send one DM of a single 40 000-character word at the same
moment. Prints how long each of the three took to be answered, and p50 / p99 / max of the
ordinary DMs (time from sending the event to the bot's chat.postMessage reaching Slack).
Before issue 11 the three took about 12 s and 1.5 GB each.

    python bench/huge_dms.py [--seconds 6] [--askers 4] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.emulator.calls import ApiCall
from bot.local import PEOPLE, LocalClub, Person

HUGE = "blogging" * 5000  # one 40 000-character word
QUESTIONS = (
    "how do I start a blog?",
    "when is the next meeting?",
    "how do I find a mentor?",
    "what are the posting guidelines?",
)


class Answers:
    """When the bot's replies reach each DM channel, in order (a hook on the emulator)."""

    def __init__(self, channels: set[str]) -> None:
        self._channels = channels
        self._times: dict[str, list[float]] = {c: [] for c in channels}
        self._cond = threading.Condition()

    def on_call(self, call: ApiCall) -> None:
        channel = call.args.get("channel")
        if call.method == "chat.postMessage" and channel in self._channels:
            with self._cond:
                self._times[channel].append(time.perf_counter())
                self._cond.notify_all()

    def count(self, channel: str) -> int:
        with self._cond:
            return len(self._times[channel])

    def wait(self, channel: str, count: int, timeout: float = 30.0) -> float:
        """The moment the `count`-th reply in `channel` arrived."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._times[channel]) >= count, timeout):
                raise TimeoutError(f"no answer in {channel} after {timeout} s")
            return self._times[channel][count - 1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="how long askers ask")
    parser.add_argument("--askers", type=int, default=4, help="people asking ordinary DMs")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    huge_people = tuple(Person(f"U0HUGE{i}", f"huge{i}", f"Huge {i}", "UTC") for i in range(3))
    askers = tuple(
        Person(f"U0ASK{i}", f"ask{i}", f"Asker {i}", "UTC") for i in range(args.askers)
    )
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        clock = ManualClock(datetime.now(UTC))
        with LocalClub(url, clock, people=PEOPLE + huge_people + askers) as club:
            channel = {p.user_id: club.dm_channel(p.user_id) for p in huge_people + askers}
            answers = Answers(set(channel.values()))
            club.emulator.on_call = answers.on_call

            def ask(person: Person, text: str) -> float:
                """Send one DM and wait for its answer; seconds it took."""
                where = channel[person.user_id]
                expected = answers.count(where) + 1
                sent = time.perf_counter()
                club.sender.message(person.user_id, text, where, channel_type="im")
                return answers.wait(where, expected) - sent

            ask(askers[0], QUESTIONS[0])  # warm up: the FAQ index is built once
            ordinary: list[float] = []
            during: list[float] = []
            huge_window = threading.Event()
            lock = threading.Lock()
            stop_at = time.perf_counter() + args.seconds

            def keep_asking(person: Person, offset: int) -> None:
                n = offset
                while time.perf_counter() < stop_at:
                    took = ask(person, QUESTIONS[n % len(QUESTIONS)])
                    with lock:
                        ordinary.append(took)
                        if huge_window.is_set():
                            during.append(took)
                    n += 1

            huge_times: dict[str, float] = {}

            def ask_huge(person: Person) -> None:
                huge_times[person.user_id] = ask(person, HUGE)

            threads = [threading.Thread(target=keep_asking, args=(p, i))
                       for i, p in enumerate(askers)]
            for thread in threads:
                thread.start()
            time.sleep(args.seconds / 4)  # the askers are in their stride
            huge_window.set()
            huge = [threading.Thread(target=ask_huge, args=(p,)) for p in huge_people]
            started = time.perf_counter()
            for thread in huge:
                thread.start()
            for thread in huge:
                thread.join()
            all_three = time.perf_counter() - started
            huge_window.clear()
            for thread in threads:
                thread.join()
            club.emulator.on_call = None
            club.settle()

    print(f"three concurrent 40 000-character one-word DMs ({url.split(':')[0]}):")
    for person in huge_people:
        print(f"  {person.user_id}: answered in {huge_times[person.user_id] * 1000:7.1f} ms")
    print(f"  all three answered within {all_three * 1000:7.1f} ms")
    for name, values in (("all", ordinary), ("during the three", during)):
        ms = [v * 1000 for v in values]
        if not ms:
            print(f"ordinary DMs, {name}: none")
            continue
        print(
            f"ordinary DMs, {name:16}: n={len(ms):4}  p50={statistics.median(ms):6.1f} ms  "
            f"p99={percentile(ms, 0.99):6.1f} ms  max={max(ms):6.1f} ms"
        )


if __name__ == "__main__":
    main()
