"""All models, imported here so Alembic and `create_all` see every table."""

from storage.models.base import Base, UTCDateTime
from storage.models.core import Member, ProcessedEvent, RoleGrant
from storage.models.progress import PathStepReached

__all__ = [
    "Base",
    "Member",
    "PathStepReached",
    "ProcessedEvent",
    "RoleGrant",
    "UTCDateTime",
]
