"""All models, imported here so Alembic and `create_all` see every table."""

from storage.models.base import Base, UTCDateTime
from storage.models.core import Member, ProcessedEvent, RoleGrant

__all__ = ["Base", "Member", "ProcessedEvent", "RoleGrant", "UTCDateTime"]
