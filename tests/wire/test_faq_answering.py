"""A member asks; clubbot answers from the FAQ where it should, and only once."""

from __future__ import annotations

import json
from typing import Any

from bot.local import CLUB, MEI, MENTORS, NINA, OLIVIA, RANDOM, SAM, LocalClub
from storage.faq.models import FaqEntry, FaqQuestion, FaqWording
from storage.path.models import PathStepReached


def posts(club: LocalClub, channel: str | None = None) -> list[dict[str, Any]]:
    return [
        call.args for call in club.emulator.calls_to("chat.postMessage")
        if call.ok and (channel is None or call.args.get("channel") == channel)
    ]


def action_ids(message: dict[str, Any]) -> list[str]:
    found = []
    for block in message.get("blocks") or []:
        for element in block.get("elements") or [block.get("accessory")]:
            if isinstance(element, dict) and element.get("action_id"):
                found.append(element["action_id"])
    return found


def questions(club: LocalClub) -> list[FaqQuestion]:
    assert club.db is not None
    with club.db.transaction() as session:
        return list(session.query(FaqQuestion).order_by(FaqQuestion.id))


def entry(club: LocalClub, entry_id: int) -> FaqEntry:
    assert club.db is not None
    with club.db.transaction() as session:
        found = session.get(FaqEntry, entry_id)
        assert found is not None
        return found


def test_a_dm_question_gets_the_starter_answer_with_feedback_buttons(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")
    (reply,) = posts(club, club.dm_channel(NINA.user_id))
    assert "blog" in reply["text"].lower()
    assert "thread_ts" not in reply  # a DM is answered where it was asked
    assert action_ids(reply) == ["faq_helpful", "faq_not_helpful"]
    text = json.dumps(reply["blocks"])
    assert "internal platform" in text
    (question,) = questions(club)
    assert question.status == "answered" and question.via == "dm"
    assert entry(club, question.entry_id or 0).times_used == 1


def first_question_steps(club: LocalClub, user_id: str) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return session.query(PathStepReached).filter_by(user_id=user_id,
                                                        step="first_question").count()


def test_asking_a_first_question_is_a_step_on_the_path(club: LocalClub) -> None:
    assert first_question_steps(club, NINA.user_id) == 0
    club.dm(NINA.user_id, "how do I find a mentor")
    club.dm(NINA.user_id, "how do I start a blog?")
    assert first_question_steps(club, NINA.user_id) == 1


def test_chatter_the_bot_left_alone_in_the_channel_is_no_first_question(
    club: LocalClub,
) -> None:
    club.say(NINA.user_id, "lunch today anyone?", channel=CLUB.channel_id)
    assert [q.status for q in questions(club)] == ["silent"]
    assert first_question_steps(club, NINA.user_id) == 0


def test_a_mention_is_answered_in_its_thread(club: LocalClub) -> None:
    delivery = club.mention(SAM.user_id, "how can I find a mentor?")
    (reply,) = posts(club, CLUB.channel_id)
    ts = delivery.payload["event"]["ts"]
    assert reply["thread_ts"] == ts
    assert "mentor" in reply["text"].lower()


def test_a_mention_without_a_question_says_how_to_ask(club: LocalClub) -> None:
    club.mention(SAM.user_id, "")
    (reply,) = posts(club, CLUB.channel_id)
    assert "Ask me a question after the mention" in reply["text"]
    assert questions(club) == []


def test_a_confident_channel_question_gets_a_thread_reply(club: LocalClub) -> None:
    delivery = club.say(NINA.user_id, "how can I find a mentor", channel=CLUB.channel_id)
    (reply,) = posts(club, CLUB.channel_id)
    assert reply["thread_ts"] == delivery.payload["event"]["ts"]
    assert "faq_helpful" in action_ids(reply)


def test_an_unsure_channel_question_is_left_alone(club: LocalClub) -> None:
    club.say(NINA.user_id, "anyone going to the meeting later?", channel=CLUB.channel_id)
    club.say(NINA.user_id, "lunch today anyone?", channel=CLUB.channel_id)
    assert posts(club) == []
    assert [q.status for q in questions(club)] == ["silent", "silent"]


def test_channel_questions_in_scope_get_a_thread_reply(club: LocalClub) -> None:
    # README's own example, and a question two starter entries both answer in part.
    for n, text in enumerate(("how do I start a blog?",
                              "what are the social media guidelines for employees?"), 1):
        delivery = club.say(NINA.user_id, text, channel=CLUB.channel_id)
        replies = posts(club, CLUB.channel_id)
        assert len(replies) == n, text
        assert replies[-1]["thread_ts"] == delivery.payload["event"]["ts"]
        assert "faq_helpful" in action_ids(replies[-1])
    assert [q.status for q in questions(club)] == ["answered", "answered"]


def test_channel_conversation_in_scope_but_not_a_question_is_left_alone(
    club: LocalClub,
) -> None:
    for text in ("I just started a blog!", "the guidelines are great", "Our new blog is live"):
        club.say(NINA.user_id, text, channel=CLUB.channel_id)
    assert posts(club, CLUB.channel_id) == []
    assert {q.status for q in questions(club)} == {"silent"}


def test_an_ambiguous_question_gets_the_answer_and_related_entries(club: LocalClub) -> None:
    club.dm(NINA.user_id, "can I write about customers and competitors?")
    (reply,) = posts(club, club.dm_channel(NINA.user_id))
    assert action_ids(reply)[:2] == ["faq_helpful", "faq_not_helpful"]
    assert "Related:" in json.dumps(reply["blocks"])
    related = [b for b in reply["blocks"] if b.get("block_id", "").startswith("faq_related_")]
    assert related, "a close runner-up is offered"
    (question,) = questions(club)
    shown = related[0]["text"]["text"]
    club.press(NINA.user_id, {"blocks": [related[0]], "channel": reply["channel"],
                              "ts": reply.get("ts", "")}, "faq_suggestion")
    answer = posts(club, club.dm_channel(NINA.user_id))[-1]
    assert shown in json.dumps(answer["blocks"])  # that entry's answer, with its question
    club.press(NINA.user_id, answer, "faq_helpful")  # and it can be voted on: it was offered
    assert "Glad it helped" in club.emulator.calls_to("response_url")[-1].args["text"]
    assert question.entry_id is not None


def test_a_clear_answer_offers_no_related_entries(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I find a mentor?")
    (reply,) = posts(club, club.dm_channel(NINA.user_id))
    assert "Related:" not in json.dumps(reply["blocks"])


def test_other_channels_and_thread_replies_are_not_answered(club: LocalClub) -> None:
    club.say(NINA.user_id, "how can I find a mentor", channel=RANDOM.channel_id)
    top = club.say(NINA.user_id, "hello all", channel=CLUB.channel_id)
    club.say(SAM.user_id, "how can I find a mentor", channel=CLUB.channel_id,
             thread_ts=top.payload["event"]["ts"])
    assert posts(club) == []


def test_an_unknown_question_says_so_with_suggestions_and_ask_a_mentor(club: LocalClub) -> None:
    club.dm(NINA.user_id, "what is the wifi password for the blog meeting room")
    (reply,) = posts(club)
    assert "I don't know that one yet" in json.dumps(reply["blocks"])
    buttons = action_ids(reply)
    # Ask a mentor (one question) first; Find me a mentor (a pairing) as the other way.
    assert buttons[-2:] == ["faq_ask_mentor", "mentor_request_open"]
    assert 1 <= buttons.count("faq_suggestion") <= 3
    (question,) = questions(club)
    assert question.status == "unknown"


def test_nothing_close_means_no_did_you_mean_but_still_a_way_to_a_human(club: LocalClub) -> None:
    club.dm(NINA.user_id, "where is the cafeteria")
    (reply,) = posts(club)
    assert "I don't know that one yet" in json.dumps(reply["blocks"])
    assert "Did you mean" not in json.dumps(reply["blocks"])
    assert action_ids(reply) == ["faq_ask_mentor", "mentor_request_open"]


def test_did_you_mean_shows_that_answer(club: LocalClub) -> None:
    club.dm(NINA.user_id, "what is the wifi password for the blog meeting room")
    unknown = club.last_reply()
    club.press(NINA.user_id, unknown, "faq_suggestion")
    answer = club.last_reply(club.dm_channel(NINA.user_id))
    assert action_ids(answer) == ["faq_helpful", "faq_not_helpful"]


def test_a_retried_event_is_answered_once(club: LocalClub) -> None:
    first = club.dm(NINA.user_id, "how do I start a blog?")
    club.redeliver(first, retry_num=1)
    club.redeliver(first, retry_num=2)
    assert len(posts(club)) == 1
    assert len(questions(club)) == 1


def test_a_dm_mention_delivered_as_two_events_is_answered_once(club: LocalClub) -> None:
    dm = club.dm_channel(NINA.user_id)
    ts = club.emulator.next_ts()
    bot = club.emulator.bot_user_id
    club.say(NINA.user_id, f"<@{bot}> how do I start a blog?", channel=dm, ts=ts)
    club.settle()
    club.event({"type": "app_mention", "user": NINA.user_id, "text": f"<@{bot}> how do I "
                "start a blog?", "ts": ts, "channel": dm, "event_ts": ts})
    assert len(posts(club)) == 1


def test_bots_itself_and_edits_are_ignored(club: LocalClub) -> None:
    dm = club.dm_channel(NINA.user_id)
    club.say(NINA.user_id, "how do I start a blog?", channel=dm, bot_id="B0OTHER",
             subtype="bot_message")
    club.say(club.emulator.bot_user_id, "how do I start a blog?", channel=dm,
             bot_id="B0BOT")
    club.event({"type": "message", "subtype": "message_changed", "channel": dm,
                "channel_type": "im", "ts": club.emulator.next_ts(),
                "message": {"type": "message", "user": NINA.user_id,
                            "text": "how do I start a blog?", "ts": "1.000001"},
                "previous_message": {"type": "message", "user": NINA.user_id, "text": "hi",
                                     "ts": "1.000001"}})
    club.event({"type": "message", "subtype": "message_deleted", "channel": dm,
                "channel_type": "im", "ts": club.emulator.next_ts(), "deleted_ts": "1.000001"})
    club.say(MEI.user_id, "how can I find a mentor", channel=CLUB.channel_id,
             subtype="channel_join")
    assert posts(club) == []
    assert questions(club) == []


def test_club_ask_answers_privately(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "ask how do I start a blog?")
    (post,) = [c.args for c in club.emulator.calls_to("response_url")]
    assert post["response_type"] == "ephemeral"
    assert "faq_helpful" in action_ids(post)


def test_club_ask_without_a_question_explains(club: LocalClub) -> None:
    club.command(NINA.user_id, "ask")
    (post,) = [c.args for c in club.emulator.calls_to("response_url")]
    assert "Type your question after the command" in post["text"]
    assert questions(club) == []


# ------------------------------------------------------------------ small talk


def test_hi_in_a_dm_is_greeted_back_with_how_to_ask(club: LocalClub) -> None:
    first = club.dm(NINA.user_id, "hi")
    club.redeliver(first, retry_num=1)
    (reply,) = posts(club, club.dm_channel(NINA.user_id))
    assert f"Hi <@{NINA.user_id}>" in reply["text"] and "`/club help`" in reply["text"]
    assert "don't know" not in reply["text"] and action_ids(reply) == []
    assert questions(club) == []  # not a question: nothing to count or escalate
    assert first_question_steps(club, NINA.user_id) == 0


def test_thanks_gets_youre_welcome_and_is_never_escalated(club: LocalClub) -> None:
    for text in ("thanks!", "Thank you :pray:", "thank you so much, clubbot"):
        club.dm(NINA.user_id, text)
    replies = posts(club, club.dm_channel(NINA.user_id))
    assert [r["text"].startswith("You're welcome!") for r in replies] == [True] * 3
    assert all(action_ids(r) == [] for r in replies)
    assert questions(club) == [] and first_question_steps(club, NINA.user_id) == 0


def test_a_greeting_with_a_question_is_answered_like_the_question(club: LocalClub) -> None:
    club.dm(NINA.user_id, "Hi there! how would I begin blogging internally? thanks")
    (reply,) = posts(club)
    assert action_ids(reply) == ["faq_helpful", "faq_not_helpful"]
    (question,) = questions(club)
    assert question.status == "answered"
    club.press(NINA.user_id, reply, "faq_helpful")  # her wording is proposed without the hi
    assert club.db is not None
    with club.db.transaction() as session:
        proposed = [w.wording for w in session.query(FaqWording)]
    assert proposed == ["how would I begin blogging internally?"]


def test_small_talk_by_mention_command_and_in_the_channel(club: LocalClub) -> None:
    delivery = club.mention(SAM.user_id, "hello!")
    (reply,) = posts(club, CLUB.channel_id)
    assert reply["thread_ts"] == delivery.payload["event"]["ts"] and "Hi <@" in reply["text"]
    club.say(NINA.user_id, "morning all", channel=CLUB.channel_id)  # not to the bot: silence
    assert len(posts(club, CLUB.channel_id)) == 1
    club.command(NINA.user_id, "ask thanks")
    (post,) = [c.args for c in club.emulator.calls_to("response_url")]
    assert post["response_type"] == "ephemeral" and post["text"].startswith("You're welcome")
    assert questions(club) == []


def test_help_in_a_dm_says_what_the_bot_does(club: LocalClub) -> None:
    for text in ("help", "what can you do?"):
        club.dm(NINA.user_id, text)
    replies = posts(club, club.dm_channel(NINA.user_id))
    assert len(replies) == 2
    for reply in replies:
        assert "I'm clubbot" in reply["text"] and "`/club mentor request`" in reply["text"]
        assert "don't know" not in reply["text"] and action_ids(reply) == []
    assert questions(club) == [] and first_question_steps(club, NINA.user_id) == 0


def test_help_me_with_a_topic_is_still_a_question(club: LocalClub) -> None:
    club.dm(NINA.user_id, "help me start a blog")
    (reply,) = posts(club, club.dm_channel(NINA.user_id))
    assert "I'm clubbot" not in reply["text"]
    assert [q.text for q in questions(club)] == ["help me start a blog"]


def test_keyboard_noise_is_not_escalated(club: LocalClub) -> None:
    club.dm(NINA.user_id, "asdfgh jkl")
    (reply,) = posts(club, club.dm_channel(NINA.user_id))
    assert "didn't catch that" in reply["text"] and action_ids(reply) == []
    club.say(NINA.user_id, "qwerty", channel=CLUB.channel_id)  # not to the bot: silence
    club.command(NINA.user_id, "ask ....")
    (post,) = [c.args for c in club.emulator.calls_to("response_url")]
    assert post["response_type"] == "ephemeral" and "didn't catch that" in post["text"]
    assert posts(club, CLUB.channel_id) == [] and posts(club, MENTORS.channel_id) == []
    assert questions(club) == []


def test_help_by_mention_in_the_channel_is_answered_in_its_thread(club: LocalClub) -> None:
    delivery = club.mention(SAM.user_id, "help")
    (reply,) = posts(club, CLUB.channel_id)
    assert reply["thread_ts"] == delivery.payload["event"]["ts"]
    assert "I'm clubbot" in reply["text"]


def test_hi_to_the_bot_in_a_dm_delivered_as_two_events_is_greeted_once(
    club: LocalClub,
) -> None:
    dm = club.dm_channel(NINA.user_id)
    ts = club.emulator.next_ts()
    bot = club.emulator.bot_user_id
    club.event({"type": "app_mention", "user": NINA.user_id, "text": f"<@{bot}> hi",
                "ts": ts, "channel": dm, "event_ts": ts})
    club.say(NINA.user_id, f"<@{bot}> hi", channel=dm, ts=ts)
    (reply,) = posts(club, dm)
    assert "Hi <@" in reply["text"]


# ------------------------------------------------------------------ Find me a mentor


def test_find_me_a_mentor_from_i_dont_know_opens_the_mentoring_request(
    club: LocalClub,
) -> None:
    club.dm(NINA.user_id, "what is the wifi password for the blog meeting room")
    club.press(NINA.user_id, club.last_reply(), "mentor_request_open")
    modal = club.emulator.last_call("views.open")
    assert modal is not None and modal.ok
    assert modal.args["view"]["callback_id"] == "mentor_request_modal"


def test_an_answer_that_says_how_to_get_a_mentor_carries_the_button(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I find a mentor?")
    reply = club.last_reply()
    assert "/club mentor request" in reply["text"]
    assert action_ids(reply) == ["faq_helpful", "faq_not_helpful", "mentor_request_open"]
