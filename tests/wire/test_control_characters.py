"""NUL and other control characters are stripped at the edge, on SQLite and PostgreSQL.

PostgreSQL refuses NUL in text, so a question, an FAQ entry or a meeting title carrying
one failed there (and was stored with it on SQLite). The edge now removes them from every
string of a request before any listener reads it.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.edge.text import clean, strip_controls
from bot.local import MEI, NINA, OLIVIA, LocalClub
from storage.faq.models import FaqEntry, FaqQuestion
from storage.meetings.models import Meeting
from storage.members import queries as members

DIRT = "\x00\x01\x07\x1b\x7f\x9f\ud800"


def test_a_dm_question_with_nul_is_stored_and_answered_without_it(club: LocalClub) -> None:
    delivery = club.dm(NINA.user_id, f"how do I\x00 start a{DIRT} blog?")
    assert delivery.status == 200
    (reply,) = club.replies(club.dm_channel(NINA.user_id))
    assert "blog" in reply["text"].lower()
    assert club.db is not None
    with club.db.transaction() as session:
        (question,) = session.scalars(select(FaqQuestion)).all()
    assert question.text == "how do I start a blog?"


def test_an_faq_entry_with_nul_is_saved_without_it(club: LocalClub) -> None:
    assert club.db is not None
    with club.db.transaction() as session:
        members.grant(session, MEI.user_id, "faq_editor", by=None, now=club.clock.now())
    club.command(MEI.user_id, "faq add")
    modal = club.emulator.last_call("views.open")
    assert modal is not None
    delivery = club.submit(MEI.user_id, modal.args["view"], {
        "faq_question": "Where is the\x00 photo album?",
        "faq_alternatives": "club\x00 photos\nmeeting\x0b pictures",
        "faq_answer_text": "On the\x00 photo\tpage.\nAsk Olivia.",
        "faq_tags": "meet\x00ings",
    })
    assert delivery.status == 200
    with club.db.transaction() as session:
        entry = session.scalars(select(FaqEntry).order_by(FaqEntry.id.desc())).first()
        assert entry is not None
        saved = (entry.question, entry.alternatives, entry.answer, entry.tags)
    assert saved[0] == "Where is the photo album?"
    assert "\x00" not in repr(saved) and "\x0b" not in repr(saved)
    assert "photo\tpage.\nAsk" in saved[2]  # tab and newline are text, they stay
    assert "meetings" in str(saved[3])


def test_a_meeting_title_with_nul_is_scheduled_without_it(club: LocalClub) -> None:
    club.command(OLIVIA.user_id,
                 'meeting schedule "Book\x00 club\x1b" 2026-12-03 15:00 '
                 "<#C0CLUB|social-media-club>")
    assert club.db is not None
    with club.db.transaction() as session:
        titles = list(session.scalars(select(Meeting.title)))
    assert titles == ["Book club"]
    posted = [c.args for c in club.emulator.calls_to("chat.postMessage") if c.ok]
    assert any("Book club" in str(args.get("text")) for args in posted), posted


def test_strip_controls_keeps_text_and_layout() -> None:
    assert strip_controls("a\x00b\tc\nd\re\x85f\u200bg") == "ab\tc\nd\ref\u200bg"
    body = {"event": {"text": "hi\x00", "blocks": [{"t": "x\x01"}]}, "k\x00": 1}
    assert clean(body) == {"event": {"text": "hi", "blocks": [{"t": "x"}]}, "k": 1}
