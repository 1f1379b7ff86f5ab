"""The call log tests assert on, and the failures they ask the emulator to inject."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ApiCall:
    """One request the emulator answered, in arrival order.

    `context` holds what the emulator resolved that the reply does not show
    (the channel and ts a message landed at), so `messages()` can report them.
    """

    method: str
    args: dict[str, Any]
    ok: bool
    response: dict[str, Any]
    status: int = 200
    context: dict[str, Any] = field(default_factory=dict)


class CallLog:
    """Thread-safe ordered record; a Condition lets tests wait without sleeping."""

    def __init__(self) -> None:
        self._calls: list[ApiCall] = []
        self._cond = threading.Condition()
        self.on_call: Callable[[ApiCall], None] | None = None

    def record(self, call: ApiCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        hook = self.on_call
        if hook is not None:
            hook(call)

    def all(self) -> list[ApiCall]:
        with self._cond:
            return list(self._calls)

    def to(self, method: str) -> list[ApiCall]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(self, method: str, count: int, timeout: float) -> list[ApiCall]:
        with self._cond:
            done = self._cond.wait_for(
                lambda: sum(c.method == method for c in self._calls) >= count, timeout
            )
            calls = [c for c in self._calls if c.method == method]
            if not done:
                seen = [c.method for c in self._calls]
                raise TimeoutError(
                    f"waited {timeout}s for {count} call(s) to {method}, got {len(calls)};"
                    f" calls so far: {seen}"
                )
            return calls


@dataclass
class Fault:
    """An injected failure: a Slack error reply, or a 429 with Retry-After."""

    error: str
    remaining: int
    retry_after: int | None = None  # set: answer 429 ratelimited
    status: int = 200  # the HTTP status of the error reply (500, 503: Slack itself broken)


class Faults:
    """Per-method FIFO of injected failures, each used `times` times."""

    def __init__(self) -> None:
        self._queue: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def add(self, method: str, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._queue.setdefault(method, []).append(fault)

    def take(self, method: str) -> Fault | None:
        with self._lock:
            queue = self._queue.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.pop(0)
            return fault
