"""Revision 0005: needs anonymised before it lose their last link to the resident; downgrade works."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database

AT = "2026-01-01 09:00:00"


def _seed(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, telegram_id, role, language, created_at, active) VALUES "
                "(1, 11, 'resident', 'ko', :at, true), (2, 22, 'staff', 'ko', :at, true)"
            ),
            {"at": AT},
        )
        # Both anonymised by the old retention job: need 1 was a resident's own request (they logged
        # it), need 2 was logged by staff for a household.
        connection.execute(
            text(
                "INSERT INTO needs (id, created_by_id, category, urgency, programs, status, due_at, "
                "created_at, updated_at, closed_at, anonymised_at, version, callback_requested) VALUES "
                "(1, 1, 'other', 'normal', '[]', 'resolved', :at, :at, :at, :at, :at, 1, false), "
                "(2, 2, 'other', 'normal', '[]', 'resolved', :at, :at, :at, :at, :at, 1, false)"
            ),
            {"at": AT},
        )
        connection.execute(
            text(
                "INSERT INTO need_events (need_id, actor_id, at, kind) VALUES "
                "(1, 1, :at, 'created'), (1, NULL, :at, 'anonymised'), (2, 2, :at, 'created')"
            ),
            {"at": AT},
        )


def test_0005_unlinks_resident_needs_anonymised_before(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade("0004")
        _seed(db)
        db.upgrade("0005")
        with db.engine.connect() as connection:
            needs = connection.execute(text("SELECT id, created_by_id FROM needs ORDER BY id")).all()
            events = connection.execute(text("SELECT need_id, actor_id FROM need_events ORDER BY id")).all()
        assert [tuple(n) for n in needs] == [(1, None), (2, 2)]
        assert [tuple(e) for e in events] == [(1, None), (1, None), (2, 2)]
        db.downgrade("0004")  # the unlinked need cannot get its link back: it goes
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM needs")).scalars().all() == [2]
        db.upgrade()
    finally:
        db.dispose()
