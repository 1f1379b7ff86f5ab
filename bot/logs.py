"""How clubbot logs: one line per event at INFO, and a normal day without warnings.

The libraries are told what is noise here: APScheduler reports every run of the
one-second tick (only at DEBUG), and Bolt warns that the token it read from the
environment is unused because we hand it a ready client (we do, on purpose).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# "Running job ..." / "Job ... executed successfully", once a second for the tick.
PER_TICK_LOGGER = "apscheduler.executors.default"
# Logs each failed HTTP attempt and each retry; at start-up our one line says it all.
SLACK_CLIENT_LOGGER = "slack_sdk.web.base_client"


def configure(level: str) -> None:
    """The root handler at `level`; the per-tick lines only when that is DEBUG."""
    logging.basicConfig(level=level, format=FORMAT)
    quiet_libraries(level)


def quiet_libraries(level: str) -> None:
    debugging = logging.getLevelName(level) == logging.DEBUG
    logging.getLogger(PER_TICK_LOGGER).setLevel(logging.DEBUG if debugging else logging.WARNING)


class _DropTokenUnused(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when given a client, then
    warns the token is unused: true, intended, and not worth a line."""

    unused = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.unused


def bolt_logger(name: str = "clubbot.bolt") -> logging.Logger:
    logger = logging.getLogger(name)
    if not any(isinstance(f, _DropTokenUnused) for f in logger.filters):
        logger.addFilter(_DropTokenUnused())
    return logger


@contextmanager
def slack_client_quiet() -> Iterator[None]:
    """While `clubbot run` checks it can reach Slack: a failure becomes one line of
    ours (StartupError), not the client's error and retry lines before it."""
    logger = logging.getLogger(SLACK_CLIENT_LOGGER)
    before = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(before)
