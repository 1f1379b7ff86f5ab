"""The embargo, the links and the roundup (issue 15 items 4, 5, 6 and 7): the go-live
DM at launch, links refused before it and counted once after, the roundup exactly
once across a restart, the status figures, the path tick and forget me."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from bot.campaigns import manage
from bot.campaigns.manage import Figures
from bot.encouragement import kudos
from bot.local import CLUB, MEI, NINA, OLIVIA, PRIYA, LocalClub
from handlers import ids
from storage.campaigns.models import CampaignPerson, CampaignPost
from storage.path import queries as path
from tests.wire.test_campaign_invitations import at, buttons, invitations
from tests.wire.test_campaigns import create

# 03:00 in London is 22:00 the evening before in New York: outside Nina's working hours.
LAUNCH = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
CLOSE = datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
GOLIVE = "embargo on"
LINK = "<https://www.linkedin.com/posts/nina-aurora?utm_source=share&utm_medium=member>"


def golive(club: LocalClub, user: str) -> list[dict[str, Any]]:
    return [m for m in club.replies(club.dm_channel(user)) if GOLIVE in m.get("text", "")]


def answered(club: LocalClub) -> str:
    return str(club.emulator.calls_to("response_url")[-1].args["text"])


def posts(club: LocalClub) -> list[CampaignPost]:
    assert club.db is not None
    with club.db.transaction() as session:
        return list(session.scalars(select(CampaignPost).order_by(CampaignPost.id)))


def figures(club: LocalClub, campaign_id: int) -> Figures:
    found = manage.figures(club.bot.deps.db, campaign_id)
    assert isinstance(found, Figures)
    return found


def launch_campaign(club: LocalClub) -> int:
    """Created Tuesday 10:00; Nina (invited at 09:00 New York) is in, Priya is not."""
    campaign_id = create(club, launch_date="2026-12-03", launch_time="03:00")
    club.tick()
    club.press(PRIYA.user_id, invitations(club, PRIYA.user_id)[0], ids.CAMPAIGN_DECLINE)
    assert "not on *Aurora 2.0*" in answered(club)
    at(club, datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    club.press(NINA.user_id, invitations(club, NINA.user_id)[0], ids.CAMPAIGN_JOIN)
    assert "I'll DM you <!date^1796266800^" in answered(club)
    return campaign_id


def test_the_golive_dm_comes_at_launch_to_joiners_only_and_once(club: LocalClub) -> None:
    launch_campaign(club)
    at(club, LAUNCH - timedelta(minutes=1))
    assert golive(club, NINA.user_id) == []
    at(club, LAUNCH)  # 22:00 in New York: not held for working hours, she asked
    (dm,) = golive(club, NINA.user_id)
    assert buttons(dm) == [ids.CAMPAIGN_POSTED]
    assert "Our new *Aurora* analytics suite." in json.dumps(dm["blocks"])
    assert golive(club, PRIYA.user_id) == [] and golive(club, MEI.user_id) == []
    club.restart()
    club.advance(timedelta(minutes=3))
    assert len(golive(club, NINA.user_id)) == 1


def test_a_link_before_launch_is_refused_after_it_counted_once_and_a_non_link_refused(
    club: LocalClub,
) -> None:
    campaign_id = launch_campaign(club)
    club.command(NINA.user_id, f"campaign post {LINK}")
    assert "still under embargo until <!date^1796266800^" in answered(club)
    assert posts(club) == []

    at(club, LAUNCH + timedelta(minutes=30))
    for text in ("campaign post not-a-link", f"campaign post {campaign_id} ftp://x.com/a",
                 "campaign post javascript:alert(1)"):
        club.command(NINA.user_id, text)
        assert "doesn't look like a link" in answered(club), text
    assert posts(club) == []
    club.command(NINA.user_id, f"campaign post {LINK}")
    assert "Your post on LinkedIn for *Aurora 2.0* is counted" in answered(club)
    assert "first post outside the firewall" in answered(club)
    # The same post shared with other tracking, another case and a trailing slash.
    club.command(NINA.user_id, f"campaign post {campaign_id} "
                 "https://LinkedIn.com/posts/nina-aurora/?trk=feed&fbclid=abc#comments")
    assert "already counted" in answered(club)
    (post,) = posts(club)
    assert (post.url, post.network, post.practice) == (
        "https://linkedin.com/posts/nina-aurora", "linkedin", False)
    assert club.db is not None
    with club.db.transaction() as session:
        assert "first_external_post" in path.steps_of(session, NINA.user_id)

    # The I posted button opens a field for the link; a practice post is not external.
    club.press(NINA.user_id, golive(club, NINA.user_id)[0], ids.CAMPAIGN_POSTED)
    form = [c.args["view"] for c in club.emulator.calls_to("views.open")][-1]
    assert form["callback_id"] == ids.CAMPAIGN_POST_VIEW
    refused = club.submit(NINA.user_id, form, {"link": "my blog post"})
    assert json.loads(refused.body)["errors"]["link"].startswith("That doesn't look like a link")
    club.submit(NINA.user_id, form, {"link": "https://intranet.example.com/blogs/nina/aurora"})
    assert "counts as practice" in club.last_reply(club.dm_channel(NINA.user_id))["text"]

    numbers = figures(club, campaign_id)
    # Everyone in the club channel but Olivia, who wrote it, was invited by now.
    assert (numbers.invited, numbers.joined, numbers.declined, numbers.posted) == (5, 1, 1, 1)
    assert (numbers.by_network, numbers.practice, numbers.minutes_to_first_post) == (
        {"linkedin": 1}, 1, 30)
    club.command(OLIVIA.user_id, f"campaign status {campaign_id}")
    shown = json.dumps(club.emulator.calls_to("response_url")[-1].args["blocks"])
    assert "joined *1*" in shown and "LinkedIn 1" in shown
    assert "30 min from launch to the first post" in shown


def test_the_roundup_goes_out_once_across_a_restart_with_thanks_counted(
    club: LocalClub,
) -> None:
    campaign_id = launch_campaign(club)
    at(club, LAUNCH + timedelta(hours=1))
    club.command(NINA.user_id, f"campaign post {LINK}")
    # Mei joins from the list and posts on X, preferring not to be named.
    club.command(MEI.user_id, "campaign list")
    club.sender.block_action(MEI.user_id, ids.CAMPAIGN_JOIN, value=str(campaign_id),
                             channel_id=club.dm_channel(MEI.user_id))
    club.settle()
    club.sender.block_action(MEI.user_id, ids.CAMPAIGN_POSTED, value=str(campaign_id),
                             channel_id=club.dm_channel(MEI.user_id))
    club.settle()
    form = [c.args["view"] for c in club.emulator.calls_to("views.open")][-1]
    club.submit(MEI.user_id, form, {"link": "https://x.com/mei/status/42?s=20", "named": []})

    at(club, CLOSE - timedelta(minutes=1))
    assert not [m for m in club.replies(CLUB.channel_id) if "wrap" in m.get("text", "")]
    at(club, CLOSE)
    club.restart()
    club.advance(timedelta(minutes=2))
    (roundup,) = [m for m in club.replies(CLUB.channel_id) if "wrap" in m.get("text", "")]
    assert "2 posts outside the firewall: 1 on LinkedIn, 1 on X" in roundup["text"]
    assert f"Thank you <@{NINA.user_id}> and 1 more" in roundup["text"]
    assert f"<@{MEI.user_id}>" not in roundup["text"]
    counts = kudos.kudos_counts(club.bot.deps.db)
    assert counts.received == {NINA.user_id: 1, MEI.user_id: 1}
    club.command(NINA.user_id, f"campaign post {campaign_id} https://bsky.app/profile/n/post/1")
    assert "has closed" in answered(club)


def test_moving_the_launch_tells_those_who_joined_and_moves_their_golive(
    club: LocalClub,
) -> None:
    campaign_id = launch_campaign(club)
    club.command(OLIVIA.user_id, f"campaign edit {campaign_id}")
    form = [c.args["view"] for c in club.emulator.calls_to("views.open")][-1]
    club.submit(OLIVIA.user_id, form, {"launch_date": "2026-12-04", "launch_time": "09:00"})
    moved = [m for m in club.replies(club.dm_channel(NINA.user_id)) if "has moved" in m["text"]]
    assert len(moved) == 1 and "<!date^1796374800^" in moved[0]["text"]
    assert [m for m in club.replies(club.dm_channel(PRIYA.user_id)) if "has moved" in m["text"]
            ] == []
    at(club, LAUNCH)
    assert golive(club, NINA.user_id) == []
    at(club, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert len(golive(club, NINA.user_id)) == 1


def test_forget_me_removes_campaign_data_and_the_counts_stay(club: LocalClub) -> None:
    campaign_id = launch_campaign(club)
    at(club, LAUNCH + timedelta(minutes=5))
    club.command(NINA.user_id, f"campaign post {LINK}")
    before = figures(club, campaign_id)
    club.command(NINA.user_id, "forget me")
    confirm = club.emulator.calls_to("response_url")[-1].args
    club.press(NINA.user_id, {**confirm, "channel": club.dm_channel(NINA.user_id)},
               ids.FORGET_CONFIRM)
    assert club.db is not None
    with club.db.transaction() as session:
        people = [p.user_id for p in session.scalars(select(CampaignPerson))]
        links = [p.url for p in session.scalars(select(CampaignPost))]
    assert NINA.user_id not in people and not any("nina" in link for link in links)
    after = figures(club, campaign_id)
    assert (after.invited, after.joined, after.posted, after.by_network) == (
        before.invited, before.joined, before.posted, before.by_network)


def test_organisers_see_the_figures_on_their_app_home_and_members_do_not(
    club: LocalClub,
) -> None:
    launch_campaign(club)
    at(club, LAUNCH + timedelta(minutes=12))
    club.command(NINA.user_id, f"campaign post {LINK}")
    for user in (OLIVIA, NINA):
        club.event({"type": "app_home_opened", "user": user.user_id, "tab": "home"})
    published = {c.args["user_id"]: json.dumps(c.args["view"]["blocks"], ensure_ascii=False)
                 for c in club.emulator.calls_to("views.publish") if c.ok}
    organiser = published[OLIVIA.user_id]
    assert "Launch campaigns" in organiser
    assert "Invited *5* · joined *1* · declined *1* · posted *1*" in organiser
    assert "LinkedIn 1" in organiser and "12 min from launch to the first post" in organiser
    assert "Launch campaigns" not in published[NINA.user_id]


def test_the_organisers_workbook_has_a_campaigns_sheet_with_a_chart(club: LocalClub) -> None:
    campaign_id = launch_campaign(club)
    at(club, LAUNCH + timedelta(minutes=7))
    club.command(NINA.user_id, f"campaign post {LINK}")
    club.command(OLIVIA.user_id, "report")
    (uploaded,) = club.emulator.files()
    assert uploaded.content
    workbook = load_workbook(io.BytesIO(uploaded.content))
    sheet = workbook["Campaigns"]
    assert len(sheet._charts) == 1  # type: ignore[attr-defined]
    row = [cell.value for cell in sheet[2]]
    assert row[:3] == [campaign_id, "Aurora 2.0", "active"]
    assert row[5:12] == [5, 1, 1, 1, 1, 0, 7]
