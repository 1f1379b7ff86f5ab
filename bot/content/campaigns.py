"""What clubbot says about launch campaigns. Pure functions returning mrkdwn.

The club's voice: participation is voluntary (no quotas, no nagging), PR embraces the
members' own angles, and the guidelines that matter on a launch day are at hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content import GUIDELINES_URL, escape_mrkdwn

DISCLOSURE_DEFAULT = (
    "Say that you work here. Give your own view, in your own words, and share only what "
    "is public once the embargo lifts."
)
DAY_GUIDELINES = (
    f"On launch day the <{GUIDELINES_URL}|guidelines> that matter most: say that you work "
    "here, give your own view, share only what is public."
)

NETWORK_LABELS = {
    "linkedin": "LinkedIn",
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "youtube": "YouTube",
    "blog": "blogs",
    "internal": "the internal platform",
}


def slack_time(moment: datetime, tz: str) -> str:
    """`<!date^…>`: Slack shows it in each reader's zone; the fallback is in `tz`."""
    try:
        local = moment.astimezone(ZoneInfo(tz or "UTC"))
    except (ValueError, KeyError):
        local = moment
    fallback = escape_mrkdwn(f"{local:%a %-d %b %Y %H:%M} {local.tzname() or ''}".strip())
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def brief_mrkdwn(text: str) -> str:
    """The brief is mrkdwn by design (bold, links), but never a ping: <!channel>,
    <!here>, <!everyone> and user-group mentions are shown, not sent."""
    return text.replace("<!", "&lt;!").replace("<@", "&lt;@")


def title(text: str) -> str:
    return f"*{escape_mrkdwn(text)}*"


def bullet_lines(lines: Sequence[str]) -> str:
    return "\n".join(f"• {escape_mrkdwn(line)}" for line in lines)


def invitation_intro(campaign_title: str, launch: str, launched: bool = False) -> str:
    if launched:
        return (
            f":rocket: The club is helping launch {title(campaign_title)}, and the embargo "
            f"lifted {launch}. If you'd like to cover it from your own angle, say *I'm in* "
            "and post when you're ready. No pressure either way: it's entirely up to you."
        )
    return (
        f":rocket: The club is helping launch {title(campaign_title)}. The embargo lifts "
        f"{launch}. If you'd like to cover it from your own angle, say *I'm in* and I'll tell "
        "you the moment it lifts. No pressure either way: it's entirely up to you."
    )


def golive_intro(campaign_title: str) -> str:
    return (
        f":mega: The embargo on {title(campaign_title)} has lifted: you can post now. Your "
        "own view is what makes this work, so write it your way. When it's up, press "
        "*I posted* and paste the link, so the club can thank you."
    )


def joined(campaign_title: str, launch: str, launched: bool) -> str:
    if launched:
        return (f"Thanks for joining {title(campaign_title)}! The embargo has lifted, so "
                "post whenever you're ready and send me the link.")
    return (f"Thanks for joining {title(campaign_title)}! I'll DM you {launch}, when the "
            "embargo lifts. Until then, please keep it to yourself.")


def declined(campaign_title: str) -> str:
    return f"No problem: you're not on {title(campaign_title)}. Thanks for letting me know."


INVITES_OFF = (
    "OK, no more campaign invitations. You can still join any campaign from "
    "`/club campaign list`, and `/club campaigns on` brings invitations back."
)
INVITES_ALREADY_OFF = (
    "Campaign invitations were already off; `/club campaigns on` brings them back."
)
INVITES_ON = "Campaign invitations are on again. Thanks!"
INVITES_ALREADY_ON = "Campaign invitations are already on; nothing changed."


def embargoed(campaign_title: str, lift: str) -> str:
    return (f":lock: {title(campaign_title)} is still under embargo until {lift}. Please "
            "don't publish yet; I haven't counted anything. Send me the link after it lifts.")


def counted(campaign_title: str, network: str, first_external: bool, practice: bool) -> str:
    where = NETWORK_LABELS.get(network, network)
    if practice:
        return (f":white_check_mark: Got it: your post on {where} for {title(campaign_title)} "
                "counts as practice. Great warm-up! When you're ready, a post outside the "
                "firewall reaches the most people.")
    text = f":tada: Thank you! Your post on {where} for {title(campaign_title)} is counted."
    if first_external:
        text += (" It's also your first post outside the firewall, so I've ticked that step "
                 "of your path. :star2:")
    return text


def already_counted(campaign_title: str) -> str:
    return f"That link is already counted for {title(campaign_title)}; nothing more to do. Thanks!"


def closed(campaign_title: str) -> str:
    return f"{title(campaign_title)} has closed, so I'm not collecting links for it any more."


def launch_moved(campaign_title: str, before: str, after: str) -> str:
    return (f":calendar: The launch of {title(campaign_title)} has moved: the embargo now lifts "
            f"{after} (it was {before}). Please hold your post until then; I'll DM you when "
            "it lifts.")


def cancelled(campaign_title: str) -> str:
    return (f":x: {title(campaign_title)} has been called off, so please don't post about it. "
            "Thanks for being ready to help.")


def roundup(
    campaign_title: str,
    by_network: Mapping[str, int],
    named: Sequence[str],
    others: int,
    practice: int,
) -> str:
    total = sum(by_network.values())
    if total == 0 and practice == 0:
        return (f":sparkles: {title(campaign_title)} has closed. No links came in this time, "
                "and that's fine: thank you to everyone who got ready to help.")
    parts = [f"{count} on {NETWORK_LABELS.get(net, net)}" for net, count in by_network.items()]
    lines = [f":sparkles: That's a wrap on {title(campaign_title)}!"]
    if total:
        lines.append(f"The club published {total} post{'s' if total != 1 else ''} "
                     f"outside the firewall: {', '.join(parts)}.")
    if practice:
        lines.append(f"Plus {practice} practice post{'s' if practice != 1 else ''} on the "
                     "internal platform.")
    if named:
        thanked = ", ".join(f"<@{user}>" for user in named)
        more = f" and {others} more" if others else ""
        lines.append(f"Thank you {thanked}{more}: your own angles made this launch.")
    elif others:
        lines.append(f"Thank you to the {others} colleagues who took part.")
    return "\n".join(lines)


def made_campaign_lead(actor: str) -> str:
    return (f"<@{actor}> made you a campaign lead of the social media club: you can brief the "
            "club on a launch with `/club campaign new`, and follow it with "
            "`/club campaign status`. Thank you for working with the club's own voices!")
