"""users.info's tz, tz_label and tz_offset for a zone at a given moment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# zoneinfo only knows abbreviations; Slack shows the long name. Unlisted ones stay short.
_LONG_NAMES = {
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "IST": "India Standard Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "UTC": "Coordinated Universal Time",
}


def zone(name: str) -> ZoneInfo:
    """The zone, or ValueError naming it (so a typo fails at add_user, not mid-test)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {name!r}") from exc


def tz_fields(name: str, at: float) -> dict[str, object]:
    local = datetime.fromtimestamp(at, UTC).astimezone(zone(name))
    offset = local.utcoffset()
    abbr = local.tzname() or name
    return {
        "tz": name,
        "tz_label": _LONG_NAMES.get(abbr, abbr),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }
