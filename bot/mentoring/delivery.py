"""Delivers a mentoring Outbox to Slack, after its transaction committed.

Each item is delivered on its own: one Slack failure is logged and does not
stop the rest (an undelivered offer still times out and moves on).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.mentoring import (
    mentors as mentoring,
)
from bot.mentoring import (
    offers as mentoring_offers,
)
from bot.mentoring import (
    pairings as mentoring_pairings,
)
from bot.mentoring.outbox import Checkin, Introduction, OfferNote, Outbox, StaleOffer, Stalled
from handlers.home.listeners import refresh_home
from handlers.mentoring import views

log = logging.getLogger("clubbot.mentoring")


def deliver(deps: Deps, outbox: Outbox) -> None:
    steps: list[Callable[[], object]] = [
        *(lambda s=s: _close_offer(deps, s) for s in outbox.stale),
        *(lambda i=i: _introduce(deps, i) for i in outbox.introductions),
        *(lambda o=o: _send_offer(deps, o) for o in outbox.offers),
        *(lambda s=s: _nobody_left(deps, s) for s in outbox.stalled),
        *(lambda c=c: _send_checkin(deps, c) for c in outbox.checkins),
        *(lambda d=d: _dm(deps, *d) for d in outbox.dms),
        *(lambda p=p: _post(deps, *p) for p in outbox.posts),
        # Last, so the Home shows the pairing as it stands after everything above.
        *(lambda u=u: refresh_home(deps, u, only_if_changed=True) for u in outbox.homes),
    ]
    for step in steps:
        try:
            step()
        except SlackApiError as error:
            log.warning("mentoring delivery failed error=%s", error.response.get("error"))


def _close_offer(deps: Deps, offer: StaleOffer) -> None:
    if not (offer.channel_id and offer.message_ts):
        return
    text = views.offer_closed_text(offer.why, offer.mentee_id, deps.settings.offer_timeout)
    deps.client.chat_update(
        channel=offer.channel_id, ts=offer.message_ts, text=text, blocks=[views.section(text)]
    )


def _send_offer(deps: Deps, note: OfferNote) -> None:
    text, blocks = views.offer_message(note)
    sent = deps.notifier.dm(note.mentor_id, text, blocks)
    if sent and sent.get("channel") and sent.get("ts"):
        mentoring_offers.note_offer_message(deps.db, note.offer_id, sent["channel"], sent["ts"])


def _introduce(deps: Deps, intro: Introduction) -> None:
    if intro.offer_channel and intro.offer_ts:
        text = views.offer_closed_text("accepted", intro.mentee_id, deps.settings.offer_timeout)
        deps.client.chat_update(
            channel=intro.offer_channel, ts=intro.offer_ts, text=text, blocks=[views.section(text)]
        )
    text, blocks = views.introduction(intro)
    try:
        opened = deps.client.conversations_open(users=[intro.mentor_id, intro.mentee_id])
        channel = str(opened["channel"]["id"])
        deps.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        mentoring_pairings.record_group_dm(deps.db, intro.pairing_id, channel)
    except SlackApiError as error:
        # No group DM (e.g. mpim:write missing): introduce them to each other one to one.
        log.warning(
            "group DM failed pairing=%s error=%s", intro.pairing_id, error.response.get("error")
        )
        for person in (intro.mentor_id, intro.mentee_id):
            deps.notifier.dm(person, text, blocks, unsolicited=False)
    deps.notifier.dm(
        intro.mentee_id,
        f":tada: Good news: <@{intro.mentor_id}> will be your mentor. "
        "I've introduced you both in a group DM.",
        unsolicited=False,
    )


def _nobody_left(deps: Deps, stalled: Stalled) -> None:
    channel = deps.settings.mentors_channel
    organisers = " The organisers know, and can pair you by hand." if channel else ""
    deps.notifier.dm(
        stalled.mentee_id,
        "I'm sorry: I couldn't find you a mentor yet. Every mentor who fits your topics "
        "has said no, not answered in time, or has no room right now. Your request stays "
        "open: I'll offer it again as soon as a mentor has room or a new one signs up."
        f"{organisers} `/club mentor cancel` withdraws it if you'd rather.",
        unsolicited=False,
    )
    if channel:
        topics = views.topic_list(stalled.topics)
        deps.client.chat_postMessage(
            channel=channel,
            text=(
                f":hourglass: <@{stalled.mentee_id}> is waiting for a mentor ({topics}): every "
                "mentor who fits has declined, not answered or is full. If you have room, "
                "raise your capacity with `/club mentor signup`. Organisers: `/club mentor "
                f"suggest <@{stalled.mentee_id}>`, `/club pair` or `/club pairing round` "
                "(mentors who only didn't answer are asked again)."
            ),
        )


def _send_checkin(deps: Deps, checkin: Checkin) -> None:
    if not checkin.channel_id:
        return
    # The check-in is unsolicited: it reaches nobody who asked the bot to leave them alone.
    if any(deps.notifier.is_excluded(user) for user in (checkin.mentor_id, checkin.mentee_id)):
        log.info("check-in not sent: someone in pairing=%s is excluded", checkin.pairing_id)
        return
    text, blocks = views.checkin_message(checkin.pairing_id, checkin.mentor_id, checkin.mentee_id)
    sent = deps.client.chat_postMessage(channel=checkin.channel_id, text=text, blocks=blocks)
    mentoring_pairings.note_checkin_message(deps.db, checkin.pairing_id, str(sent["ts"]))


def _dm(deps: Deps, user_id: str, text: str) -> None:
    deps.notifier.dm(user_id, text, unsolicited=False)


def _post(deps: Deps, channel: str, text: str) -> None:
    deps.client.chat_postMessage(channel=channel, text=text)


def run_due_work(deps: Deps) -> None:
    """The tick task: offers past their timeout move on; mentors whose dated pause ran out
    are offered what waited; week-old pairings get a check-in."""
    now = deps.clock.now()
    timeout = deps.settings.offer_timeout
    outbox = mentoring_offers.expire_due_offers(deps.db, now, timeout)
    outbox.extend(mentoring.offer_after_ended_pauses(deps.db, now, timeout))
    outbox.extend(mentoring_pairings.due_checkins(deps.db, now))
    deliver(deps, outbox)
