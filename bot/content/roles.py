"""What clubbot says about rights: FAQ editors and the change that separated them from
mentoring. Pure functions returning mrkdwn; people appear as ``<@U…>`` mentions."""

from __future__ import annotations

from collections.abc import Sequence

EDITORS_COMMAND = "/club faq editors add @person"
# Names listed in one DM before "and N more"; a section block holds 3000 characters.
LISTED_MAX = 40


def people(user_ids: Sequence[str]) -> str:
    shown = ", ".join(f"<@{user}>" for user in user_ids[:LISTED_MAX])
    more = len(user_ids) - LISTED_MAX
    return f"{shown} and {more} more" if more > 0 else shown


def faq_editing_split(lost: Sequence[str]) -> str:
    """The one DM organisers get when an existing club upgrades to separate rights."""
    return (
        ":key: A change in how the club's FAQ is looked after: signing up to mentor no "
        "longer includes editing the FAQ. Organisers edit it, and so do the FAQ editors "
        "you name.\n"
        f"These mentors could edit the FAQ before and can't now: {people(lost)}. They are "
        "still mentors, with their mentees and offers as before.\n"
        f"To let someone edit the FAQ again, type `{EDITORS_COMMAND}`. To let every mentor "
        "edit it, as before, whoever runs clubbot can set `CLUB_MENTORS_EDIT_FAQ=on`."
    )


def made_organiser(actor: str) -> str:
    return (
        f"<@{actor}> made you an organiser of the social media club. "
        "Type `/club help` to see what organisers can do."
    )


def made_faq_editor(actor: str) -> str:
    return (
        f"<@{actor}> made you an FAQ editor of the social media club: you can add, edit "
        "and remove FAQ entries (`/club faq add`, `/club faq edit <id>`) and save mentors' "
        "answers to the FAQ. Thank you for keeping it helpful!"
    )


def editors_list(editors: Sequence[str], organisers: Sequence[str], mentors_edit: bool) -> str:
    named = people(editors) if editors else "nobody named yet"
    text = f"FAQ editors: {named}. Organisers ({people(organisers) or 'none yet'}) edit it too."
    if mentors_edit:
        text += " In this club every mentor may edit the FAQ as well."
    return text + f" Organisers name editors with `{EDITORS_COMMAND}`."
