"""The thread pool Bolt runs listeners on, with a way to wait until it is idle.

Bolt acknowledges Slack as soon as a listener calls `ack()` and lets the rest
of the listener run on this pool. Tests and the console call `wait_idle()`
after each delivery so they observe every Web API call deterministically.

Each request runs on its own worker, so a slow listener holds one worker, not the
queue; what keeps workers free is that no input costs much (questions are clipped
before matching, see bot/faq/asking.py, tests/wire/test_bounded_input.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="clubbot-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener is running; False if that took longer than timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)
