"""All models, imported here so Alembic and `create_all` see every table."""

from storage.base import Base, UTCDateTime
from storage.campaigns import models as campaigns_models
from storage.delivery.models import Delivery, DeliveryBatch, DmChannel, RateBucket
from storage.encouragement.models import (
    ClubCounter,
    Kudos,
    NudgeSchedule,
    NudgeSetting,
    SentNudge,
    WelcomeSent,
)
from storage.faq.models import FaqEntry, FaqQuestion, FaqState, FaqVote, FaqWording
from storage.home import models as home_models
from storage.meetings import models as meetings_models
from storage.members.models import Member, ProcessedEvent, RoleGrant
from storage.mentoring import models as mentoring_models
from storage.path.models import PathStepReached
from storage.scheduler import scheduler_jobs

__all__ = [
    "Base",
    "ClubCounter",
    "Delivery",
    "DeliveryBatch",
    "DmChannel",
    "FaqEntry",
    "FaqQuestion",
    "FaqState",
    "FaqVote",
    "FaqWording",
    "Kudos",
    "Member",
    "NudgeSchedule",
    "NudgeSetting",
    "PathStepReached",
    "ProcessedEvent",
    "RateBucket",
    "RoleGrant",
    "SentNudge",
    "UTCDateTime",
    "WelcomeSent",
    "campaigns_models",
    "home_models",
    "meetings_models",
    "mentoring_models",
    "scheduler_jobs",
]
