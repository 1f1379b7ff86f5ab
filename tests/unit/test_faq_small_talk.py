"""Greetings and thanks: a small explicit list, whole messages only."""

from __future__ import annotations

import pytest

from bot.faq.small_talk import SmallTalk, is_question, small_talk, without_small_talk


@pytest.mark.parametrize("text", ["hi", "Hello!", "hey there", "Good morning :wave:", "hiya 👋"])
def test_greetings(text: str) -> None:
    assert small_talk(text) is SmallTalk.GREETING


@pytest.mark.parametrize("text", ["thanks!", "Thank you", "thx", "thank you so much, clubbot",
                                  "Cheers!", "thanks a lot :pray:"])
def test_thanks(text: str) -> None:
    assert small_talk(text) is SmallTalk.THANKS


@pytest.mark.parametrize("text", ["hi, how do I join?", "thanks for what?", "hello world blog",
                                  "how do I say thank you to my mentor", "", "   "])
def test_anything_more_is_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


@pytest.mark.parametrize(("text", "question"), [
    ("hi, how do I join?", "how do I join?"),
    ("Hello clubbot: where is the guide", "where is the guide"),
    ("how do I join? thanks a lot!", "how do I join?"),
    ("morning meetings: when?", "morning meetings: when?"),  # a bare "morning" stays
    ("how do I say thank you to my mentor", "how do I say thank you to my mentor"),
    ("thanks", "thanks"),  # nothing would be left: the text stays as it was
])
def test_politeness_around_a_question_is_left_out(text: str, question: str) -> None:
    assert without_small_talk(text) == question


@pytest.mark.parametrize("text", ["help", "Help!", "help please", "What can you do?",
                                  "what can I ask you", "who are you?", "?", "??"])
def test_asking_for_help(text: str) -> None:
    assert small_talk(text) is SmallTalk.HELP


@pytest.mark.parametrize("text", ["asdfgh", "jkjkjk", "qwerty", "sdfsdf ghjk", "....", "!!!",
                                  "aaaaaa", "zxcvbn asdf", "ggggggg"])
def test_keyboard_noise(text: str) -> None:
    assert small_talk(text) is SmallTalk.NOISE


@pytest.mark.parametrize("text", [
    "help me start a blog", "what can I post about work?", "strengths", "html", "rhythm",
    "SMC", "blogging" * 5000, "ブログを始めるには?", "Wie starte ich einen Blog?", "2027",
    "<https://intranet.example.com|link>", "asdf blog",
])
def test_real_words_and_other_scripts_are_not_noise(text: str) -> None:
    assert small_talk(text) is not SmallTalk.NOISE


@pytest.mark.parametrize(("text", "kind"), [
    (":wave:", SmallTalk.GREETING), ("👋", SmallTalk.GREETING), (":+1:", SmallTalk.THANKS),
    ("🙏🏽", SmallTalk.THANKS), (":)", SmallTalk.THANKS), ("why? 👍", None),
])
def test_a_lone_emoji_is_a_greeting_or_thanks(text: str, kind: SmallTalk | None) -> None:
    assert small_talk(text) is kind


@pytest.mark.parametrize("text", [
    "how do I start a blog", "Hi all! Can I mention customers in a post", "anyone know the "
    "guidelines", "is it ok to post about our launch", "what's the best time to post",
    "Quick one: should I disclose that I work here", "where are the guidelines?",
])
def test_questions_in_the_channel(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize("text", [
    "I just started a blog!", "the guidelines are great", "Our new blog is live. Thanks all",
    "lunch today", "shared my first post on the intranet",
])
def test_conversation_in_the_channel_is_not_a_question(text: str) -> None:
    assert not is_question(text)
