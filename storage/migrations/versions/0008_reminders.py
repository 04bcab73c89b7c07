"""Reminders (application windows, the month before a 65th birthday, follow-ups) and the outcomes
people report ("did you apply, did you get it?").

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUM_LENGTH = 32
ID_LENGTH = 64


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.String(ID_LENGTH), nullable=False),
        sa.Column("kind", sa.String(ENUM_LENGTH), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("claimed_at", _when(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("sent_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_reminders_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_reminders_consultation_id_consultations",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name="fk_reminders_household_id_households",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
    )
    for column in ("user_id", "consultation_id", "household_id", "due_on", "sent_at"):
        op.create_index(f"ix_reminders_{column}", "reminders", [column])
    op.create_table(
        "consultation_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.String(ID_LENGTH), nullable=False),
        sa.Column("status", sa.String(ENUM_LENGTH), nullable=False),
        sa.Column("recorded_at", _when(), nullable=False),
        sa.Column("anonymised_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_consultation_outcomes_consultation_id_consultations",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name="fk_consultation_outcomes_household_id_households",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_consultation_outcomes_user_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_outcomes"),
    )
    for column in ("consultation_id", "household_id", "user_id", "recorded_at"):
        op.create_index(f"ix_consultation_outcomes_{column}", "consultation_outcomes", [column])


def downgrade() -> None:
    op.drop_table("consultation_outcomes")
    op.drop_table("reminders")
