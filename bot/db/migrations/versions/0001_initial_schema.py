"""Initial schema: mediation requests, status events, notes, users, audit events.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Encrypted columns are plain TEXT in the database (ciphertext); timestamps are timezone-aware.
Types are spelled out here (not imported from bot.db.models) so this revision never changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
STATUSES = ("new", "in_review", "contacted", "scheduled", "mediated", "not_mediated", "withdrawn", "closed")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "mediation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=9), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("preferred_contact", sa.String(length=10), nullable=True),
        sa.Column("phone_index", sa.String(length=64), nullable=True),
        sa.Column("email_index", sa.String(length=64), nullable=True),
        sa.Column("complaint_number", sa.Text(), nullable=True),
        sa.Column("incident_date", sa.Date(), nullable=True),
        sa.Column("incident_location", sa.Text(), nullable=True),
        sa.Column("officer", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("availability", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=40), nullable=True),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("accessibility_needs", sa.Text(), nullable=True),
        sa.Column("eligibility_outcome", sa.String(length=20), nullable=True),
        sa.Column("eligibility_reasons", sa.JSON(), nullable=False),
        sa.Column("consent_at", TS, nullable=True),
        sa.Column("lookup_failures", sa.Integer(), nullable=False),
        sa.Column("lookup_locked_until", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("purged_at", TS, nullable=True),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_mediation_requests_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_mediation_requests_reference")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_mediation_requests_submission_key")),
    )
    op.create_index(op.f("ix_mediation_requests_created_at"), "mediation_requests", ["created_at"])
    op.create_index(op.f("ix_mediation_requests_email_index"), "mediation_requests", ["email_index"])
    op.create_index(op.f("ix_mediation_requests_phone_index"), "mediation_requests", ["phone_index"])
    op.create_index("ix_mediation_requests_status_created", "mediation_requests", ["status", "created_at"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("last_login_at", TS, nullable=True),
        sa.CheckConstraint(_in("role", ("staff", "admin")), name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mediation_requests.id"],
            name=op.f("fk_audit_events_request_id_mediation_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"])
    op.create_index(op.f("ix_audit_events_created_at"), "audit_events", ["created_at"])
    op.create_index(op.f("ix_audit_events_request_id"), "audit_events", ["request_id"])

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mediation_requests.id"],
            name=op.f("fk_notes_request_id_mediation_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(op.f("ix_notes_request_id"), "notes", ["request_id"])

    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mediation_requests.id"],
            name=op.f("fk_status_events_request_id_mediation_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
    )
    op.create_index(op.f("ix_status_events_request_id"), "status_events", ["request_id"])


def downgrade() -> None:
    op.drop_table("status_events")
    op.drop_table("notes")
    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("mediation_requests")
