"""The schema: mediation requests, their status history and notes, staff users, and the audit trail.

Why one module: the action server, the staff dashboard, the CLI and the Alembic migrations all need the
same picture of the data. Personal fields use `EncryptedText`; every timestamp is timezone-aware UTC.
Changing a table here requires a new Alembic revision in `bot/db/migrations/versions/`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.db.crypto import EncryptedText

# Status values of a mediation request. The rules for moving between them live in bot/requests/workflow.py.
STATUSES = (
    "new",
    "in_review",
    "contacted",
    "scheduled",
    "mediated",
    "not_mediated",
    "withdrawn",
    "closed",
)
CHANNELS = ("web", "sms", "rest", "shell")
PREFERRED_CONTACTS = ("call", "text", "email")
ROLES = ("staff", "admin")
AUDIT_ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "view_request",
    "update_status",
    "add_note",
    "export",
    "purge",
    "create_user",
    "update_user",  # password change, unlock, role/active change (bot/requests/staff_accounts.py)
    "submit_request",
    "status_lookup",
)

# Stable constraint names, so migrations can refer to them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Typed as Any: SQLAlchemy 1.4's declarative base is dynamic (its typing needs the mypy plugin we don't run).
Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """DateTime that always comes back timezone-aware UTC, even on SQLite (which stores naive values).

    Naive values passed in are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class MediationRequest(Base):
    __tablename__ = "mediation_requests"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_mediation_requests_status_created", "status", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(9), nullable=False, unique=True)
    submission_key = Column(String(64), nullable=False, unique=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    updated_at = Column(UTCDateTime(), nullable=False, default=utcnow)  # set by whoever changes the request
    status = Column(String(20), nullable=False, default="new")
    channel = Column(String(20), nullable=False)

    name = Column(EncryptedText())
    phone = Column(EncryptedText())  # E.164
    email = Column(EncryptedText())
    preferred_contact = Column(String(10))
    phone_index = Column(String(64), index=True)
    email_index = Column(String(64), index=True)

    complaint_number = Column(EncryptedText())
    incident_date = Column(Date)
    incident_location = Column(EncryptedText())
    officer = Column(EncryptedText())
    description = Column(EncryptedText())
    availability = Column(EncryptedText())
    language = Column(String(40))
    interpreter_needed = Column(Boolean, nullable=False, default=False)
    accessibility_needs = Column(EncryptedText())

    eligibility_outcome = Column(String(20))
    eligibility_reasons = Column(JSON, nullable=False, default=list)
    consent_at = Column(UTCDateTime())

    lookup_failures = Column(Integer, nullable=False, default=0)
    lookup_locked_until = Column(UTCDateTime())
    closed_at = Column(UTCDateTime())
    purged_at = Column(UTCDateTime())

    status_events = relationship(
        "StatusEvent",
        back_populates="request",
        order_by="StatusEvent.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    notes = relationship(
        "Note",
        back_populates="request",
        order_by="Note.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:  # never show personal fields
        return f"<MediationRequest {self.reference} {self.status}>"


class StatusEvent(Base):
    __tablename__ = "status_events"

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("mediation_requests.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status = Column(String(20))
    to_status = Column(String(20), nullable=False)
    actor = Column(String(255), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)

    request = relationship("MediationRequest", back_populates="status_events")


class Note(Base):
    """Staff notes on a request. Append-only: never updated or deleted by the application."""

    __tablename__ = "notes"

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("mediation_requests.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(255), nullable=False)
    body = Column(EncryptedText())
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)

    request = relationship("MediationRequest", back_populates="notes")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)  # argon2
    role = Column(String(10), nullable=False, default="staff")
    is_active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime())
    last_login_at = Column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class AuditEvent(Base):
    """Who did what, when. `detail` is JSON and must never contain personal data."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    actor = Column(String(255), nullable=False)
    action = Column(String(40), nullable=False, index=True)
    request_id = Column(Integer, ForeignKey("mediation_requests.id", ondelete="SET NULL"), nullable=True, index=True)
    detail = Column(JSON)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} by {self.actor}>"


class SmsOptOut(Base):
    """A texter who sent STOP (by the keyed hash of their number, never the number): we stay silent."""

    __tablename__ = "sms_opt_outs"

    sender_hash = Column(String(64), primary_key=True)
    opted_out_at = Column(UTCDateTime(), nullable=False)

    def __repr__(self) -> str:
        return "<SmsOptOut>"
