"""Escaping once: Slack's `&amp; &lt; &gt;` are undone once where a person's text comes
in (commands, messages) and done once where it goes out, in blocks and fallback `text`.

"Q&A" typed in Slack arrives as "Q&amp;A"; it was escaped again ("Q&amp;amp;A"), and
meeting titles reached the fallback text raw, so "<b>" or "<!channel>" in a title went
out as markup. The bot's own markup (mentions, channels, dates) must stay intact.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.edge.text import unescape_slack
from bot.local import CLUB, MARCO, MENTORS, NINA, OLIVIA, LocalClub
from storage.encouragement.models import Kudos
from storage.faq.models import FaqQuestion
from storage.meetings.models import Meeting

CHANNEL_REF = "<#C0CLUB|social-media-club>"


def text_and_blocks(message: dict[str, Any]) -> tuple[str, str]:
    return str(message.get("text", "")), json.dumps(message.get("blocks", []), ensure_ascii=False)


def shown_once(part: str, escaped: str) -> None:
    assert escaped in part, part
    assert "&amp;amp;" not in part and "&amp;lt;" not in part and "&amp;gt;" not in part


def posts_to(club: LocalClub, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in club.emulator.calls_to("chat.postMessage")
            if c.ok and c.args.get("channel") == channel]


def test_kudos_for_the_q_and_a_shows_it_escaped_once(club: LocalClub) -> None:
    # What Slack sends for "/club kudos @marco for the Q&A <3"
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the Q&amp;A &lt;3")
    (post,) = posts_to(club, CLUB.channel_id)  # a plain-text post, no blocks
    shown_once(post["text"], "Q&amp;A &lt;3")
    assert f"<@{MARCO.user_id}>" in post["text"]  # the bot's own mention intact
    assert club.db is not None
    with club.db.transaction() as session:
        (kudos,) = session.scalars(select(Kudos)).all()
    assert "Q&A <3" in str(kudos.reason)  # stored as typed


def test_a_meeting_title_from_the_command_is_escaped_once_in_text_and_blocks(
    club: LocalClub,
) -> None:
    # What Slack sends for: "Q&A <b>night</b>"
    club.command(OLIVIA.user_id, 'meeting schedule "Q&amp;A &lt;b&gt;night&lt;/b&gt;" '
                 f"2026-12-03 15:00 {CHANNEL_REF}")
    assert club.db is not None
    with club.db.transaction() as session:
        assert list(session.scalars(select(Meeting.title))) == ["Q&A <b>night</b>"]
    (announcement,) = posts_to(club, CLUB.channel_id)
    for part in text_and_blocks(announcement):
        shown_once(part, "Q&amp;A &lt;b&gt;night&lt;/b&gt;")
        assert "<b>" not in part
    assert "<!date^" in text_and_blocks(announcement)[1]  # the bot's date token intact
    confirmation = [c.args for c in club.emulator.calls_to("response_url")][-1]
    for part in text_and_blocks(confirmation):
        assert "<b>" not in part and "&amp;amp;" not in part


def test_a_meeting_title_from_the_modal_is_escaped_in_the_fallback_text_too(
    club: LocalClub,
) -> None:
    club.command(OLIVIA.user_id, "meeting schedule")
    modal = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    club.submit(OLIVIA.user_id, modal, {  # form values come unescaped from Slack
        "title": "<b>Bold</b> & <!channel>", "date": "2026-12-03", "time": "18:30",
        "repeat": "none", "channel": CLUB.channel_id, "reminders": "1h",
    })
    (announcement,) = posts_to(club, CLUB.channel_id)
    for part in text_and_blocks(announcement):
        shown_once(part, "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;!channel&gt;")
        assert "<b>" not in part and "<!channel>" not in part
    club.clock.advance(club.clock.now().replace(day=3, hour=17, minute=31) - club.clock.now())
    club.tick()
    reminders = [p for p in posts_to(club, CLUB.channel_id) if p is not announcement]
    assert reminders, "the 1-hour reminder went out"
    for post in reminders:
        for part in text_and_blocks(post):
            assert "<b>" not in part and "<!channel>" not in part and "&amp;amp;" not in part


def test_a_question_with_an_ampersand_reaches_the_mentors_escaped_once(
    club: LocalClub,
) -> None:
    question = "Who runs the Q&amp;A &lt;3 for new members at the bakery?"
    club.mention(NINA.user_id, question)
    unknown = club.last_reply(CLUB.channel_id)
    club.press(NINA.user_id, unknown, "faq_ask_mentor")
    assert club.db is not None
    with club.db.transaction() as session:
        (row,) = session.scalars(select(FaqQuestion)).all()
    assert row.text == "Who runs the Q&A <3 for new members at the bakery?"
    (to_mentors,) = posts_to(club, MENTORS.channel_id)
    shown_once(text_and_blocks(to_mentors)[1], "Q&amp;A &lt;3")
    assert f"<@{NINA.user_id}>" in text_and_blocks(to_mentors)[1]


def test_unescape_undoes_slack_once() -> None:
    assert unescape_slack("Q&amp;A &lt;b&gt; &amp;lt;") == "Q&A <b> &lt;"
    assert unescape_slack("<@U1|nina> <https://x.example|x>") == "<@U1|nina> <https://x.example|x>"
