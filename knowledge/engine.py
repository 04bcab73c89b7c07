"""Screening: the verdict of every programme for a set of answers on a consultation date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from knowledge.model import QuestionType
from knowledge.rules import Decision, Reason, Result, Rule, Tri, evaluate
from knowledge.text import Lang, pick, won

if TYPE_CHECKING:
    from knowledge.manual import Manual


class Status(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNKNOWN = "unknown"


STATUS_OF = {Tri.YES: Status.ELIGIBLE, Tri.NO: Status.INELIGIBLE, Tri.UNKNOWN: Status.UNKNOWN}


@dataclass(frozen=True, slots=True)
class Verdict:
    program: str
    status: Status
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]

    def explained(self, lang: Lang | str) -> list[tuple[Tri, str]]:
        """Reasons as (outcome, text), each said once even when two branches checked the same thing."""
        seen: set[tuple[Tri, str]] = set()
        out = []
        for reason in self.reasons:
            item = (reason.outcome, reason.text(lang))
            if item not in seen:
                seen.add(item)
                out.append(item)
        return out

    def passed(self) -> list[Reason]:
        return [r for r in self.reasons if r.outcome == Tri.YES]

    def failed(self) -> list[Reason]:
        return [r for r in self.reasons if r.outcome == Tri.NO]

    def unknown(self) -> list[Reason]:
        return [r for r in self.reasons if r.outcome == Tri.UNKNOWN]


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Evaluation:
    """Implements rules.Context for one answer set and date, memoising programme verdicts."""

    def __init__(self, manual: Manual, answers: Mapping[str, Any], as_of: dt.date) -> None:
        self.manual = manual
        self.answers = answers
        self.as_of = as_of
        self._get = answers.get  # what compiled rules read answers with: no Python frame per leaf
        self._hashable: Any = None  # answers with lists as tuples, for Manual.decision's keys
        self._results: dict[str, Result] = {}
        self._decisions: dict[str, Decision] = {}
        # One screen reads the same few parameters dozens of times; look each up once.
        self._params: dict[tuple[str, str | None], tuple[float | int | None, str | None]] = {}

    def answer(self, qid: str) -> Any:
        return self.answers.get(qid)

    def param_by(self, pid: str) -> str | None:
        return self.manual.parameters[pid].by

    def param_unit(self, pid: str) -> str:
        return self.manual.parameters[pid].unit

    def param(self, pid: str, key_answer: str | None) -> tuple[float | int | None, str | None]:
        cached = self._params.get((pid, key_answer))
        if cached is None:
            cached = self._params[(pid, key_answer)] = self._lookup(pid, key_answer)
        return cached

    def _lookup(self, pid: str, key_answer: str | None) -> tuple[float | int | None, str | None]:
        parameter = self.manual.parameters[pid]
        key_from = key_answer or parameter.by
        key = None
        if parameter.by is not None and key_from is not None:
            value = self.answers.get(key_from)
            if value is None:
                return None, key_from
            key = _key(value)
        return self.manual.figure(pid, self.as_of, key), None

    def verdict(self, program_id: str) -> Result:
        found = self._results.get(program_id)
        if found is None:
            found = evaluate(self.manual.rules[program_id], self)
            self._results[program_id] = found
        return found

    def decision(self, program_id: str) -> Decision:
        """verdict() without the reasons (memoised): what choosing the next question needs."""
        found = self._decisions.get(program_id)
        if found is None:
            if self._hashable is None:
                self._hashable = {q: tuple(v) if type(v) is list else v for q, v in self.answers.items()}.get
            found = self.manual.decision(program_id, self.as_of, self._get, self, self._hashable)
            self._decisions[program_id] = found
        return found

    def decide(self, rule: Rule) -> Decision:
        """rules.decide(rule, self), with the rule compiled once per manual."""
        return self.manual.decider(rule)(self._get, self)

    def label(self, kind: str, ident: str, lang: Lang) -> str:
        if kind == "question":
            return self.manual.questions[ident].short.get(lang)
        if kind == "param":
            return self.manual.parameters[ident].label.get(lang)
        return self.manual.programs[ident].name.get(lang)

    def show(self, qid: str, value: Any, lang: Lang) -> str:
        return show_value(self.manual, qid, value, lang)


def show_value(manual: Manual, qid: str, value: Any, lang: Lang | str) -> str:
    """An answer as a person reads it: 820,556원, 72세, 예, 월세."""
    question = manual.questions[qid]
    if value is None:
        return pick(lang, "모름", "don't know")
    if isinstance(value, list | tuple):
        if not value:
            return pick(lang, "없음", "none")
        return ", ".join(show_value(manual, qid, v, lang) for v in value)
    if question.type == QuestionType.MONEY:
        return won(value, lang)
    if question.type == QuestionType.BOOL or isinstance(value, bool):
        return pick(lang, "예", "yes") if value else pick(lang, "아니요", "no")
    if question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
        choice = question.choice(str(value))
        return choice.label.get(lang) if choice else str(value)
    unit = question.unit.get(lang) if question.unit else ""
    return f"{value}{unit}" if lang == Lang.KO or not unit else f"{value} {unit}"


def effective_answers(manual: Manual, answers: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    """Answers plus what follows from them: `implied` values, and `when_not_asked` for skipped questions."""
    out = dict(answers)
    # Only outcomes matter here. One Evaluation serves until `out` grows: its memos of parameters
    # and verdicts hold only while the answers they were read from stay the same.
    ev: Evaluation | None = None
    for qid, rules in manual.implied.items():
        if qid in out:
            continue
        for cond, value in rules:
            ev = ev or Evaluation(manual, out, as_of)
            if ev.decide(cond)[0] is Tri.YES:
                out[qid] = value
                ev = None
                break
    for qid, gate in manual.ask_if.items():
        if qid in out:
            continue
        question = manual.questions[qid]
        if question.when_not_asked is None:
            continue
        ev = ev or Evaluation(manual, out, as_of)
        if ev.decide(gate)[0] is Tri.NO:
            out[qid] = question.when_not_asked
            ev = None
    return out


def screen(
    manual: Manual,
    answers: Mapping[str, Any],
    as_of: dt.date,
    programs: Iterable[str] | None = None,
) -> dict[str, Verdict]:
    """Verdicts in manual order. Answers absent or None ("don't know") count as unknown."""
    ev = Evaluation(manual, effective_answers(manual, answers, as_of), as_of)
    ids = list(programs) if programs is not None else list(manual.programs)
    verdicts = {}
    for pid in ids:
        result = ev.verdict(pid)
        verdicts[pid] = Verdict(pid, STATUS_OF[result.tri], result.reasons, result.missing)
    # Reasons render lazily through closures that hold `ev`; dropping ev's memo breaks the
    # ev → result → reason → closure → ev cycle, so each screen's garbage is freed at once
    # instead of by the cyclic collector (about 2,000 objects per screen).
    ev._results.clear()
    return verdicts
