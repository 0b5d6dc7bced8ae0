"""SMS opt-outs under Alembic like every other table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Before this revision the SMS channel created `sms_opt_outs` itself on first use, so a database may
already have it (same columns): it is then left as it is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("sms_opt_outs"):
        return
    op.create_table(
        "sms_opt_outs",
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_hash", name=op.f("pk_sms_opt_outs")),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
