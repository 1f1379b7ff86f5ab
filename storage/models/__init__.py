"""All models, imported here so Alembic and `create_all` see every table."""

from storage.models import home as home
from storage.models import meetings as meetings
from storage.models import mentoring as mentoring
from storage.models.base import Base, UTCDateTime
from storage.models.core import Member, OnceNotice, ProcessedEvent, RoleGrant
from storage.models.faq import FaqEntry, FaqQuestion, FaqState, FaqVote
from storage.models.nudges import (
    ClubCounter,
    Kudos,
    NudgeSchedule,
    NudgeSetting,
    SentNudge,
    WelcomeSent,
)
from storage.models.progress import PathStepReached

__all__ = [
    "Base",
    "ClubCounter",
    "FaqEntry",
    "FaqQuestion",
    "FaqState",
    "FaqVote",
    "Kudos",
    "Member",
    "NudgeSchedule",
    "NudgeSetting",
    "OnceNotice",
    "PathStepReached",
    "ProcessedEvent",
    "RoleGrant",
    "SentNudge",
    "UTCDateTime",
    "WelcomeSent",
]
