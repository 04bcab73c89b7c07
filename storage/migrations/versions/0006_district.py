"""The district network: organisations, referrals and consent, the shared allocation list, case
meetings, relayed messages, household hand-overs, scheduled-work claims; need numbers never reused.

Revision ID: 0006
Revises: 0004 (re-chained after 0005 when the branches are merged)
Create Date: 2026-12-05

Upgrading keeps every row. On SQLite the needs table is rebuilt with AUTOINCREMENT (so a number
freed by /forget is never handed out again); dropping the old table would cascade to need_events,
so the events are set aside first and put back after.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUM = sa.String(32)


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _json() -> sa.JSON:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _fk(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _add_fk_column(table: str, column: str, target: str) -> None:
    # A plain ADD COLUMN on both backends: rebuilding users or households on SQLite would be refused
    # (other tables point at them) and is not needed for a nullable column.
    if op.get_bind().dialect.name == "sqlite":
        # SQLite takes a named REFERENCES clause in ADD COLUMN, which Alembic's add_column will not emit.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {_fk(table, column, target)} REFERENCES {target} (id)"
        )
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(_fk(table, column, target), table, target, [column], ["id"])


def upgrade() -> None:
    # A SQLite database downgraded from 0006 still has these (see downgrade): reuse them.
    if "organisations" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            "organisations",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("kind", ENUM, nullable=False),
            sa.Column("code", sa.String(16), nullable=False),
            sa.Column("name", sa.String(80), nullable=False),
            sa.Column("review_required", sa.Boolean(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", _when(), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_organisations"),
            sa.UniqueConstraint("code", name="uq_organisations_code"),
        )
    inspector = sa.inspect(op.get_bind())
    for table, column, indexed in (
        ("users", "organisation_id", True),
        ("households", "centre_id", True),
        ("invitations", "organisation_id", False),
    ):
        if column in {c["name"] for c in inspector.get_columns(table)}:
            continue
        _add_fk_column(table, column, "organisations")
        if indexed:
            op.create_index(f"ix_{table}_{column}", table, [column])

    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TABLE _keep_need_events AS SELECT * FROM need_events")
    with op.batch_alter_table(
        "needs",
        recreate="always" if sqlite else "auto",
        table_kwargs={"sqlite_autoincrement": True},
    ) as batch:
        batch.add_column(sa.Column("centre_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reported_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("relay_consent_at", _when(), nullable=True))
        batch.create_foreign_key(
            _fk("needs", "centre_id", "organisations"), "organisations", ["centre_id"], ["id"]
        )
        batch.create_foreign_key(_fk("needs", "reported_by_id", "users"), "users", ["reported_by_id"], ["id"])
        batch.create_index("ix_needs_reported_by_id", ["reported_by_id"])
        batch.create_index("ix_needs_created_by_id", ["created_by_id"])
        batch.create_index(
            "ix_needs_centre_status_category_due", ["centre_id", "status", "category", "due_at"]
        )
        batch.create_index("ix_needs_status_category_due", ["status", "category", "due_at"])
        batch.create_index("ix_needs_due_at", ["due_at"])
        batch.drop_index("ix_needs_assignee_id")
        batch.create_index("ix_needs_assignee_id_status", ["assignee_id", "status"])
        batch.create_index("ix_needs_created_at", ["created_at"])
        batch.create_index("ix_needs_status_closed_created", ["status", "closed_at", "created_at"])
    if sqlite:
        op.execute("DELETE FROM need_events")  # in case the rebuild left any behind
        op.execute("INSERT INTO need_events SELECT * FROM _keep_need_events")
        op.execute("DROP TABLE _keep_need_events")

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("by_resident", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("given_at", _when(), nullable=False),
        sa.Column("withdrawn_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=_fk("consents", "need_id", "needs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"], ["organisations.id"], name=_fk("consents", "partner_org_id", "organisations")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=_fk("consents", "recorded_by_id", "users")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
    )
    op.create_index("ix_consents_need_id", "consents", ["need_id"])

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("shared", _json(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", _when(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=_fk("referrals", "need_id", "needs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"], ["organisations.id"], name=_fk("referrals", "partner_org_id", "organisations")
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.id"], name=_fk("referrals", "consent_id", "consents")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=_fk("referrals", "created_by_id", "users")
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["users.id"], name=_fk("referrals", "responded_by_id", "users")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_referrals"),
    )
    op.create_index("ix_referrals_need_id", "referrals", ["need_id"])
    op.create_index("ix_referrals_partner_org_id", "referrals", ["partner_org_id"])

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("programme", sa.String(64), nullable=True),
        sa.Column("support_key", sa.String(80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("season", sa.String(16), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", _when(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=_fk("allocations", "household_id", "households")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=_fk("allocations", "org_id", "organisations")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=_fk("allocations", "need_id", "needs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=_fk("allocations", "recorded_by_id", "users")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_allocations"),
    )
    op.create_index(
        "ix_allocations_household_key_season", "allocations", ["household_id", "support_key", "season"]
    )
    op.create_index("ix_allocations_org_id", "allocations", ["org_id"])
    op.create_index("ix_allocations_season", "allocations", ["season"])

    op.create_table(
        "meeting_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", _when(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=_fk("meeting_items", "need_id", "needs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["users.id"], name=_fk("meeting_items", "marked_by_id", "users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=_fk("meeting_items", "decided_by_id", "users")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_items"),
        sa.UniqueConstraint("need_id", "meeting_on", name="uq_meeting_items_need_id"),
    )
    op.create_index("ix_meeting_items_meeting_on", "meeting_items", ["meeting_on"])

    op.create_table(
        "relay_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("outbound", sa.Boolean(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=_fk("relay_messages", "need_id", "needs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name=_fk("relay_messages", "sender_id", "users")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_relay_messages"),
    )
    op.create_index("ix_relay_messages_need_id", "relay_messages", ["need_id"])

    op.create_table(
        "household_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.Column("from_staff_id", sa.Integer(), nullable=True),
        sa.Column("to_staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=_fk("household_events", "household_id", "households")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=_fk("household_events", "actor_id", "users")
        ),
        sa.ForeignKeyConstraint(
            ["from_staff_id"], ["users.id"], name=_fk("household_events", "from_staff_id", "users")
        ),
        sa.ForeignKeyConstraint(
            ["to_staff_id"], ["users.id"], name=_fk("household_events", "to_staff_id", "users")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_household_events"),
    )
    op.create_index("ix_household_events_household_id", "household_events", ["household_id"])

    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=False),
        sa.Column("claimed_at", _when(), nullable=False),
        sa.Column("finished_at", _when(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", "run_on", name="pk_job_runs"),
    )


def downgrade() -> None:
    for table in (
        "job_runs",
        "household_events",
        "relay_messages",
        "meeting_items",
        "allocations",
        "referrals",
        "consents",
    ):
        op.drop_table(table)
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TABLE _keep_need_events AS SELECT * FROM need_events")
    with op.batch_alter_table("needs", recreate="always" if sqlite else "auto") as batch:
        batch.create_index("ix_needs_assignee_id", ["assignee_id"])
        for index in (
            "ix_needs_assignee_id_status",
            "ix_needs_status_closed_created",
            "ix_needs_created_at",
            "ix_needs_due_at",
            "ix_needs_status_category_due",
            "ix_needs_centre_status_category_due",
            "ix_needs_created_by_id",
            "ix_needs_reported_by_id",
        ):
            batch.drop_index(index)
        if not sqlite:
            batch.drop_constraint(_fk("needs", "reported_by_id", "users"), type_="foreignkey")
            batch.drop_constraint(_fk("needs", "centre_id", "organisations"), type_="foreignkey")
        batch.drop_column("relay_consent_at")
        batch.drop_column("reported_by_id")
        batch.drop_column("centre_id")
    if sqlite:
        op.execute("DELETE FROM need_events")
        op.execute("INSERT INTO need_events SELECT * FROM _keep_need_events")
        op.execute("DROP TABLE _keep_need_events")
    if sqlite:
        # SQLite cannot drop a column with a foreign key without rebuilding users and households, which
        # other tables point at: the three nullable columns and the organisations they name stay, unused.
        return
    for table, column, target in (
        ("invitations", "organisation_id", "organisations"),
        ("households", "centre_id", "organisations"),
        ("users", "organisation_id", "organisations"),
    ):
        if table != "invitations":
            op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.drop_constraint(_fk(table, column, target), table, type_="foreignkey")
        op.drop_column(table, column)
    op.drop_table("organisations")
