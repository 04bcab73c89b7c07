from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import repo
from storage.db import Database
from storage.models import Channel, Consultation, ConsultationState, Household, QuestionOutcome, Role, User

NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
CHAT = 9_000_000_001


def _start(s: Session, chat_id: int = CHAT, **kwargs: Any) -> Consultation:
    user = repo.ensure_user(s, chat_id)
    options: dict[str, Any] = {"channel": Channel.TELEGRAM, "language": "ko", **kwargs}
    return repo.start_consultation(s, chat_id=chat_id, user=user, **options)


def _active(s: Session, chat_id: int = CHAT) -> Consultation:
    c = repo.active_consultation(s, chat_id)
    assert c is not None
    return c


def _get(s: Session, cid: int) -> Consultation:
    c = s.get(Consultation, cid)
    assert c is not None
    return c


def _ask_and_answer(s: Session, c: Consultation, qid: str, value: Any, outcome: QuestionOutcome) -> None:
    repo.log_question(s, c, qid)
    repo.record_answer(s, c, qid, value, outcome)


def test_lifecycle_start_ask_answer_finish(db: Database) -> None:
    with db.session() as s:
        staff = repo.set_role(s, 77, Role.STAFF)
        household = repo.create_household(s, "H-0042", staff)
        c = repo.start_consultation(
            s, chat_id=CHAT, user=staff, channel=Channel.TELEGRAM, language="en", household=household
        )
        cid = c.id
        assert (c.state, c.role, c.answers, c.pending, c.version) == (
            ConsultationState.ASKING,
            Role.STAFF,
            {},
            {},
            1,
        )
    with db.session() as s:
        c = _active(s)
        assert c.id == cid
        seq = repo.log_question(s, c, "age")
        assert (seq, c.current_question, c.current_seq, c.answered) == (1, "age", 1, 0)
    with db.session() as s:
        c = _active(s)
        assert c.current_question == "age"
        repo.set_pending(s, c, {"attempts": 1})
    with db.session() as s:
        c = _active(s)
        assert c.pending == {"attempts": 1}
        repo.record_answer(s, c, "age", 72)
        repo.log_question(s, c, "household_income")
        repo.record_answer(s, c, "household_income", None, QuestionOutcome.DONT_KNOW)
        repo.log_question(s, c, "lives_alone")
        repo.record_answer(s, c, "lives_alone", True, QuestionOutcome.SKIPPED)  # skipped keeps no value
    with db.session() as s:
        c = _active(s)
        assert c.answers == {"age": 72, "household_income": None, "lives_alone": None}
        assert c.pending == {}  # an answer ends any half-made selection
        assert c.current_question is None
        repo.finish(
            s, c, {"basic_pension": "eligible", "livelihood_benefit": "unknown", "medical_aid": "ineligible"}
        )
    with db.session() as s:
        assert repo.active_consultation(s, CHAT) is None
        latest = repo.latest_consultation(s, CHAT)
        assert latest is not None and latest.id == cid
        c = latest
        assert c.state is ConsultationState.RESULTS
        assert c.finished_at is not None and c.finished_at >= c.started_at
        assert {(r.program_id, r.status) for r in c.results} == {
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
        assert c.version > 1


def test_finish_refuses_unknown_statuses_and_replaces_earlier_results(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        with pytest.raises(ValueError, match="maybe"):
            repo.finish(s, c, {"basic_pension": "maybe"})
        assert c.state is ConsultationState.ASKING
        repo.finish(s, c, {"basic_pension": "unknown", "medical_aid": "unknown"})
        repo.finish(s, c, {"basic_pension": "eligible"})
        cid = c.id
    with db.session() as s:
        c = _get(s, cid)
        assert [(r.program_id, r.status) for r in c.results] == [("basic_pension", "eligible")]


def test_start_cancels_the_chats_consultation_still_asking_only(db: Database) -> None:
    with db.session() as s:
        first = _start(s)
        other_chat = _start(s, chat_id=CHAT + 1)
        second = _start(s, scope_kind="domain", scope_value="housing")
        assert first.state is ConsultationState.CANCELLED and first.finished_at is not None
        assert other_chat.state is ConsultationState.ASKING
        ids = first.id, second.id, other_chat.id
    with db.session() as s:
        active = repo.active_consultation(s, CHAT)
        assert active is not None and active.id == ids[1]
        assert (active.scope_kind, active.scope_value) == ("domain", "housing")
        old = s.get(Consultation, ids[0])
        assert old is not None and old.state is ConsultationState.CANCELLED
        other = repo.active_consultation(s, CHAT + 1)
        assert other is not None and other.id == ids[2]


def test_cancel_leaves_no_active_consultation_but_keeps_it_as_latest(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        repo.log_question(s, c, "age")
        repo.cancel(s, c)
    with db.session() as s:
        assert repo.active_consultation(s, CHAT) is None
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
        c = _get(s, cid)
        assert c.answers == {"age": 70, "region": "seoul"}
        assert repo.question_log(s, cid) == []


def test_undo_walks_back_over_given_answers(db: Database) -> None:
    with db.session() as s:
        c = _start(s, answers={"region": "seoul"})
        repo.record_answer(s, c, "region", "seoul", QuestionOutcome.REUSED)
        _ask_and_answer(s, c, "age", 70, QuestionOutcome.ANSWERED)
        _ask_and_answer(s, c, "assets", None, QuestionOutcome.DONT_KNOW)
        cid = c.id
    with db.session() as s:
        c = _active(s)
        repo.set_pending(s, c, {"selected": ["job_loss"]})
        assert repo.undo_last(s, c) == "assets"
        assert c.answers == {"region": "seoul", "age": 70}
        assert c.pending == {}
    with db.session() as s:
        c = _active(s)
        assert c.answers == {"region": "seoul", "age": 70}
        # Re-asked after undo: the new log row is filled, the undone one keeps its history.
        repo.log_question(s, c, "assets")
        repo.record_answer(s, c, "assets", 50_000_000)
    with db.session() as s:
        c = _active(s)
        assert repo.undo_last(s, c) == "assets"
        assert repo.undo_last(s, c) == "age"
        assert repo.undo_last(s, c) is None  # reused answers were not given here: nothing left to undo
        assert c.answers == {"region": "seoul"}
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
        repo.log_question(s, c, "age")
        repo.log_question(s, c, "age")  # asked again, e.g. after an unparseable reply
        repo.record_answer(s, c, "age", 45)
        log = repo.question_log(s, c.id)
        assert [(q.seq, q.answer, q.outcome) for q in log] == [
            (1, None, None),
            (2, 45, QuestionOutcome.ANSWERED),
        ]


def test_record_answer_refuses_undone_outcome(db: Database) -> None:
    with pytest.raises(ValueError), db.session() as s:
        c = _start(s)
        repo.record_answer(s, c, "age", 1, QuestionOutcome.UNDONE)


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
        c = _get(s, cid)
        assert c.answers == answers
        assert c.answers["lives_alone"] is True and c.answers["has_spouse"] is False
        assert type(c.answers["age"]) is int
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
        repo.log_question(s, c, "age")
        cid = c.id
    first, second = Session(db.engine), Session(db.engine)
    try:
        c1 = first.get(Consultation, cid)
        c2 = second.get(Consultation, cid)
        assert c1 is not None and c2 is not None
        assert c1.questions and c2.questions  # both have the full state loaded
        repo.record_answer(first, c1, "age", 70)
        first.commit()
        repo.record_answer(second, c2, "age", 71)
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    with db.session() as s:
        c = _get(s, cid)
        assert c.answers == {"age": 70}  # the first answer was not lost
        assert [q.answer for q in repo.question_log(s, cid)] == [70]


def test_optimistic_locking_through_database_sessions(db: Database) -> None:
    with db.session() as s:
        cid = _start(s).id
    with db.session() as outer:
        stale = outer.get(Consultation, cid)
        assert stale is not None
        with db.session() as inner:
            fresh = inner.get(Consultation, cid)
            assert fresh is not None
            repo.set_pending(inner, fresh, {"selected": ["disaster"]})
        with pytest.raises(StaleDataError):
            repo.set_pending(outer, stale, {"selected": ["abuse_or_violence"]})
            outer.flush()
        outer.rollback()
    with db.session() as s:
        c = _get(s, cid)
        assert c.pending == {"selected": ["disaster"]}


def _finished(
    s: Session, household: Household, user: User, answers: dict[str, Any], finished_at: dt.datetime
) -> Consultation:
    c = repo.start_consultation(
        s,
        chat_id=CHAT,
        user=user,
        channel=Channel.TELEGRAM,
        language="ko",
        household=household,
        answers=answers,
    )
    repo.finish(s, c, {})
    c.finished_at = finished_at
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
            household=home,
            answers={"age": 99},
        )
        repo.cancel(s, cancelled)
        repo.start_consultation(
            s,
            chat_id=CHAT,
            user=staff,
            channel=Channel.TELEGRAM,
            language="ko",
            household=home,
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
                s, chat_id=CHAT, user=staff, channel=Channel.CONSOLE, language="ko", household=home
            )
            _ask_and_answer(s, c, "age", age, QuestionOutcome.ANSWERED)
            repo.finish(s, c, {"basic_pension": "eligible"})
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
        repo.log_question(s, c, "crisis")
        repo.set_pending(s, c, {"selected": ["job_loss"], "attempts": 2})
    other = Database(db.engine.url)
    try:
        with other.session() as s:
            c = _active(s)
            assert (c.current_question, c.answers, c.pending) == (
                "crisis",
                {"age": 33},
                {"selected": ["job_loss"], "attempts": 2},
            )
            assert [q.question_id for q in c.questions] == ["age", "crisis"]
    finally:
        other.dispose()


def test_two_writers_asking_at_once_cannot_both_log(db: Database) -> None:
    """Two processes both logging the next question: the loser fails (the seq's unique key or the
    version check, whichever it meets first), the route retries it, and nothing of it is stored."""
    with db.session() as s:
        cid = _start(s).id
    first, second = Session(db.engine), Session(db.engine)
    try:
        c1, c2 = first.get(Consultation, cid), second.get(Consultation, cid)
        assert c1 is not None and c2 is not None
        repo.log_question(first, c1, "age")
        first.commit()
        with pytest.raises((StaleDataError, IntegrityError)):
            repo.log_question(second, c2, "region")
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    with db.session() as s:
        assert [q.question_id for q in repo.question_log(s, cid)] == ["age"]


def _counters_match_the_log(s: Session, c: Consultation) -> None:
    """What the row's counters stand in for, read the slow way from the log itself."""
    log = repo.question_log(s, c.id)
    assert c.last_seq == max((q.seq for q in log), default=0)
    given = (QuestionOutcome.ANSWERED, QuestionOutcome.DONT_KNOW, QuestionOutcome.SKIPPED)
    assert c.answered == sum(1 for q in log if q.outcome in given)
    on_screen = [q for q in log if q.seq == c.current_seq]
    if c.current_question is None:
        assert c.current_seq is None
    else:
        assert [(q.question_id, q.outcome) for q in on_screen] == [(c.current_question, None)]


def test_counters_on_the_row_agree_with_the_log_through_every_kind_of_step(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        repo.record_answer(s, c, "region", "seoul", QuestionOutcome.REUSED)
        _counters_match_the_log(s, c)
        assert (c.answered, c.last_seq) == (0, 1)  # a reused answer is not one the person gave
        repo.log_question(s, c, "age")
        _counters_match_the_log(s, c)
        repo.record_answer(s, c, "age", 70)
        repo.log_question(s, c, "assets")
        _counters_match_the_log(s, c)
        cid = c.id
    with db.session() as s:  # a later update, as the next button press would be
        c = _get(s, cid)
        assert repo.undo_last(s, c) == "age"
        _counters_match_the_log(s, c)
        repo.log_question(s, c, "age")
        _counters_match_the_log(s, c)
        assert c.answered == 0  # back at the first question: it is question 1 again
        repo.record_answer(s, c, "crisis", ["job_loss"])  # not the question on screen: a row of its own
        _counters_match_the_log(s, c)
        assert c.current_question == "age"
        repo.record_answer(s, c, "age", 71)
        _counters_match_the_log(s, c)
        repo.finish(s, c, {"basic_pension": "eligible"})
        _counters_match_the_log(s, c)
    with db.session() as s:
        c = _get(s, cid)
        assert [(q.question_id, q.answer, q.outcome) for q in repo.question_log(s, cid)] == [
            ("region", "seoul", QuestionOutcome.REUSED),
            ("age", 70, QuestionOutcome.UNDONE),
            ("assets", None, None),
            ("age", 71, QuestionOutcome.ANSWERED),
            ("crisis", ["job_loss"], QuestionOutcome.ANSWERED),
        ]
        assert c.answers == {"region": "seoul", "crisis": ["job_loss"], "age": 71}


def test_a_question_list_read_earlier_in_the_session_shows_rows_written_since(db: Database) -> None:
    with db.session() as s:
        c = _start(s)
        assert c.questions == []
        repo.log_question(s, c, "age")
        assert [q.question_id for q in c.questions] == ["age"]
        repo.record_answer(s, c, "age", 70)
        assert [q.answer for q in c.questions] == [70]
        repo.finish(s, c, {"basic_pension": "eligible"})
        assert [r.program_id for r in c.results] == ["basic_pension"]
