"""Reaching people: DMs that respect "exclude me", and cached Slack profiles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.delivery.rules import PERMANENT
from storage.db import Database
from storage.members import queries as members
from storage.members.models import Member

log = logging.getLogger("clubbot.notify")

# People rarely change their time zone; a week-old copy is fine.
PROFILE_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class Profile:
    user_id: str
    name: str
    tz: str
    is_bot: bool = False


class Notifier:
    def __init__(self, client: WebClient, db: Database, clock: Clock) -> None:
        self.client = client
        self.db = db
        self.clock = clock

    def open_dm(self, user_id: str) -> str:
        return str(self.client.conversations_open(users=user_id)["channel"]["id"])

    def dm(
        self,
        user_id: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        unsolicited: bool = True,
    ) -> dict[str, Any] | None:
        """Post in the person's DM. Unsolicited messages (nudges, reminders, offers)
        are not sent to people who asked the bot to leave them alone: returns None."""
        if unsolicited and self.is_excluded(user_id):
            log.info("not contacting excluded person user=%s", user_id)
            return None
        kwargs: dict[str, Any] = {"channel": self.open_dm(user_id), "text": text}
        if blocks:
            kwargs["blocks"] = blocks
        response = self.client.chat_postMessage(**kwargs)
        return dict(response.data) if isinstance(response.data, dict) else {}

    def is_excluded(self, user_id: str) -> bool:
        with self.db.transaction() as session:
            member = session.get(Member, user_id)
            return bool(member and member.excluded)

    def profile(self, user_id: str) -> Profile:
        """Name and time zone from Slack, cached in the members table."""
        now = self.clock.now()
        with self.db.transaction() as session:
            member = members.get_or_create(session, user_id, now)
            if member.profile_fetched_at and now - member.profile_fetched_at < PROFILE_MAX_AGE:
                return Profile(user_id, member.display_name or user_id, member.tz)
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            code = str(error.response.get("error"))
            log.warning("users.info failed user=%s error=%s", user_id, code)
            if code in PERMANENT:
                # Slack will not know them tomorrow either: keep the default for a week
                # instead of asking on every nudge plan (every 10 minutes).
                with self.db.transaction() as session:
                    member = members.get_or_create(session, user_id, now)
                    member.profile_fetched_at = now
            return Profile(user_id, user_id, "UTC")
        profile = Profile(
            user_id=user_id,
            name=_display_name(user),
            tz=user.get("tz") or "UTC",
            is_bot=bool(user.get("is_bot")),
        )
        with self.db.transaction() as session:
            member = members.get_or_create(session, user_id, now)
            member.display_name = profile.name
            member.tz = profile.tz
            member.profile_fetched_at = now
        return profile


def _display_name(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    return str(
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user.get("id")
    )


def local_time(moment: datetime, tz: str) -> datetime:
    from zoneinfo import ZoneInfo

    try:
        return moment.astimezone(ZoneInfo(tz))
    except Exception:
        return moment
