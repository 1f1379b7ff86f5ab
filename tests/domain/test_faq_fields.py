"""FAQ entry fields: cleaned the same way from a modal, a spreadsheet or a mentor."""

from __future__ import annotations

from bot.faq.fields import safe_answer, split_tags, validate_entry


def test_links_survive_but_broadcasts_and_mentions_are_escaped() -> None:
    text = "See <https://x.example/a|the page> & ask <!channel> or <@U123>."
    assert safe_answer(text) == (
        "See <https://x.example/a|the page> &amp; ask &lt;!channel&gt; or &lt;@U123&gt;."
    )
    assert safe_answer(safe_answer(text)) == safe_answer(text)  # saving twice changes nothing


def test_fields_are_cleaned_and_duplicate_phrasings_dropped() -> None:
    fields, errors = validate_entry(
        "  How do I   join? ", ["how do i join?", "sign me up", "sign me up", " "],
        " Just join. ", split_tags("Joining, meetings joining"),
    )
    assert errors == {}
    assert fields is not None
    assert fields.question == "How do I join?"
    assert fields.alternatives == ("sign me up",)
    assert fields.answer == "Just join."
    assert fields.tags == ("joining", "meetings")


def test_every_bad_field_is_reported() -> None:
    fields, errors = validate_entry("", ["x" * 301], "a" * 1201, ["no spaces!"])
    assert fields is None
    assert set(errors) == {"question", "alternatives", "answer", "tags"}
