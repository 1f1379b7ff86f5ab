"""What mentoring says, written to the shared outbox (bot.delivery.outbox) in the
transaction of the state change that decided it; the one deliverer sends it after
commit, per recipient, once.

The Block Kit comes from `Views`, which handlers/mentoring implements: bot/ builds no
Slack JSON. A use case is handed a `Said` by its caller; besides the outbox rows it
writes, `Said` keeps what is direct by nature, for after commit: offer DMs to update in
place (chat.update) and App Homes to refresh.

Delivery keys name the decision: an offer row (with when it was made, as SQLite reuses a
deleted row's id), a pairing, a stall at a moment, a check-in by its number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.content.mentoring import (
    good_news,
    manual_offer_over,
    pairing_ended_by_forget,
    stalled_for_mentee,
)
from bot.delivery import deliverer, outbox
from bot.delivery.deliverer import Job, Posted
from storage.members.models import Member
from storage.mentoring.models import MentorOffer, Pairing

log = logging.getLogger("clubbot.mentoring")

Block = dict[str, Any]

OFFER = "mentoring.offer"
INTRODUCTION = "mentoring.intro"
CHECKIN = "mentoring.checkin"
NOTICE = "mentoring.notice"  # plain DMs and posts: stalled, paired, ended
FORGOTTEN = "mentoring.forgotten"  # a pairing ended by "forget me": kept until sent
STALLED_POST = "mentoring.stalled"


@dataclass(frozen=True)
class OfferNote:
    """A new offer to DM to its mentor, with Accept / Decline."""

    offer_id: int
    mentor_id: str
    mentee_id: str
    topics: tuple[str, ...]
    goal: str
    preferred_times: str
    reasons: str
    expires_at: datetime
    source: str
    offered_by: str | None
    offered_at: datetime | None = None


@dataclass(frozen=True)
class StaleOffer:
    """An offer that is over: its DM is updated and loses its buttons."""

    offer_id: int
    mentor_id: str
    mentee_id: str
    channel_id: str | None
    message_ts: str | None
    # declined, expired, withdrawn, excluded (the mentor asked not to be contacted), full,
    # cancelled, accepted
    why: str
    # An organiser's choice (`/club pair`): they hear when it ends without a pairing.
    offered_by: str | None = None
    offered_at: datetime | None = None


@dataclass(frozen=True)
class Introduction:
    """A new pairing: introduced in a group DM, and the mentee told."""

    pairing_id: int
    mentor_id: str
    mentee_id: str
    topics: tuple[str, ...]
    goal: str
    preferred_times: str
    started_at: datetime


@dataclass(frozen=True)
class Checkin:
    """A week after pairing: "Have you met?" in the pairing's group DM."""

    pairing_id: int
    mentor_id: str
    mentee_id: str


class Views(Protocol):
    """The messages' Block Kit (handlers/mentoring/views.py)."""

    def offer(self, note: OfferNote) -> tuple[str, list[Block]]: ...

    def introduction(self, intro: Introduction) -> tuple[str, list[Block]]: ...

    def checkin(self, checkin: Checkin) -> tuple[str, list[Block]]: ...

    def stalled_for_mentors(self, mentee_id: str, topics: tuple[str, ...]) -> str: ...


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass
class Said:
    views: Views
    mentors_channel: str | None
    # After commit, direct: offer DMs to update in place, Homes that show something new
    # (besides the person acting, whose Home the completion hook refreshes).
    closed: list[StaleOffer] = field(default_factory=list)
    homes: list[str] = field(default_factory=list)
    offered: list[int] = field(default_factory=list)  # offer ids written (for logs and tests)

    def offer(self, session: Session, note: OfferNote, now: datetime) -> None:
        text, blocks = self.views.offer(note)
        made = _stamp(note.offered_at or now)
        outbox.enqueue(
            session,
            note.mentor_id,
            f"{OFFER}:{note.offer_id}:{made}",
            outbox.Message(text, blocks, unsolicited=True),
            now=now,
            purpose=OFFER,
            ref=str(note.offer_id),
            not_after=note.expires_at,  # by then it has moved on to another mentor
            about="a mentoring offer",
        )
        self.offered.append(note.offer_id)
        self.homes.append(note.mentor_id)  # their Home lists offers waiting for an answer

    def close(self, offer: StaleOffer) -> None:
        self.closed.append(offer)
        self.homes.append(offer.mentor_id)

    def moved_on(self, session: Session, offer: StaleOffer, now: datetime) -> None:
        """An offer ended without a pairing (declined, timed out, full, withdrawn on
        `exclude me`): its DM is updated, and an organiser who chose the mentor hears."""
        self.close(offer)
        if offer.offered_by is None or offer.offered_by == offer.mentor_id:
            return
        made = _stamp(offer.offered_at or now)
        text = manual_offer_over(offer.mentor_id, offer.mentee_id, offer.why)
        key = f"{NOTICE}:manual:{offer.offer_id}:{made}"
        self.dm(session, offer.offered_by, text, key, now)

    def stalled(
        self, session: Session, request_id: int, mentee_id: str, topics: tuple[str, ...],
        now: datetime,
    ) -> None:  # fmt: skip
        """Nobody is left to offer the request to: the mentee and the mentors hear it."""
        key = f"{NOTICE}:stalled:{request_id}:{_stamp(now)}"
        channel = self.mentors_channel
        self.dm(session, mentee_id, stalled_for_mentee(channel is not None), key, now)
        if channel:
            outbox.enqueue(
                session, channel, f"{STALLED_POST}:{request_id}:{_stamp(now)}",
                outbox.Message(self.views.stalled_for_mentors(mentee_id, topics)),
                now=now, purpose=STALLED_POST, about="a request nobody could take",
            )  # fmt: skip

    def introduce(self, session: Session, intro: Introduction, offer: StaleOffer) -> None:
        """The group DM's introduction (one row to both: the deliverer opens the group DM),
        the mentee's good news, and the accepted offer's DM updated."""
        now = intro.started_at
        text, blocks = self.views.introduction(intro)
        key = f"{INTRODUCTION}:{intro.pairing_id}:{_stamp(now)}"
        outbox.enqueue(
            session, f"{intro.mentor_id},{intro.mentee_id}", key,
            outbox.Message(text, blocks), now=now, purpose=INTRODUCTION,
            ref=str(intro.pairing_id),
        )  # fmt: skip
        news = good_news(intro.mentor_id)
        self.dm(session, intro.mentee_id, news, f"{NOTICE}:paired:{intro.pairing_id}:{_stamp(now)}",
                now)  # fmt: skip
        self.closed.append(offer)
        self.homes.append(intro.mentee_id)  # the mentor is acting: their Home refreshes itself

    def checkin(self, session: Session, pairing: Pairing, now: datetime) -> None:
        """Posted in the pairing's group DM; unsolicited, so not when either of them asked
        the bot to leave them alone (the deliverer checks people, not a group DM)."""
        if not pairing.channel_id:
            return  # introduced one to one: there is no group DM to ask in
        people = (pairing.mentor_id, pairing.mentee_id)
        if any(_excluded(session, person) for person in people):
            log.info("check-in not sent: someone in pairing=%s is excluded", pairing.id)
            return
        checkin = Checkin(pairing.id, pairing.mentor_id, pairing.mentee_id)
        text, blocks = self.views.checkin(checkin)
        outbox.enqueue(
            session, pairing.channel_id, f"{CHECKIN}:{pairing.id}:{pairing.checkins_sent}",
            outbox.Message(text, blocks), now=now, purpose=CHECKIN, ref=str(pairing.id),
        )  # fmt: skip

    def ended(self, session: Session, pairing: Pairing, text: str, now: datetime) -> None:
        """A pairing ended: said in its group DM, or to each of them."""
        key = f"{NOTICE}:ended:{pairing.id}"
        if pairing.channel_id:
            outbox.enqueue(
                session, pairing.channel_id, key, outbox.Message(text), now=now, purpose=NOTICE,
                ref=str(pairing.id),
            )  # fmt: skip
            return
        for person in (pairing.mentor_id, pairing.mentee_id):
            self.dm(session, person, text, f"{key}:{person}", now)

    def forgotten(
        self, session: Session, forgotten: str, other: str, *, was_mentor: bool, now: datetime
    ) -> None:
        """The other side of a pairing with someone who asked to be forgotten."""
        text = pairing_ended_by_forget(forgotten, to_mentee=was_mentor)
        # The key does not name them, and the row goes once done (_drop, below).
        key = f"{FORGOTTEN}:{other}:{_stamp(now)}"
        self.dm(session, other, text, key, now, purpose=FORGOTTEN)
        self.homes.append(other)

    def dm(
        self, session: Session, user_id: str, text: str, key: str, now: datetime,
        purpose: str = NOTICE,
    ) -> None:  # fmt: skip
        outbox.enqueue(
            session, user_id, key, outbox.Message(text), now=now, purpose=purpose,
            about="a mentoring notice",
        )  # fmt: skip


def _excluded(session: Session, user_id: str) -> bool:
    member = session.get(Member, user_id)
    return bool(member and member.excluded)


# --- what the deliverer reports back ----------------------------------------------------


def _offer_sent(session: Session, job: Job, posted: Posted) -> None:
    """Where the offer's DM landed, to update it when the offer moves on."""
    offer = session.get(MentorOffer, int(job.ref or 0))
    if offer is not None:
        offer.channel_id, offer.message_ts = posted.channel, posted.ts


def _introduced(session: Session, job: Job, posted: Posted) -> None:
    """The pairing's group DM: check-ins and the end are said there."""
    if "," not in job.recipient:
        return  # a one-to-one fallback copy (below): no group DM
    pairing = session.get(Pairing, int(job.ref or 0))
    if pairing is not None:
        pairing.channel_id = posted.channel


def _no_group_dm(session: Session, job: Job, error: str) -> None:
    """Slack refused the group DM for good (e.g. the mpim:write scope is missing):
    introduce them to each other one to one, with the same words."""
    if "," not in job.recipient:
        return
    log.warning("group DM failed key=%s error=%s; introducing one to one", job.key, error)
    now = job.created_at
    for person in job.recipient.split(","):
        outbox.enqueue(
            session, person, f"{job.key}:{person}", outbox.Message(job.text, job.blocks),
            now=now, purpose=INTRODUCTION, ref=job.ref, about="a mentoring introduction",
        )  # fmt: skip


def _checkin_sent(session: Session, job: Job, posted: Posted) -> None:
    """The only check-in message whose buttons count (answers update it)."""
    pairing = session.get(Pairing, int(job.ref or 0))
    if pairing is not None:
        pairing.checkin_ts = posted.ts


def _drop(session: Session, job: Job, _outcome: object) -> None:
    outbox.drop(session, job.key)


deliverer.on_sent(OFFER, _offer_sent)
deliverer.on_sent(FORGOTTEN, _drop)
deliverer.on_failed(FORGOTTEN, _drop)
deliverer.on_sent(INTRODUCTION, _introduced)
deliverer.on_failed(INTRODUCTION, _no_group_dm)
deliverer.on_sent(CHECKIN, _checkin_sent)
