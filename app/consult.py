"""The consultation service: advances a stored consultation with the knowledge engine.

Channels call these functions inside one database session and render what comes back; nothing
here knows about Telegram. A consultation's whole state is its row, so any process can serve
any chat and a restart loses nothing. Each function that changes a consultation saves it before
returning (storage.steps.save): one burst of writes per step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from knowledge.household import FactsError
from knowledge.manual import Manual
from knowledge.model import Question, QuestionType
from knowledge.parsing import parse_who_answer
from knowledge.questioning import candidates, next_question
from knowledge.screener import Screener, Verdict
from knowledge.text import Lang
from knowledge.understanding import Understood, understand
from storage import repo, steps
from storage.models import Channel, Consultation, ConsultationState, QuestionOutcome, User
from storage.repo import Caller
from storage.steps import ConsultationRow

MAX_FAILS = 3
T = TypeVar("T")


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
    consultation: ConsultationRow
    question: Question
    number: int
    selected: tuple[str, ...] = ()
    error: str | None = None
    fails: int = 0
    people: tuple[tuple[str, str], ...] = ()  # who questions: (handle, relation) of everyone listed but self
    understood: tuple[tuple[str, Any], ...] = ()  # what the last typed message was read as, said back
    note: str | None = None  # a catalogue key explaining that reading

    @property
    def offer_way_out(self) -> bool:
        """After three failed tries, offer skip or help instead of looping on the same question."""
        return self.fails >= MAX_FAILS


@dataclass(frozen=True)
class Done:
    consultation: ConsultationRow
    verdicts: dict[str, Verdict]
    answered: int


@dataclass(frozen=True)
class Stale:
    """A button from an earlier question or consultation was pressed."""

    consultation: ConsultationRow | None


@dataclass
class Outcome:
    step: Ask | Done | Stale
    notices: list[str] = field(default_factory=list)


def consult_date(c: Consultation | ConsultationRow) -> dt.date:
    return c.started_at.date() if c.started_at else dt.date.today()


def scope_of(c: Consultation | ConsultationRow) -> Scope:
    return Scope(c.scope_kind or "all", c.scope_value)


def verdicts_for(screener: Screener, c: Consultation | ConsultationRow) -> dict[str, Verdict]:
    return screener.screen(c.answers, consult_date(c), scope_of(c).programs(screener.manual))


def start(
    s: Session,
    screener: Screener,
    *,
    chat_id: int,
    user: User | Caller,
    channel: Channel,
    language: Lang,
    scope: Scope,
    household_id: int | None = None,
    reuse: dict[str, Any] | None = None,
    told: dict[str, Any] | None = None,
) -> Ask | Done:
    """A new consultation; `reuse` are a household's earlier answers, `told` the facts a resident's
    first message stated (kept where they fit together, and said back with the first question)."""
    c = _new(
        s,
        chat_id=chat_id,
        user=user,
        channel=channel,
        language=language,
        scope=scope,
        household_id=household_id,
    )
    for qid, value in (reuse or {}).items():
        if qid in screener.manual.questions:
            steps.record_answer(c, qid, value, QuestionOutcome.REUSED)
    said: list[tuple[str, Any]] = []
    for qid, value in (told or {}).items():
        if qid in screener.manual.questions and qid not in c.answers and _fits(screener, c, {qid: value}):
            steps.record_answer(c, qid, value, QuestionOutcome.ANSWERED)
            said.append((qid, value))
    step = advance(screener, c)
    if said and isinstance(step, Ask):
        steps.set_pending(c, {"understood": said})
        step = current(screener, c)
    return _saved(s, c, step)


def _new(
    s: Session,
    *,
    chat_id: int,
    user: User | Caller,
    channel: Channel,
    language: Lang,
    scope: Scope,
    household_id: int | None = None,
) -> ConsultationRow:
    return repo.start_consultation(
        s,
        chat_id=chat_id,
        user=user,
        channel=channel,
        language=language.value,
        scope_kind=scope.kind,
        scope_value=scope.value,
        household_id=household_id,
    )


def _saved(s: Session, c: ConsultationRow, step: T) -> T:
    steps.save(s, c)
    return step


def advance(screener: Screener, c: ConsultationRow) -> Ask | Done:
    """Ask the question that settles the most, or finish when nothing left can be settled."""
    manual = screener.manual
    programs = scope_of(c).programs(manual)
    qid = next_question(screener, c.answers, consult_date(c), programs)
    if qid is None:
        verdicts = screener.screen(c.answers, consult_date(c), programs)
        steps.finish(c, {pid: v.status.value for pid, v in verdicts.items()})
        answered = sum(1 for v in c.answers.values() if v is not None)
        return Done(c, verdicts, answered)
    steps.log_question(c, qid)
    return current(screener, c)


def current(screener: Screener, c: ConsultationRow) -> Ask:
    assert c.current_question is not None
    question = screener.manual.questions[c.current_question]
    return Ask(
        c,
        question,
        c.answered + 1,
        tuple(c.pending.get("selected", ())),
        fails=int(c.pending.get("fails", 0)),
        people=_people(screener, c) if question.type == QuestionType.WHO else (),
        understood=tuple((str(k), v) for k, v in c.pending.get("understood", ())),
        note=c.pending.get("note"),
    )


def _people(screener: Screener, c: ConsultationRow) -> tuple[tuple[str, str], ...]:
    try:
        household = screener.household(c.answers, consult_date(c))
    except FactsError:
        return ()
    return tuple((p.handle, p.relation) for p in household.people[1:])


def _contradiction(screener: Screener, c: ConsultationRow) -> str | None:
    """What is wrong when the answers so far cannot all be true (asked again rather than stored)."""
    try:
        screener.household(c.answers, consult_date(c))
    except FactsError as exc:
        return "; ".join(exc.problems)
    return None


def _record(
    s: Session,
    screener: Screener,
    c: ConsultationRow,
    qid: str,
    value: Any,
    outcome: QuestionOutcome,
    lang: Lang,
) -> Ask | Done:
    """Store an answer and go on; an answer that contradicts earlier ones is refused and asked again."""
    before = dict(c.answers)
    c.answers = {**c.answers, qid: value}
    problem = _contradiction(screener, c)
    c.answers = before
    if problem is not None:
        ask = current(screener, c)
        from knowledge.parsing import message

        error = message("contradiction", lang)
        return _saved(
            s, c, Ask(ask.consultation, ask.question, ask.number, ask.selected, error, ask.fails, ask.people)
        )
    steps.record_answer(c, qid, value, outcome)
    return _saved(s, c, advance(screener, c))


def answer_text(s: Session, screener: Screener, c: ConsultationRow, text: str, lang: Lang) -> Ask | Done:
    """A typed answer: the question's value and whatever else the message states, said back."""
    question = screener.manual.questions[c.current_question or ""]
    if question.type == QuestionType.WHO:
        read = Understood(parse_who_answer(text, list(_people(screener, c)), lang))
    else:
        read = understand(screener.manual, question, text, c.answers, lang)
    parsed = read.result
    if not parsed.ok:
        fails = int(c.pending.get("fails", 0)) + 1
        steps.set_pending(c, {**c.pending, "fails": fails})
        ask = current(screener, c)
        retry = Ask(ask.consultation, ask.question, ask.number, ask.selected, parsed.error, fails, ask.people)
        return _saved(s, c, retry)
    outcome = QuestionOutcome.DONT_KNOW if parsed.dont_know else QuestionOutcome.ANSWERED
    if not _fits(screener, c, {question.id: parsed.value}):
        return _record(s, screener, c, question.id, parsed.value, outcome, lang)  # says what clashes
    steps.record_answer(c, question.id, parsed.value, outcome)
    said: list[tuple[str, Any]] = [(question.id, c.answers.get(question.id))]
    for other, value in read.also.items():
        # Other facts the message states, each kept only if it fits everything known so far.
        known = other in c.answers or other not in screener.manual.questions
        if not known and _fits(screener, c, {other: value}):
            steps.record_answer(c, other, value, QuestionOutcome.ANSWERED)
            said.append((other, value))
    step = advance(screener, c)
    if isinstance(step, Ask):
        steps.set_pending(c, {"understood": said, **({"note": read.note} if read.note else {})})
        step = current(screener, c)
    return _saved(s, c, step)


def _fits(screener: Screener, c: ConsultationRow, facts: dict[str, Any]) -> bool:
    before = c.answers
    c.answers = {**before, **facts}
    try:
        return _contradiction(screener, c) is None
    finally:
        c.answers = before


def answer_value(
    s: Session, screener: Screener, c: ConsultationRow, qid: str, value: Any, lang: Lang = Lang.KO
) -> Ask | Done | Stale:
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    return _record(s, screener, c, qid, value, QuestionOutcome.ANSWERED, lang)


def toggle(s: Session, screener: Screener, c: ConsultationRow, qid: str, choice: str) -> Ask | Stale:
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    question = screener.manual.questions[qid]
    selected = list(c.pending.get("selected", []))
    if question.type == QuestionType.MEMBERS:
        # Each press adds one person; pressing the last one added again takes it back.
        selected.append(choice)
    elif choice in selected:
        selected.remove(choice)
    else:
        selected.append(choice)
    if question.type != QuestionType.MEMBERS:
        order = [ch.value for ch in question.choices] or [h for h, _ in _people(screener, c)]
        selected = sorted(selected, key=lambda v: order.index(v) if v in order else len(order))
    steps.set_pending(c, {**c.pending, "selected": selected})
    return _saved(s, c, current(screener, c))


def untoggle(s: Session, screener: Screener, c: ConsultationRow, qid: str) -> Ask | Stale:
    """Take back the last person added to a members answer."""
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    selected = list(c.pending.get("selected", []))[:-1]
    steps.set_pending(c, {**c.pending, "selected": selected})
    return _saved(s, c, current(screener, c))


def finish_multi(
    s: Session, screener: Screener, c: ConsultationRow, qid: str, lang: Lang = Lang.KO
) -> Ask | Done | Stale:
    selected = list(c.pending.get("selected", []))
    return answer_value(s, screener, c, qid, selected, lang)


def skip(s: Session, screener: Screener, c: ConsultationRow, qid: str) -> Ask | Done | Stale:
    if c.state != ConsultationState.ASKING or c.current_question != qid:
        return Stale(c)
    steps.record_answer(c, qid, None, QuestionOutcome.DONT_KNOW)
    return _saved(s, c, advance(screener, c))


def back(s: Session, screener: Screener, c: ConsultationRow) -> Ask | Done | Stale:
    """Undo the last answer and ask that question again."""
    if c.state != ConsultationState.ASKING:
        return Stale(c)
    # One message may have settled several questions ("혼자 살아요"): back takes them all back.
    together = max(len(c.pending.get("understood", ())), 1)
    qid = None
    for _ in range(together):
        qid = steps.undo_last(s, c) or qid
    if qid is None:
        return current(screener, c)
    if qid not in screener.manual.questions:
        # A fact from /check's shorthand (독거, 자가 …) has no question of its own: it is taken back
        # and whatever is needed next is asked.
        return _saved(s, c, advance(screener, c))
    # The question on screen keeps its log row without an answer: it was asked, not answered.
    steps.log_question(c, qid)
    return _saved(s, c, current(screener, c))


@dataclass(frozen=True)
class QuickCheck:
    consultation: ConsultationRow
    verdicts: dict[str, Verdict]
    missing: list[str]  # questions that would settle most, best first
    unparsed: list[str]


def quick_check(
    s: Session,
    screener: Screener,
    *,
    chat_id: int,
    user: User | Caller,
    channel: Channel,
    language: Lang,
    text: str,
) -> QuickCheck:
    """Verdicts at once from one line of staff shorthand; the consultation waits for a chosen question."""
    from knowledge.shorthand import parse_shorthand

    manual = screener.manual
    parsed = parse_shorthand(text, manual)
    c = _new(s, chat_id=chat_id, user=user, channel=channel, language=language, scope=Scope())
    unparsed = list(parsed.unparsed)
    for qid, value in parsed.answers.items():
        c.answers = {**c.answers, qid: value}
        if _contradiction(screener, c) is not None:
            # Two words that cannot both be true ("1인 … 배우자"): keep the first, show the second.
            c.answers = {k: v for k, v in c.answers.items() if k != qid}
            unparsed.append(parsed.words.get(qid, qid))
            continue
        c.answers = {k: v for k, v in c.answers.items() if k != qid}
        steps.record_answer(c, qid, value, QuestionOutcome.ANSWERED)
    steps.save(s, c)
    scores = candidates(screener, c.answers, consult_date(c))
    order = {qid: i for i, qid in enumerate(manual.questions)}
    missing = sorted(scores, key=lambda q: (-round(scores[q], 9), order[q]))
    return QuickCheck(c, verdicts_for(screener, c), missing, unparsed)


def ask(s: Session, screener: Screener, c: ConsultationRow, qid: str) -> Ask | Stale:
    """Ask one particular question now (staff chose it from what is still missing)."""
    if c.state != ConsultationState.ASKING or qid not in screener.manual.questions or qid in c.answers:
        return Stale(c)
    steps.log_question(c, qid)
    return _saved(s, c, current(screener, c))


def is_typed(question: Question) -> bool:
    return question.type in (QuestionType.INT, QuestionType.MONEY, QuestionType.INT_LIST)
