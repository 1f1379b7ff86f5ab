"""Every button and form, forged (issue 11): stored state decides, never the payload.

One club is built with a record of every kind (questions, answers, a meeting and a
cancelled one, offers, pairings with their check-ins, rounds, ...). Then every action id
and view callback id the code registers through handlers/wiring.py is pressed or
submitted four ways: by the wrong person, naming another record, with a huge number, and
with malformed JSON. Each must get a clear answer to the presser only (ephemeral, a DM,
a refreshed Home or an inline form error), HTTP 200, and leave every table as it was.

The cases come from the registry: an id registered without a case here fails the test.
Where an attack cannot apply, the case says why (for example, a button that only ever
acts on the presser's own settings has no "wrong person").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.emulator.sender import Delivery
from bot.local import CLUB, MARCO, MEI, NINA, OLIVIA, PRIYA, SAM, LocalClub, Person
from handlers import ids
from handlers.faq import views as faq_views
from storage.campaigns.models import Campaign
from storage.faq.models import FaqQuestion, FaqWording
from storage.meetings.models import Meeting
from storage.mentoring.models import MentorOffer, Pairing, PairingRound
from tests.wire.test_meetings import cancel_meeting

HUGE = "99999999999999999999999"
BROKEN = '{"mode": "edit", "entry_id": '
ATTACKS = ("wrong_person", "other_record", "huge_number", "malformed_json")
UNKNOWN = "what is the wifi password for the blog meeting room"


# ------------------------------------------------------------------ the world


@dataclass
class World:
    club: LocalClub
    ids: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.ids[key]


def _scalar(club: LocalClub, query: Any) -> Any:
    assert club.db is not None
    with club.db.transaction() as session:
        return session.scalar(query)


def _question(club: LocalClub, asker: str) -> FaqQuestion:
    assert club.db is not None
    with club.db.transaction() as session:
        found = session.scalars(
            select(FaqQuestion).where(FaqQuestion.asker == asker).order_by(FaqQuestion.id.desc())
        ).first()
        assert found is not None
        return found


def _opened(club: LocalClub) -> dict[str, Any]:
    return [c.args["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]


def _sign_up(club: LocalClub, person: Person, topics: str) -> None:
    club.command(person.user_id, "mentor signup")
    club.submit(person.user_id, _opened(club), {"other_topics": topics, "capacity": "2"})


def _request(club: LocalClub, person: Person, topics: str) -> None:
    club.command(person.user_id, f"mentor request {topics}")
    club.submit(person.user_id, _opened(club), {"goal": "Publish my first post"})


def _accept_pending(club: LocalClub) -> None:
    assert club.db is not None
    with club.db.transaction() as session:
        offers = list(session.scalars(select(MentorOffer).where(MentorOffer.status == "pending")))
    for offer in offers:
        club.sender.block_action(offer.mentor_id, ids.MENTOR_OFFER_ACCEPT, value=str(offer.id),
                                 channel_id=club.dm_channel(offer.mentor_id))
        club.settle()


def build_world(club: LocalClub) -> World:
    world = World(club)
    w = world.ids
    # Two mentors (not FAQ editors), two pairings with their check-ins a week later.
    _sign_up(club, MARCO, "blogging, video")
    _sign_up(club, MEI, "blogging, podcasts")
    _request(club, NINA, "blogging")
    _accept_pending(club)
    _request(club, PRIYA, "podcasts")
    _accept_pending(club)
    club.advance(timedelta(days=7, hours=1), step=timedelta(hours=6))
    assert club.db is not None
    with club.db.transaction() as session:
        pairings = list(session.scalars(select(Pairing).order_by(Pairing.id)))
        assert len(pairings) == 2 and all(p.checkin_ts for p in pairings), pairings
        w["pairing"], w["other_pairing"] = pairings[0].id, pairings[1].id
        w["pairing_people"] = (pairings[0].mentee_id, pairings[0].mentor_id)
        w["checkin_channel"] = pairings[0].channel_id
    # Offers still waiting for their mentor's answer, to different mentors.
    _request(club, SAM, "blogging")
    _request(club, OLIVIA, "podcasts, video")
    with club.db.transaction() as session:
        pending = list(session.scalars(select(MentorOffer).where(MentorOffer.status == "pending")))
        by_mentor = {offer.mentor_id: offer.id for offer in pending}
        assert len(by_mentor) == 2, pending
        (w["offer_mentor"], w["offer"]), (_, w["other_offer"]) = sorted(by_mentor.items())
        # Rounds: a preview waiting for confirmation, and one already sent.
        for status in ("preview", "confirmed"):
            session.add(PairingRound(created_by=OLIVIA.user_id, created_at=club.clock.now(),
                                     status=status, plan=[], total_score=0.0))
        session.flush()
        rounds = list(session.scalars(select(PairingRound).order_by(PairingRound.id)))
        w["round"], w["sent_round"] = rounds[0].id, rounds[1].id

    # Questions: Nina's and Sam's answered in DMs; Priya's unknown (with suggestions),
    # private, never put to the mentors; Sam's unknown one escalated, unanswered; Nina's
    # unknown one escalated and answered by Olivia, ready for Save to FAQ.
    club.dm(NINA.user_id, "how do I start a blog?")
    nina = _question(club, NINA.user_id)
    club.dm(SAM.user_id, "how do I find a mentor?")
    sam = _question(club, SAM.user_id)
    assert nina.entry_id and sam.entry_id and nina.entry_id != sam.entry_id
    w["answered"], w["answered_entry"] = nina.id, nina.entry_id
    w["other_answered"], w["other_entry"] = sam.id, sam.entry_id
    club.dm(PRIYA.user_id, UNKNOWN)
    priya = _question(club, PRIYA.user_id)
    assert priya.status == "unknown" and priya.offered(), "Priya's question needs suggestions"
    w["private"], w["suggested_entry"] = priya.id, min(priya.offered())
    club.dm(SAM.user_id, "what is the wifi password for the podcast studio")
    w["escalated"] = _question(club, SAM.user_id).id
    club.sender.block_action(SAM.user_id, ids.FAQ_ASK_MENTOR, value=str(w["escalated"]),
                             channel_id=club.dm_channel(SAM.user_id))
    club.settle()
    club.dm(NINA.user_id, UNKNOWN)
    w["to_save"] = _question(club, NINA.user_id).id
    club.sender.block_action(NINA.user_id, ids.FAQ_ASK_MENTOR, value=str(w["to_save"]),
                             channel_id=club.dm_channel(NINA.user_id))
    club.settle()
    club.sender.view_submission(
        OLIVIA.user_id, ids.FAQ_ANSWER_MODAL,
        {faq_views.MENTOR_ANSWER: {faq_views.MENTOR_ANSWER: {
            "type": "plain_text_input", "value": "Ask IT at the desk."}}},
        private_metadata=json.dumps({"question_id": w["to_save"]}),
    )
    club.settle()
    for key, status in (("escalated", "escalated"), ("to_save", "mentor_answered"),
                        ("private", "unknown")):
        assert _question_status(club, w[key]) == status, key

    # Meetings: one ahead, one cancelled. Forget me and the path for Nina.
    for title in ("Book club", "Old club"):
        club.command(OLIVIA.user_id, f'meeting schedule "{title}" 2026-12-10 15:00 <#C0CLUB|c>')
    w["meeting"], w["cancelled"] = _scalar(club, select(func.min(Meeting.id))), _scalar(
        club, select(func.max(Meeting.id)))
    cancel_meeting(club, w["cancelled"])
    w["announcement"] = {"channel": CLUB.channel_id,
                         "ts": _scalar(club, select(Meeting.announcement_ts).where(
                             Meeting.id == w["meeting"]))}
    # Campaigns: one live (its embargo lifted an hour ago), one cancelled.
    now = club.clock.now()
    with club.db.transaction() as session:
        for title, status in (("Live launch", "active"), ("Called off", "cancelled")):
            session.add(Campaign(title=title, launch_at=now - timedelta(hours=1),
                                 closes_at=now + timedelta(days=2), status=status,
                                 created_by=OLIVIA.user_id, created_at=now, updated_at=now))
        session.flush()
        w["campaign"], w["cancelled_campaign"] = (
            session.scalar(select(Campaign.id).where(Campaign.title == title))
            for title in ("Live launch", "Called off"))
    # Learned wordings: one waiting for an editor, one an editor already dropped.
    with club.db.transaction() as session:
        for key, status in (("waiting_wording", "waiting"), ("decided_wording", "dropped")):
            wording = FaqWording(entry_id=w["other_entry"], wording=f"{key} words",
                                 wording_key=f"{key} words", status=status,
                                 learned_from=PRIYA.user_id, created_at=club.clock.now())
            session.add(wording)
            session.flush()
            w[key] = wording.id
    club.command(NINA.user_id, "forget me")
    for user in (NINA, OLIVIA):  # the Home each last saw, so a refusal republishes the same
        club.sender.block_action(user.user_id, ids.HOME_REFRESH,
                                 view={"id": "VHOME1", "type": "home", "blocks": []})
        club.settle()
    return world


def _question_status(club: LocalClub, question_id: int) -> str:
    return str(_scalar(club, select(FaqQuestion.status).where(FaqQuestion.id == question_id)))


# ------------------------------------------------------------------ pressing and submitting

# How a forged request is sent: (world, presser, value or private_metadata) -> Delivery.
Send = Callable[[World, str, str], Delivery]


def press(action_id: str, where: str = "dm", message: Callable[[World], dict[str, Any]] | None
          = None) -> Send:
    """A block_actions payload from a message in the presser's DM (it has a response_url),
    a given message, or the App Home (no response_url)."""

    def send(world: World, presser: str, value: str) -> Delivery:
        sender = world.club.sender
        if where == "home":
            home = {"id": "VHOME1", "type": "home", "callback_id": "", "blocks": []}
            return sender.block_action(presser, action_id, value=value, view=home)
        if message is not None:
            target = message(world)
            return sender.block_action(presser, action_id, value=value,
                                       channel_id=target["channel"], message=target)
        return sender.block_action(presser, action_id, value=value,
                                   channel_id=world.club.dm_channel(presser))

    return send


def choose(action_id: str) -> Send:
    """A static_select choice in the presser's DM: the forged value is the option's."""

    def send(world: World, presser: str, value: str) -> Delivery:
        option = {"text": {"type": "plain_text", "text": "Going to all"}, "value": value}
        return world.club.sender.block_action(presser, action_id, selected_option=option,
                                              channel_id=world.club.dm_channel(presser))

    return send


def submit(callback_id: str, values: Callable[[World], dict[str, Any]]) -> Send:
    def send(world: World, presser: str, metadata: str) -> Delivery:
        return world.club.sender.view_submission(presser, callback_id, values(world),
                                                 private_metadata=metadata)

    return send


def text_input(**fields: str) -> Callable[[World], dict[str, Any]]:
    def values(_world: World) -> dict[str, Any]:
        return {block: {block: {"type": "plain_text_input", "value": value}}
                for block, value in fields.items()}

    return values


def entry_form(_world: World) -> dict[str, Any]:
    return text_input(**{faq_views.QUESTION: "A forged question?", faq_views.ALTERNATIVES: "",
                         faq_views.ANSWER: "<https://evil.example|the intranet>",
                         faq_views.TAGS: "blogging"})(_world)


def meeting_form(_world: World) -> dict[str, Any]:
    return {
        "title": {"title": {"type": "plain_text_input", "value": "Forged meeting"}},
        "date": {"date": {"type": "datepicker", "selected_date": "2026-12-11"}},
        "time": {"time": {"type": "timepicker", "selected_time": "15:00"}},
        "channel": {"channel": {"type": "conversations_select",
                                "selected_conversation": CLUB.channel_id}},
    }


def campaign_form(_world: World) -> dict[str, Any]:
    return {
        "title": {"title": {"type": "plain_text_input", "value": "Forged campaign"}},
        "launch_date": {"launch_date": {"type": "datepicker", "selected_date": "2027-01-11"}},
        "launch_time": {"launch_time": {"type": "timepicker", "selected_time": "15:00"}},
        "close_date": {"close_date": {"type": "datepicker", "selected_date": "2027-01-12"}},
        "close_time": {"close_time": {"type": "timepicker", "selected_time": "15:00"}},
    }


def campaign_post_form(_world: World) -> dict[str, Any]:
    return {"link": {"link": {"type": "plain_text_input",
                              "value": "https://www.linkedin.com/posts/forged"}}}


def attendance_form(world: World) -> dict[str, Any]:
    return {"attendees": {"attendees": {"type": "multi_users_select",
                                        "selected_users": [NINA.user_id]}}}


Value = Callable[[World], str]


def fixed(text: str) -> Value:
    return lambda _world: text


def of(template: str) -> Value:
    """A value from the world's record ids: "{answered}:{answered_entry}"."""
    return lambda world: template.format(**world.ids)


HUGE_VALUE, BROKEN_VALUE = fixed(HUGE), fixed(BROKEN)


@dataclass(frozen=True)
class Case:
    """One registered id: how it is sent, the genuine value and whom it is for, and each
    attack's value (or, as a string starting with "n/a:", why that attack can't apply)."""

    send: Send
    owner: Callable[[World], str]
    genuine: Value
    other: Value | str
    huge: Value | str = HUGE_VALUE
    malformed: Value | str = BROKEN_VALUE
    wrong_person: str | None = None  # None: an outsider (SAM or PRIYA) presses the genuine one
    outsider: str = SAM.user_id


def person(user: Person) -> Callable[[World], str]:
    return lambda _world: user.user_id


def meta(**fields: str) -> Value:
    return lambda world: json.dumps({k: v.format(**world.ids) if isinstance(v, str) else v
                                     for k, v in fields.items()})


def _meta_ids(**fields: str) -> Value:
    """private_metadata whose numeric fields come from the world (as the bot writes ints)."""
    def value(world: World) -> str:
        return json.dumps({k: (world[v[1:]] if v.startswith("@") else v)
                           for k, v in fields.items()})

    return value


def _mentor(world: World) -> str:
    return str(world["offer_mentor"])


def _mentee(world: World) -> str:
    return str(world["pairing_people"][0])


def _announcement(world: World) -> dict[str, Any]:
    return dict(world["announcement"])


SELF_ONLY = "n/a: acts only on the presser's own settings, whoever's message it came from"
NO_RECORD = "n/a: names no record; the presser's own form, every field checked"
ORGANISER_ANY = "n/a: an organiser may act on any such record; the id is looked up"
PUBLIC = "n/a: public and read-only; anyone may page the FAQ list"
MEETING_FORM = {"meeting_id": "@meeting", "origin": CLUB.channel_id}


def _campaign_answer(action_id: str) -> Case:
    return Case(send=press(action_id), owner=person(PRIYA), genuine=of("{campaign}"),
                other=of("{cancelled_campaign}"),
                wrong_person="n/a: every member may answer for themselves")


def _campaign_organiser(action_id: str) -> Case:
    return Case(send=press(action_id), owner=person(OLIVIA), genuine=of("{campaign}"),
                other=of("{cancelled_campaign}"), outsider=MEI.user_id)


def _checkin(action_id: str) -> Case:
    # The payload's container points at the meeting announcement (the forged press
    # that once replaced it): only the stored check-in message may change.
    return Case(send=press(action_id, message=_announcement), owner=_mentee,
                genuine=of("{pairing}"), other=of("{other_pairing}"))


def _rsvp(action_id: str, where: str = "dm") -> Case:
    return Case(send=press(action_id, where), owner=person(NINA), genuine=of("{meeting}"),
                other=of("{cancelled}"),
                wrong_person="n/a: every member may answer for themselves")


def _meeting_organiser(action_id: str) -> Case:
    return Case(send=press(action_id), owner=person(OLIVIA), genuine=of("{meeting}"),
                other=of("{cancelled}"), outsider=NINA.user_id)


def _home_organiser(action_id: str) -> Case:
    return Case(send=press(action_id, "home"), owner=person(OLIVIA), genuine=fixed(""),
                other="n/a: names no record", huge="n/a: reads no value",
                malformed="n/a: reads no value", outsider=NINA.user_id)


CASES: dict[str, Case] = {
    # FAQ answers: only the asker, only an entry the bot offered on that question.
    ids.FAQ_HELPFUL: Case(press(ids.FAQ_HELPFUL), person(NINA), of("{answered}:{answered_entry}"),
                          of("{other_answered}:{other_entry}")),
    ids.FAQ_NOT_HELPFUL: Case(press(ids.FAQ_NOT_HELPFUL), person(NINA),
                              of("{answered}:{answered_entry}"),
                              of("{answered}:{other_entry}")),  # an entry not offered there
    ids.FAQ_SUGGESTION: Case(press(ids.FAQ_SUGGESTION), person(PRIYA),
                             of("{private}:{suggested_entry}"), of("{answered}:{answered_entry}")),
    ids.FAQ_ASK_MENTOR: Case(press(ids.FAQ_ASK_MENTOR), person(PRIYA), of("{private}"),
                             of("{answered}")),
    # The mentors' loop: mentors answer only what was put to them.
    ids.FAQ_ANSWER: Case(press(ids.FAQ_ANSWER), person(MEI), of("{escalated}"), of("{private}"),
                         outsider=NINA.user_id),
    ids.FAQ_ANSWER_MODAL: Case(
        submit(ids.FAQ_ANSWER_MODAL, text_input(**{faq_views.MENTOR_ANSWER: "Forged answer."})),
        person(MEI), _meta_ids(question_id="@escalated"), _meta_ids(question_id="@private"),
        huge=meta(question_id=HUGE), outsider=NINA.user_id),
    # Changing the FAQ: organisers and FAQ editors (a mentor is the wrong person).
    ids.FAQ_SAVE: Case(press(ids.FAQ_SAVE), person(OLIVIA), of("{to_save}"), of("{escalated}"),
                       outsider=MEI.user_id),
    ids.FAQ_LEARNED_APPROVE: Case(press(ids.FAQ_LEARNED_APPROVE), person(OLIVIA),
                                  of("{waiting_wording}"), of("{decided_wording}"),
                                  outsider=MEI.user_id),
    ids.FAQ_LEARNED_DROP: Case(press(ids.FAQ_LEARNED_DROP), person(OLIVIA),
                               of("{waiting_wording}"), of("{decided_wording}"),
                               outsider=MEI.user_id),
    ids.FAQ_VERIFY: Case(press(ids.FAQ_VERIFY), person(OLIVIA), of("{answered_entry}"),
                         ORGANISER_ANY, outsider=MEI.user_id),
    ids.FAQ_REMOVE_CONFIRM: Case(press(ids.FAQ_REMOVE_CONFIRM), person(OLIVIA), fixed("3"),
                                 ORGANISER_ANY, outsider=MEI.user_id),
    ids.FAQ_REMOVE_CANCEL: Case(press(ids.FAQ_REMOVE_CANCEL), person(OLIVIA), fixed("3"),
                                ORGANISER_ANY, outsider=MEI.user_id),
    ids.FAQ_ENTRY_MODAL: Case(submit(ids.FAQ_ENTRY_MODAL, entry_form), person(OLIVIA),
                              _meta_ids(mode="save", question_id="@to_save"),
                              _meta_ids(mode="save", question_id="@escalated"),
                              huge=meta(mode="edit", entry_id=HUGE), outsider=MEI.user_id),
    ids.FAQ_LIST_PAGE: Case(press(ids.FAQ_LIST_PAGE), person(NINA), fixed("2:"), PUBLIC,
                            huge=fixed(f"{HUGE}:"), wrong_person=PUBLIC),
    ids.FAQ_LIST_PREVIOUS: Case(press(ids.FAQ_LIST_PREVIOUS), person(NINA), fixed("1:"), PUBLIC,
                                huge=fixed(f"{HUGE}:"), wrong_person=PUBLIC),
    # Mentoring.
    ids.MENTOR_OFFER_ACCEPT: Case(press(ids.MENTOR_OFFER_ACCEPT), _mentor, of("{offer}"),
                                  of("{other_offer}"), outsider=PRIYA.user_id),
    ids.MENTOR_OFFER_DECLINE: Case(press(ids.MENTOR_OFFER_DECLINE), _mentor, of("{offer}"),
                                   of("{other_offer}"), outsider=PRIYA.user_id),
    ids.MENTOR_CHECKIN_MET: _checkin(ids.MENTOR_CHECKIN_MET),
    ids.MENTOR_CHECKIN_NOT_YET: _checkin(ids.MENTOR_CHECKIN_NOT_YET),
    ids.MENTOR_CHECKIN_END: _checkin(ids.MENTOR_CHECKIN_END),
    ids.MENTOR_ROUND_CONFIRM: Case(press(ids.MENTOR_ROUND_CONFIRM), person(OLIVIA),
                                   of("{round}"), of("{sent_round}"), outsider=MEI.user_id),
    ids.MENTOR_REQUEST_OPEN: Case(press(ids.MENTOR_REQUEST_OPEN), person(NINA), fixed(""),
                                  NO_RECORD, huge="n/a: reads no value; NINA has a mentor",
                                  malformed="n/a: reads no value", wrong_person=SELF_ONLY),
    ids.MENTOR_SIGNUP_VIEW: Case(
        submit(ids.MENTOR_SIGNUP_VIEW, text_input(other_topics="blogging", capacity=HUGE)),
        person(SAM), fixed(""), NO_RECORD, huge=fixed(""),
        malformed="n/a: reads no private_metadata", wrong_person=SELF_ONLY),
    ids.MENTOR_REQUEST_VIEW: Case(
        submit(ids.MENTOR_REQUEST_VIEW, text_input(goal="")), person(NINA), fixed(""),
        NO_RECORD, huge="n/a: no number in the form; an empty goal is refused here",
        malformed=fixed(BROKEN), wrong_person=SELF_ONLY),
    # Meetings.
    ids.MEETING_GOING: _rsvp(ids.MEETING_GOING),
    ids.MEETING_MAYBE: _rsvp(ids.MEETING_MAYBE),
    ids.MEETING_CANT: _rsvp(ids.MEETING_CANT),
    ids.MEETING_RSVP_ALL: Case(choose(ids.MEETING_RSVP_ALL), person(NINA),
                               of("{meeting}:going"), other=of("{cancelled}:going"),
                               huge=fixed(f"{HUGE}:going"),
                               wrong_person="n/a: every member may answer for themselves"),
    ids.MEETING_CALENDAR: Case(press(ids.MEETING_CALENDAR), person(NINA), of("{meeting}"),
                               of("{cancelled}"),
                               wrong_person="n/a: any member may add a meeting to their calendar"),
    ids.MEETING_EDIT: _meeting_organiser(ids.MEETING_EDIT),
    ids.MEETING_CANCEL: _meeting_organiser(ids.MEETING_CANCEL),
    ids.MEETING_CANCEL_CONFIRM: _meeting_organiser(ids.MEETING_CANCEL_CONFIRM),
    ids.MEETING_MARK_ATTENDANCE: _meeting_organiser(ids.MEETING_MARK_ATTENDANCE),
    ids.MEETING_DMS_OFF: Case(press(ids.MEETING_DMS_OFF), person(NINA), fixed("off"), SELF_ONLY,
                              huge="n/a: reads no value", malformed="n/a: reads no value",
                              wrong_person=SELF_ONLY),
    ids.MEETING_SCHEDULE_VIEW: Case(submit(ids.MEETING_SCHEDULE_VIEW, meeting_form),
                                    person(OLIVIA), _meta_ids(**MEETING_FORM),
                                    _meta_ids(meeting_id="@cancelled"),
                                    huge=meta(meeting_id=HUGE), outsider=NINA.user_id),
    ids.MEETING_ATTENDANCE_VIEW: Case(submit(ids.MEETING_ATTENDANCE_VIEW, attendance_form),
                                      person(OLIVIA),
                                      _meta_ids(meeting_id="@meeting",
                                                occurrence="2026-12-10T15:00:00+00:00"),
                                      _meta_ids(meeting_id="@cancelled",
                                                occurrence="2026-12-10T15:00:00+00:00"),
                                      huge=meta(meeting_id=HUGE, occurrence=HUGE),
                                      outsider=NINA.user_id),
    # Launch campaigns.
    ids.CAMPAIGN_JOIN: _campaign_answer(ids.CAMPAIGN_JOIN),
    ids.CAMPAIGN_DECLINE: _campaign_answer(ids.CAMPAIGN_DECLINE),
    ids.CAMPAIGN_POSTED: Case(press(ids.CAMPAIGN_POSTED), person(PRIYA), of("{campaign}"),
                              of("{cancelled_campaign}"),
                              wrong_person="n/a: every member may send a link to their own post"),
    ids.CAMPAIGN_INVITES_OFF: Case(press(ids.CAMPAIGN_INVITES_OFF), person(PRIYA),
                                   of("{campaign}"), SELF_ONLY, huge="n/a: reads no value",
                                   malformed="n/a: reads no value", wrong_person=SELF_ONLY),
    ids.CAMPAIGN_CANCEL_CONFIRM: _campaign_organiser(ids.CAMPAIGN_CANCEL_CONFIRM),
    ids.CAMPAIGN_CANCEL_KEEP: _campaign_organiser(ids.CAMPAIGN_CANCEL_KEEP),
    ids.CAMPAIGN_FORM_VIEW: Case(submit(ids.CAMPAIGN_FORM_VIEW, campaign_form), person(OLIVIA),
                                 _meta_ids(campaign_id="@campaign"),
                                 _meta_ids(campaign_id="@cancelled_campaign"),
                                 huge=meta(campaign_id=HUGE), outsider=MEI.user_id),
    ids.CAMPAIGN_POST_VIEW: Case(submit(ids.CAMPAIGN_POST_VIEW, campaign_post_form),
                                 person(PRIYA), _meta_ids(campaign_id="@campaign"),
                                 _meta_ids(campaign_id="@cancelled_campaign"),
                                 huge=meta(campaign_id=HUGE),
                                 wrong_person="n/a: every member may send their own link"),
    # The App Home.
    ids.HOME_REFRESH: Case(press(ids.HOME_REFRESH, "home"), person(NINA), fixed(""), SELF_ONLY,
                           huge="n/a: reads no value", malformed="n/a: reads no value",
                           wrong_person=SELF_ONLY),
    ids.HOME_RSVP_GOING: _rsvp(ids.HOME_RSVP_GOING, "home"),
    ids.HOME_RSVP_MAYBE: _rsvp(ids.HOME_RSVP_MAYBE, "home"),
    ids.HOME_RSVP_CANT: _rsvp(ids.HOME_RSVP_CANT, "home"),
    ids.HOME_NUDGES_TOGGLE: Case(press(ids.HOME_NUDGES_TOGGLE, "home"), person(NINA),
                                 fixed("off"), SELF_ONLY, wrong_person=SELF_ONLY),
    ids.HOME_SCHEDULE_MEETING: _home_organiser(ids.HOME_SCHEDULE_MEETING),
    ids.HOME_PAIRING_ROUND: _home_organiser(ids.HOME_PAIRING_ROUND),
    ids.HOME_REPORT: _home_organiser(ids.HOME_REPORT),
    # Buttons that name the person they were made for.
    ids.NUDGES_OFF: Case(press(ids.NUDGES_OFF), person(NINA), fixed(NINA.user_id),
                         fixed(SAM.user_id), outsider=PRIYA.user_id),
    ids.FORGET_CONFIRM: Case(press(ids.FORGET_CONFIRM), person(NINA), fixed(NINA.user_id),
                             fixed(SAM.user_id)),
    ids.FORGET_CANCEL: Case(press(ids.FORGET_CANCEL), person(NINA), fixed(NINA.user_id),
                            fixed(SAM.user_id)),
    ids.PROGRESS_TICK_PATTERN: Case(press(f"{ids.PROGRESS_TICK_PREFIX}wrote_first_post"),
                                    person(NINA), fixed(f"{NINA.user_id}:wrote_first_post"),
                                    fixed(f"{SAM.user_id}:wrote_first_post"),
                                    huge=fixed(f"{HUGE}:wrote_first_post")),
}


# ------------------------------------------------------------------ judging an answer

# Web API calls that change what people see, other than answering the presser.
_CHANGES = ("chat.update", "chat.delete", "views.open", "views.push", "views.update",
            "files.upload", "files.uploadV2", "files.getUploadURLExternal",
            "files.completeUploadExternal", "conversations.invite", "reactions.add")


def judge(club: LocalClub, presser: str, delivery: Delivery, since: int) -> str | None:
    """None when the presser got a clear answer and nothing else happened; else why not."""
    if delivery.status != 200:
        return f"HTTP {delivery.status}"
    calls = club.emulator.calls[since:]
    answer = json.loads(delivery.body) if delivery.body.startswith("{") else {}
    dm = club.dm_channel(presser)
    told = [c for c in calls if c.method == "response_url"
            or (c.method == "chat.postEphemeral" and c.args.get("user") == presser)
            or (c.method == "chat.postMessage" and c.args.get("channel") == dm)
            or (c.method == "views.publish" and c.args.get("user_id") == presser)]
    if answer.get("response_action") == "errors" and answer.get("errors"):
        told.append(answer)  # type: ignore[arg-type]
    changed = [c.method for c in calls if c.method in _CHANGES or (
        c.method == "chat.postMessage" and c.args.get("channel") != dm)]
    if changed:
        return f"the bot also called {changed}"
    if not told:
        return "no answer to the presser"
    return None


def answer_text(club: LocalClub, delivery: Delivery, since: int) -> str:
    """What the presser was told, for the record (pytest -s)."""
    if delivery.body.startswith("{"):
        return delivery.body
    texts = [str(c.args.get("text") or c.args.get("view", {}).get("type", "")) for c in
             club.emulator.calls[since:] if c.method in (
                 "response_url", "chat.postEphemeral", "chat.postMessage", "views.publish")]
    return " | ".join(texts)[:200]


def attacks(case: Case, world: World) -> list[tuple[str, str, str]]:
    """(attack, presser, value) for every attack that applies to this case."""
    owner, genuine = case.owner(world), case.genuine(world)
    planned: list[tuple[str, str, str]] = []
    if case.wrong_person is None:
        planned.append(("wrong_person", case.outsider, genuine))
    for attack, value in (("other_record", case.other), ("huge_number", case.huge),
                          ("malformed_json", case.malformed)):
        if not isinstance(value, str):
            planned.append((attack, owner, value(world)))
    return planned


def not_applicable(case: Case) -> dict[str, str]:
    reasons = {"wrong_person": case.wrong_person, "other_record": case.other,
               "huge_number": case.huge, "malformed_json": case.malformed}
    return {attack: why for attack, why in reasons.items() if isinstance(why, str)}


# ------------------------------------------------------------------ the tests


def registered(club: LocalClub) -> set[str]:
    wiring = club.bot.wiring
    return set(wiring.actions) | set(wiring.views)


def test_every_registered_id_has_a_case_and_every_attack_is_run_or_excused(
    club: LocalClub,
) -> None:
    ids_in_code = registered(club)
    missing = sorted(ids_in_code - set(CASES))
    assert not missing, f"registered without a forged-payload case: {missing}"
    assert not sorted(set(CASES) - ids_in_code), "cases for ids nobody registers"
    for action_id, case in CASES.items():
        for attack, why in not_applicable(case).items():
            assert why.startswith("n/a: "), f"{action_id} {attack}: say why it can't apply"


def test_every_button_and_form_refuses_forged_payloads(
    database_url: str, clock: ManualClock, tables: Callable[[LocalClub], Any]
) -> None:
    with LocalClub(database_url, clock) as club:
        world = build_world(club)
        assert set(CASES) == registered(club)
        failures: list[str] = []
        said: list[str] = []
        for action_id, case in CASES.items():
            for attack, presser, value in attacks(case, world):
                before = tables(club)
                since = len(club.emulator.calls)
                delivery = case.send(world, presser, value)
                club.settle()
                problem = judge(club, presser, delivery, since)
                said.append(f"{action_id} / {attack}: {answer_text(club, delivery, since)}")
                if tables(club) != before:
                    problem = (problem or "") + " and the database changed"
                if problem:
                    failures.append(f"{action_id} / {attack} ({presser}, {value!r}): {problem}")
                    before = tables(club)
        print("\n".join(said))  # what each refusal said (pytest -s shows it)
        assert not failures, "\n".join(failures)
