"""The content clubbot says: starter FAQ, proficiency path and message texts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import snowballstemmer
import yaml

from bot.content import (
    ALLOWED_TAGS,
    FaqContentError,
    FaqEntry,
    escape_mrkdwn,
    load_faq_starter,
    parse_faq_entries,
)
from bot.content import messages as m
from bot.content.path import PATH_STEPS, PathStep, next_step, step, step_keys

FAQ_FILE = Path(__file__).resolve().parents[2] / "bot" / "content" / "faq_starter.yaml"
SECTION_TEXT_LIMIT = 3000  # Slack: text of a section block

# Each topic of CLUB.md ("Topics the starter FAQ should cover"), and the words
# that must all appear in the question or alternatives of one single entry.
CLUB_TOPICS: dict[str, tuple[str, ...]] = {
    "joining the club": ("join", "club"),
    "what the club is for": ("club for",),
    "the guidelines in short": ("guidelines", "short"),
    "where the full guidelines live": ("full", "guidelines"),
    "governance contact for unclear guidelines": ("governance", "unclear"),
    "starting a blog on the internal platform": ("start", "blog", "internal platform"),
    "why there are no private spaces": ("private",),
    "internal to external blogging": ("internal", "external"),
    "confidential information": ("confidential",),
    "customers": ("customer",),
    "competitors": ("write", "competitor"),
    "disclosure of your employer": ("employer",),
    "opinions as your own": ("opinion",),
    "handling a negative comment": ("negative comment",),
    "handling a mistake": ("mistake",),
    "commenting on other blogs": ("comment", "colleague"),
    "commenting on competitors' blogs": ("comment", "competitor", "blog"),
    "speaking to the press": ("press",),
    "finding time to write": ("time", "write"),
    "finding a mentor": ("find", "mentor"),
    "becoming a mentor": ("become a mentor",),
    "the social core": ("social core",),
    "club meetings": ("meeting",),
    "coursework and certification": ("course", "certif"),
    "practitioner programmes": ("practitioner",),
    "measuring whether it is working": ("measur",),
    "new platforms as they appear": ("new platform",),
    "kinds of corporate blogging programmes": ("corporate", "programme"),
    "launching an internal platform": ("launch", "internal platform"),
}

# Everything clubbot itself offers must be explained in some answer.
CLUBBOT_COMMANDS = (
    "/club mentor request",
    "/club mentor signup",
    "/club nudges off",
    "/club progress",
    "/club kudos @someone for",
    "/club exclude me",
    "/club forget me",
    "RSVP",
)

EVIL = "<!channel> <https://evil.example|click me> & <@U999> <#C999>"


# --------------------------------------------------------------- helpers


def _raw_entries() -> list[dict[str, object]]:
    data = yaml.safe_load(FAQ_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower().replace("'", "")).split())


_STEMMER = snowballstemmer.stemmer("english")
_STOP_WORDS = """a an the i is it to of and or in on for do does my me you your we our can how
what when who why should am are be this that with if at as about any there just so have has
im id dont"""
_STOP = frozenset(_STOP_WORDS.split())


def _stems(text: str) -> frozenset[str]:
    return frozenset(_STEMMER.stemWord(w) for w in _norm(text).split() if w not in _STOP)


def _asked(entry: FaqEntry) -> list[str]:
    return [entry.question, *entry.alternatives]


def _assert_mrkdwn_not_markdown(text: str, where: str) -> None:
    assert "**" not in text, f"{where}: Markdown bold '**' (mrkdwn uses *bold*)"
    assert "__" not in text, f"{where}: Markdown '__' (mrkdwn uses _italic_)"
    assert not re.search(r"\[[^\]]+\]\([^)]+\)", text), f"{where}: Markdown link [label](url)"
    assert not re.search(r"(?m)^#{1,6} ", text), f"{where}: Markdown heading"
    assert not re.search(r"(?m)^\s*[-+] ", text), f"{where}: Markdown bullet (use •)"
    for link in re.findall(r"<(https?://[^>]*)>", text):
        assert "|" in link and " " not in link.split("|")[0], f"{where}: malformed link {link}"


@pytest.fixture(scope="module")
def faq() -> list[FaqEntry]:
    return load_faq_starter()


# ------------------------------------------------------------ FAQ file


def test_faq_loads_and_has_enough_entries(faq: list[FaqEntry]) -> None:
    assert len(faq) >= 36
    assert len(faq) == len(_raw_entries())


def test_every_entry_has_the_four_fields_and_nothing_else() -> None:
    for raw in _raw_entries():
        assert isinstance(raw, dict)
        assert set(raw) == {"question", "alternatives", "answer", "tags"}, raw.get("question")


def test_entry_structure(faq: list[FaqEntry]) -> None:
    for e in faq:
        assert e.question.strip(), e
        assert 4 <= len(e.alternatives) <= 8, f"{e.question}: {len(e.alternatives)} alternatives"
        assert e.answer.strip(), e.question
        assert len(e.answer) <= 1200, f"{e.question}: answer is {len(e.answer)} chars"
        assert e.tags, e.question
        assert set(e.tags) <= ALLOWED_TAGS, f"{e.question}: {set(e.tags) - ALLOWED_TAGS}"
        assert len(set(e.tags)) == len(e.tags), e.question


def test_no_duplicate_questions_or_alternatives_across_entries(faq: list[FaqEntry]) -> None:
    seen: dict[str, str] = {}
    for e in faq:
        for text in _asked(e):
            key = _norm(text)
            assert key not in seen, f"{text!r} appears in {seen[key]!r} and {e.question!r}"
            seen[key] = e.question


def test_no_near_duplicate_phrasings_across_entries(faq: list[FaqEntry]) -> None:
    """A phrasing should have one right entry: no two entries ask (almost) the same."""
    asked = [(i, text, _stems(text)) for i, e in enumerate(faq) for text in _asked(e)]
    for a, (i, text_a, stems_a) in enumerate(asked):
        for j, text_b, stems_b in asked[a + 1 :]:
            if i == j or not stems_a or not stems_b:
                continue
            overlap = len(stems_a & stems_b) / len(stems_a | stems_b)
            assert overlap < 0.75, f"{text_a!r} and {text_b!r} are in different entries"


def test_alternatives_vary_their_wording(faq: list[FaqEntry]) -> None:
    for e in faq:
        forms = {_norm(t) for t in _asked(e)}
        assert len(forms) == len(e.alternatives) + 1, e.question
        words = {w for t in e.alternatives for w in _stems(t)}
        assert len(words) >= 8, f"{e.question}: alternatives use too few different words"


@pytest.mark.parametrize("topic", sorted(CLUB_TOPICS))
def test_every_club_topic_is_covered(faq: list[FaqEntry], topic: str) -> None:
    keywords = CLUB_TOPICS[topic]
    hits = [
        e.question
        for e in faq
        if all(k in " ".join(_asked(e)).lower().replace("'", "") for k in keywords)
    ]
    assert hits, f"no FAQ entry asks about {topic!r} (keywords {keywords})"


@pytest.mark.parametrize("command", CLUBBOT_COMMANDS)
def test_every_clubbot_command_is_explained(faq: list[FaqEntry], command: str) -> None:
    assert any(command in e.answer for e in faq), command
    assert any("clubbot" in e.tags and command in e.answer for e in faq), command


def test_faq_is_mrkdwn_not_markdown(faq: list[FaqEntry]) -> None:
    for e in faq:
        for text in (*_asked(e), e.answer):
            _assert_mrkdwn_not_markdown(text, e.question)


def test_placeholder_links_are_few_and_obviously_configurable(faq: list[FaqEntry]) -> None:
    links = {u for e in faq for u in re.findall(r"<(https?://[^|>]+)\|", e.answer)}
    assert len(links) <= 4, links
    assert all(u.startswith("https://intranet.example.com/") for u in links), links
    assert sum(e.answer.count("<http") for e in faq) <= 10


def test_answers_never_ping_everyone(faq: list[FaqEntry]) -> None:
    for e in faq:
        for special in ("<!channel>", "<!here>", "<!everyone>"):
            assert special not in e.answer, e.question


def test_loader_rejects_malformed_entries() -> None:
    good = {"question": "Q?", "alternatives": ["a", "b", "c", "d"], "answer": "A.", "tags": []}
    assert parse_faq_entries([good])[0].question == "Q?"
    bad_cases: list[object] = [
        {"a": 1},
        [{**good, "tags": ["nonsense"]}],
        [{**good, "answer": "x" * 1201}],
        [{**good, "question": ""}],
        [{**good, "alternatives": "not a list"}],
        [{**good, "extra": 1}],
    ]
    for case in bad_cases:
        with pytest.raises(FaqContentError):
            parse_faq_entries(case)


def test_loader_reads_another_file(tmp_path: Path) -> None:
    f = tmp_path / "faq.yaml"
    f.write_text("- question: Hi?\n  alternatives: [a]\n  answer: Hello.\n  tags: [clubbot]\n")
    assert load_faq_starter(f) == [FaqEntry("Hi?", ("a",), "Hello.", ("clubbot",))]


# ---------------------------------------------------------------- path

EXPECTED_KEYS = (
    "joined",
    "read_guidelines",
    "first_question",
    "first_internal_post",
    "commented",
    "worked_with_mentor",
    "attended_meeting",
    "first_external_post",
    "course_or_certified",
    "became_mentor",
)


def test_path_has_ten_steps_in_order() -> None:
    assert step_keys() == EXPECTED_KEYS
    assert [s.number for s in PATH_STEPS] == list(range(1, 11))
    assert len({s.title for s in PATH_STEPS}) == 10


def test_path_step_kinds() -> None:
    detected = {s.key for s in PATH_STEPS if s.detected}
    assert detected == {
        "joined",
        "first_question",
        "worked_with_mentor",
        "attended_meeting",
        "became_mentor",
    }
    assert {s.key for s in PATH_STEPS if s.organiser_recorded} == {"course_or_certified"}
    assert {s.key for s in PATH_STEPS if s.self_ticked} == {
        "read_guidelines",
        "first_internal_post",
        "commented",
        "first_external_post",
    }
    assert not any(s.detected and s.organiser_recorded for s in PATH_STEPS)


def test_path_how_to_texts() -> None:
    for s in PATH_STEPS:
        assert s.how_to.strip() and len(s.how_to) <= 400, s.key
        _assert_mrkdwn_not_markdown(s.how_to, s.key)
        if s.self_ticked:
            assert "/club progress" in s.how_to, f"{s.key}: say how to tick it"


def test_path_steps_are_frozen() -> None:
    with pytest.raises(AttributeError):
        step("joined").title = "x"  # type: ignore[misc]


def test_step_lookup() -> None:
    assert step("commented").number == 5
    with pytest.raises(KeyError, match="nope"):
        step("nope")


def test_next_step() -> None:
    assert next_step([]) == step("joined")
    assert next_step(["joined", "read_guidelines"]) == step("first_question")
    # Out of order: the earliest missing step is suggested; unknown keys are ignored.
    assert next_step(["joined", "first_external_post", "whatever"]) == step("read_guidelines")
    assert next_step(iter(EXPECTED_KEYS)) is None


# ------------------------------------------------------------ messages


def test_escape_mrkdwn() -> None:
    assert escape_mrkdwn("a & b <!channel> <x|y>") == "a &amp; b &lt;!channel&gt; &lt;x|y&gt;"
    assert escape_mrkdwn("plain *bold* _it_") == "plain *bold* _it_"


def _assert_inert(text: str) -> None:
    """Nothing from EVIL can ping, link or mention."""
    assert "<!channel>" not in text
    assert "<https://evil" not in text
    assert "<@U999>" not in text
    assert "<#C999>" not in text


def test_free_text_is_escaped_in_every_message() -> None:
    _assert_inert(m.mentor_intro("U1", "U2", [EVIL, "blogging"], EVIL))
    _assert_inert(m.mentor_intro("U1", "U2", EVIL, None))
    kudos = m.milestone_text("kudos_received", user_id="U1", from_id="U2", reason=EVIL)
    _assert_inert(kudos)
    assert "&lt;!channel&gt;" in kudos and "&amp;" in kudos
    _assert_inert(m.welcome_text("U1", "C1", EVIL))
    _assert_inert(m.meeting_line(EVIL, 1_700_000_000, EVIL))


def test_meeting_line_keeps_the_date_and_is_not_escaped_twice() -> None:
    line = m.meeting_line("Q&A <night>", 1_700_000_000, "Tue 14 Nov, 16:00 UTC")
    assert "<!date^1700000000^{date_short_pretty} at {time}|Tue 14 Nov, 16:00 UTC>" in line
    text = m.welcome_text("U1", "C1", line)
    assert "<!date^1700000000^" in text
    assert "Q&amp;A &lt;night&gt;" in text and "&amp;amp;" not in text


def test_slash_command_mentions_become_plain_names() -> None:
    text = m.milestone_text(
        "kudos_received", user_id="U1", from_id="U2", reason="for helping <@U3|sam> in <#C4|club>"
    )
    assert "for helping @sam in #club" in text
    assert "for for" not in text


def test_ids_must_be_slack_ids() -> None:
    with pytest.raises(ValueError):
        m.welcome_text("<!channel>", "C1", None)
    with pytest.raises(ValueError):
        m.welcome_text("U1", "C1> <!here", None)
    with pytest.raises(ValueError):
        m.mentor_intro("U1", "nobody", [], None)


def test_welcome_text() -> None:
    text = m.welcome_text("U123", "C456", None)
    assert "<@U123>" in text and "<#C456>" in text
    assert "/club mentor request" in text
    assert "guidelines" in text
    with_meeting = m.welcome_text("U123", "C456", "Kick-off, <!date^1700000000^{time}|16:00>")
    assert "Kick-off" in with_meeting and "<!date^1700000000^{time}|16:00>" in with_meeting


def test_step_congratulation() -> None:
    text = m.step_congratulation(step("first_question"), step("first_internal_post"), 3)
    assert "That's 3 of 10 steps" in text and step("first_internal_post").how_to in text
    assert step("first_question").title in text
    # Steps come in any order: the count is of steps done, never the step's own number.
    mentor = m.step_congratulation(step("became_mentor"), step("read_guidelines"), 2)
    assert "2 of 10 steps" in mentor and "10 of 10" not in mentor
    last = m.step_congratulation(step("became_mentor"), None, 10)
    assert "whole path" in last and "10 of 10 steps" in last


def test_inactivity_nudge_is_gentle_and_offers_one_way_out() -> None:
    text = m.inactivity_nudge("U1", step("commented"))
    assert "<@U1>" in text and step("commented").how_to in text
    assert m.nudge_footer() in text and "/club nudges off" in m.nudge_footer()
    assert m.nudge_footer() not in m.inactivity_nudge("U1", step("commented"), with_footer=False)
    assert "<@U1>" in m.inactivity_nudge("U1", None)


def test_milestones() -> None:
    assert "<@U1>" in m.milestone_text("first_helpful_answer", user_id="U1")
    assert "a month" in m.milestone_text("month_active", user_id="U1")
    assert "3 months" in m.milestone_text("month_active", user_id="U1", months=3)
    kudos = m.milestone_text("kudos_received", user_id="U1", from_id="U2")
    assert "<@U1>" in kudos and "<@U2>" in kudos
    with pytest.raises(ValueError):
        m.milestone_text("birthday", user_id="U1")  # type: ignore[arg-type]
    assert "first kudos" in m.milestone_text("kudos_received", user_id="U1")
    assert "5 kudos" in m.milestone_text("kudos_received", user_id="U1", count=5)
    assert "10 kudos" in m.milestone_text("kudos_received", user_id="U1", kudos="10")
    with pytest.raises(ValueError):
        m.milestone_text("kudos_received", user_id="U1", from_id="")
    with pytest.raises(ValueError):
        m.milestone_text("month_active")


def test_mentor_waiting_reminder() -> None:
    assert "One newcomer is" in m.mentor_waiting_reminder(1)
    assert "4 newcomers are" in m.mentor_waiting_reminder(4)
    assert "Nobody" in m.mentor_waiting_reminder(0)
    with pytest.raises(ValueError):
        m.mentor_waiting_reminder(-1)


def test_dont_know_yet_is_honest_and_points_to_mentors() -> None:
    text = m.dont_know_yet()
    assert "don't know" in text and "Ask a mentor" in text
    # Said in DMs too, where no mentor reads along: it must not promise that one does.
    assert "read these threads" not in text


def test_mentor_intro() -> None:
    text = m.mentor_intro("UMENTOR", "UMENTEE", ["first post", "comments"], "publish outside")
    assert "<@UMENTOR>" in text and "<@UMENTEE>" in text
    assert "first post, comments" in text and "publish outside" in text
    assert "First steps" in text
    assert "Goal" not in m.mentor_intro("U1", "U2", [], None)


def _all_texts(free: str) -> dict[str, str]:
    long_line = m.meeting_line(free, 1_700_000_000, free)
    texts: dict[str, str] = {
        "welcome": m.welcome_text("U1", "C1", long_line),
        "welcome_none": m.welcome_text("U1", "C1", None),
        "guidelines": m.guidelines_summary(),
        "dont_know": m.dont_know_yet(),
        "checkin": m.checkin_question(),
        "footer": m.nudge_footer(),
        "waiting": m.mentor_waiting_reminder(12),
        "intro": m.mentor_intro("U1", "U2", [free] * 50, free),
        "first_helpful": m.milestone_text("first_helpful_answer", user_id="U1"),
        "month": m.milestone_text("month_active", user_id="U1", months=2),
        "kudos": m.milestone_text("kudos_received", user_id="U1", from_id="U2", reason=free),
        "kudos_count": m.milestone_text("kudos_received", user_id="U1", count=25),
    }
    for s in PATH_STEPS:
        texts[f"nudge:{s.key}"] = m.inactivity_nudge("U1", s)
        texts[f"congrats:{s.key}"] = m.step_congratulation(
            s, next_step(step_keys()[: s.number]), s.number
        )
    return texts


def test_every_text_fits_a_section_even_with_huge_free_text() -> None:
    for name, text in _all_texts("<&>" * 5000).items():
        assert 0 < len(text) <= SECTION_TEXT_LIMIT, f"{name}: {len(text)} chars"


def test_texts_are_mrkdwn_short_and_never_nagging() -> None:
    nagging: list[Callable[[str], bool]] = [
        lambda t: "you haven't" in t.lower(),
        lambda t: "you still" in t.lower(),
        lambda t: "you must" in t.lower(),
        lambda t: "don't forget" in t.lower(),
        lambda t: "!!" in t,
        lambda t: bool(re.search(r"\b[A-Z]{5,}\b", t.replace("RSVP", ""))),
    ]
    for name, text in _all_texts("a colleague's words").items():
        _assert_mrkdwn_not_markdown(text, name)
        assert len(text) <= 1500, f"{name} is long for a chat message"
        assert not any(check(text) for check in nagging), f"{name} sounds naggy: {text}"


def test_path_and_messages_steps_are_path_steps() -> None:
    assert all(isinstance(s, PathStep) for s in PATH_STEPS)
