"""A consultation's steps: the row read and written with prebuilt Core statements, no ORM.

A step reads one consultation, changes a few of its columns and the question log, and writes them
back. Through the ORM, the unit of work for that one versioned UPDATE cost more than all of the
step's SQL together, so the row travels as plain data (`ConsultationRow`) instead.

The functions below change the row in memory and queue the question-log writes; `save` sends them
all and the row at the end of the step. The write lock of SQLite is then held only for that short
burst, not while the knowledge engine picks the next question. Saving checks and bumps `version`
as the ORM did: two processes serving the same chat cannot both save from the same version (the
slower one gets StaleDataError and the turn is retried from fresh state), and the unique key on
(consultation_id, seq) stops two of them writing the same log row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Executable, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage.db import take_write_lock
from storage.models import (
    RESULT_STATUSES,
    Base,
    Channel,
    Consultation,
    ConsultationResult,
    ConsultationState,
    QuestionLog,
    QuestionOutcome,
    Role,
    utcnow,
)

# Outcomes a person gave in this consultation; "undo" walks back over these only.
UNDOABLE = (QuestionOutcome.ANSWERED, QuestionOutcome.DONT_KNOW, QuestionOutcome.SKIPPED)
_KEEPS_VALUE = (QuestionOutcome.ANSWERED, QuestionOutcome.REUSED)


@dataclass
class ConsultationRow:
    """One row of `consultations`, field for field (see storage.models.Consultation)."""

    id: int
    chat_id: int
    user_id: int
    household_id: int | None
    channel: Channel
    role: Role
    language: str
    scope_kind: str
    scope_value: str | None
    state: ConsultationState
    current_question: str | None
    answers: dict[str, Any]
    pending: dict[str, Any]
    version: int
    last_seq: int
    current_seq: int | None
    answered: int
    started_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None
    # Statements waiting for save(), in order.
    writes: list[tuple[Executable, Any]] = field(default_factory=list, repr=False, compare=False)
    changed: bool = field(default=False, repr=False, compare=False)


_COLUMNS = [f.name for f in dataclasses.fields(ConsultationRow) if f.name not in ("writes", "changed")]
_SAVED = [name for name in _COLUMNS if name not in ("id", "version")]
_TABLE = Base.metadata.tables[Consultation.__tablename__]
_SELECT = select(*(_TABLE.c[name] for name in _COLUMNS))
_BY_ID = _SELECT.where(_TABLE.c.id == bindparam("c_id"))
_ACTIVE = (
    _SELECT.where(_TABLE.c.chat_id == bindparam("chat_id"), _TABLE.c.state == ConsultationState.ASKING)
    .order_by(_TABLE.c.id.desc())
    .limit(1)
)
# Bind names must differ from column names in a SET clause, hence the prefix.
_SAVE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("k_id"), _TABLE.c.version == bindparam("k_version"))
    .values({name: bindparam(f"v_{name}") for name in [*_SAVED, "version"]})
)

_INSERT = insert(_TABLE)
_CANCEL_ASKING = (
    update(_TABLE)
    .where(_TABLE.c.chat_id == bindparam("k_chat_id"), _TABLE.c.state == ConsultationState.ASKING)
    .values(
        state=ConsultationState.CANCELLED,
        finished_at=bindparam("v_now"),
        updated_at=bindparam("v_now"),
        current_question=None,
        current_seq=None,
        pending={},
        version=_TABLE.c.version + 1,
    )
)

_LOG = Base.metadata.tables[QuestionLog.__tablename__]
_INSERT_LOG = insert(_LOG)
_ANSWER_LOG = (
    update(_LOG)
    .where(_LOG.c.consultation_id == bindparam("c_id"), _LOG.c.seq == bindparam("row_seq"))
    .values(answer=bindparam("v_answer"), outcome=bindparam("v_outcome"), answered_at=bindparam("v_at"))
)
_LAST_UNDOABLE = (
    select(_LOG.c.seq, _LOG.c.question_id)
    .where(_LOG.c.consultation_id == bindparam("c_id"), _LOG.c.outcome.in_([o.value for o in UNDOABLE]))
    .order_by(_LOG.c.seq.desc())
    .limit(1)
)
_UNDO_LOG = (
    update(_LOG)
    .where(_LOG.c.consultation_id == bindparam("c_id"), _LOG.c.seq == bindparam("row_seq"))
    .values(outcome=QuestionOutcome.UNDONE.value)
)
_RESULTS = Base.metadata.tables[ConsultationResult.__tablename__]
_DELETE_RESULTS = delete(_RESULTS).where(_RESULTS.c.consultation_id == bindparam("c_id"))
_INSERT_RESULTS = insert(_RESULTS)


# --- reading and saving ------------------------------------------------------------------------------


def load(s: Session, consultation_id: int) -> ConsultationRow | None:
    found = s.connection().execute(_BY_ID, {"c_id": consultation_id}).first()
    return None if found is None else ConsultationRow(*found)


def active(s: Session, chat_id: int) -> ConsultationRow | None:
    """The chat's consultation still asking, newest first (start_consultation keeps it to one)."""
    found = s.connection().execute(_ACTIVE, {"chat_id": chat_id}).first()
    return None if found is None else ConsultationRow(*found)


def start(
    s: Session,
    *,
    chat_id: int,
    user_id: int,
    role: Role,
    channel: Channel,
    language: str,
    scope_kind: str,
    scope_value: str | None,
    household_id: int | None,
    answers: Mapping[str, Any] | None = None,
) -> ConsultationRow:
    """Insert a new consultation, asking; any consultation of the chat still asking is cancelled.

    Arguments are taken as valid (repo.start_consultation checks them).
    """
    cancel_asking(s, chat_id)
    now = utcnow()
    row = ConsultationRow(
        id=0,
        chat_id=chat_id,
        user_id=user_id,
        household_id=household_id,
        channel=Channel(channel),
        role=Role(role),
        language=language,
        scope_kind=scope_kind,
        scope_value=scope_value,
        state=ConsultationState.ASKING,
        current_question=None,
        answers=dict(answers or {}),
        pending={},
        version=1,  # what the ORM's version counter starts at
        last_seq=0,
        current_seq=None,
        answered=0,
        started_at=now,
        updated_at=now,
        finished_at=None,
    )
    values = {name: getattr(row, name) for name in _COLUMNS if name != "id"}
    key = s.connection().execute(_INSERT, values).inserted_primary_key
    assert key is not None  # a single-row INSERT always reports it
    row.id = key[0]
    return row


def cancel_asking(s: Session, chat_id: int) -> bool:
    """Cancel the chat's consultation still asking, if there is one; True when there was."""
    cancelled = s.connection().execute(_CANCEL_ASKING, {"k_chat_id": chat_id, "v_now": utcnow()}).rowcount
    if cancelled:
        _expire_loaded(s, lambda c: c.chat_id == chat_id)
    return bool(cancelled)


def _expire_loaded(s: Session, which: Callable[[Consultation], bool]) -> None:
    """Expire ORM copies of consultations this session holds that a Core write just changed."""
    for obj in list(s.identity_map.values()):
        if isinstance(obj, Consultation) and which(obj):
            s.expire(obj)


def save(s: Session, row: ConsultationRow) -> None:
    """Send the queued log writes and the row, if the step changed anything.

    Raises StaleDataError when another process saved this consultation since it was read.
    """
    if not row.changed and not row.writes:
        return
    params = {f"v_{name}": getattr(row, name) for name in _SAVED}
    params.update(k_id=row.id, k_version=row.version, v_version=row.version + 1)
    connection = s.connection()
    take_write_lock(connection)
    for statement, queued in row.writes:
        connection.execute(statement, queued)
    row.writes.clear()
    if connection.execute(_SAVE, params).rowcount != 1:
        raise StaleDataError(f"consultation {row.id} was changed by another process")
    row.version += 1
    row.changed = False
    # An ORM copy already loaded in this session would now be out of date.
    loaded = s.identity_map.get(s.identity_key(Consultation, row.id))
    if loaded is not None:
        s.expire(loaded)


# --- changing the row --------------------------------------------------------------------------------


def _touch(row: ConsultationRow, now: dt.datetime) -> None:
    row.updated_at = now
    row.changed = True


def _append_log(
    row: ConsultationRow,
    question_id: str,
    now: dt.datetime,
    answer: Any = None,
    outcome: QuestionOutcome | None = None,
) -> int:
    seq = row.last_seq + 1
    row.writes.append(
        (
            _INSERT_LOG,
            {
                "consultation_id": row.id,
                "seq": seq,
                "question_id": question_id,
                "asked_at": now,
                "answer": answer,
                "outcome": outcome,
                "answered_at": now if outcome is not None else None,
            },
        )
    )
    row.last_seq = seq
    return seq


def log_question(row: ConsultationRow, question_id: str) -> int:
    """Record that question_id is being asked now, as the next in order; returns its seq."""
    now = utcnow()
    seq = _append_log(row, question_id, now)
    row.current_question = question_id
    row.current_seq = seq
    _touch(row, now)
    return seq


def record_answer(
    row: ConsultationRow,
    question_id: str,
    value: Any,
    outcome: QuestionOutcome = QuestionOutcome.ANSWERED,
) -> None:
    """Store a parsed answer (never the typed text) in the answers and in the question log.

    dont_know and skipped store None: the question is settled but the value stays unknown. An
    answer to the question on screen completes its log row; any other (a reused answer, one read
    from staff shorthand) gets a row of its own, so the log stays the complete record of what was
    settled and how.
    """
    outcome = QuestionOutcome(outcome)
    if outcome == QuestionOutcome.UNDONE:
        raise ValueError("use undo_last to undo an answer")
    stored = value if outcome in _KEEPS_VALUE else None
    now = utcnow()
    if row.current_question == question_id and row.current_seq is not None:
        params = {"c_id": row.id, "row_seq": row.current_seq, "v_answer": stored, "v_outcome": outcome}
        row.writes.append((_ANSWER_LOG, {**params, "v_at": now}))
        row.current_question = None
        row.current_seq = None
    else:
        _append_log(row, question_id, now, stored, outcome)
    if outcome in UNDOABLE:
        row.answered += 1
    row.answers = {**row.answers, question_id: stored}
    row.pending = {}
    _touch(row, now)


def undo_last(s: Session, row: ConsultationRow) -> str | None:
    """Take back the most recent answer given in this consultation; returns its question id."""
    save(s, row)  # the log is read below: what this step queued must be in it
    found = s.connection().execute(_LAST_UNDOABLE, {"c_id": row.id}).first()
    if found is None:
        return None
    seq, question_id = found
    row.writes.append((_UNDO_LOG, {"c_id": row.id, "row_seq": seq}))
    row.answered = max(row.answered - 1, 0)
    row.answers = {k: v for k, v in row.answers.items() if k != question_id}
    row.pending = {}
    row.current_question = None
    row.current_seq = None
    _touch(row, utcnow())
    return str(question_id)


def set_pending(row: ConsultationRow, pending: dict[str, Any]) -> None:
    row.pending = dict(pending)
    _touch(row, utcnow())


def finish(row: ConsultationRow, statuses: Mapping[str, str]) -> None:
    """Close with results: one row per programme. Finishing again replaces the earlier results."""
    bad = {pid: st for pid, st in statuses.items() if str(st) not in RESULT_STATUSES}
    if bad:
        raise ValueError(f"statuses must be one of {RESULT_STATUSES}: {bad}")
    now = utcnow()
    row.writes.append((_DELETE_RESULTS, {"c_id": row.id}))
    results = [
        {"consultation_id": row.id, "program_id": pid, "status": str(st), "created_at": now}
        for pid, st in statuses.items()
    ]
    if results:
        # One executemany: SQLite cannot return the ids of a multi-row INSERT in order, so the ORM
        # would send one INSERT … RETURNING per programme (about 40).
        row.writes.append((_INSERT_RESULTS, results))
    row.state = ConsultationState.RESULTS
    row.finished_at = now
    row.current_question = None
    row.current_seq = None
    row.pending = {}
    _touch(row, now)
