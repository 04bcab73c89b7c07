"""Reminders and follow-up outcomes (storage.reminders): claimed once, kept as long as /privacy says,
part of /mydata and /forget. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, text, update

from storage import reminders, repo
from storage.db import Database
from storage.models import Channel, Consultation
from storage.models_reminders import Outcome, OutcomeStatus, Reminder, ReminderKind
from storage.retention import forget_resident, my_data, purge_personal_data

NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 5)


def _setup(db: Database, household: bool = False) -> tuple[int, int, int | None]:
    with db.session() as s:
        user = repo.ensure_user(s, 4242)
        home = repo.create_household(s, "H-0042", user) if household else None
        c = repo.start_consultation(
            s,
            chat_id=4242,
            user=user,
            channel=Channel.TELEGRAM,
            language="ko",
            household_id=home.id if home else None,
        )
        return user.id, c.id, home.id if home else None


def _add(db: Database, user_id: int, cid: int, due: dt.date, **kw: Any) -> int | None:
    with db.session() as s:
        r = reminders.add(
            s,
            user_id=user_id,
            chat_id=4242,
            language="ko",
            program_id=kw.pop("program_id", "basic_pension"),
            kind=kw.pop("kind", ReminderKind.FOLLOW_UP),
            due_on=due,
            consultation_id=cid,
            **kw,
        )
        return r.id if r is not None else None


def test_the_same_reminder_twice_is_kept_once(db: Database) -> None:
    user_id, cid, _ = _setup(db)
    first = _add(db, user_id, cid, TODAY)
    assert first is not None
    assert _add(db, user_id, cid, TODAY) is None  # a button pressed twice
    assert _add(db, user_id, cid, TODAY, program_id="energy_voucher") is not None


def test_a_due_reminder_is_claimed_by_one_caller_only(db: Database) -> None:
    user_id, cid, _ = _setup(db)
    rid = _add(db, user_id, cid, TODAY)
    assert rid is not None
    _add(db, user_id, cid, TODAY + dt.timedelta(days=1), program_id="energy_voucher")  # not due yet
    with db.session() as s:
        assert reminders.due_ids(s, TODAY, NOW) == [rid]
    with db.session() as a, db.session() as b:
        first = reminders.claim(a, rid, "process-a", NOW)
        a.commit()
        second = reminders.claim(b, rid, "process-b", NOW)
    assert first is not None and second is None
    with db.session() as s:
        assert reminders.due_ids(s, TODAY, NOW) == []  # held by process-a
        # process-a died before sending: after the lease another process may take it
        later = NOW + reminders.CLAIM_LEASE + dt.timedelta(minutes=1)
        assert reminders.due_ids(s, TODAY, later) == [rid]
        reminders.mark_sent(s, rid, NOW)
    with db.session() as s:
        assert reminders.claim(s, rid, "process-c", NOW + dt.timedelta(days=1)) is None  # sent: never again


def test_an_answer_becomes_the_consultations_outcome(db: Database) -> None:
    user_id, cid, home = _setup(db, household=True)
    rid = _add(db, user_id, cid, TODAY, household_id=home)
    with db.session() as s:
        r = reminders.get(s, rid or 0)
        assert r is not None
        reminders.record_outcome(s, r, OutcomeStatus.RECEIVED, NOW)
    with db.session() as s:
        assert reminders.get(s, rid or 0) is None  # answered: the follow-up is done
        (outcome,) = reminders.outcomes_of_household(s, home or 0)
        assert (outcome.consultation_id, outcome.program_id, outcome.status) == (
            cid,
            "basic_pension",
            "received",
        )
        assert reminders.outcome_counts(s) == {"received": 1}


def test_mydata_shows_and_forget_deletes_a_residents_reminders_and_outcomes(db: Database) -> None:
    user_id, cid, _ = _setup(db)
    rid = _add(db, user_id, cid, TODAY)
    _add(
        db, user_id, cid, TODAY + dt.timedelta(days=60), program_id="energy_voucher", kind=ReminderKind.PERIOD
    )
    with db.session() as s:
        r = reminders.get(s, rid or 0)
        assert r is not None
        reminders.record_outcome(s, r, OutcomeStatus.WAITING, NOW)
    with db.session() as s:
        user = repo.ensure_user(s, 4242)
        data = my_data(s, user)
        assert [r.program_id for r in data.reminders] == ["energy_voucher"]
        assert [o.status for o in data.outcomes] == ["waiting"]
        forget_resident(s, user, now=NOW, chat_id=4242)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Reminder)) == 0
        assert s.scalar(select(func.count()).select_from(Outcome)) == 0


def test_retention_deletes_sent_reminders_and_anonymises_old_outcomes(db: Database) -> None:
    user_id, cid, home = _setup(db, household=True)
    sent = _add(db, user_id, cid, TODAY, household_id=home)
    waiting = _add(
        db, user_id, cid, TODAY + dt.timedelta(days=700), kind=ReminderKind.PENSION, household_id=home
    )
    with db.session() as s:
        reminders.mark_sent(s, sent or 0, NOW - dt.timedelta(days=31))
        s.execute(update(Consultation).values(updated_at=NOW - dt.timedelta(days=2)))
        s.add(
            Outcome(
                consultation_id=cid,
                household_id=home,
                user_id=user_id,
                program_id="basic_pension",
                status=OutcomeStatus.RECEIVED,
                recorded_at=NOW - dt.timedelta(days=400),
            )
        )
    with db.session() as s:
        gone = purge_personal_data(
            s,
            self_check_days=90,
            household_consultation_days=1,
            visit_days=365,
            draft_hours=24,
            reminder_days=30,
            outcome_days=365,
            now=NOW,
        )
    assert (gone.reminders, gone.outcomes, gone.household_consultations) == (1, 1, 1)
    with db.session() as s:
        left = s.scalars(select(Reminder)).all()
        assert [r.id for r in left] == [waiting]  # not sent yet: kept, without the deleted consultation
        assert left[0].consultation_id is None
        assert s.scalar(select(func.count()).select_from(Consultation)) == 0
        (outcome,) = s.scalars(select(Outcome)).all()
        assert (outcome.user_id, outcome.household_id, outcome.consultation_id) == (None, None, None)
        assert reminders.outcome_counts(s) == {"received": 1}  # the count stays


def test_0008_adds_the_tables_and_downgrades(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade("0007")
        db.upgrade("0008")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM reminders")).scalar() == 0
            assert connection.execute(text("SELECT count(*) FROM consultation_outcomes")).scalar() == 0
        db.downgrade("0007")
        with db.engine.connect() as connection:
            names = db.engine.dialect.get_table_names(connection)
        assert "reminders" not in names and "consultation_outcomes" not in names
        db.upgrade()
    finally:
        db.dispose()
