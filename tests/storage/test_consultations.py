from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import repo, steps
from storage.db import Database
from storage.models import Channel, Consultation, ConsultationState, Household, QuestionOutcome, Role, User
from storage.steps import ConsultationRow

NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
CHAT = 9_000_000_001


def _start(s: Session, chat_id: int = CHAT, **kwargs: Any) -> ConsultationRow:
    user = repo.ensure_user(s, chat_id)
    options: dict[str, Any] = {"channel": Channel.TELEGRAM, "language": "ko", **kwargs}
    return repo.start_consultation(s, chat_id=chat_id, user=user, **options)


def _active(s: Session, chat_id: int = CHAT) -> ConsultationRow:
    c = steps.active(s, chat_id)
    assert c is not None
    return c


def _get(s: Session, cid: int) -> Consultation:
    c = s.get(Consultation, cid)
    assert c is not None
    return c


def _ask_and_answer(s: Session, c: ConsultationRow, qid: str, value: Any, outcome: QuestionOutcome) -> None:
    steps.log_question(c, qid)
    steps.record_answer(c, qid, value, outcome)
    steps.save(s, c)


def test_lifecycle_start_ask_answer_finish(db: Database) -> None:
    with db.session() as s:
        staff = repo.set_role(s, 77, Role.STAFF)
        household = repo.create_household(s, "H-0042", staff)
        created = repo.start_consultation(
            s, chat_id=CHAT, user=staff, channel=Channel.TELEGRAM, language="en", household_id=household.id
        )
        cid = created.id
        assert (created.state, created.role, created.answers, created.pending, created.version) == (
            ConsultationState.ASKING,
            Role.STAFF,
            {},
            {},
            1,
        )
    with db.session() as s:
        c = _active(s)
        assert c.id == cid
        seq = steps.log_question(c, "age")
        assert (seq, c.current_question, c.current_seq, c.answered) == (1, "age", 1, 0)
        steps.save(s, c)
    with db.session() as s:
        c = _active(s)
        assert c.current_question == "age"
        steps.set_pending(c, {"attempts": 1})
        steps.save(s, c)
    with db.session() as s:
        c = _active(s)
        assert c.pending == {"attempts": 1}
        steps.record_answer(c, "age", 72)
        steps.log_question(c, "household_income")
        steps.record_answer(c, "household_income", None, QuestionOutcome.DONT_KNOW)
        steps.log_question(c, "lives_alone")
        steps.record_answer(c, "lives_alone", True, QuestionOutcome.SKIPPED)  # skipped keeps no value
        steps.save(s, c)
    with db.session() as s:
        c = _active(s)
        assert c.answers == {"age": 72, "household_income": None, "lives_alone": None}
        assert c.pending == {}  # an answer ends any half-made selection
        assert c.current_question is None
        statuses = {"basic_pension": "eligible", "livelihood_benefit": "unknown", "medical_aid": "ineligible"}
        steps.finish(c, statuses)
        steps.save(s, c)
    with db.session() as s:
        assert steps.active(s, CHAT) is None
        latest = repo.latest_consultation(s, CHAT)
        assert latest is not None and latest.id == cid
        assert latest.state is ConsultationState.RESULTS
        assert latest.finished_at is not None and latest.finished_at >= latest.started_at
        assert {(r.program_id, r.status) for r in latest.results} == {
            ("basic_pension", "eligible"),
            ("livelihood_benefit", "unknown"),
            ("medical_aid", "ineligible"),
        }
        log = repo.question_log(s, cid)
        assert [(q.seq, q.question_id, q.answer, q.outcome) for q in log] == [
            (1, "age", 72, QuestionOutcome.ANSWERED),
            (2, "household_income", None, QuestionOutcome.DONT_KNOW),
            (3, "lives_alone", None, QuestionOutcome.SKIPPED),
        ]
        assert all(q.answered_at is not None and q.answered_at >= q.asked_at for q in log)
        assert latest.version > 1


def test_finish_refuses_unknown_statuses_and_replaces_earlier_results(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        with pytest.raises(ValueError, match="maybe"):
            steps.finish(c, {"basic_pension": "maybe"})
        assert c.state is ConsultationState.ASKING
        steps.finish(c, {"basic_pension": "unknown", "medical_aid": "unknown"})
        steps.save(s, c)
        steps.finish(c, {"basic_pension": "eligible"})
        steps.save(s, c)
        cid = c.id
    with db.session() as s:
        saved = _get(s, cid)
        assert [(r.program_id, r.status) for r in saved.results] == [("basic_pension", "eligible")]


def test_start_cancels_the_chats_consultation_still_asking_only(db: Database) -> None:
    with db.session() as s:
        first = _start(s)
        other_chat = _start(s, chat_id=CHAT + 1)
        loaded = _get(s, first.id)  # an ORM copy held when the next start cancels the row
        before = loaded.state
        second = _start(s, scope_kind="domain", scope_value="housing")
        assert before is ConsultationState.ASKING
        assert loaded.state is ConsultationState.CANCELLED and loaded.finished_at is not None
        assert (loaded.version, loaded.pending, loaded.current_question) == (2, {}, None)
        assert _get(s, other_chat.id).state is ConsultationState.ASKING
        ids = first.id, second.id, other_chat.id
    with db.session() as s:
        active = steps.active(s, CHAT)
        assert active is not None and active.id == ids[1]
        assert (active.scope_kind, active.scope_value) == ("domain", "housing")
        old = s.get(Consultation, ids[0])
        assert old is not None and old.state is ConsultationState.CANCELLED
        other = steps.active(s, CHAT + 1)
        assert other is not None and other.id == ids[2]


def test_cancel_leaves_no_active_consultation_but_keeps_it_as_latest(db: Database) -> None:
    with db.session() as s:
        row = _start(s)
        steps.log_question(row, "age")
        steps.save(s, row)
        c = repo.get_consultation(s, row.id)
        assert c is not None and c.current_question == "age"  # the ORM copy was refreshed
        assert steps.cancel_asking(s, CHAT)
        assert c.state is ConsultationState.CANCELLED  # and expired again by the cancel
        assert not steps.cancel_asking(s, CHAT)  # nothing left asking
    with db.session() as s:
        assert steps.active(s, CHAT) is None
        latest = repo.latest_consultation(s, CHAT)
        assert latest is not None and latest.state is ConsultationState.CANCELLED
        assert latest.current_question is None
        assert repo.latest_consultation(s, CHAT + 5) is None


@pytest.mark.parametrize(
    ("kind", "value"), [("everything", None), ("all", "housing"), ("domain", None), ("program", None)]
)
def test_scope_must_be_consistent(db: Database, kind: str, value: str | None) -> None:
    with pytest.raises(ValueError), db.session() as s:
        _start(s, scope_kind=kind, scope_value=value)


def test_get_consultation(db: Database) -> None:
    with db.session() as s:
        cid = _start(s).id
    with db.session() as s:
        found = repo.get_consultation(s, cid)
        assert found is not None and found.chat_id == CHAT
        assert repo.get_consultation(s, cid + 1000) is None


def test_prefilled_answers(db: Database) -> None:
    with db.session() as s:
        c = _start(s, answers={"age": 70, "region": "seoul"})
        cid = c.id
    with db.session() as s:
        saved = _get(s, cid)
        assert saved.answers == {"age": 70, "region": "seoul"}
        assert repo.question_log(s, cid) == []


def test_undo_walks_back_over_given_answers(db: Database) -> None:
    with db.session() as s:
        c = _start(s, answers={"region": "seoul"})
        steps.record_answer(c, "region", "seoul", QuestionOutcome.REUSED)
        _ask_and_answer(s, c, "age", 70, QuestionOutcome.ANSWERED)
        _ask_and_answer(s, c, "assets", None, QuestionOutcome.DONT_KNOW)
        cid = c.id
    with db.session() as s:
        c = _active(s)
        steps.set_pending(c, {"selected": ["job_loss"]})
        assert steps.undo_last(s, c) == "assets"
        assert c.answers == {"region": "seoul", "age": 70}
        assert c.pending == {}
        steps.save(s, c)
    with db.session() as s:
        c = _active(s)
        assert c.answers == {"region": "seoul", "age": 70}
        # Re-asked after undo: the new log row is filled, the undone one keeps its history.
        steps.log_question(c, "assets")
        steps.record_answer(c, "assets", 50_000_000)
        steps.save(s, c)
    with db.session() as s:
        c = _active(s)
        assert steps.undo_last(s, c) == "assets"
        assert steps.undo_last(s, c) == "age"
        assert steps.undo_last(s, c) is None  # reused answers were not given here: nothing left to undo
        assert c.answers == {"region": "seoul"}
        steps.save(s, c)
    with db.session() as s:
        log = repo.question_log(s, cid)
        assert [(q.seq, q.question_id, q.outcome) for q in log] == [
            (1, "region", QuestionOutcome.REUSED),
            (2, "age", QuestionOutcome.UNDONE),
            (3, "assets", QuestionOutcome.UNDONE),
            (4, "assets", QuestionOutcome.UNDONE),
        ]
        assert log[3].answer == 50_000_000


def test_record_answer_fills_the_latest_unanswered_row_of_that_question(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        steps.log_question(c, "age")
        steps.log_question(c, "age")  # asked again, e.g. after an unparseable reply
        steps.record_answer(c, "age", 45)
        steps.save(s, c)
        log = repo.question_log(s, c.id)
        assert [(q.seq, q.answer, q.outcome) for q in log] == [
            (1, None, None),
            (2, 45, QuestionOutcome.ANSWERED),
        ]


def test_record_answer_refuses_undone_outcome(db: Database) -> None:
    with pytest.raises(ValueError), db.session() as s:
        c = _start(s)
        steps.record_answer(c, "age", 1, QuestionOutcome.UNDONE)


def test_json_answers_round_trip(db: Database) -> None:
    answers: dict[str, Any] = {
        "age": 67,
        "household_income": 12_345_678_901,  # beyond 32 bits
        "lives_alone": True,
        "has_spouse": False,
        "crisis": ["job_loss", "utility_cut"],
        "children_ages": [0, 3, 17],
        "welfare_status": [],
        "pregnant": None,
        "region": "서울",
    }
    with db.session() as s:
        c = _start(s)
        for qid, value in answers.items():
            _ask_and_answer(s, c, qid, value, QuestionOutcome.ANSWERED)
        cid = c.id
    with db.session() as s:
        saved = _get(s, cid)
        assert saved.answers == answers
        assert saved.answers["lives_alone"] is True and saved.answers["has_spouse"] is False
        assert type(saved.answers["age"]) is int
        log = {q.question_id: q.answer for q in repo.question_log(s, cid)}
        assert log == answers
        assert log["children_ages"] == [0, 3, 17]
    # None answers are SQL NULL, not the JSON text 'null', so "IS NULL" queries find them.
    with db.engine.connect() as connection:
        nulls = connection.exec_driver_sql(
            "SELECT question_id FROM consultation_questions WHERE answer IS NULL"
        ).scalars()
        assert list(nulls) == ["pregnant"]


def test_optimistic_locking_rejects_the_second_writer(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        steps.log_question(c, "age")
        steps.save(s, c)
        cid = c.id
    first, second = Session(db.engine), Session(db.engine)
    try:
        c1, c2 = steps.load(first, cid), steps.load(second, cid)
        assert c1 is not None and c2 is not None
        steps.record_answer(c1, "age", 70)
        steps.save(first, c1)
        first.commit()
        steps.record_answer(c2, "age", 71)
        with pytest.raises(StaleDataError):
            steps.save(second, c2)
        second.rollback()
    finally:
        first.close()
        second.close()
    with db.session() as s:
        saved = _get(s, cid)
        assert saved.answers == {"age": 70}  # the first answer was not lost
        assert [q.answer for q in repo.question_log(s, cid)] == [70]


def test_optimistic_locking_through_database_sessions(db: Database) -> None:
    with db.session() as s:
        cid = _start(s).id
    with db.session() as outer:
        stale = steps.load(outer, cid)
        assert stale is not None
        with db.session() as inner:
            fresh = steps.load(inner, cid)
            assert fresh is not None
            steps.set_pending(fresh, {"selected": ["disaster"]})
            steps.save(inner, fresh)
        steps.set_pending(stale, {"selected": ["abuse_or_violence"]})
        with pytest.raises(StaleDataError):
            steps.save(outer, stale)
        outer.rollback()
    with db.session() as s:
        c = _get(s, cid)
        assert c.pending == {"selected": ["disaster"]}


def _finished(
    s: Session, household: Household, user: User, answers: dict[str, Any], finished_at: dt.datetime
) -> ConsultationRow:
    c = repo.start_consultation(
        s,
        chat_id=CHAT,
        user=user,
        channel=Channel.TELEGRAM,
        language="ko",
        household_id=household.id,
        answers=answers,
    )
    steps.finish(c, {})
    c.finished_at = finished_at
    steps.save(s, c)
    return c


def test_reusable_answers_take_the_latest_finished_recent_consultation(db: Database) -> None:
    with db.session() as s:
        staff = repo.set_role(s, 40, Role.STAFF)
        home = repo.create_household(s, "H-0100", staff)
        elsewhere = repo.create_household(s, "H-0101", staff)
        hid, other_id = home.id, elsewhere.id
        _finished(s, home, staff, {"age": 80, "region": "other"}, NOW - dt.timedelta(days=40))
        _finished(s, home, staff, {"age": 81, "assets": None, "crisis": []}, NOW - dt.timedelta(days=10))
        # Newer but not finished: must not be reused.
        cancelled = repo.start_consultation(
            s,
            chat_id=CHAT,
            user=staff,
            channel=Channel.TELEGRAM,
            language="ko",
            household_id=home.id,
            answers={"age": 99},
        )
        assert steps.cancel_asking(s, cancelled.chat_id)
        repo.start_consultation(
            s,
            chat_id=CHAT,
            user=staff,
            channel=Channel.TELEGRAM,
            language="ko",
            household_id=home.id,
            answers={"age": 98},
        )
        _finished(s, elsewhere, staff, {"age": 30}, NOW - dt.timedelta(days=1))
    with db.session() as s:
        assert repo.reusable_answers(s, hid, 30, now=NOW) == {"age": 81, "crisis": []}
        picked = repo.reusable_consultation(s, hid, 30, now=NOW)
        assert picked is not None and picked.finished_at == NOW - dt.timedelta(days=10)
        assert repo.reusable_answers(s, hid, 10, now=NOW) == {"age": 81, "crisis": []}  # boundary counts
        assert repo.reusable_answers(s, hid, 9, now=NOW) == {}  # latest is too old; older ones even more so
        assert repo.reusable_answers(s, other_id, 30, now=NOW) == {"age": 30}
        assert repo.reusable_answers(s, 123_456, 30, now=NOW) == {}
        with pytest.raises(ValueError):
            repo.reusable_answers(s, hid, -1, now=NOW)


def test_household_consultations_newest_first_and_eager(db: Database) -> None:
    with db.session() as s:
        staff = repo.set_role(s, 50, Role.STAFF)
        home = repo.create_household(s, "H-0200", staff)
        hid = home.id
        for age in (60, 61, 62):
            c = repo.start_consultation(
                s, chat_id=CHAT, user=staff, channel=Channel.CONSOLE, language="ko", household_id=home.id
            )
            _ask_and_answer(s, c, "age", age, QuestionOutcome.ANSWERED)
            steps.finish(c, {"basic_pension": "eligible"})
            steps.save(s, c)
        _start(s, chat_id=CHAT + 9)  # no household
    with db.session() as s:
        found = repo.household_consultations(s, hid, limit=2)
    # Read after the session closed: only eagerly loaded relationships are available.
    assert [c.answers["age"] for c in found] == [62, 61]
    assert [[q.answer for q in c.questions] for c in found] == [[62], [61]]
    assert [[r.program_id for r in c.results] for c in found] == [["basic_pension"], ["basic_pension"]]
    with db.session() as s:
        assert len(repo.household_consultations(s, hid)) == 3


def test_state_survives_a_new_database_object(db: Database) -> None:
    """A restart, or another process, continues the consultation exactly where it was."""
    with db.session() as s:
        c = _start(s)
        _ask_and_answer(s, c, "age", 33, QuestionOutcome.ANSWERED)
        steps.log_question(c, "crisis")
        steps.set_pending(c, {"selected": ["job_loss"], "attempts": 2})
        steps.save(s, c)
    other = Database(db.engine.url)
    try:
        with other.session() as s:
            c = _active(s)
            assert (c.current_question, c.answers, c.pending) == (
                "crisis",
                {"age": 33},
                {"selected": ["job_loss"], "attempts": 2},
            )
            assert [q.question_id for q in repo.question_log(s, c.id)] == ["age", "crisis"]
    finally:
        other.dispose()


def test_two_writers_asking_at_once_cannot_both_log(db: Database) -> None:
    """Two processes both logging the next question: the loser fails (the seq's unique key or the
    version check, whichever it meets first), the route retries it, and nothing of it is stored."""
    with db.session() as s:
        cid = _start(s).id
    first, second = Session(db.engine), Session(db.engine)
    try:
        c1, c2 = steps.load(first, cid), steps.load(second, cid)
        assert c1 is not None and c2 is not None
        steps.log_question(c1, "age")
        steps.save(first, c1)
        first.commit()
        steps.log_question(c2, "region")
        with pytest.raises((StaleDataError, IntegrityError)):
            steps.save(second, c2)
        second.rollback()
    finally:
        first.close()
        second.close()
    with db.session() as s:
        assert [q.question_id for q in repo.question_log(s, cid)] == ["age"]


def _counters_match_the_log(s: Session, c: ConsultationRow) -> None:
    """What the row's counters stand in for, read the slow way from the log itself (once saved)."""
    steps.save(s, c)
    log = repo.question_log(s, c.id)
    assert c.last_seq == max((q.seq for q in log), default=0)
    given = (QuestionOutcome.ANSWERED, QuestionOutcome.DONT_KNOW, QuestionOutcome.SKIPPED)
    assert c.answered == sum(1 for q in log if q.outcome in given)
    on_screen = [q for q in log if q.seq == c.current_seq]
    if c.current_question is None:
        assert c.current_seq is None
    else:
        assert [(q.question_id, q.outcome) for q in on_screen] == [(c.current_question, None)]
    assert steps.load(s, c.id) == c  # and the row as saved is the row in memory


def test_counters_on_the_row_agree_with_the_log_through_every_kind_of_step(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        steps.record_answer(c, "region", "seoul", QuestionOutcome.REUSED)
        _counters_match_the_log(s, c)
        assert (c.answered, c.last_seq) == (0, 1)  # a reused answer is not one the person gave
        steps.log_question(c, "age")
        _counters_match_the_log(s, c)
        steps.record_answer(c, "age", 70)
        steps.log_question(c, "assets")
        _counters_match_the_log(s, c)
        cid = c.id
    with db.session() as s:  # a later update, as the next button press would be
        row = steps.load(s, cid)
        assert row is not None
        c = row
        assert steps.undo_last(s, c) == "age"
        _counters_match_the_log(s, c)
        steps.log_question(c, "age")
        _counters_match_the_log(s, c)
        assert c.answered == 0  # back at the first question: it is question 1 again
        steps.record_answer(c, "crisis", ["job_loss"])  # not the question on screen: a row of its own
        _counters_match_the_log(s, c)
        assert c.current_question == "age"
        steps.record_answer(c, "age", 71)
        _counters_match_the_log(s, c)
        steps.finish(c, {"basic_pension": "eligible"})
        _counters_match_the_log(s, c)
    with db.session() as s:
        orm = _get(s, cid)
        assert [(q.question_id, q.answer, q.outcome) for q in repo.question_log(s, cid)] == [
            ("region", "seoul", QuestionOutcome.REUSED),
            ("age", 70, QuestionOutcome.UNDONE),
            ("assets", None, None),
            ("age", 71, QuestionOutcome.ANSWERED),
            ("crisis", ["job_loss"], QuestionOutcome.ANSWERED),
        ]
        assert orm.answers == {"region": "seoul", "crisis": ["job_loss"], "age": 71}


def test_an_orm_copy_loaded_in_the_session_shows_what_was_saved_since(db: Database) -> None:
    with db.session() as s:
        row = _start(s)
        c = repo.get_consultation(s, row.id)
        assert c is not None and c.questions == []
        steps.log_question(row, "age")
        steps.save(s, row)
        assert [q.question_id for q in c.questions] == ["age"]
        steps.record_answer(row, "age", 70)
        steps.save(s, row)
        assert [q.answer for q in c.questions] == [70]
        assert (c.answers, c.version) == ({"age": 70}, row.version)
        steps.finish(row, {"basic_pension": "eligible"})
        steps.save(s, row)
        assert [r.program_id for r in c.results] == ["basic_pension"]
        assert c.state is ConsultationState.RESULTS


def test_save_writes_only_when_the_step_changed_something(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        version = c.version
        steps.save(s, c)
        assert c.version == version
        steps.set_pending(c, {"fails": 1})
        steps.save(s, c)
        assert c.version == version + 1
        steps.save(s, c)  # nothing new: no second bump
        assert c.version == version + 1
        loaded = steps.load(s, c.id)
        assert loaded is not None and (loaded.version, loaded.pending) == (version + 1, {"fails": 1})
        assert steps.load(s, c.id + 1000) is None
