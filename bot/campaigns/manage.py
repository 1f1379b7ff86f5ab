"""Use cases for running a campaign: create, edit, cancel, list, status. One
transaction each; they never call Slack: what those who joined must hear (the launch
moved, the campaign was called off) is written to the shared outbox in the same
transaction, and the deliverer sends it after commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.campaigns.rules import Audience, Draft, minutes_to_first_post
from bot.content import campaigns as say
from bot.delivery import outbox
from storage.campaigns import queries as repo
from storage.campaigns.models import Campaign
from storage.db import Database


@dataclass(frozen=True)
class CampaignProblem:
    message: str


@dataclass(frozen=True, kw_only=True)
class CampaignSnap(Draft):
    """A stored campaign: what its form said (Draft), and which one it is and how it stands."""

    id: int
    status: str
    created_by: str | None

    def launched(self, now: datetime) -> bool:
        return self.launch_at <= now

    def open_at(self, now: datetime) -> bool:
        return self.status == repo.ACTIVE and now < self.closes_at


def snapshot(row: Campaign) -> CampaignSnap:
    return CampaignSnap(
        id=row.id,
        title=row.title,
        brief=row.brief,
        key_messages=row.key_messages,
        links=row.links,
        hashtags=row.hashtags,
        disclosure=row.disclosure,
        launch_at=row.launch_at,
        closes_at=row.closes_at,
        tz=row.tz,
        audience=Audience(row.audience),
        audience_step=row.audience_step,
        audience_topics=tuple(t for t in row.audience_topics.split(",") if t),
        status=row.status,
        created_by=row.created_by,
    )


NOT_FOUND = "I can't find that campaign. `/club campaign list` shows the open ones."


def open_campaign(
    session: Session, campaign_id: int, now: datetime, *, cancelled: str, closed: str
) -> Campaign | CampaignProblem:
    """The campaign if it is open now; otherwise what to tell the person: NOT_FOUND, or
    `cancelled` / `closed` with the campaign's `{title}` filled in."""
    row = repo.get(session, campaign_id)
    if row is None:
        return CampaignProblem(NOT_FOUND)
    if row.status == repo.CANCELLED:
        return CampaignProblem(cancelled.format(title=row.title))
    if row.status != repo.ACTIVE or row.closes_at <= now:
        return CampaignProblem(closed.format(title=row.title))
    return row


def _apply(row: Campaign, draft: Draft) -> None:
    row.title = draft.title
    row.brief = draft.brief
    row.key_messages = draft.key_messages
    row.links = draft.links
    row.hashtags = draft.hashtags
    row.disclosure = draft.disclosure
    row.launch_at = draft.launch_at
    row.closes_at = draft.closes_at
    row.tz = draft.tz
    row.audience = draft.audience.value
    row.audience_step = draft.audience_step if draft.audience is Audience.PATH else None
    row.audience_topics = (
        ",".join(draft.audience_topics) if draft.audience is Audience.TOPICS else ""
    )


def create(db: Database, actor: str, draft: Draft, now: datetime) -> CampaignSnap:
    with db.transaction() as session:
        row = Campaign(created_by=actor, created_at=now, updated_at=now, status=repo.ACTIVE)
        _apply(row, draft)
        session.add(row)
        session.flush()
        return snapshot(row)


def get(db: Database, campaign_id: int) -> CampaignSnap | CampaignProblem:
    with db.transaction() as session:
        row = repo.get(session, campaign_id)
        return snapshot(row) if row is not None else CampaignProblem(NOT_FOUND)


def editable(db: Database, campaign_id: int, now: datetime) -> CampaignSnap | CampaignProblem:
    """A campaign that may still change: active and not closed."""
    found = get(db, campaign_id)
    if isinstance(found, CampaignProblem):
        return found
    if found.status == repo.CANCELLED:
        return CampaignProblem(f"“{found.title}” was cancelled; nothing to change.")
    if not found.open_at(now):
        return CampaignProblem(f"“{found.title}” has closed; nothing to change.")
    return found


@dataclass(frozen=True)
class Updated:
    snap: CampaignSnap
    # The launch moved: everyone who joined is told (their go-live follows the new time).
    moved_from: datetime | None
    joined: tuple[str, ...]


def update(
    db: Database, campaign_id: int, draft: Draft, now: datetime
) -> Updated | CampaignProblem:
    with db.transaction() as session:
        no_longer = "“{title}” is no longer open; nothing changed."
        row = open_campaign(session, campaign_id, now, cancelled=no_longer, closed=no_longer)
        if isinstance(row, CampaignProblem):
            return row
        before = row.launch_at
        _apply(row, draft)
        row.updated_at = now
        session.flush()
        moved = before if before != draft.launch_at else None
        joined = tuple(repo.joined(session, campaign_id)) if moved else ()
        snap = snapshot(row)
        if moved is not None:
            text = say.launch_moved(snap.title, say.slack_time(moved, snap.tz),
                                    say.slack_time(snap.launch_at, snap.tz))
            # Each move is its own notice: the key says when it was decided.
            _tell(session, joined, f"campaigns.moved:{snap.id}:{int(now.timestamp())}", text,
                  now, closes=snap.closes_at, about=f"the news that {say.title(snap.title)} moved")
        return Updated(snap, moved, joined)


def cancel(db: Database, campaign_id: int, now: datetime) -> Updated | CampaignProblem:
    """Call it off; those who joined are told."""
    with db.transaction() as session:
        row = open_campaign(
            session, campaign_id, now,
            cancelled="“{title}” was already cancelled; nothing changed.",
            closed="“{title}” has closed; it can't be cancelled now.",
        )
        if isinstance(row, CampaignProblem):
            return row
        row.status = repo.CANCELLED
        row.updated_at = now
        repo.skip_campaign_invites(session, campaign_id)
        session.flush()
        snap, joined = snapshot(row), tuple(repo.joined(session, campaign_id))
        _tell(session, joined, f"campaigns.cancelled:{snap.id}", say.cancelled(snap.title), now,
              closes=snap.closes_at, about=f"the news that {say.title(snap.title)} was called off")
        return Updated(snap, None, joined)


def _tell(
    session: Session, people: tuple[str, ...], key: str, text: str, now: datetime, *,
    closes: datetime, about: str,
) -> None:
    """A DM to each person who joined (who asked to hear), as an outbox row each."""
    for user_id in people:
        outbox.enqueue(
            session, user_id, f"{key}:{user_id}", outbox.Message(text, unsolicited=True),
            now=now, purpose="campaigns.news", ref=key, not_after=closes, about=about,
        )


@dataclass(frozen=True)
class Listed:
    snap: CampaignSnap
    answer: str | None  # the reader's: in | out | None


def listing(db: Database, user_id: str, now: datetime) -> list[Listed]:
    with db.transaction() as session:
        listed = []
        for row in repo.open_and_upcoming(session, now):
            person = repo.person(session, row.id, user_id)
            listed.append(Listed(snapshot(row), person.answer if person else None))
        return listed


@dataclass(frozen=True)
class Figures:
    snap: CampaignSnap
    invited: int
    joined: int
    declined: int
    posted: int  # people who posted at least one link
    posts: int
    by_network: dict[str, int]
    practice: int
    minutes_to_first_post: int | None


def figures(db: Database, campaign_id: int) -> Figures | CampaignProblem:
    with db.transaction() as session:
        row = repo.get(session, campaign_id)
        if row is None:
            return CampaignProblem(NOT_FOUND)
        return _figures(session, row)


def _figures(session: Session, row: Campaign) -> Figures:
    people = repo.people(session, row.id)
    posts = repo.posts(session, row.id)
    external = [post for post in posts if not post.practice]
    posters = {post.user_id or f"anon:{post.id}" for post in posts}
    return Figures(
        snap=snapshot(row),
        invited=sum(1 for p in people if p.invite_status == "sent"),
        joined=sum(1 for p in people if p.answer == "in"),
        declined=sum(1 for p in people if p.answer == "out"),
        posted=len(posters),
        posts=len(external),
        by_network=dict(Counter(post.network for post in external).most_common()),
        practice=len(posts) - len(external),
        minutes_to_first_post=minutes_to_first_post(
            row.launch_at, external[0].posted_at if external else None
        ),
    )


def status_of_all(db: Database, now: datetime, limit: int = 5) -> list[Figures]:
    """The open campaigns, else the most recent ones, with their figures."""
    with db.transaction() as session:
        rows = repo.open_and_upcoming(session, now) or repo.recent(session, limit)
        return [_figures(session, row) for row in rows[:limit]]
