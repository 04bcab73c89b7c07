"""Casework: needs and their events, invitations, visits and the access log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from storage.models, like 0001: this is the schema as of 0002.
ENUM = sa.String(32)


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _json() -> sa.JSON:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("resident_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("category", ENUM, nullable=False),
        sa.Column("urgency", ENUM, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("programs", _json(), nullable=False),
        sa.Column("consent_at", _when(), nullable=True),
        sa.Column("callback_requested", sa.Boolean(), nullable=False),
        sa.Column("callback_window", sa.String(64), nullable=True),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_at", _when(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("closed_at", _when(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("anonymised_at", _when(), nullable=True),
        sa.Column("duplicate_override_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name="fk_needs_household_id_households"),
        sa.ForeignKeyConstraint(["resident_user_id"], ["users.id"], name="fk_needs_resident_user_id_users"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_needs_created_by_id_users"),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_needs_consultation_id_consultations",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name="fk_needs_assignee_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_needs"),
    )
    op.create_index("ix_needs_household_id", "needs", ["household_id"])
    op.create_index("ix_needs_resident_user_id", "needs", ["resident_user_id"])
    op.create_index("ix_needs_consultation_id", "needs", ["consultation_id"])
    op.create_index("ix_needs_status", "needs", ["status"])
    op.create_index("ix_needs_assignee_id", "needs", ["assignee_id"])

    op.create_table(
        "need_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("from_status", ENUM, nullable=True),
        sa.Column("to_status", ENUM, nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name="fk_need_events_need_id_needs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_need_events_actor_id_users"),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name="fk_need_events_assignee_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_need_events"),
    )
    op.create_index("ix_need_events_need_id", "need_events", ["need_id"])

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("expires_at", _when(), nullable=False),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("used_at", _when(), nullable=True),
        sa.Column("revoked_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_invitations_created_by_id_users"),
        sa.ForeignKeyConstraint(["used_by_id"], ["users.id"], name="fk_invitations_used_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
    )

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("visited_at", _when(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_visits_household_id_households"
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["users.id"], name="fk_visits_staff_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
    )
    op.create_index("ix_visits_household_id", "visits", ["household_id"])
    op.create_index("ix_visits_staff_id", "visits", ["staff_id"])

    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.Column("action", ENUM, nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_access_log_actor_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
    )
    op.create_index("ix_access_log_actor_id", "access_log", ["actor_id"])
    op.create_index("ix_access_log_at", "access_log", ["at"])


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("visits")
    op.drop_table("invitations")
    op.drop_table("need_events")
    op.drop_table("needs")
