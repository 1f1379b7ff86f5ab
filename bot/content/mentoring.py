"""What clubbot tells people in mentoring, beyond the Block Kit messages
(handlers/mentoring/views.py). Pure functions returning mrkdwn."""

from __future__ import annotations


def stalled_for_mentee(organisers_know: bool) -> str:
    organisers = " The organisers know, and can pair you by hand." if organisers_know else ""
    return (
        "I'm sorry: I couldn't find you a mentor yet. Every mentor who fits your topics "
        "has said no, not answered in time, or has no room right now. Your request stays "
        "open: I'll offer it again as soon as a mentor has room or a new one signs up."
        f"{organisers} `/club mentor cancel` withdraws it if you'd rather."
    )


def stalled_for_mentors(mentee_id: str, topics: str) -> str:
    """``topics`` is already escaped for mrkdwn."""
    return (
        f":hourglass: <@{mentee_id}> is waiting for a mentor ({topics}): every "
        "mentor who fits has declined, not answered or is full. If you have room, "
        "raise your capacity with `/club mentor signup`. Organisers: `/club mentor "
        f"suggest <@{mentee_id}>`, `/club pair` or `/club pairing round` "
        "(mentors who only didn't answer are asked again)."
    )


_WHY_OVER = {
    "declined": "they declined",
    "expired": "they didn't answer in time",
    "full": "they have no room left",
    "excluded": "they asked not to be contacted",
}


def manual_offer_over(mentor_id: str, mentee_id: str, why: str) -> str:
    """To the organiser who chose this mentor (`/club pair`), as its answer promised."""
    reason = _WHY_OVER.get(why, "it moved on")
    return (
        f"Your offer of <@{mentee_id}> to <@{mentor_id}> has ended: {reason}. I've passed "
        "the request on to the next mentor who fits, or it waits for one; `/club pairings` "
        "shows where it stands."
    )


def good_news(mentor_id: str) -> str:
    return (
        f":tada: Good news: <@{mentor_id}> will be your mentor. "
        "I've introduced you both in a group DM."
    )


def pairing_ended(by: str) -> str:
    return (
        f"<@{by}> ended this pairing. Thank you both for the time you gave it. "
        "The club is always here: `/club mentor request` for a new mentor, "
        "`/club mentor signup` to pass it on."
    )


def pairing_ended_by_forget(forgotten: str, *, to_mentee: bool) -> str:
    who = f"<@{forgotten}>"
    start = (
        f"Your mentoring pairing with {who} has ended: they've left the club's mentoring "
        "and asked me to delete what I knew about them."
    )
    if to_mentee:
        return (
            f"{start} I'm sorry it ended this way. "
            "`/club mentor request` finds you another mentor whenever you like."
        )
    return f"{start} Thank you for the time you gave; your place is free for someone new."
