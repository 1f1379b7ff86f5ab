"""Links people post for a campaign: checked, normalised so each counts once, and
their network recognised. Pure: no Slack, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.content import INTERNAL_PLATFORM_URL

URL_MAX = 1000

# Query parameters that only say where a click came from; dropping them makes the same
# post count once however it was shared.
_TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "si", "ref",
    "ref_src", "ref_url", "trk", "trkinfo", "_hsenc", "_hsmi", "mkt_tok", "s",
    "feature", "rcm", "originalsubdomain", "lipi", "utm",
})
_TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")
_MASTODON_HOSTS = frozenset({
    "mastodon.social", "mastodon.online", "fosstodon.org", "hachyderm.io", "infosec.exchange",
    "mas.to", "mstdn.social", "techhub.social", "social.vivaldi.net",
})
# Slack wraps links in a slash command's text: <https://x> or <https://x|label>.
_SLACK_LINK = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")


class Network(StrEnum):
    LINKEDIN = "linkedin"
    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    YOUTUBE = "youtube"
    BLOG = "blog"
    INTERNAL = "internal"


NETWORK_NAMES = {
    Network.LINKEDIN: "LinkedIn",
    Network.X: "X",
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.YOUTUBE: "YouTube",
    Network.BLOG: "a blog",
    Network.INTERNAL: "the internal platform",
}


@dataclass(frozen=True)
class Link:
    url: str
    network: Network

    @property
    def practice(self) -> bool:
        """An internal-platform post is practice, not a post outside the firewall."""
        return self.network is Network.INTERNAL


@dataclass(frozen=True)
class NotALink:
    message: str


def unwrap(text: str) -> str:
    text = text.strip()
    match = _SLACK_LINK.match(text)
    return match.group(1).strip() if match else text


def parse_link(text: str, internal_url: str = INTERNAL_PLATFORM_URL) -> Link | NotALink:
    """A posted link, normalised, or why it isn't one."""
    raw = unwrap(text).replace("&amp;", "&")
    if not raw:
        return NotALink("Paste the link to what you published, starting with https://.")
    if len(raw) > URL_MAX:
        return NotALink(f"That link is longer than {URL_MAX} characters; paste a shorter one.")
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower()
        _ = parts.port  # raises on a port no URL has
    except ValueError:
        return NotALink("That doesn't look like a link. Paste one starting with https://.")
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host or any(
        ch.isspace() for ch in raw
    ):
        return NotALink("That doesn't look like a link. Paste one starting with https://.")
    url = normalise(raw)
    return Link(url, network_of(url, internal_url))


def normalise(raw: str) -> str:
    """Lower-case scheme and host, no "www.", no fragment, no tracking parameters, no
    trailing slash, https for http: two shares of one post give one string."""
    parts = urlsplit(raw.strip())
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    if host in ("m.youtube.com", "mobile.twitter.com", "mobile.x.com"):
        host = host.split(".", 1)[1]
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    kept = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", netloc, path, urlencode(kept), ""))


def network_of(url: str, internal_url: str = INTERNAL_PLATFORM_URL) -> Network:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    internal = (urlsplit(internal_url).hostname or "").lower()
    internal = internal[4:] if internal.startswith("www.") else internal

    def on(*domains: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in domains)

    if internal and on(internal):
        return Network.INTERNAL
    if on("linkedin.com", "lnkd.in"):
        return Network.LINKEDIN
    if on("x.com", "twitter.com"):
        return Network.X
    if on("bsky.app", "bsky.social"):
        return Network.BLUESKY
    if on("youtube.com", "youtu.be"):
        return Network.YOUTUBE
    if host in _MASTODON_HOSTS or host.startswith(("mastodon.", "mstdn.")) or re.match(
        r"^/@[\w.]+/\d+$", parts.path
    ):
        return Network.MASTODON
    return Network.BLOG
