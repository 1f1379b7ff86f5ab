"""Launch campaigns (issue 15): who runs them, the form and its errors, listing,
status, editing and cancelling. Invitations and the embargo: test_campaign_embargo.py."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.local import MARCO, NINA, OLIVIA, PRIYA, LocalClub
from handlers import ids
from storage.campaigns.models import Campaign

FORM = {
    "title": "Aurora 2.0",
    "brief": "Our new *Aurora* analytics suite.",
    "messages": "Faster insight\nBuilt with customers",
    "links": "https://example.com/aurora",
    "hashtags": "#Aurora #launch",
    "launch_date": "2026-12-03",
    "launch_time": "14:00",
    "close_date": "2026-12-05",
    "close_time": "17:00",
}


def opened(club: LocalClub) -> dict[str, Any]:
    return [c.args["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]


def said(club: LocalClub) -> list[str]:
    return [str(c.args.get("text")) for c in club.emulator.calls_to("response_url")]


def campaigns(club: LocalClub) -> list[Campaign]:
    assert club.db is not None
    with club.db.transaction() as session:
        return list(session.scalars(select(Campaign).order_by(Campaign.id)))


def count(club: LocalClub) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.count(Campaign.id))) or 0)


def create(club: LocalClub, user: str = OLIVIA.user_id, **changes: Any) -> int:
    club.command(user, "campaign new")
    view = opened(club)
    delivery = club.submit(user, view, {**FORM, **changes})
    assert delivery.status == 200 and not delivery.body.startswith("{"), delivery.body
    return campaigns(club)[-1].id


def errors(club: LocalClub, user: str = OLIVIA.user_id, **changes: Any) -> dict[str, str]:
    club.command(user, "campaign new")
    delivery = club.submit(user, opened(club), {**FORM, **changes})
    body = json.loads(delivery.body)
    assert body["response_action"] == "errors"
    return dict(body["errors"])


def test_members_are_refused_and_leads_named_by_organisers_may_run_campaigns(
    club: LocalClub,
) -> None:
    for text in ("campaign new", "campaign edit 1", "campaign cancel 1", "campaign status"):
        club.command(NINA.user_id, text)
        assert "Only organisers and campaign leads can use" in said(club)[-1], text
    club.command(NINA.user_id, f"campaign leads add <@{PRIYA.user_id}|priya>")
    assert "Only organisers can use" in said(club)[-1]
    assert not club.emulator.calls_to("views.open")

    club.command(OLIVIA.user_id, f"campaign leads add <@{NINA.user_id}|nina>")
    assert "can now run launch campaigns" in said(club)[-1]
    assert "campaign lead" in club.last_reply(club.dm_channel(NINA.user_id))["text"]
    club.command(OLIVIA.user_id, "campaign leads list")
    assert f"<@{NINA.user_id}>" in said(club)[-1]
    campaign_id = create(club, NINA.user_id)
    assert campaigns(club)[-1].created_by == NINA.user_id
    # Nina's zone: the form said so, and 14:00 in New York is 19:00 UTC.
    assert "America/New_York" in json.dumps(opened(club)["blocks"][0])
    assert campaigns(club)[-1].launch_at.hour == 19

    club.command(OLIVIA.user_id, f"campaign leads remove <@{NINA.user_id}|nina>")
    assert "no longer a campaign lead" in said(club)[-1]
    club.command(NINA.user_id, f"campaign edit {campaign_id}")
    assert "Only organisers and campaign leads" in said(club)[-1]
    # A forged submission of the form by someone who lost the right changes nothing.
    delivery = club.submit(NINA.user_id, opened(club), {**FORM, "title": "Hijacked"})
    assert "Only organisers and campaign leads" in delivery.body
    assert [c.title for c in campaigns(club)] == ["Aurora 2.0"]


def test_each_bad_input_is_shown_on_its_field_and_nothing_is_saved(club: LocalClub) -> None:
    assert errors(club, title="  ") == {"title": "Give the campaign a title."}
    assert "already passed" in errors(club, launch_date="2026-11-30")["launch_time"]
    assert "already passed" in errors(club, launch_date="2026-12-01", launch_time="09:59")[
        "launch_time"]
    assert "close after the launch" in errors(club, close_date="2026-12-03",
                                              close_time="13:00")["close_time"]
    assert "close after the launch" in errors(club, close_date="2026-12-03",
                                              close_time="14:00")["close_time"]
    assert "path step" in errors(club, audience="path")["step"]
    assert "topic" in errors(club, audience="topics")["topics"]
    several = errors(club, title="", launch_date="2026-11-01")
    assert set(several) == {"title", "launch_time"}
    assert count(club) == 0


def test_create_list_status_edit_and_cancel_with_confirmation(club: LocalClub) -> None:
    campaign_id = create(club)
    dm = club.replies(club.dm_channel(OLIVIA.user_id))
    assert any(f"Created *Aurora 2.0* (campaign {campaign_id})" in m["text"] for m in dm)
    row = campaigns(club)[0]
    assert (row.tz, row.launch_at.isoformat()) == ("Europe/London", "2026-12-03T14:00:00+00:00")
    assert row.key_messages == "Faster insight\nBuilt with customers"

    club.command(MARCO.user_id, "campaign list")
    listing = club.emulator.calls_to("response_url")[-1].args
    assert "Aurora 2.0" in json.dumps(listing["blocks"])
    assert "<!date^1796306400^" in json.dumps(listing["blocks"])  # launch, localised by Slack
    buttons = [e["action_id"] for b in listing["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons == [ids.CAMPAIGN_JOIN, ids.CAMPAIGN_DECLINE]

    club.command(OLIVIA.user_id, f"campaign status {campaign_id}")
    status = json.dumps(club.emulator.calls_to("response_url")[-1].args["blocks"])
    assert "Invited *0*" in status and "no post yet" in status

    club.command(OLIVIA.user_id, f"campaign edit {campaign_id}")
    form = opened(club)
    launch_date = next(b for b in form["blocks"] if b.get("block_id") == "launch_date")
    assert launch_date["element"]["initial_date"] == "2026-12-03"
    club.submit(OLIVIA.user_id, form, {"title": "Aurora 2.1"})
    assert campaigns(club)[0].title == "Aurora 2.1"
    assert count(club) == 1

    club.command(OLIVIA.user_id, f"campaign cancel {campaign_id}")
    question = club.emulator.calls_to("response_url")[-1].args
    assert "Cancel *Aurora 2.1*" in question["text"]
    assert campaigns(club)[0].status == "active"  # nothing happens before the answer
    club.sender.block_action(OLIVIA.user_id, ids.CAMPAIGN_CANCEL_KEEP, value=str(campaign_id),
                             channel_id=club.dm_channel(OLIVIA.user_id))
    club.settle()
    assert campaigns(club)[0].status == "active"
    club.sender.block_action(OLIVIA.user_id, ids.CAMPAIGN_CANCEL_CONFIRM,
                             value=str(campaign_id), channel_id=club.dm_channel(OLIVIA.user_id))
    club.settle()
    assert campaigns(club)[0].status == "cancelled"
    assert "Cancelled *Aurora 2.1*" in said(club)[-1]
    club.command(MARCO.user_id, "campaign list")
    assert "No campaigns are open" in said(club)[-1]
    club.command(OLIVIA.user_id, f"campaign edit {campaign_id}")
    assert "was cancelled" in said(club)[-1]


def test_unknown_ids_and_missing_ids_get_a_short_answer(club: LocalClub) -> None:
    for text in ("campaign edit", "campaign cancel x", "campaign status 99", "campaign edit 42"):
        club.command(OLIVIA.user_id, text)
        assert "Which campaign?" in said(club)[-1] or "can't find" in said(club)[-1], text
    assert count(club) == 0
