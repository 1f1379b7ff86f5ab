"""Heavy work in a fresh Python process, so the bot's own threads keep the interpreter.

CPU-bound Python on a thread slows every other thread of the process, not by a share of
the CPU but by the switch interval: each time a request thread gives up the GIL (every
database call, every large numpy operation) it waits up to 5 ms to get it back, and one
DM answer makes dozens of such calls. Building a 10 000-entry FAQ index or reading a
5 000-row spreadsheet is seconds of such work; on a thread it made DMs wait 1-2 s
(bench/faq_rebuild.py). In a child process it costs the parent only reading the result.

The child is spawned, not forked (a fork copies other threads' locks in whatever state
they are), runs one function of a module it imports afresh, sends back the result and
exits. It runs at a lower priority, so on a busy machine the bot's answers go first.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

T = TypeVar("T")

# Far above any real build (a 15 000-entry FAQ takes under a minute); a child stuck for
# longer is killed so that the next change can try again.
TIMEOUT_S = 900.0
_NICENESS = 10
_CONTEXT = multiprocessing.get_context("spawn")


class OffloadError(RuntimeError):
    """The child failed: its traceback is the message. `started` is False when no child
    could be started at all (the work can then be done here instead)."""

    def __init__(self, message: str, *, started: bool = True) -> None:
        super().__init__(message)
        self.started = started


def run(fn: Callable[..., T], *args: Any, timeout: float = TIMEOUT_S) -> T:
    """`fn(*args)` in a child process, its (picklable) result returned here. `fn` must be
    a module-level function; only the calling thread waits, and waiting holds no lock."""
    receive, send = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child, args=(send, fn, args), daemon=True,
                               name=f"clubbot-{getattr(fn, '__name__', 'work')}")
    try:
        process.start()
    except (OSError, RuntimeError) as error:  # no fork/spawn here (limits, sandbox)
        receive.close()
        send.close()
        raise OffloadError(f"could not start a process: {error}", started=False) from error
    send.close()  # the child holds the only writing end: EOF when it dies
    try:
        if not receive.poll(timeout):
            raise OffloadError(f"{fn.__name__} took over {timeout:.0f} s")
        ok, value = receive.recv()
    except EOFError as error:
        process.join(5)
        raise OffloadError(f"{fn.__name__} ended without a result "
                           f"(exit code {process.exitcode})") from error
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    if not ok:
        raise OffloadError(str(value))
    return cast(T, value)


def _child(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    with contextlib.suppress(AttributeError, OSError):  # not on this platform, or not allowed
        os.nice(_NICENESS)
    try:
        result: tuple[bool, Any] = (True, fn(*args))
    except BaseException:
        result = (False, traceback.format_exc())
    send.send(result)
    send.close()
