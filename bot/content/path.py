"""The proficiency path members can walk, as typed data.

Ten steps, in order. clubbot notices some of them itself (``detected``), an
organiser records the course or certification (``organiser_recorded``), and
members tick the rest themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.content import COURSE_URL, GUIDELINES_URL, INTERNAL_PLATFORM_URL

__all__ = ["PATH_STEPS", "PathStep", "next_step", "step", "step_keys"]


@dataclass(frozen=True)
class PathStep:
    """One step of the path.

    ``how_to`` is a concrete next-step suggestion in mrkdwn (at most 400
    characters). A step is either ``detected`` by clubbot, ``organiser_recorded``,
    or ticked by the member themselves (both flags false).
    """

    key: str
    number: int
    title: str
    how_to: str
    detected: bool
    organiser_recorded: bool

    @property
    def self_ticked(self) -> bool:
        """True when the member ticks this step themselves."""
        return not self.detected and not self.organiser_recorded


PATH_STEPS: tuple[PathStep, ...] = (
    PathStep(
        key="joined",
        number=1,
        title="Joined the club channel",
        how_to="Join the club channel. That's all it takes: no form, no approval.",
        detected=True,
        organiser_recorded=False,
    ),
    PathStep(
        key="read_guidelines",
        number=2,
        title="Read the guidelines",
        how_to=(
            f"Read the <{GUIDELINES_URL}|social media guidelines>. "
            "They're short: ten minutes with a coffee. Then tick this step in "
            "`/club progress`."
        ),
        detected=False,
        organiser_recorded=False,
    ),
    PathStep(
        key="first_question",
        number=3,
        title="Asked a first question",
        how_to=(
            "Ask one question in the club channel, however basic. Something like "
            '_"What should I write my first post about?"_ is a great start.'
        ),
        detected=True,
        organiser_recorded=False,
    ),
    PathStep(
        key="first_internal_post",
        number=4,
        title="Wrote a first post on the internal platform",
        how_to=(
            f"Write a short first post on the <{INTERNAL_PLATFORM_URL}|internal platform>: "
            "say hello and share one thing you learned recently. 200 words is "
            "plenty. Then tick this step in `/club progress`."
        ),
        detected=False,
        organiser_recorded=False,
    ),
    PathStep(
        key="commented",
        number=5,
        title="Commented on a colleague's post",
        how_to=(
            "Find a colleague's post on the internal platform that taught you something and "
            "leave a comment saying what helped and why. Then tick this step in "
            "`/club progress`."
        ),
        detected=False,
        organiser_recorded=False,
    ),
    PathStep(
        key="worked_with_mentor",
        number=6,
        title="Worked with a mentor",
        how_to=(
            "Ask for a mentor with `/club mentor request`. Say what you'd like help with and "
            "I'll introduce you to a volunteer from the social core."
        ),
        detected=True,
        organiser_recorded=False,
    ),
    PathStep(
        key="attended_meeting",
        number=7,
        title="Attended a club meeting",
        how_to=(
            "Come to the next club meeting: press *Going* on the announcement in the club "
            "channel and I'll remind you before it starts. No preparation needed."
        ),
        detected=True,
        organiser_recorded=False,
    ),
    PathStep(
        key="first_external_post",
        number=8,
        title="Published a first post outside the firewall",
        how_to=(
            "Take a topic you've already written about internally and publish it outside the "
            "firewall, with a line saying where you work and that the views are your own. "
            "Your mentor is glad to read the draft. Then tick this step in `/club progress`."
        ),
        detected=False,
        organiser_recorded=False,
    ),
    PathStep(
        key="course_or_certified",
        number=9,
        title="Took the community-development course or became a certified practitioner",
        how_to=(
            f"Take the <{COURSE_URL}|community development course> "
            "or the practitioner programme. When you finish, tell an organiser and "
            "they'll record it here."
        ),
        detected=False,
        organiser_recorded=True,
    ),
    PathStep(
        key="became_mentor",
        number=10,
        title="Became a mentor: joined the social core",
        how_to=(
            "Pass it on: join the social core with `/club mentor signup`. Being a step or two "
            "ahead is enough, and you choose how many people you help."
        ),
        detected=True,
        organiser_recorded=False,
    ),
)

_BY_KEY: dict[str, PathStep] = {s.key: s for s in PATH_STEPS}


def step_keys() -> tuple[str, ...]:
    """The step keys in path order."""
    return tuple(s.key for s in PATH_STEPS)


def step(key: str) -> PathStep:
    """The step with this key; raises ``KeyError`` naming the key if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown path step {key!r}") from None


def next_step(done_keys: Iterable[str]) -> PathStep | None:
    """The first step in path order that is not done yet, or ``None`` when all are done.

    Steps may be done out of order (someone can post externally before
    attending a meeting); the suggestion is always the earliest one missing.
    Unknown keys are ignored.
    """
    done = set(done_keys)
    for s in PATH_STEPS:
        if s.key not in done:
            return s
    return None
