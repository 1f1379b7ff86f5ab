"""Read what an organiser types after ``/club meeting schedule``.

    "Book club" 2026-12-03 15:00 weekly #book-club
    “Design crit” every other Tuesday 3pm <#C0123|design> remind 2d,30m
    "Board" first Tuesday 18:30 tz Europe/Paris

The title comes first, in straight or curly double quotes; the other parts may come in
any order. Every problem is answered with a :class:`ParseProblem` whose message says
what was wrong and how to write it. Nothing here reads a clock: ``now_utc`` is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import available_timezones

from bot.content import escape_mrkdwn
from bot.meetings.offsets import UNITS, ParseProblem, parse_offsets
from bot.meetings.recurrence import (
    MONTH_NAMES,
    Recurrence,
    Repeat,
    describe,
    format_long_date,
    nth_of_month,
    nth_weekday_date,
    to_utc,
    too_far_ahead,
    wall_time_problem,
    zone,
)

EXAMPLE = '/club meeting schedule "Book club" 2026-12-03 15:00 weekly #book-club'
USAGE = (
    f"Write it like this: {EXAMPLE} — then optionally a repeat (weekly, every two weeks, "
    "monthly, first Tuesday), a channel, tz Europe/Paris, and remind 24h,1h."
)
MAX_TITLE_LENGTH = 150

_OPEN_QUOTES = '"“„«'
_CLOSE_QUOTES = '"”“»'
_FILLER = frozenset({"at", "on", "the", "from", "starting", "in", "and", "-", "–", "—"})

_WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("monday", "mon"),
        ("tuesday", "tue", "tues"),
        ("wednesday", "wed"),
        ("thursday", "thu", "thur", "thurs"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _i
_MONTHS: dict[str, int] = {}
for _i, _full in enumerate(MONTH_NAMES, start=1):
    _MONTHS[_full.lower()] = _i
    _MONTHS[_full[:3].lower()] = _i
_MONTHS["sept"] = 9
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "last": -1,
}  # fmt: skip
_MONTH_TAILS = (
    ("of", "the", "month"),
    ("of", "each", "month"),
    ("of", "every", "month"),
    ("of", "month"),
    ("each", "month"),
    ("every", "month"),
    ("monthly",),
)

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATEISH = re.compile(r"\d+[-/]\d+(?:[-/]\d+)?|\d+\.\d+\.\d+")
_DAY_NUMBER = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_TIME_AMPM = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?([ap])\.?m\.?")
_TIME_24H = re.compile(r"(\d{1,2})[:.](\d{2})")
_TIMEISH = re.compile(r"\d+[:.]\d+(?:[ap]\.?m\.?)?|\d+[ap]\.?m\.?")
_CHANNEL_LINK = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")



@dataclass(frozen=True)
class ParsedMeeting:
    title: str
    recurrence: Recurrence
    channel_id: str | None
    reminder_offsets: tuple[timedelta, ...] | None  # None: use the defaults
    first_utc: datetime


# --- the schedule text ------------------------------------------------------------------


@cache
def _zones_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


@dataclass
class _DateSpec:
    source: str
    resolve: Callable[[date, time, Callable[[date, time], bool]], date | ParseProblem]


@dataclass
class _State:
    date_spec: _DateSpec | None = None
    at: time | None = None
    time_source: str = ""
    repeat: Repeat | None = None
    repeat_source: str = ""
    weekday: int | None = None
    monthly_nth: int | None = None
    channel_id: str | None = None
    channel_source: str = ""
    tz: str | None = None
    offsets: tuple[timedelta, ...] | None = None


def _two(kind: str, first: str, second: str) -> ParseProblem:
    return ParseProblem(f"You gave two {kind} (“{first}” and “{second}”). Please give just one.")


def _bad_date(source: str) -> ParseProblem:
    return ParseProblem(
        f"I couldn't read the date “{source}”. Use YYYY-MM-DD, e.g. 2026-12-03, "
        "or words such as tomorrow, next Tuesday or 3 Dec."
    )


def _bad_time(source: str) -> ParseProblem:
    return ParseProblem(
        f"I couldn't read the time “{source}”. Use 24-hour HH:MM such as 15:00, "
        "or 3pm, 3:30pm or noon."
    )


def _fixed(source: str, d: date) -> _DateSpec:
    return _DateSpec(source, lambda today, at, future: d)


def _weekday_spec(source: str, weekday: int, *, strictly_after_today: bool) -> _DateSpec:
    def resolve(today: date, at: time, future: Callable[[date, time], bool]) -> date:
        d = today + timedelta(days=(weekday - today.weekday()) % 7)
        if d == today and (strictly_after_today or not future(d, at)):
            d += timedelta(days=7)
        return d

    return _DateSpec(source, resolve)


def _day_month_spec(source: str, day: int, month: int, year: int | None) -> _DateSpec:
    def resolve(today: date, at: time, future: Callable[[date, time], bool]) -> date | ParseProblem:
        try:
            if year is not None:
                return date(year, month, day)
            d = date(today.year, month, day)
            return d if d >= today else date(today.year + 1, month, day)
        except ValueError:
            return _bad_date(source)

    return _DateSpec(source, resolve)


def _parse_time(token: str) -> time | ParseProblem | None:
    if token in ("noon", "midday"):
        return time(12)
    if token == "midnight":
        return time(0)
    if m := _TIME_AMPM.fullmatch(token):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return _bad_time(token)
        return time(hour % 12 + (12 if m.group(3) == "p" else 0), minute)
    if m := _TIME_24H.fullmatch(token):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour > 23 or minute > 59:
            return _bad_time(token)
        return time(hour, minute)
    if _TIMEISH.fullmatch(token):
        return _bad_time(token)
    return None


class _Tokens:
    def __init__(self, raw: list[str]) -> None:
        self.raw = raw
        self.low = [t.lower() for t in raw]

    def at(self, i: int) -> str:
        return self.low[i] if i < len(self.low) else ""

    def clean(self, i: int) -> str:
        return self.at(i).rstrip(",.;")


_Result = int | ParseProblem  # tokens consumed (0: not mine) or a problem


def _set_repeat(
    st: _State, source: str, repeat: Repeat, weekday: int | None = None, nth: int | None = None
) -> ParseProblem | None:
    if st.repeat is not None:
        return _two("repeats", st.repeat_source, source)
    st.repeat, st.repeat_source, st.weekday, st.monthly_nth = repeat, source, weekday, nth
    return None


def _match_ordinal(toks: _Tokens, i: int, st: _State) -> _Result:
    word, day = toks.clean(i), toks.clean(i + 1)
    if word in ("fifth", "5th") and day.rstrip("s") in _WEEKDAYS:
        return ParseProblem(
            "Monthly meetings can be on the first, second, third, fourth or last weekday "
            "of the month, e.g. first Tuesday or last Friday of the month."
        )
    if word not in _ORDINALS or day.rstrip("s") not in _WEEKDAYS:
        return 0
    n = 2
    for tail in _MONTH_TAILS:
        if tuple(toks.clean(i + n + k) for k in range(len(tail))) == tail:
            n += len(tail)
            break
    source = " ".join(toks.raw[i : i + n])
    problem = _set_repeat(st, source, Repeat.MONTHLY, _WEEKDAYS[day.rstrip("s")], _ORDINALS[word])
    return problem or n


def _match_every(toks: _Tokens, i: int, st: _State) -> _Result:
    word, a, b = toks.clean(i), toks.clean(i + 1), toks.clean(i + 2)
    if word == "alternate" and a.rstrip("s") in _WEEKDAYS:  # "alternate Tuesdays"
        return (
            _set_repeat(
                st, " ".join(toks.raw[i : i + 2]), Repeat.BIWEEKLY, _WEEKDAYS[a.rstrip("s")]
            )
            or 2
        )
    if word not in ("every", "each"):
        return 0
    found: tuple[int, Repeat, int | None] | None = None
    if a in ("other", "second", "2nd") and b.rstrip("s") in _WEEKDAYS:
        # "every second Tuesday" reads as every other one, not the 2nd of the month
        found = (3, Repeat.BIWEEKLY, _WEEKDAYS[b.rstrip("s")])
    elif a in _ORDINALS or a in ("fifth", "5th"):  # "every first Tuesday"
        consumed = _match_ordinal(toks, i + 1, st)
        return consumed + 1 if isinstance(consumed, int) and consumed else consumed
    elif a in ("other", "second", "two", "2") and b in ("week", "weeks"):
        found = (3, Repeat.BIWEEKLY, None)
    elif a == "fortnight":
        found = (2, Repeat.BIWEEKLY, None)
    elif a == "week":
        found = (2, Repeat.WEEKLY, None)
    elif a == "month":
        found = (2, Repeat.MONTHLY, None)
    elif a.rstrip("s") in _WEEKDAYS:
        found = (2, Repeat.WEEKLY, _WEEKDAYS[a.rstrip("s")])
    if found is None:
        shown = 3 if b.rstrip("s") in ("day", "week", "month", "year") else 2
        return ParseProblem(
            f"I can't repeat “{' '.join(toks.raw[i : i + shown])}”. Meetings can repeat weekly, "
            "every two weeks (every other Tuesday), or monthly (first Tuesday, "
            "last Friday of the month)."
        )
    n, repeat, weekday = found
    return _set_repeat(st, " ".join(toks.raw[i : i + n]), repeat, weekday) or n


_REPEAT_WORDS = {
    "weekly": Repeat.WEEKLY,
    "biweekly": Repeat.BIWEEKLY,
    "bi-weekly": Repeat.BIWEEKLY,
    "fortnightly": Repeat.BIWEEKLY,
    "monthly": Repeat.MONTHLY,
    "once": Repeat.NONE,
    "one-off": Repeat.NONE,
    "one-time": Repeat.NONE,
}


def _match_repeat_word(toks: _Tokens, i: int, st: _State) -> _Result:
    word = toks.clean(i)
    if word in _REPEAT_WORDS:
        return _set_repeat(st, toks.raw[i], _REPEAT_WORDS[word]) or 1
    if word in ("daily", "yearly", "annually", "hourly"):
        return ParseProblem(
            f"I can't repeat a meeting “{toks.raw[i]}”. Meetings can repeat weekly, "
            "every two weeks, or monthly (e.g. first Tuesday)."
        )
    if word.endswith("s") and word[:-1] in _WEEKDAYS and len(word) > 4:  # "Tuesdays"
        return _set_repeat(st, toks.raw[i], Repeat.WEEKLY, _WEEKDAYS[word[:-1]]) or 1
    return 0


def _match_date(toks: _Tokens, i: int, st: _State) -> _Result:
    word, raw = toks.clean(i), toks.raw[i].rstrip(",.;")
    spec: _DateSpec | None = None
    n = 1
    if m := _ISO_DATE.fullmatch(word):
        try:
            spec = _fixed(raw, date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return _bad_date(raw)
    elif _DATEISH.fullmatch(word):
        return _bad_date(raw)
    elif word in ("today", "tomorrow"):
        extra = 0 if word == "today" else 1
        spec = _DateSpec(raw, lambda today, at, future: today + timedelta(days=extra))
    elif word == "next" and toks.clean(i + 1) in _WEEKDAYS:
        n = 2
        spec = _weekday_spec(
            f"{raw} {toks.raw[i + 1]}", _WEEKDAYS[toks.clean(i + 1)], strictly_after_today=True
        )
    elif word in _WEEKDAYS:
        spec = _weekday_spec(raw, _WEEKDAYS[word], strictly_after_today=False)
    else:
        day_first = _DAY_NUMBER.fullmatch(word) and toks.clean(i + 1) in _MONTHS
        month_first = word in _MONTHS and _DAY_NUMBER.fullmatch(toks.clean(i + 1))
        if not (day_first or month_first):
            return 0
        day_tok, month_tok = (word, toks.clean(i + 1)) if day_first else (toks.clean(i + 1), word)
        day_match = _DAY_NUMBER.fullmatch(day_tok)
        assert day_match is not None
        year = int(toks.clean(i + 2)) if re.fullmatch(r"\d{4}", toks.clean(i + 2)) else None
        n = 3 if year is not None else 2
        source = " ".join(t.rstrip(",.;") for t in toks.raw[i : i + n])
        spec = _day_month_spec(source, int(day_match.group(1)), _MONTHS[month_tok], year)
    if st.date_spec is not None:
        return _two("dates", st.date_spec.source, spec.source)
    st.date_spec = spec
    return n


def _match_time(toks: _Tokens, i: int, st: _State) -> _Result:
    word = toks.clean(i)
    source, n = toks.raw[i].rstrip(",.;"), 1
    if re.fullmatch(r"\d{1,2}", word) and toks.at(i + 1).rstrip(",;") in (
        "am",
        "pm",
        "a.m.",
        "p.m.",
    ):
        word, source, n = word + toks.clean(i + 1), f"{source} {toks.raw[i + 1]}", 2
    parsed = _parse_time(word)
    if parsed is None:
        return 0
    if isinstance(parsed, ParseProblem):
        return ParseProblem(_bad_time(source).message)
    if st.at is not None:
        return _two("times", st.time_source, source)
    st.at, st.time_source = parsed, source
    return n


def _match_zone(toks: _Tokens, i: int, st: _State) -> _Result:
    word, n = toks.clean(i), 1
    if word in ("tz", "timezone", "tz:", "timezone:", "zone"):
        if i + 1 >= len(toks.raw):
            return ParseProblem("After “tz”, give a time zone name such as Europe/Paris.")
        word, n = toks.clean(i + 1), 2
    elif "/" not in word and word not in ("utc", "gmt"):
        return 0
    raw = toks.raw[i + n - 1].rstrip(",.;")
    name = _zones_by_lower().get(word)
    if name is not None and "/" not in name and name != "UTC":
        return ParseProblem(
            f"Please use a place-based time zone such as Europe/Berlin or America/New_York "
            f"rather than “{raw}”, so daylight-saving time is right."
        )
    if name is None:
        if word == "gmt":
            name = "UTC"
        else:
            return ParseProblem(
                f"I don't know the time zone “{raw}”. Use an IANA name such as "
                "Europe/Paris, America/New_York or Asia/Tokyo."
            )
    if st.tz is not None:
        return _two("time zones", st.tz, name)
    st.tz = name
    return n


def _match_channel(
    toks: _Tokens, i: int, st: _State, channel_ids: Mapping[str, str] | None
) -> _Result:
    raw = toks.raw[i].rstrip(",.;")
    if m := _CHANNEL_LINK.fullmatch(raw):
        channel_id = m.group(1)
    elif raw.startswith("#") and len(raw) > 1:
        names = {k.lstrip("#").lower(): v for k, v in (channel_ids or {}).items()}
        found = names.get(raw[1:].lower())
        if found is None:
            return ParseProblem(
                f"I don't know the channel {raw}. Pick it from Slack's suggestions as you "
                "type #, and make sure I've been added to it."
            )
        channel_id = found
    else:
        return 0
    if st.channel_id is not None:
        return _two("channels", st.channel_source, raw)
    st.channel_id, st.channel_source = channel_id, raw
    return 1


def _is_offset_token(token: str) -> bool:
    """``24h,1h``, ``2d``, ``24``, ``h,`` or ``,`` — but not a date such as 2026-12-03."""
    bare = token.strip(",")
    if not bare or bare in UNITS:
        return True
    if not re.fullmatch(r"[-+]?(?:\d+(?:\.\d+)?[a-z]*,*)+", bare):
        return False
    return all(unit in UNITS for unit in re.findall(r"[a-z]+", bare))


def _match_remind(toks: _Tokens, i: int, st: _State) -> _Result:
    if toks.clean(i).rstrip(":") not in ("remind", "reminder", "reminders"):
        return 0
    j = i + 1
    if toks.clean(j) == "me":
        j += 1
    if toks.clean(j) in ("none", "never", "off"):
        parsed: tuple[timedelta, ...] | ParseProblem = ()
        j += 1
    else:
        start = j
        while j < len(toks.low) and _is_offset_token(toks.low[j]):
            j += 1
        parsed = parse_offsets(" ".join(toks.raw[start:j]))
    if isinstance(parsed, ParseProblem):
        return parsed
    if st.offsets is not None:
        return ParseProblem("You gave the reminder times twice. Please give them once.")
    st.offsets = parsed
    return j - i


def _read_parts(
    rest: str, st: _State, channel_ids: Mapping[str, str] | None
) -> ParseProblem | None:
    toks = _Tokens(rest.split())
    matchers: tuple[Callable[[_Tokens, int, _State], _Result], ...] = (
        _match_remind,
        lambda t, i, s: _match_channel(t, i, s, channel_ids),
        _match_ordinal,
        _match_every,
        _match_repeat_word,
        _match_time,
        _match_date,
        _match_zone,
    )
    i = 0
    while i < len(toks.raw):
        if toks.clean(i) in _FILLER or not toks.clean(i):
            i += 1
            continue
        for matcher in matchers:
            result = matcher(toks, i, st)
            if isinstance(result, ParseProblem):
                return result
            if result:
                i += result
                break
        else:
            return ParseProblem(f"I didn't understand “{toks.raw[i]}”. {USAGE}")
    return None


def _split_title(text: str) -> tuple[str, str] | ParseProblem:
    stripped = text.strip()
    if not stripped or stripped[0] not in _OPEN_QUOTES:
        return ParseProblem(f"Please start with the meeting title in double quotes. {USAGE}")
    end = next((k for k in range(1, len(stripped)) if stripped[k] in _CLOSE_QUOTES), None)
    if end is None:
        return ParseProblem(f"The title needs a closing quote, like “Book club”. {USAGE}")
    # The command text arrives unescaped already (handlers/commands.py): as typed.
    title = " ".join(stripped[1:end].split())
    if not title:
        return ParseProblem(f"The title is empty. Put the meeting's name in the quotes. {USAGE}")
    if len(title) > MAX_TITLE_LENGTH:
        return ParseProblem(
            f"The title is {len(title)} characters long; please keep it to "
            f"{MAX_TITLE_LENGTH} or fewer."
        )
    return title, stripped[end + 1 :]


def _series_start(
    st: _State, base: date, at: time, future: Callable[[date, time], bool], flexible: bool
) -> date:
    """First date on or after ``base`` that fits the repeat; a flexible one must be ahead."""
    repeat = st.repeat or Repeat.NONE
    weekday = st.weekday if st.weekday is not None else base.weekday()

    def candidate(after: date) -> date:
        if repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY):
            return after + timedelta(days=(weekday - after.weekday()) % 7)
        if repeat is Repeat.MONTHLY:
            assert st.monthly_nth is not None
            year, month = after.year, after.month
            while (d := nth_weekday_date(year, month, weekday, st.monthly_nth)) < after:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return d
        return after

    d = candidate(base)
    if flexible:
        while not future(d, at):
            d = candidate(d + timedelta(days=1))
    return d


def parse_schedule_text(
    text: str,
    *,
    default_tz: str,
    now_utc: datetime,
    channel_ids: Mapping[str, str] | None = None,
) -> ParsedMeeting | ParseProblem:
    """Parse the arguments of ``/club meeting schedule`` into a meeting, or say what's wrong.

    ``channel_ids`` maps channel names (with or without ``#``) to ids for plain ``#name``.
    """
    split = _split_title(text)
    if isinstance(split, ParseProblem):
        return split
    title, rest = split
    st = _State()
    problem = _read_parts(rest, st, channel_ids)
    if problem is not None:
        return problem
    tz = st.tz or default_tz
    try:
        zone(tz)
    except ValueError:
        tz = "UTC"
    if st.at is None:
        return ParseProblem(f"Please add a time, such as 15:00 or 3pm. {USAGE}")
    if st.repeat is Repeat.MONTHLY and st.monthly_nth is None and st.date_spec is None:
        return ParseProblem("Which day of the month? Say e.g. first Tuesday or last Friday.")
    if st.date_spec is None and st.weekday is None:
        return ParseProblem(
            f"Please add a date, such as 2026-12-03, tomorrow or next Tuesday. {USAGE}"
        )
    at = st.at
    today = now_utc.astimezone(zone(tz)).date()

    def future(d: date, t: time) -> bool:
        return to_utc(datetime.combine(d, t), tz) > now_utc

    if st.date_spec is None:
        base, flexible = today, True
    else:
        resolved = st.date_spec.resolve(today, at, future)
        if isinstance(resolved, ParseProblem):
            return resolved
        base, flexible = resolved, False
        far = too_far_ahead(base, today)
        if far is not None:
            return ParseProblem(far)
    if st.repeat is Repeat.MONTHLY and st.monthly_nth is None:
        nth = nth_of_month(base)
        st.monthly_nth = -1 if nth == 5 else nth
    start_date = _series_start(st, base, at, future, flexible)
    repeat = st.repeat or Repeat.NONE
    rule = Recurrence(
        repeat,
        tz,
        datetime.combine(start_date, at),
        st.monthly_nth if repeat is Repeat.MONTHLY else None,
    )
    odd_time = wall_time_problem(rule.start_local, tz)
    if odd_time is not None:
        return ParseProblem(odd_time)
    first_utc = to_utc(rule.start_local, tz)
    if first_utc <= now_utc:
        when = f"{format_long_date(start_date)} at {at:%H:%M} ({tz})"
        return ParseProblem(
            f"{when} has already passed. Please pick a date and time in the future."
        )
    return ParsedMeeting(title, rule, st.channel_id, st.offsets, first_utc)


def confirmation_text(parsed: ParsedMeeting) -> str:
    """One line for the organiser: what was understood."""
    return f"“{escape_mrkdwn(parsed.title)}”, {describe(parsed.recurrence)}"
