"""Bounded input: no question costs more than a normal one, and nobody waits behind it.

Three DMs of one 40 000-character word used to take 12 s and 1.5 GB each (the typo
tolerance built every one-letter deletion of the word). Questions are now clipped to
`ASKED_MAX_CHARS` before matching, and words over `FUZZY_MAX_LEN` skip typo tolerance.
"""

from __future__ import annotations

import threading
import time

from bot.emulator.calls import ApiCall
from bot.faq import asking
from bot.faq.match import FUZZY_MAX_LEN, FaqDocument, FaqMatcher
from bot.local import MARCO, MEI, NINA, OLIVIA, PRIYA, SAM, LocalClub
from storage.faq.models import FaqQuestion

HUGE = "blogging" * 5000  # one 40 000-character word
ORDINARY = ("how do I start a blog?", "when is the next meeting?", "how do I find a mentor?")


def test_three_huge_dms_at_once_and_ordinary_ones_meanwhile_are_all_answered(
    club: LocalClub,
) -> None:
    huge_people = (NINA, SAM, PRIYA)
    ordinary_people = (MEI, MARCO, OLIVIA)
    channels = {club.dm_channel(p.user_id): p.user_id for p in huge_people + ordinary_people}
    answered: dict[str, float] = {}

    def on_call(call: ApiCall) -> None:
        channel = call.args.get("channel")
        if call.method == "chat.postMessage" and channel in channels:
            answered.setdefault(channels[channel], time.monotonic())

    club.emulator.on_call = on_call
    sent: dict[str, float] = {}

    def send(user: str, text: str) -> None:
        sent[user] = time.monotonic()
        delivery = club.sender.message(user, text, club.dm_channel(user), channel_type="im")
        assert delivery.status == 200

    huge = [threading.Thread(target=send, args=(p.user_id, HUGE)) for p in huge_people]
    for thread in huge:
        thread.start()
    # Meanwhile, ordinary questions from others, one after another.
    for person, text in zip(ordinary_people, ORDINARY, strict=True):
        send(person.user_id, text)
    for thread in huge:
        thread.join()
    club.settle()
    club.emulator.on_call = None

    # Everyone is answered; how fast is bench/huge_dms.py's to measure (timed tests
    # would pass or fail with the machine's load, not with the code).
    assert set(answered) == set(sent), (answered, sent)
    assert club.db is not None
    with club.db.transaction() as session:
        stored = {q.asker: q.text for q in session.query(FaqQuestion)}
    assert {len(stored[p.user_id]) for p in huge_people} == {asking.ASKED_MAX_CHARS}


def test_a_long_question_is_clipped_and_still_answered(club: LocalClub) -> None:
    question = "how do I start a blog? " * 100  # 2 300 characters
    club.dm(NINA.user_id, question)
    (reply,) = club.replies(club.dm_channel(NINA.user_id))
    assert "blog" in reply["text"].lower()
    assert club.db is not None
    with club.db.transaction() as session:
        (stored,) = session.query(FaqQuestion).all()
    assert len(stored.text) <= asking.ASKED_MAX_CHARS
    assert stored.text.startswith("how do I start a blog?")


# ------------------------------------------------------------------ pure parts


def test_question_text_clips_at_a_space_near_the_limit() -> None:
    words = asking.question_text("blog " * 1000)
    assert len(words) <= asking.ASKED_MAX_CHARS and not words.endswith(" ")
    assert words.endswith("blog")
    one_word = asking.question_text(HUGE)
    assert one_word == HUGE[: asking.ASKED_MAX_CHARS]


def test_words_longer_than_the_fuzzy_limit_skip_typo_tolerance() -> None:
    long_word = "blogging" * 6  # 48 characters
    assert len(long_word) > FUZZY_MAX_LEN
    matcher = FaqMatcher([
        FaqDocument(1, "how do I start a blog"),
        FaqDocument(2, f"what is {long_word}"),
    ])
    # Neither indexed nor looked up for typos (the character channel still compares it).
    assert all(len(key) < FUZZY_MAX_LEN for key in matcher._deletion_rows)
    assert matcher._fuzzy(long_word[1:], None) is None
    assert matcher.rank(long_word)[0].entry_id == 2  # the word itself still matches
    assert matcher.rank("how do I strat a blgo")[0].entry_id == 1  # short typos still do


def test_a_huge_word_is_matched_in_milliseconds() -> None:
    matcher = FaqMatcher([FaqDocument(1, "how do I start a blog", ("begin blogging",))])
    started = time.perf_counter()
    matcher.decide(HUGE)  # unclipped: the matcher bounds what it reads itself
    matcher.decide(asking.question_text(HUGE))
    assert time.perf_counter() - started < 0.5
