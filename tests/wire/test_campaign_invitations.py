"""Campaign invitations (issue 15 item 3): to the chosen audience, never to excluded
people or those who said no more, within each recipient's working hours, once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.local import MARCO, MEI, NINA, OLIVIA, PRIYA, SAM, LocalClub
from handlers import ids
from storage.campaigns.models import CampaignPerson
from storage.path import queries as path
from tests.wire.test_campaigns import create

INVITE = "helping launch"


def invitations(club: LocalClub, user: str) -> list[dict[str, Any]]:
    return [m for m in club.replies(club.dm_channel(user)) if INVITE in m.get("text", "")]


def at(club: LocalClub, moment: datetime) -> None:
    club.clock.set(moment)
    club.tick()


def buttons(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions"
            for e in b["elements"]]


def test_invitations_honour_exclusion_opt_out_and_working_hours_once(club: LocalClub) -> None:
    club.command(MARCO.user_id, "exclude me")
    club.command(SAM.user_id, "campaigns off")
    assert "no more campaign invitations" in club.emulator.calls_to("response_url")[-1].args[
        "text"].lower()
    campaign_id = create(club)  # Tuesday 10:00 UTC; audience: the club channel
    club.tick()
    # Priya (Kolkata, 15:30) is at work: invited at once. Mei (Singapore, 18:00) and Nina
    # (New York, 05:00) wait for their mornings; Marco is excluded, Sam said no more, Olivia
    # wrote it.
    (priya,) = invitations(club, PRIYA.user_id)
    for user in (MEI, NINA, MARCO, SAM, OLIVIA):
        assert invitations(club, user.user_id) == [], user.name
    blocks = json.dumps(priya["blocks"], ensure_ascii=False)
    assert "<!date^1796306400^{date_short_pretty} at {time}|" in blocks  # the launch
    assert "Our new *Aurora* analytics suite." in blocks
    assert "• Faster insight\\n• Built with customers" in blocks
    assert "Say that you work here" in blocks and "#Aurora #launch" in blocks
    assert buttons(priya) == [ids.CAMPAIGN_JOIN, ids.CAMPAIGN_DECLINE, ids.CAMPAIGN_INVITES_OFF]

    at(club, datetime(2026, 12, 1, 13, 59, tzinfo=UTC))
    assert invitations(club, NINA.user_id) == []
    at(club, datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # 09:00 in New York
    assert len(invitations(club, NINA.user_id)) == 1
    assert invitations(club, MEI.user_id) == []
    at(club, datetime(2026, 12, 2, 1, 0, tzinfo=UTC))  # 09:00 in Singapore
    assert len(invitations(club, MEI.user_id)) == 1

    # Once per campaign: a restart, more ticks and an edit invite nobody again.
    club.restart()
    club.tick()
    club.command(OLIVIA.user_id, f"campaign edit {campaign_id}")
    form = [c.args["view"] for c in club.emulator.calls_to("views.open")][-1]
    club.submit(OLIVIA.user_id, form, {"title": "Aurora 2.0 (final)"})
    at(club, datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    for user in (PRIYA, NINA, MEI):
        assert len(invitations(club, user.user_id)) == 1, user.name
    for user in (MARCO, SAM, OLIVIA):
        assert invitations(club, user.user_id) == [], user.name


def test_someone_excluded_after_planning_is_not_invited(club: LocalClub) -> None:
    create(club)
    club.command(NINA.user_id, "exclude me")  # her invitation waited for her morning
    assert club.db is not None
    with club.db.transaction() as session:
        row = session.query(CampaignPerson).filter_by(user_id=NINA.user_id).one()
        assert row.invite_status == "skipped"  # withdrawn by the on_exclude hook
    at(club, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    assert invitations(club, NINA.user_id) == []


def test_no_more_campaign_invites_stops_the_next_campaign_too(club: LocalClub) -> None:
    first = create(club)
    club.tick()
    (invite,) = invitations(club, PRIYA.user_id)
    club.press(PRIYA.user_id, invite, ids.CAMPAIGN_INVITES_OFF)
    said = club.emulator.calls_to("response_url")[-1].args["text"]
    assert "no more campaign invitations" in said.lower()
    create(club, title="Borealis")
    club.tick()
    assert len(invitations(club, PRIYA.user_id)) == 1  # only the first one
    # She can still join from the list, and `/club campaigns on` brings invitations back.
    club.command(PRIYA.user_id, "campaigns on")
    assert "on again" in club.emulator.calls_to("response_url")[-1].args["text"]
    club.sender.block_action(PRIYA.user_id, ids.CAMPAIGN_JOIN, value=str(first),
                             channel_id=club.dm_channel(PRIYA.user_id))
    club.settle()
    assert "Thanks for joining *Aurora 2.0*" in club.emulator.calls_to("response_url")[-1].args[
        "text"]


def test_audiences_path_step_mentors_and_topics(club: LocalClub) -> None:
    club.command(MARCO.user_id, "mentor signup")
    signup = [c.args["view"] for c in club.emulator.calls_to("views.open")][-1]
    club.submit(MARCO.user_id, signup, {"other_topics": "video", "capacity": "2"})
    assert club.db is not None
    with club.db.transaction() as session:
        path.record_step(session, PRIYA.user_id, "first_external_post", club.clock.now())
        path.record_step(session, NINA.user_id, "read_guidelines", club.clock.now())
    by_step = create(club, title="Path", audience="path", step="first_internal_post")
    mentors = create(club, title="Mentors", audience="mentors")
    topics = create(club, title="Topics", audience="topics", topics="Video, podcasts")
    with club.db.transaction() as session:
        rows = session.query(CampaignPerson).all()
        reached = {(row.campaign_id, row.user_id) for row in rows}
    # Marco reached "became a mentor" (step 10) on signing up: past step 4 too. Nina, at
    # step 2, is not; nor is anyone without the topics.
    assert reached == {(by_step, PRIYA.user_id), (by_step, MARCO.user_id),
                       (mentors, MARCO.user_id), (topics, MARCO.user_id)}


def test_a_brief_keeps_its_formatting_but_never_pings(club: LocalClub) -> None:
    create(club, brief="*Big* news <!channel> <https://example.com|see it> <@U0SAM>")
    club.tick()
    (invite,) = invitations(club, PRIYA.user_id)
    brief = json.dumps(invite["blocks"])
    assert "*Big* news &lt;!channel> <https://example.com|see it> &lt;@U0SAM>" in brief


def test_an_invitation_that_waited_past_the_launch_says_the_embargo_has_lifted(
    club: LocalClub,
) -> None:
    create(club, launch_date="2026-12-01", launch_time="12:00")
    at(club, datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # 09:00 in New York, after the launch
    (invite,) = invitations(club, NINA.user_id)
    assert "the embargo lifted <!date^" in invite["blocks"][0]["text"]["text"]


def test_an_invitation_slack_refused_for_a_passing_reason_is_sent_later_once(
    club: LocalClub,
) -> None:
    create(club)
    club.emulator.fail_next("chat.postMessage", "internal_error")
    club.tick()  # Priya and Marco are at work: one of their two invitations is refused
    sent = [len(invitations(club, user.user_id)) for user in (PRIYA, MARCO)]
    assert sorted(sent) == [0, 1]
    club.advance(timedelta(minutes=15))  # the outbox retries it, and sends nothing twice
    assert [len(invitations(club, user.user_id)) for user in (PRIYA, MARCO)] == [1, 1]
