"""Learning that is reviewed (issue 13 item 4): one Helpful only proposes a wording; it
routes questions after a second asker confirms it or an FAQ editor approves it."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from bot.faq import manage as faq_admin
from bot.local import MEI, NINA, OLIVIA, PRIYA, SAM, LocalClub
from storage.faq.models import FaqEntry, FaqQuestion, FaqWording

WORDING = "how would I begin blogging internally?"


def ephemerals(club: LocalClub) -> list[dict[str, Any]]:
    return [c.args for c in club.emulator.calls_to("response_url")]


def last_question(club: LocalClub, asker: str) -> FaqQuestion:
    assert club.db is not None
    with club.db.transaction() as session:
        found = session.scalars(select(FaqQuestion).where(FaqQuestion.asker == asker)
                                .order_by(FaqQuestion.id.desc())).first()
        assert found is not None
        return found


def phrasings(club: LocalClub, entry_id: int) -> list[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        entry = session.get(FaqEntry, entry_id)
        assert entry is not None
        return entry.alternatives.splitlines()


def wordings(club: LocalClub) -> list[tuple[str, str, str | None]]:
    assert club.db is not None
    with club.db.transaction() as session:
        return [(w.wording, w.status, w.learned_from)
                for w in session.scalars(select(FaqWording).order_by(FaqWording.id))]


def answer_to(club: LocalClub, user: str) -> dict[str, Any]:
    """The bot's last answer in the person's DM (the message with the vote buttons)."""
    return [m for m in club.replies(club.dm_channel(user)) if "faq_helpful" in json.dumps(m)][-1]


def ask_and_vote(club: LocalClub, user: str, text: str, button: str = "faq_helpful") -> int:
    club.dm(user, text)
    answer = club.last_reply(club.dm_channel(user))
    assert button in json.dumps(answer["blocks"]), "needs an answered question"
    club.press(user, answer, button)
    entry_id = last_question(club, user).entry_id
    assert entry_id is not None
    return entry_id


def test_one_helpful_only_proposes_the_wording(club: LocalClub) -> None:
    entry_id = ask_and_vote(club, NINA.user_id, WORDING)
    assert "once an FAQ editor approves it" in ephemerals(club)[-1]["text"]
    assert WORDING not in phrasings(club, entry_id)
    assert wordings(club) == [(WORDING, "waiting", NINA.user_id)]
    club.press(NINA.user_id, answer_to(club, NINA.user_id), "faq_helpful")
    assert wordings(club) == [(WORDING, "waiting", NINA.user_id)]  # her own twice: one


def test_a_second_askers_helpful_confirms_it(club: LocalClub) -> None:
    entry_id = ask_and_vote(club, NINA.user_id, WORDING)
    assert ask_and_vote(club, SAM.user_id, "How would I begin blogging internally") == entry_id
    assert "I'll recognise that wording for everyone" in ephemerals(club)[-1]["text"]
    assert WORDING in phrasings(club, entry_id)
    assert [status for _, status, _ in wordings(club)] == ["confirmed"]


def test_an_editor_approves_or_drops_from_faq_learned(club: LocalClub) -> None:
    entry_id = ask_and_vote(club, NINA.user_id, WORDING)
    club.command(OLIVIA.user_id, "faq learned")
    listing = ephemerals(club)[-1]
    assert "1 learned wording waiting for review" in listing["text"]
    assert WORDING in json.dumps(listing["blocks"])
    club.press(OLIVIA.user_id, {**listing, "channel": "C0CLUB"}, "faq_learned_approve")
    refreshed = ephemerals(club)[-1]
    assert refreshed.get("replace_original") is True
    assert "Approved" in refreshed["text"] and "No learned wordings" in refreshed["text"]
    assert WORDING in phrasings(club, entry_id)
    # The same (now stale) button again: already decided, nothing changes.
    club.press(OLIVIA.user_id, {**listing, "channel": "C0CLUB"}, "faq_learned_drop")
    assert "already decided" in ephemerals(club)[-1]["text"]
    assert [status for _, status, _ in wordings(club)] == ["approved"]


def test_a_dropped_wording_is_never_proposed_again(club: LocalClub) -> None:
    entry_id = ask_and_vote(club, NINA.user_id, WORDING)
    club.command(OLIVIA.user_id, "faq learned")
    club.press(OLIVIA.user_id, {**ephemerals(club)[-1], "channel": "C0CLUB"}, "faq_learned_drop")
    assert "won't be proposed again" in ephemerals(club)[-1]["text"]
    ask_and_vote(club, SAM.user_id, WORDING)  # a second asker no longer confirms it
    assert WORDING not in phrasings(club, entry_id)
    assert [status for _, status, _ in wordings(club)] == ["dropped"]


def test_only_faq_editors_review(club: LocalClub) -> None:
    ask_and_vote(club, NINA.user_id, WORDING)
    club.command(MEI.user_id, "faq learned")
    assert "Only organisers" in ephemerals(club)[-1]["text"]
    club.command(OLIVIA.user_id, "faq learned")
    club.press(PRIYA.user_id, {**ephemerals(club)[-1], "channel": "C0CLUB"}, "faq_learned_approve")
    assert "can review learned wordings" in ephemerals(club)[-1]["text"]
    assert [status for _, status, _ in wordings(club)] == ["waiting"]


def test_not_helpful_keeps_that_entry_down_for_those_words(club: LocalClub) -> None:
    entry_id = ask_and_vote(club, NINA.user_id, WORDING, button="faq_not_helpful")
    assert wordings(club) == [(WORDING, "unhelpful", NINA.user_id)]
    club.dm(SAM.user_id, WORDING)
    again = last_question(club, SAM.user_id)
    assert again.entry_id != entry_id
    assert entry_id not in again.offered()


def test_the_export_shows_waiting_wordings_in_their_own_column(club: LocalClub) -> None:
    entry_id = ask_and_vote(club, NINA.user_id, WORDING)
    assert club.db is not None
    data, _ = faq_admin.export_xlsx(club.db, club.clock.now())
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("waiting wordings (not used until approved)")
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[entry_id][column] == WORDING
    report = faq_admin.import_xlsx(club.db, data, by=OLIVIA.user_id, now=club.clock.now())
    assert report.problems == [] and WORDING not in phrasings(club, entry_id)


def test_forget_me_removes_wordings_still_under_review(club: LocalClub) -> None:
    ask_and_vote(club, NINA.user_id, WORDING)
    club.command(NINA.user_id, "forget me")
    confirm = ephemerals(club)[-1]
    club.press(NINA.user_id, {**confirm, "channel": club.dm_channel(NINA.user_id)},
               "forget_confirm")
    assert wordings(club) == []


def test_editors_see_waiting_wordings_on_their_home(club: LocalClub) -> None:
    ask_and_vote(club, NINA.user_id, WORDING)
    for user in (OLIVIA, MEI):
        club.sender.event({"type": "app_home_opened", "user": user.user_id, "tab": "home",
                           "channel": club.dm_channel(user.user_id)})
        club.settle()
    homes = {c.args["user_id"]: json.dumps(c.args["view"])
             for c in club.emulator.calls_to("views.publish") if c.ok}
    assert "1 wording askers found helpful waits for an editor" in homes[OLIVIA.user_id]
    assert "FAQ review" not in homes[MEI.user_id]  # a mentor, not an FAQ editor
