"""Time from a signed slash command to Slack's acknowledgement, at a steady rate.

Runs clubbot (the real app, on waitress, against the local Slack emulator and a
SQLite file) and a bare Bolt app that only acks, on the same server and
machine, and prints p50 / p99 / max of the time until the HTTP answer.

    python bench/ack_latency.py [--rate 20] [--seconds 15] [--text help]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.clock import ManualClock
from bot.emulator import SlackEmulator, SlackSender
from bot.local import NINA, SIGNING_SECRET, LocalClub
from bot.web import BackgroundServer


def measure(send: Callable[[], int], rate: float, seconds: float) -> list[float]:
    """Send at a steady rate from a small pool of threads; return latencies in ms."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    interval = 1.0 / rate
    start = time.perf_counter()
    threads: list[threading.Thread] = []

    def one() -> None:
        nonlocal failures
        began = time.perf_counter()
        status = send()
        took = (time.perf_counter() - began) * 1000
        with lock:
            if status == 200:
                latencies.append(took)
            else:
                failures += 1

    count = int(rate * seconds)
    for index in range(count):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=30)
    if failures:
        print(f"  ({failures} requests failed)")
    return latencies


def report(name: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    print(
        f"{name:10} n={len(ordered):4}  p50={statistics.median(ordered):7.1f} ms  "
        f"p99={p99:7.1f} ms  max={ordered[-1]:7.1f} ms"
    )


def bare_bolt(emulator: SlackEmulator) -> tuple[BackgroundServer, SlackSender]:
    app = App(
        client=WebClient(base_url=emulator.api_url, token=emulator.bot_token),
        signing_secret=SIGNING_SECRET,
    )

    @app.command("/club")
    def only_ack(ack: Ack) -> None:
        ack()

    class Bare:  # the shape BackgroundServer needs
        bolt = app
        deps = type("D", (), {
            "db": type("P", (), {"ping": staticmethod(lambda: True)})(),
            # Bolt checks the signature itself here; clubbot's own check is off.
            "settings": type("S", (), {"signing_secret": None})(),
        })()

    server = BackgroundServer(Bare)  # type: ignore[arg-type]
    server.start()
    url = f"http://127.0.0.1:{server.port}/slack/events"
    return server, SlackSender(url, SIGNING_SECRET, emulator)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--text", default="help", help="the /club text to send")
    args = parser.parse_args()
    print(f"steady rate {args.rate:g}/s for {args.seconds:g} s, /club {args.text}")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        with LocalClub(url, ManualClock(datetime.now(UTC))) as club:
            def clubbot_send() -> int:
                return club.sender.command(args.text, NINA.user_id, "C0CLUB").status

            clubbot_send()  # warm up
            report("clubbot", measure(clubbot_send, args.rate, args.seconds))
            server, sender = bare_bolt(club.emulator)
            try:
                def bare_send() -> int:
                    return sender.command(args.text, NINA.user_id, "C0CLUB").status

                bare_send()
                report("bare Bolt", measure(bare_send, args.rate, args.seconds))
            finally:
                server.stop()
            club.settle()


if __name__ == "__main__":
    main()
