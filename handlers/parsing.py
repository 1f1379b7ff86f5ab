"""Reading what people type into slash commands."""

from __future__ import annotations

import re

# With should_escape: true, Slack sends mentions as <@U123|name> and channels as <#C123|name>.
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


def user_mentions(text: str) -> list[str]:
    return _USER_MENTION.findall(text)


def channel_mentions(text: str) -> list[str]:
    return _CHANNEL_MENTION.findall(text)


def split_words(text: str) -> list[str]:
    return text.split()
