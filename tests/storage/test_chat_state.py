"""The per-chat delivery state: replays recognised, late updates not dropped, concurrent writers refused."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy.orm.exc import StaleDataError

from storage import chat, inbox
from storage.chat import RECENT, REPLAY_WINDOW, RESULTS_SEQ
from storage.db import Database
from storage.models import utcnow


def _read(db: Database, chat_id: int) -> chat.ChatRecord:
    with db.session() as s:
        found = chat.read(s, chat_id)
    assert found is not None
    return found


def test_an_applied_update_is_a_replay_and_others_are_not(db: Database) -> None:
    with db.session() as s:
        assert chat.read(s, 7) is None
        chat.record(s, 7, 100, None)
    state = _read(db, 7)
    assert state.applied(100) and not state.applied(101)
    with db.session() as s:
        chat.record(s, 7, 102, state)
    state = _read(db, 7)
    # 101 came later than 102 (two processes): it was never applied, so it is not a replay.
    assert state.applied(102) and state.applied(100) and not state.applied(101)
    with db.session() as s:
        chat.record(s, 7, 101, state)
    state = _read(db, 7)
    assert state.applied(101) and state.last_update_id == 102


def test_a_full_list_counts_everything_below_it_as_applied(db: Database) -> None:
    before: chat.ChatRecord | None = None
    for update_id in range(1000, 1000 + RECENT + 5):
        with db.session() as s:
            chat.record(s, 8, update_id, before)
        before = _read(db, 8)
    state = _read(db, 8)
    assert len(state.recent_updates) == RECENT
    assert state.applied(1000) and state.applied(1000 + RECENT + 4) and not state.applied(2000)


def test_a_row_older_than_the_replay_window_proves_nothing(db: Database) -> None:
    # After a week without updates Telegram's ids start again at random, maybe lower.
    with db.session() as s:
        chat.record(s, 9, 5000, None)
    state = _read(db, 9)
    later = utcnow() + REPLAY_WINDOW + dt.timedelta(minutes=1)
    assert state.applied(5000) and not state.applied(5000, now=later)
    old = dataclasses.replace(state, updated_at=utcnow() - REPLAY_WINDOW - dt.timedelta(minutes=1))
    with db.session() as s:
        chat.record(s, 9, 12, old)
    state = _read(db, 9)
    assert state.recent_updates == [12] and state.last_update_id == 12


def test_a_second_writer_from_the_same_state_is_refused(db: Database) -> None:
    with db.session() as s:
        chat.record(s, 10, 1, None)
    state = _read(db, 10)
    with db.session() as s:
        chat.record(s, 10, 2, state)
    with pytest.raises(StaleDataError), db.session() as s:
        chat.record(s, 10, 2, state)  # another process applied the same update meanwhile


def test_the_first_message_showing_a_question_is_kept(db: Database) -> None:
    with db.session() as s:
        chat.record(s, 11, 1, None)
    chat.shown_now(db, 11, consultation_id=3, seq=4, message_id=50)
    chat.shown_now(db, 11, consultation_id=3, seq=4, message_id=60)  # shown again: the first counts
    state = _read(db, 11)
    assert state.showed(3, 4) == 50 and state.showed(3, 5) is None and state.showed(2, 4) is None
    chat.shown_now(db, 11, consultation_id=3, seq=RESULTS_SEQ, message_id=70)
    assert _read(db, 11).showed(3, RESULTS_SEQ) == 70
    with db.session() as s:
        chat.forget(s, 11)
    assert _read(db, 11).showed(3, RESULTS_SEQ) is None


def test_the_inbox_keeps_an_update_once_until_it_is_done(db: Database) -> None:
    assert inbox.put(db, 77, 5, {"update_id": 77})
    assert not inbox.put(db, 77, 5, {"update_id": 77})  # Telegram sent it again
    assert inbox.waiting(db) == [(77, {"update_id": 77})]
    assert inbox.waiting(db, older_than=dt.timedelta(minutes=1)) == []
    inbox.done(db, 77)
    assert inbox.waiting(db) == []
