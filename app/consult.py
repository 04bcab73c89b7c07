"""The consultation service: advances a stored consultation with the knowledge engine.

Channels call these functions inside one database session and render what comes back; nothing
here knows about Telegram. A consultation's whole state is its row, so any process can serve
any chat and a restart loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from knowledge.engine import Verdict, screen
from knowledge.manual import Manual
from knowledge.model import Question, QuestionType
from knowledge.parsing import parse_answer
from knowledge.questioning import candidates, next_question
from knowledge.text import Lang
from storage import repo
from storage.models import Channel, Consultation, ConsultationState, Household, QuestionOutcome, User

MAX_FAILS = 3


@dataclass(frozen=True)
class Scope:
    kind: str = "all"  # all | domain | program
    value: str | None = None

    def programs(self, manual: Manual) -> list[str]:
        if self.kind == "domain":
            return manual.programs_in(self.value)
        if self.kind == "program" and self.value in manual.programs:
            return [self.value]
        return list(manual.programs)


@dataclass(frozen=True)
class Ask:
    consultation: Consultation
    question: Question
    number: int
    selected: tuple[str, ...] = ()
    error: str | None = None
    fails: int = 0

    @property
    def offer_way_out(self) -> bool:
        """After three failed tries, offer skip or help instead of looping on the same question."""
        return self.fails >= MAX_FAILS


@dataclass(frozen=True)
class Done:
    consultation: Consultation
    verdicts: dict[str, Verdict]
    answered: int


@dataclass(frozen=True)
class Stale:
    """A button from an earlier question or consultation was pressed."""

    consultation: Consultation | None


@dataclass
class Outcome:
    step: Ask | Done | Stale
    notices: list[str] = field(default_factory=list)


def consult_date(c: Consultation) -> dt.date:
    return c.started_at.date() if c.started_at else dt.date.today()


def scope_of(c: Consultation) -> Scope:
    return Scope(c.scope_kind or "all", c.scope_value)


def verdicts_for(manual: Manual, c: Consultation) -> dict[str, Verdict]:
    return screen(manual, c.answers or {}, consult_date(c), scope_of(c).programs(manual))


def start(
    s: Session,
    manual: Manual,
    *,
    chat_id: int,
    user: User,
    channel: Channel,
    language: Lang,
    scope: Scope,
    household: Household | None = None,
    reuse: dict[str, Any] | None = None,
) -> Ask | Done:
    c = repo.start_consultation(
        s,
        chat_id=chat_id,
        user=user,
        channel=channel,
        language=language.value,
        scope_kind=scope.kind,
        scope_value=scope.value,
        household=household,
        answers=None,
    )
    for qid, value in (reuse or {}).items():
        if qid in manual.questions:
            repo.record_answer(s, c, qid, value, QuestionOutcome.REUSED)
    return advance(s, manual, c)


def advance(s: Session, manual: Manual, c: Consultation) -> Ask | Done:
    """Ask the question that settles the most, or finish when nothing left can be settled."""
    programs = scope_of(c).programs(manual)
    qid = next_question(manual, c.answers or {}, consult_date(c), programs)
    if qid is None:
        verdicts = screen(manual, c.answers or {}, consult_date(c), programs)
        repo.finish(s, c, {pid: v.status.value for pid, v in verdicts.items()})
        answered = sum(1 for v in (c.answers or {}).values() if v is not None)
        return Done(c, verdicts, answered)
    repo.log_question(s, c, qid)
    return current(manual, c)


def current(manual: Manual, c: Consultation) -> Ask:
    assert c.current_question is not None
    pending = c.pending or {}
    return Ask(
        c,
        manual.questions[c.current_question],
        (c.answered or 0) + 1,
        tuple(pending.get("selected", ())),
        fails=int(pending.get("fails", 0)),
    )


def answer_text(s: Session, manual: Manual, c: Consultation, text: str, lang: Lang) -> Ask | Done:
    question = manual.questions[c.current_question or ""]
    parsed = parse_answer(question, text, lang)
    if not parsed.ok:
        fails = int((c.pending or {}).get("fails", 0)) + 1
        repo.set_pending(s, c, {**(c.pending or {}), "fails": fails})
        ask = current(manual, c)
        return Ask(ask.consultation, ask.question, ask.number, ask.selected, parsed.error, fails)
    outcome = QuestionOutcome.DONT_KNOW if parsed.dont_know else QuestionOutcome.ANSWERED
    repo.record_answer(s, c, question.id, parsed.value, outcome)
    return advance(s, manual, c)


def answer_value(s: Session, manual: Manual, c: Consultation, qid: str, value: Any) -> Ask | Done | Stale:
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    repo.record_answer(s, c, qid, value, QuestionOutcome.ANSWERED)
    return advance(s, manual, c)


def toggle(s: Session, manual: Manual, c: Consultation, qid: str, choice: str) -> Ask | Stale:
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    selected = list((c.pending or {}).get("selected", []))
    if choice in selected:
        selected.remove(choice)
    else:
        selected.append(choice)
    order = [ch.value for ch in manual.questions[qid].choices]
    repo.set_pending(s, c, {**(c.pending or {}), "selected": sorted(selected, key=order.index)})
    return current(manual, c)


def finish_multi(s: Session, manual: Manual, c: Consultation, qid: str) -> Ask | Done | Stale:
    selected = list((c.pending or {}).get("selected", []))
    return answer_value(s, manual, c, qid, selected)


def skip(s: Session, manual: Manual, c: Consultation, qid: str) -> Ask | Done | Stale:
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    repo.record_answer(s, c, qid, None, QuestionOutcome.DONT_KNOW)
    return advance(s, manual, c)


def back(s: Session, manual: Manual, c: Consultation) -> Ask | Stale:
    """Undo the last answer and ask that question again."""
    if c.state != ConsultationState.ASKING:
        return Stale(c)
    qid = repo.undo_last(s, c)
    if qid is None:
        return current(manual, c)
    # The question on screen keeps its log row without an answer: it was asked, not answered.
    repo.log_question(s, c, qid)
    return current(manual, c)


@dataclass(frozen=True)
class QuickCheck:
    consultation: Consultation
    verdicts: dict[str, Verdict]
    missing: list[str]  # questions that would settle most, best first
    unparsed: list[str]


def quick_check(
    s: Session, manual: Manual, *, chat_id: int, user: User, channel: Channel, language: Lang, text: str
) -> QuickCheck:
    """Verdicts at once from one line of staff shorthand; the consultation waits for a chosen question."""
    from knowledge.shorthand import parse_shorthand

    parsed = parse_shorthand(text, manual)
    c = repo.start_consultation(
        s, chat_id=chat_id, user=user, channel=channel, language=language.value, scope_kind="all"
    )
    for qid, value in parsed.answers.items():
        repo.record_answer(s, c, qid, value, QuestionOutcome.ANSWERED)
    scores = candidates(manual, c.answers or {}, consult_date(c))
    order = {qid: i for i, qid in enumerate(manual.questions)}
    missing = sorted(scores, key=lambda q: (-round(scores[q], 9), order[q]))
    return QuickCheck(c, verdicts_for(manual, c), missing, list(parsed.unparsed))


def ask(s: Session, manual: Manual, c: Consultation, qid: str) -> Ask | Stale:
    """Ask one particular question now (staff chose it from what is still missing)."""
    if c.state != ConsultationState.ASKING or qid not in manual.questions or qid in (c.answers or {}):
        return Stale(c)
    repo.log_question(s, c, qid)
    return current(manual, c)


def questions_asked(c: Consultation) -> Iterable[str]:
    return [q.question_id for q in c.questions if q.outcome != QuestionOutcome.REUSED]


def is_typed(question: Question) -> bool:
    return question.type in (QuestionType.INT, QuestionType.MONEY, QuestionType.INT_LIST)
