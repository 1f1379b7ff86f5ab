"""Reading `/club meeting schedule ...`: every accepted form and every problem message."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.meetings.offsets import ParseProblem, format_offset, format_offsets, parse_offsets
from bot.meetings.parsing import ParsedMeeting, confirmation_text, parse_schedule_text
from bot.meetings.recurrence import Recurrence, Repeat

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # Friday 20 Nov 2026, 13:00 in Berlin
CHANNELS = {"book-club": "C0BOOK", "#general": "C0GEN"}
H = timedelta(hours=1)


def parse(text: str, now: datetime = NOW, tz: str = BERLIN) -> ParsedMeeting | ParseProblem:
    return parse_schedule_text(text, default_tz=tz, now_utc=now, channel_ids=CHANNELS)


def ok(text: str, now: datetime = NOW, tz: str = BERLIN) -> ParsedMeeting:
    result = parse(text, now, tz)
    assert isinstance(result, ParsedMeeting), result
    return result


def problem(text: str, now: datetime = NOW) -> str:
    result = parse(text, now)
    assert isinstance(result, ParseProblem), result
    return result.message


def starts(text: str, now: datetime = NOW) -> tuple[Repeat, datetime, int | None]:
    r = ok(text, now).recurrence
    return r.repeat, r.start_local, r.monthly_nth


# --- the issue's example and the whole result -------------------------------------------


def test_the_issue_example() -> None:
    got = ok('"Book club" 2026-12-03 15:00 weekly #book-club')
    assert got == ParsedMeeting(
        title="Book club",
        recurrence=Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 3, 15, 0)),
        channel_id="C0BOOK",
        reminder_offsets=None,
        first_utc=datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
    )
    assert confirmation_text(got) == "“Book club”, every Thursday at 15:00 (Europe/Berlin)"


def test_a_plain_phrase_without_a_date_starts_at_the_next_such_weekday() -> None:
    got = ok("“Design crit” every other Tuesday 3pm")
    assert got.recurrence == Recurrence(Repeat.BIWEEKLY, BERLIN, datetime(2026, 11, 24, 15))
    assert got.first_utc == datetime(2026, 11, 24, 14, tzinfo=UTC)


# --- titles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ('"Book club" 2026-12-03 15:00', "Book club"),
        ("“Book club” 2026-12-03 15:00", "Book club"),
        ("„Buchclub“ 2026-12-03 15:00", "Buchclub"),
        ('  "  Spaced   out  "  2026-12-03 15:00', "Spaced out"),
        ('"Q&A <live>" 2026-12-03 15:00', "Q&A <live>"),  # unescaped by the /club router
        ('"Women\'s club, 2026" 2026-12-03 15:00', "Women's club, 2026"),
    ],
)
def test_titles(text: str, title: str) -> None:
    assert ok(text).title == title


def test_title_problems() -> None:
    assert problem("Book club 2026-12-03 15:00").startswith(
        "Please start with the meeting title in double quotes. Write it like this: "
        '/club meeting schedule "Book club" 2026-12-03 15:00 weekly #book-club'
    )
    assert problem("").startswith("Please start with the meeting title")
    assert problem('"Book club 2026-12-03 15:00').startswith("The title needs a closing quote")
    assert problem('"" 2026-12-03 15:00').startswith("The title is empty.")
    assert problem(f'"{"x" * 151}" 2026-12-03 15:00') == (
        "The title is 151 characters long; please keep it to 150 or fewer."
    )


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("2026-12-03", date(2026, 12, 3)),
        ("2026-12-3", date(2026, 12, 3)),
        ("tomorrow", date(2026, 11, 21)),
        ("today", date(2026, 11, 20)),  # 15:00 today is still ahead
        ("next tuesday", date(2026, 11, 24)),
        ("next friday", date(2026, 11, 27)),  # today is Friday: next one is a week on
        ("friday", date(2026, 11, 20)),  # today, since 15:00 has not passed
        ("Tue", date(2026, 11, 24)),
        ("on Thursday", date(2026, 11, 26)),
        ("3 Dec", date(2026, 12, 3)),
        ("Dec 3", date(2026, 12, 3)),
        ("3rd December", date(2026, 12, 3)),
        ("December 3rd, 2027", date(2027, 12, 3)),
        ("3 Dec 2027", date(2027, 12, 3)),
        ("1 Jan", date(2027, 1, 1)),  # already passed this year: next year
        ("20 Nov", date(2026, 11, 20)),
        ("sept 9", date(2027, 9, 9)),
    ],
)
def test_date_forms(words: str, day: date) -> None:
    got = ok(f'"M" {words} 15:00')
    assert got.recurrence.start_local == datetime.combine(day, time(15))
    assert got.recurrence.repeat is Repeat.NONE


def test_a_bare_weekday_that_is_today_but_already_past_means_next_week() -> None:
    assert ok('"M" friday 9am').recurrence.start_local == datetime(2026, 11, 27, 9)


@pytest.mark.parametrize("bad", ["2026-13-03", "2026-02-30", "03/12/2026", "12-03", "3.12.2026"])
def test_bad_dates(bad: str) -> None:
    assert problem(f'"M" {bad} 15:00') == (
        f"I couldn't read the date “{bad}”. Use YYYY-MM-DD, e.g. 2026-12-03, "
        "or words such as tomorrow, next Tuesday or 3 Dec."
    )


def test_bad_day_month() -> None:
    assert problem('"M" 31 Feb 10:00').startswith("I couldn't read the date “31 Feb”.")


def test_missing_date() -> None:
    assert problem('"M" 15:00 weekly').startswith(
        "Please add a date, such as 2026-12-03, tomorrow or next Tuesday."
    )


def test_two_dates() -> None:
    assert problem('"M" 2026-12-03 tomorrow 15:00') == (
        "You gave two dates (“2026-12-03” and “tomorrow”). Please give just one."
    )


# --- times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "at"),
    [
        ("15:00", time(15)),
        ("9:05", time(9, 5)),
        ("09:05", time(9, 5)),
        ("15.30", time(15, 30)),
        ("3pm", time(15)),
        ("3PM", time(15)),
        ("3 pm", time(15)),
        ("3:30pm", time(15, 30)),
        ("3.30pm", time(15, 30)),
        ("9am", time(9)),
        ("9 a.m.", time(9)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("noon", time(12)),
        ("midday", time(12)),
        ("midnight", time(0)),
        ("at 18:30", time(18, 30)),
    ],
)
def test_time_forms(words: str, at: time) -> None:
    assert ok(f'"M" 2026-12-03 {words}').recurrence.start_local.time() == at


@pytest.mark.parametrize("bad", ["25:00", "15:60", "13pm", "0am", "3:75pm", "123:00"])
def test_bad_times(bad: str) -> None:
    assert problem(f'"M" 2026-12-03 {bad}') == (
        f"I couldn't read the time “{bad}”. Use 24-hour HH:MM such as 15:00, "
        "or 3pm, 3:30pm or noon."
    )


def test_missing_and_double_time() -> None:
    assert problem('"M" 2026-12-03 weekly').startswith("Please add a time, such as 15:00 or 3pm.")
    assert problem('"M" 2026-12-03 15:00 4pm') == (
        "You gave two times (“15:00” and “4pm”). Please give just one."
    )


# --- repeats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "repeat"),
    [
        ("", Repeat.NONE),
        ("once", Repeat.NONE),
        ("one-off", Repeat.NONE),
        ("weekly", Repeat.WEEKLY),
        ("every week", Repeat.WEEKLY),
        ("biweekly", Repeat.BIWEEKLY),
        ("bi-weekly", Repeat.BIWEEKLY),
        ("fortnightly", Repeat.BIWEEKLY),
        ("every fortnight", Repeat.BIWEEKLY),
        ("every two weeks", Repeat.BIWEEKLY),
        ("every 2 weeks", Repeat.BIWEEKLY),
        ("every other week", Repeat.BIWEEKLY),
    ],
)
def test_repeat_words_keep_the_given_date(words: str, repeat: Repeat) -> None:
    assert starts(f'"M" 2026-12-03 15:00 {words}') == (repeat, datetime(2026, 12, 3, 15), None)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("every Tuesday 15:00", (Repeat.WEEKLY, datetime(2026, 11, 24, 15), None)),
        ("Tuesdays 15:00", (Repeat.WEEKLY, datetime(2026, 11, 24, 15), None)),
        ("each friday 15:00", (Repeat.WEEKLY, datetime(2026, 11, 20, 15), None)),
        ("every friday 9am", (Repeat.WEEKLY, datetime(2026, 11, 27, 9), None)),  # 9am passed
        ("every other Tuesday 3pm", (Repeat.BIWEEKLY, datetime(2026, 11, 24, 15), None)),
        ("every second wed 3pm", (Repeat.BIWEEKLY, datetime(2026, 11, 25, 15), None)),
        ("alternate Mondays 3pm", (Repeat.BIWEEKLY, datetime(2026, 11, 23, 15), None)),
        ("first Tuesday 18:30", (Repeat.MONTHLY, datetime(2026, 12, 1, 18, 30), 1)),
        ("every first Tuesday 18:30", (Repeat.MONTHLY, datetime(2026, 12, 1, 18, 30), 1)),
        (
            "on the 2nd Monday of the month 18:30",
            (Repeat.MONTHLY, datetime(2026, 12, 14, 18, 30), 2),
        ),
        ("third thursday each month 9am", (Repeat.MONTHLY, datetime(2026, 12, 17, 9), 3)),
        ("fourth Sat monthly 9am", (Repeat.MONTHLY, datetime(2026, 11, 28, 9), 4)),
        ("last Friday of the month 5pm", (Repeat.MONTHLY, datetime(2026, 11, 27, 17), -1)),
        ("last friday of every month 5pm", (Repeat.MONTHLY, datetime(2026, 11, 27, 17), -1)),
        # the third Friday of November is today, 20 Nov, but 9am has passed
        ("third friday 9am", (Repeat.MONTHLY, datetime(2026, 12, 18, 9), 3)),
    ],
)
def test_phrases_without_a_date(words: str, expected: tuple[Repeat, datetime, int]) -> None:
    assert starts(f'"M" {words}') == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # a date with a weekday rule starts on the first such weekday on or after the date
        ("2026-12-03 every Tuesday 15:00", (Repeat.WEEKLY, datetime(2026, 12, 8, 15), None)),
        ("2026-12-03 first Tuesday 15:00", (Repeat.MONTHLY, datetime(2027, 1, 5, 15), 1)),
        ("2026-12-01 first Tuesday 15:00", (Repeat.MONTHLY, datetime(2026, 12, 1, 15), 1)),
        # "monthly" with a date: the same nth weekday as that date
        ("2026-12-03 15:00 monthly", (Repeat.MONTHLY, datetime(2026, 12, 3, 15), 1)),
        ("2026-12-17 15:00 every month", (Repeat.MONTHLY, datetime(2026, 12, 17, 15), 3)),
        ("2026-12-29 15:00 monthly", (Repeat.MONTHLY, datetime(2026, 12, 29, 15), -1)),
        (
            "next tuesday 15:00 every other week",
            (Repeat.BIWEEKLY, datetime(2026, 11, 24, 15), None),
        ),
    ],
)
def test_phrases_with_a_date(words: str, expected: tuple[Repeat, datetime, int]) -> None:
    assert starts(f'"M" {words}') == expected


def test_repeat_problems() -> None:
    usual = "Meetings can repeat weekly, every two weeks"
    assert problem('"M" 2026-12-03 15:00 daily').startswith(
        f"I can't repeat a meeting “daily”. {usual}"
    )
    assert problem('"M" every day 15:00').startswith(f"I can't repeat “every day”. {usual}")
    assert problem('"M" every 3 weeks 15:00').startswith(f"I can't repeat “every 3 weeks”. {usual}")
    assert problem('"M" fifth Tuesday 15:00') == (
        "Monthly meetings can be on the first, second, third, fourth or last weekday "
        "of the month, e.g. first Tuesday or last Friday of the month."
    )
    assert problem('"M" monthly 15:00') == (
        "Which day of the month? Say e.g. first Tuesday or last Friday."
    )
    assert problem('"M" 2026-12-03 15:00 weekly monthly') == (
        "You gave two repeats (“weekly” and “monthly”). Please give just one."
    )


# --- channels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "channel"),
    [
        ("<#C0123ABC|design>", "C0123ABC"),
        ("<#C0123ABC>", "C0123ABC"),
        ("<#C0123ABC|>", "C0123ABC"),
        ("#book-club", "C0BOOK"),
        ("#Book-Club", "C0BOOK"),
        ("#general", "C0GEN"),  # keys may carry the '#'
        ("in #book-club", "C0BOOK"),
        ("", None),
    ],
)
def test_channels(words: str, channel: str | None) -> None:
    assert ok(f'"M" 2026-12-03 15:00 {words}').channel_id == channel


def test_channel_problems() -> None:
    assert problem('"M" 2026-12-03 15:00 #nowhere') == (
        "I don't know the channel #nowhere. Pick it from Slack's suggestions as you type #, "
        "and make sure I've been added to it."
    )
    no_map = parse_schedule_text('"M" 2026-12-03 15:00 #book-club', default_tz=BERLIN, now_utc=NOW)
    assert isinstance(no_map, ParseProblem)
    assert no_map.message.startswith("I don't know the channel #book-club.")
    assert problem('"M" 2026-12-03 15:00 <#C1> #book-club') == (
        "You gave two channels (“<#C1>” and “#book-club”). Please give just one."
    )


# --- time zones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "tz", "first_utc"),
    [
        ("", BERLIN, datetime(2026, 12, 3, 14, tzinfo=UTC)),
        ("tz Europe/Paris", "Europe/Paris", datetime(2026, 12, 3, 14, tzinfo=UTC)),
        ("timezone america/new_york", "America/New_York", datetime(2026, 12, 3, 20, tzinfo=UTC)),
        ("America/New_York", "America/New_York", datetime(2026, 12, 3, 20, tzinfo=UTC)),
        ("UTC", "UTC", datetime(2026, 12, 3, 15, tzinfo=UTC)),
        ("tz Asia/Kolkata", "Asia/Kolkata", datetime(2026, 12, 3, 9, 30, tzinfo=UTC)),
    ],
)
def test_time_zones(words: str, tz: str, first_utc: datetime) -> None:
    got = ok(f'"M" 2026-12-03 15:00 {words}')
    assert (got.recurrence.tz, got.first_utc) == (tz, first_utc)


def test_relative_dates_use_the_meeting_zone() -> None:
    # 23:30 UTC Friday is already Saturday in Tokyo: "tomorrow" there is Sunday.
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    got = ok('"M" tomorrow 10:00 tz Asia/Tokyo', now=late)
    assert got.recurrence.start_local == datetime(2026, 11, 22, 10)


def test_default_zone_and_an_unusable_default() -> None:
    assert ok('"M" 2026-12-03 15:00', tz="America/New_York").recurrence.tz == "America/New_York"
    assert ok('"M" 2026-12-03 15:00', tz="Not/AZone").recurrence.tz == "UTC"


def test_time_zone_problems() -> None:
    assert problem('"M" 2026-12-03 15:00 tz Mars/Olympus') == (
        "I don't know the time zone “Mars/Olympus”. Use an IANA name such as "
        "Europe/Paris, America/New_York or Asia/Tokyo."
    )
    assert problem('"M" 2026-12-03 15:00 Europe/Pariss').startswith(
        "I don't know the time zone “Europe/Pariss”."
    )
    assert problem('"M" 2026-12-03 15:00 tz EST') == (
        "Please use a place-based time zone such as Europe/Berlin or America/New_York "
        "rather than “EST”, so daylight-saving time is right."
    )
    assert problem('"M" 2026-12-03 15:00 tz') == (
        "After “tz”, give a time zone name such as Europe/Paris."
    )
    assert problem('"M" 2026-12-03 15:00 UTC Europe/Paris') == (
        "You gave two time zones (“UTC” and “Europe/Paris”). Please give just one."
    )


def test_a_dst_gap_time_is_refused_not_moved() -> None:
    # Berlin springs forward that night: 02:30 never happens, so it is not silently 03:30.
    assert problem('"M" 2027-03-28 02:30 weekly') == (
        "02:30 on Sunday 28 March 2027 doesn't exist in Europe/Berlin: the clocks go forward "
        "that night and skip it. Please pick another time, such as 03:30."
    )


def test_a_dst_overlap_time_is_refused() -> None:
    assert "happens twice in Europe/Berlin" in problem('"M" 2027-10-31 02:30')


def test_year_9999_is_too_far_ahead() -> None:
    assert "too far ahead" in problem('"M" 9999-12-31 23:30 weekly tz America/New_York')


# --- past times -------------------------------------------------------------------------


def test_past_times() -> None:
    assert problem('"M" 2026-11-03 15:00') == (
        "Tuesday 3 November 2026 at 15:00 (Europe/Berlin) has already passed. "
        "Please pick a date and time in the future."
    )
    assert problem('"M" today 13:00 weekly').startswith(
        "Friday 20 November 2026 at 13:00 (Europe/Berlin) has already passed."
    )
    # one second later it is the future
    assert ok('"M" today 13:00', now=NOW - timedelta(seconds=1)).first_utc == NOW


# --- reminders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "offsets"),
    [
        ("", None),
        ("remind 24h,1h", (24 * H, H)),
        ("remind 2d,30m", (48 * H, timedelta(minutes=30))),
        ("remind 90m", (timedelta(minutes=90),)),
        ("remind 1h, 1d", (24 * H, H)),
        ("remind 24 h, 1 h", (24 * H, H)),
        ("remind: 2d 30m", (48 * H, timedelta(minutes=30))),
        ("remind me 1h", (H,)),
        ("reminders 3 days, 2 hours", (72 * H, 2 * H)),
        ("remind none", ()),
    ],
)
def test_reminder_offsets(words: str, offsets: tuple[timedelta, ...] | None) -> None:
    assert ok(f'"M" 2026-12-03 15:00 {words}').reminder_offsets == offsets


def test_reminder_anywhere_in_the_text() -> None:
    got = ok('"M" remind 1h 2026-12-03 weekly 15:00 #book-club')
    assert (got.reminder_offsets, got.channel_id) == ((H,), "C0BOOK")


def test_reminder_problems_in_the_text() -> None:
    assert problem('"M" 2026-12-03 15:00 remind 0h').startswith(
        "Reminder times must be more than zero before the meeting; “0h” isn't."
    )
    assert problem('"M" 2026-12-03 15:00 remind 31d').startswith(
        "Reminders can be at most 30 days before the meeting; “31d” is more."
    )
    assert problem('"M" 2026-12-03 15:00 remind') == (
        "Please give the reminder times, e.g. remind 24h,1h or remind 2d,30m."
    )
    assert problem('"M" 2026-12-03 15:00 remind 1h remind 2h') == (
        "You gave the reminder times twice. Please give them once."
    )


def test_unknown_words() -> None:
    assert problem('"M" 2026-12-03 15:00 banana').startswith(
        "I didn't understand “banana”. Write it like this: /club meeting schedule"
    )


# --- parse_offsets and format_offset ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h,1h", (24 * H, H)),
        ("2d 30m", (48 * H, timedelta(minutes=30))),
        ("90m", (timedelta(minutes=90),)),
        ("1h30m", (timedelta(minutes=90),)),
        ("1h30m, 2d", (48 * H, timedelta(minutes=90))),
        ("1.5h", (timedelta(minutes=90),)),
        ("1w", (7 * 24 * H,)),
        ("30d", (30 * 24 * H,)),
        ("1h,1h,60m", (H,)),
        ("15 minutes, 2 hours", (2 * H, timedelta(minutes=15))),
        ("  24H , 1H ", (24 * H, H)),
    ],
)
def test_parse_offsets(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please give the reminder times, e.g. remind 24h,1h or remind 2d,30m."),
        ("24", "I couldn't read the reminder time “24”."),
        ("1h, soon", "I couldn't read the reminder time “soon”."),
        ("2x", "I couldn't read the reminder time “2x”."),
        ("0m", "Reminder times must be more than zero before the meeting; “0m” isn't."),
        ("1h,-30m", "Reminder times must be more than zero before the meeting; “-30m” isn't."),
        ("31d", "Reminders can be at most 30 days before the meeting; “31d” is more."),
        ("5w", "Reminders can be at most 30 days before the meeting; “5w” is more."),
    ],
)
def test_parse_offsets_problems(text: str, message: str) -> None:
    result = parse_offsets(text)
    assert isinstance(result, ParseProblem)
    assert result.message.startswith(message)


@pytest.mark.parametrize(
    ("td", "text"),
    [
        (24 * H, "24 h"),
        (H, "1 h"),
        (timedelta(minutes=30), "30 min"),
        (timedelta(minutes=90), "1 h 30 min"),
        (48 * H, "2 d"),
        (36 * H, "36 h"),
        (7 * 24 * H, "7 d"),
    ],
)
def test_format_offset(td: timedelta, text: str) -> None:
    assert format_offset(td) == text


def test_format_offsets() -> None:
    assert format_offsets((24 * H, H)) == "24 h, 1 h"
