"""The schedule modal's date and time pickers: a bad or missing value is named inline."""

from __future__ import annotations

from typing import Any, cast

import pytest
from slack_sdk import WebClient

from bot.deps import Deps
from handlers.meetings.forms import read_schedule_form


def _values(**picked: str) -> dict[str, Any]:
    fields = {"date": "selected_date", "time": "selected_time"}
    values: dict[str, Any] = {"title": {"title": {"value": "Book club"}}}
    for block, raw in picked.items():
        values[block] = {block: {fields[block]: raw}}
    return values


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        ({"time": "15:00"}, {"date": "Pick a date."}),
        ({"date": "", "time": "15:00"}, {"date": "Pick a date."}),
        ({"date": "tomorrow", "time": "15:00"}, {"date": "Pick a date from the calendar."}),
        ({"date": "2026-12-01"}, {"time": "Pick a time."}),
        ({"date": "2026-12-01", "time": "3pm"}, {"time": "Pick a time such as 15:00."}),
        (
            {"date": "31/12", "time": ""},
            {"date": "Pick a date from the calendar.", "time": "Pick a time."},
        ),
    ],
)
def test_bad_or_missing_pickers_are_named(picked: dict[str, str], expected: dict[str, str]) -> None:
    # Picker problems are found before the clock or Slack are needed.
    draft, errors = read_schedule_form(_values(**picked), cast(Deps, None), cast(WebClient, None))
    assert draft is None
    assert errors == expected
