"""Exactly once and privacy: per-chat delivery state, the webhook inbox, anonymisable needs and visits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Needs anonymised before this revision kept who logged them; when that was a resident (their own
# request), it pointed at the person. Their events are unlinked first, while the link still says whom.
_RESIDENT_CREATED = (
    "SELECT n.id FROM needs n JOIN users u ON u.id = n.created_by_id "
    "WHERE n.anonymised_at IS NOT NULL AND u.role = 'resident'"
)
_UNLINK_ANONYMISED_EVENTS = (
    "UPDATE need_events SET actor_id = NULL "
    f"WHERE need_id IN ({_RESIDENT_CREATED}) "
    "AND actor_id = (SELECT n.created_by_id FROM needs n WHERE n.id = need_events.need_id)"
)
_UNLINK_ANONYMISED_NEEDS = f"UPDATE needs SET created_by_id = NULL WHERE id IN ({_RESIDENT_CREATED})"


@contextmanager
def _events_kept() -> Iterator[None]:
    """SQLite changes a column by copying the table and dropping the old one, and with foreign keys
    on (storage.db turns them on, and they cannot be turned off inside the migration's transaction)
    dropping `needs` deletes every `need_events` row through ON DELETE CASCADE. Keep them aside."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMPORARY TABLE _need_events_kept AS SELECT * FROM need_events")
    yield
    if sqlite:
        op.execute(
            "INSERT INTO need_events SELECT * FROM _need_events_kept WHERE need_id IN (SELECT id FROM needs)"
        )
        op.execute("DROP TABLE _need_events_kept")


def upgrade() -> None:
    op.create_table(
        "chat_state",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_update_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "recent_updates",
            sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("shown_consultation_id", sa.Integer(), nullable=True),
        sa.Column("shown_seq", sa.Integer(), nullable=True),
        sa.Column("shown_message_id", sa.BigInteger(), nullable=True),
        sa.Column("rrn_front", sa.Boolean(), nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chat_state")),
    )
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_inbox")),
    )
    op.create_index("ix_update_inbox_received_at", "update_inbox", ["received_at"])
    # Anonymisation clears who logged a resident's own need (it was the resident) and which
    # household an old visit was to.
    with _events_kept(), op.batch_alter_table("needs") as batch:
        batch.alter_column("created_by_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("visits") as batch:
        batch.alter_column("household_id", existing_type=sa.Integer(), nullable=True)
    op.execute(_UNLINK_ANONYMISED_EVENTS)
    op.execute(_UNLINK_ANONYMISED_NEEDS)


def downgrade() -> None:
    # Rows anonymised since cannot get their links back; they go rather than block the downgrade.
    op.execute("DELETE FROM visits WHERE household_id IS NULL")
    op.execute("DELETE FROM need_events WHERE need_id IN (SELECT id FROM needs WHERE created_by_id IS NULL)")
    op.execute("DELETE FROM needs WHERE created_by_id IS NULL")
    with op.batch_alter_table("visits") as batch:
        batch.alter_column("household_id", existing_type=sa.Integer(), nullable=False)
    with _events_kept(), op.batch_alter_table("needs") as batch:
        batch.alter_column("created_by_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_update_inbox_received_at", table_name="update_inbox")
    op.drop_table("update_inbox")
    op.drop_table("chat_state")
