"""Campaign links and rules: normalising, networks, refusals, audiences. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.campaigns.links import Link, Network, NotALink, parse_link
from bot.campaigns.rules import (
    close_problem,
    invite_due,
    key_message_lines,
    launch_problem,
    split_topics,
    steps_from,
)


@pytest.mark.parametrize(("text", "url", "network"), [
    ("<https://www.linkedin.com/posts/a?utm_source=x&trk=1|lnk>",
     "https://linkedin.com/posts/a", Network.LINKEDIN),
    ("http://X.com/a/status/1/?s=20", "https://x.com/a/status/1", Network.X),
    ("https://twitter.com/a/status/1", "https://twitter.com/a/status/1", Network.X),
    ("https://hachyderm.io/@me/1234", "https://hachyderm.io/@me/1234", Network.MASTODON),
    ("https://example.social/@me/99", "https://example.social/@me/99", Network.MASTODON),
    ("https://bsky.app/profile/me/post/3k", "https://bsky.app/profile/me/post/3k",
     Network.BLUESKY),
    ("https://m.youtube.com/watch?v=abc&feature=share", "https://youtube.com/watch?v=abc",
     Network.YOUTUBE),
    ("https://myblog.dev/post/#x", "https://myblog.dev/post", Network.BLOG),
    ("https://intranet.example.com/blogs/nina/1", "https://intranet.example.com/blogs/nina/1",
     Network.INTERNAL),
])
def test_links_are_normalised_and_their_network_recognised(
    text: str, url: str, network: Network
) -> None:
    assert parse_link(text) == Link(url, network)


def test_only_the_internal_platform_is_practice() -> None:
    internal = parse_link("https://intranet.example.com/blogs/x")
    external = parse_link("https://linkedin.com/posts/x")
    assert isinstance(internal, Link) and internal.practice
    assert isinstance(external, Link) and not external.practice


@pytest.mark.parametrize("text", [
    "", "hello", "ftp://x.com/a", "javascript:alert(1)", "https://", "https://localhost/x",
    "https://exa mple.com/x", "https://x.com:99999/a", "https://x.com/" + "a" * 1001,
])
def test_non_links_are_refused(text: str) -> None:
    assert isinstance(parse_link(text), NotALink)


def test_launch_close_and_audience_rules() -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert launch_problem(now, now) is not None
    assert launch_problem(now, now, unchanged=True) is None
    assert close_problem(now, now) is not None
    assert close_problem(now, datetime(2027, 3, 1, tzinfo=UTC)) is not None  # over 60 days
    assert steps_from("became_mentor") == ("became_mentor",)
    assert steps_from("nonsense") == ()
    assert split_topics("Video, podcasts,\nvideo ,") == ("Video", "podcasts", "video")
    assert key_message_lines("- one\n\n• two \n") == ["one", "two"]
    # 05:00 in New York waits for 09:00 there; 15:30 in Kolkata goes at once.
    assert invite_due(now, "America/New_York") == datetime(2026, 12, 1, 14, tzinfo=UTC)
    assert invite_due(now, "Asia/Kolkata") == now
