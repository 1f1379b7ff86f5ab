"""Keeping answers true (issue 13 item 4): once a week FAQ editors are offered the entries
unverified for a while or found unhelpful, and *Still right* marks one verified."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from bot.local import MEI, NINA, OLIVIA, LocalClub
from storage.faq.models import FaqEntry


def dms(club: LocalClub, user: str) -> list[dict[str, Any]]:
    channel = club.dm_channel(user)
    return [c.args for c in club.emulator.calls_to("chat.postMessage")
            if c.ok and c.args.get("channel") in (channel, user)]


def reviews(club: LocalClub, user: str) -> list[dict[str, Any]]:
    return [m for m in dms(club, user) if "Weekly FAQ review" in m.get("text", "")]


def age(club: LocalClub, entry_id: int, days: int) -> None:
    assert club.db is not None
    with club.db.transaction() as session:
        session.execute(update(FaqEntry).where(FaqEntry.id == entry_id).values(
            verified_at=club.clock.now() - timedelta(days=days)))


def verified_at(club: LocalClub, entry_id: int) -> Any:
    assert club.db is not None
    with club.db.transaction() as session:
        entry = session.get(FaqEntry, entry_id)
        assert entry is not None
        return entry.verified_at


def test_editors_get_one_weekly_review_and_still_right_verifies(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")  # loads the starter FAQ (all verified now)
    age(club, 2, days=200)
    # The club clock starts on a Tuesday: nothing until Monday 09:00 UTC.
    club.advance(timedelta(days=6), step=timedelta(hours=1))
    assert club.clock.now().weekday() == 0 and club.clock.now().hour >= 9
    (review,) = reviews(club, OLIVIA.user_id)
    shown = json.dumps(review["blocks"], ensure_ascii=False)
    assert "*#2*" in shown and "last verified" in shown
    assert "*#1*" not in shown  # recently verified: not offered
    assert reviews(club, MEI.user_id) == []  # a mentor, not an FAQ editor
    club.advance(timedelta(days=1), step=timedelta(hours=2))
    assert len(reviews(club, OLIVIA.user_id)) == 1  # once a week

    club.press(NINA.user_id, {**review, "channel": club.dm_channel(OLIVIA.user_id)},
               "faq_verify")  # a member pressing a forwarded button changes nothing
    assert "can verify FAQ entries" in club.emulator.calls_to("response_url")[-1].args["text"]
    assert verified_at(club, 2) < club.clock.now() - timedelta(days=100)
    club.press(OLIVIA.user_id, {**review, "channel": club.dm_channel(OLIVIA.user_id)},
               "faq_verify")
    assert "is verified as of today" in club.emulator.calls_to("response_url")[-1].args["text"]
    assert verified_at(club, 2) == club.clock.now()

    # The next Monday: nothing is stale any more, so no review.
    club.advance(timedelta(days=7), step=timedelta(hours=3))
    assert len(reviews(club, OLIVIA.user_id)) == 1


def test_an_entry_askers_find_unhelpful_is_offered_too(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")
    assert club.db is not None
    with club.db.transaction() as session:
        session.execute(update(FaqEntry).where(FaqEntry.id == 3).values(
            not_helpful_count=3, helpful_count=1))
    club.advance(timedelta(days=6), step=timedelta(hours=1))
    (review,) = reviews(club, OLIVIA.user_id)
    assert "unhelpful 3×" in json.dumps(review["blocks"], ensure_ascii=False)
