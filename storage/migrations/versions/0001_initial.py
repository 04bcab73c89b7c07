"""Initial schema: users, households, consultations, their question log and results.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from storage.models: a migration must keep describing the schema
# as it was at this revision, whatever the models become later.
ENUM = sa.String(32)
ID = sa.String(64)


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _json() -> sa.JSON:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_index("ix_users_telegram_id", "users", ["telegram_id"], unique=True)

    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_households_created_by_id_users"),
        sa.ForeignKeyConstraint(
            ["assigned_staff_id"], ["users.id"], name="fk_households_assigned_staff_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_households"),
        sa.UniqueConstraint("code", name="uq_households_code"),
    )
    op.create_index("ix_households_assigned_staff_id", "households", ["assigned_staff_id"])

    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("channel", ENUM, nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("scope_kind", sa.String(16), nullable=False),
        sa.Column("scope_value", ID, nullable=True),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("current_question", ID, nullable=True),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("pending", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("started_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("finished_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_consultations_user_id_users"),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_consultations_household_id_households"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consultations"),
    )
    op.create_index("ix_consultations_chat_id", "consultations", ["chat_id"])
    op.create_index("ix_consultations_user_id", "consultations", ["user_id"])
    op.create_index("ix_consultations_household_id", "consultations", ["household_id"])

    op.create_table(
        "consultation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("asked_at", _when(), nullable=False),
        sa.Column("answer", _json(), nullable=True),
        sa.Column("outcome", ENUM, nullable=True),
        sa.Column("answered_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_consultation_questions_consultation_id_consultations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_questions"),
        sa.UniqueConstraint("consultation_id", "seq", name="uq_consultation_questions_seq"),
    )
    op.create_index(
        "ix_consultation_questions_consultation_id", "consultation_questions", ["consultation_id"]
    )

    op.create_table(
        "consultation_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("program_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_consultation_results_consultation_id_consultations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_results"),
    )
    op.create_index("ix_consultation_results_consultation_id", "consultation_results", ["consultation_id"])


def downgrade() -> None:
    op.drop_table("consultation_results")
    op.drop_table("consultation_questions")
    op.drop_table("consultations")
    op.drop_table("households")
    op.drop_table("users")
