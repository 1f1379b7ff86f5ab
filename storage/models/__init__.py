"""All models, imported here so Alembic and `create_all` see every table."""

from storage.models import meetings as meetings
from storage.models.base import Base, UTCDateTime
from storage.models.core import Member, ProcessedEvent, RoleGrant
from storage.models.faq import FaqEntry, FaqQuestion, FaqState, FaqVote
from storage.models.progress import PathStepReached
from storage.models import mentoring as mentoring  # noqa: F401  (tables for Alembic)

__all__ = [
    "Base",
    "FaqEntry",
    "FaqQuestion",
    "FaqState",
    "FaqVote",
    "Member",
    "PathStepReached",
    "ProcessedEvent",
    "RoleGrant",
    "UTCDateTime",
]
