"""Texts for kudos: the public thank-you, with the giver's words made safe to post."""

from __future__ import annotations

import re

from bot.content import escape_mrkdwn

REASON_MAX_CHARS = 500
# Mentions as Slack escapes them in command text: <@U123|sam> → @sam (nobody gets pinged).
_NAMED_REF = re.compile(r"<([@#])[A-Z0-9]{2,32}\|([^<>|]{1,80})>")
_BARE_REF = re.compile(r"<([@#!])([^<>]{1,80})>")


def clean_reason(reason: str) -> str:
    """The giver's words, safe to post: mentions flattened, escaped, clipped."""
    text = " ".join(reason.split())
    text = _BARE_REF.sub(r"\1\2", _NAMED_REF.sub(r"\1\2", text))
    text = escape_mrkdwn(text)
    if len(text) > REASON_MAX_CHARS:
        text = re.sub(r"&[a-z]{0,3}$", "", text[: REASON_MAX_CHARS - 1]).rstrip() + "…"
    return text


def kudos_post(giver: str, receiver_ref: str, reason: str) -> str:
    """`receiver_ref` is `<@U…>`, or a plain name for someone who asked not to be contacted."""
    return f":raised_hands: <@{giver}> thanks {receiver_ref} for {clean_reason(reason)}"
