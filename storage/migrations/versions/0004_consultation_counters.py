"""Question-log counters on the consultation row: a step writes its log without reading it back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Filled from the log that is already there, so consultations in progress carry on numbering.
_BACKFILL = """
UPDATE consultations SET
    last_seq = COALESCE(
        (SELECT MAX(q.seq) FROM consultation_questions q WHERE q.consultation_id = consultations.id), 0),
    answered = (SELECT COUNT(*) FROM consultation_questions q
                WHERE q.consultation_id = consultations.id
                  AND q.outcome IN ('answered', 'dont_know', 'skipped')),
    current_seq = (SELECT MAX(q.seq) FROM consultation_questions q
                   WHERE q.consultation_id = consultations.id
                     AND q.question_id = consultations.current_question AND q.outcome IS NULL)
"""


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("current_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answered", sa.Integer(), nullable=False, server_default="0"))
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("answered")
        batch.drop_column("current_seq")
        batch.drop_column("last_seq")
