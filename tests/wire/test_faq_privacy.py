"""`/club forget me` and the FAQ: the person's questions and votes go, the counts stay."""

from __future__ import annotations

from bot.local import CLUB, MENTORS, NINA, OLIVIA, SAM, LocalClub
from handlers import ids
from storage.faq.models import FaqEntry, FaqQuestion, FaqVote


def counts(club: LocalClub, entry_id: int) -> tuple[int, int, int]:
    assert club.db is not None
    with club.db.transaction() as session:
        entry = session.get(FaqEntry, entry_id)
        assert entry is not None
        return entry.times_used, entry.helpful_count, entry.not_helpful_count


def rows_of(club: LocalClub, user_id: str) -> tuple[int, int]:
    assert club.db is not None
    with club.db.transaction() as session:
        return (session.query(FaqQuestion).filter_by(asker=user_id).count(),
                session.query(FaqVote).filter_by(user_id=user_id).count())


def test_forget_me_removes_my_questions_and_votes_and_keeps_the_counts(
    club: LocalClub,
) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")
    answer = club.last_reply()
    club.press(NINA.user_id, answer, "faq_helpful")
    club.dm(SAM.user_id, "how do I start a blog?")
    club.press(SAM.user_id, club.last_reply(club.dm_channel(SAM.user_id)), "faq_not_helpful")
    club.mention(NINA.user_id, "what is the wifi password for the blog meeting room")
    club.press(NINA.user_id, club.last_reply(CLUB.channel_id), "faq_ask_mentor")
    assert club.db is not None
    with club.db.transaction() as session:
        entry_id = session.query(FaqVote).filter_by(user_id=NINA.user_id).one().entry_id
    before = counts(club, entry_id)
    assert before == (2, 1, 1)
    assert rows_of(club, NINA.user_id) == (2, 1)

    club.command(NINA.user_id, "forget me")
    club.press(NINA.user_id, club.last_reply(), ids.FORGET_CONFIRM)

    assert rows_of(club, NINA.user_id) == (0, 0)
    assert rows_of(club, SAM.user_id) == (1, 1)  # only hers
    assert counts(club, entry_id) == before  # anonymous counts stay
    # Her escalated question is gone: the mentors can no longer answer it.
    club.press(OLIVIA.user_id, club.replies(MENTORS.channel_id)[-1], "faq_answer")
    assert club.emulator.calls_to("views.open") == []
