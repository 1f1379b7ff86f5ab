"""Every setting in one typed place, read from the environment once.

A missing or malformed setting raises `ConfigError`, which names the variable
and what it expects; the CLI turns it into one line and exit status 2.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///clubbot.db"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_OFFSET = re.compile(r"^(\d+)\s*([dhm])$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""

    def __init__(self, variable: str, expects: str) -> None:
        super().__init__(f"{variable}: {expects}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    club_channel: str | None = None
    mentors_channel: str | None = None
    organisers: tuple[str, ...] = ()
    log_level: str = "INFO"
    offer_timeout: timedelta = timedelta(hours=24)
    reminder_offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    reminder_grace: timedelta = timedelta(minutes=30)
    nudge_cap: timedelta = timedelta(days=7)
    inactive_after: timedelta = timedelta(days=14)
    # Every mentor may edit the FAQ, not only organisers and the FAQ editors they name.
    mentors_edit_faq: bool = False
    # An FAQ entry nobody confirmed for this long is offered to editors in the weekly review.
    faq_verify_after: timedelta = timedelta(days=180)
    # How long a claimed outbox row belongs to the process sending it; after that
    # (the process died), another takes it over and checks before sending again.
    delivery_lease: timedelta = timedelta(minutes=2)
    # Tests only: `clubbot run` reads "now" from this file (ISO 8601, UTC).
    test_clock_file: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None


def load_settings(env: Mapping[str, str]) -> Settings:
    """Read and check every setting; raise ConfigError on the first bad one."""
    bot_token = _required(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token starting with xoxb-")
    app_token = _optional_prefixed(env, "SLACK_APP_TOKEN", "xapp-", "an app-level token (xapp-)")
    signing_secret = _optional(env, "SLACK_SIGNING_SECRET")
    if app_token is None and signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)",
        )
    api_url = _optional(env, "SLACK_API_URL") or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError("SLACK_API_URL", "an http(s) URL such as https://slack.com/api/")
    if not api_url.endswith("/"):
        api_url += "/"
    database_url = _optional(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("sqlite:", "postgresql")):
        raise ConfigError("DATABASE_URL", "a sqlite:/// or postgresql+psycopg:// URL")
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url,
        database_url=database_url,
        port=_port(env),
        club_channel=_channel(env, "CLUB_CHANNEL"),
        mentors_channel=_channel(env, "CLUB_MENTORS_CHANNEL"),
        organisers=_user_ids(env, "CLUB_ORGANISERS"),
        log_level=_log_level(env),
        offer_timeout=_duration(env, "OFFER_TIMEOUT", timedelta(hours=24)),
        reminder_offsets=_offsets(env, "CLUB_REMINDER_OFFSETS"),
        reminder_grace=_duration(env, "CLUB_REMINDER_GRACE", timedelta(minutes=30)),
        nudge_cap=_duration(env, "CLUB_NUDGE_CAP", timedelta(days=7)),
        inactive_after=_duration(env, "CLUB_INACTIVE_AFTER", timedelta(days=14)),
        mentors_edit_faq=_switch(env, "CLUB_MENTORS_EDIT_FAQ"),
        faq_verify_after=_duration(env, "CLUB_FAQ_VERIFY_AFTER", timedelta(days=180)),
        delivery_lease=_duration(env, "CLUB_DELIVERY_LEASE", timedelta(minutes=2)),
        test_clock_file=_optional(env, "CLUB_TEST_CLOCK_FILE"),
    )


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _required(env: Mapping[str, str], name: str, prefix: str, expects: str) -> str:
    value = _optional(env, name)
    if value is None or not value.startswith(prefix):
        raise ConfigError(name, expects)
    return value


def _optional_prefixed(env: Mapping[str, str], name: str, prefix: str, expects: str) -> str | None:
    value = _optional(env, name)
    if value is not None and not value.startswith(prefix):
        raise ConfigError(name, expects)
    return value


def _port(env: Mapping[str, str]) -> int:
    raw = _optional(env, "PORT")
    if raw is None:
        return 3000
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError("PORT", "a TCP port number between 1 and 65535")
    return int(raw)


def _channel(env: Mapping[str, str], name: str) -> str | None:
    value = _optional(env, name)
    if value is not None and not _CHANNEL_ID.match(value):
        raise ConfigError(name, "a channel id such as C0123ABCD (not a #name)")
    return value


def _user_ids(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = _optional(env, name)
    if raw is None:
        return ()
    ids = tuple(part.strip() for part in raw.split(",") if part.strip())
    for user_id in ids:
        if not _USER_ID.match(user_id):
            raise ConfigError(name, f"comma-separated user ids such as U0123ABCD (got {user_id!r})")
    return ids


_ON = frozenset({"on", "true", "yes", "1"})
_OFF = frozenset({"off", "false", "no", "0"})


def _switch(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = (_optional(env, name) or "").lower()
    if not raw:
        return default
    if raw not in _ON | _OFF:
        raise ConfigError(name, "on or off")
    return raw in _ON


def _log_level(env: Mapping[str, str]) -> str:
    level = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError("LOG_LEVEL", "one of DEBUG, INFO, WARNING, ERROR")
    return level


def parse_duration(text: str) -> timedelta | None:
    """'24h', '30m', '2d' → timedelta; anything else → None."""
    match = _OFFSET.match(text.strip().lower())
    if match is None or int(match.group(1)) == 0:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "m": timedelta(minutes=amount),
    }[unit]


def _duration(env: Mapping[str, str], name: str, default: timedelta) -> timedelta:
    raw = _optional(env, name)
    if raw is None:
        return default
    value = parse_duration(raw)
    if value is None:
        raise ConfigError(name, "a duration such as 24h, 30m or 2d")
    return value


def _offsets(env: Mapping[str, str], name: str) -> tuple[timedelta, ...]:
    raw = _optional(env, name)
    if raw is None:
        return (timedelta(hours=24), timedelta(hours=1))
    offsets = [parse_duration(part) for part in raw.split(",")]
    if not offsets or any(offset is None for offset in offsets):
        raise ConfigError(name, "comma-separated durations such as 24h,1h")
    return tuple(sorted((o for o in offsets if o is not None), reverse=True))
