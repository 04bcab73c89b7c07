"""Checking answer sets that arrive as data (an answers JSON file, a stored consultation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.manual import Manual
from knowledge.model import Question, QuestionType


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _in_bounds(q: Question, value: int) -> bool:
    return (q.min is None or value >= q.min) and (q.max is None or value <= q.max)


def problem(q: Question, value: Any) -> str | None:
    """What is wrong with `value` for `q`, or None. None itself means "don't know" and is fine."""
    if value is None:
        return None
    if q.type in (QuestionType.INT, QuestionType.MONEY):
        if not _is_int(value):
            return f"'{q.id}' must be a whole number, got {value!r}"
        if not _in_bounds(q, value):
            return f"'{q.id}' must be between {q.min} and {q.max}, got {value}"
    elif q.type == QuestionType.BOOL:
        if not isinstance(value, bool):
            return f"'{q.id}' must be true or false, got {value!r}"
    elif q.type == QuestionType.CHOICE:
        if not isinstance(value, str) or q.choice(value) is None:
            return f"'{q.id}' must be one of {', '.join(c.value for c in q.choices)}, got {value!r}"
    elif q.type == QuestionType.MULTI_CHOICE:
        if not isinstance(value, list) or any(not isinstance(v, str) or q.choice(v) is None for v in value):
            return f"'{q.id}' must be a list of {', '.join(c.value for c in q.choices)}, got {value!r}"
    elif not isinstance(value, list) or any(not _is_int(v) or not _in_bounds(q, v) for v in value):
        return f"'{q.id}' must be a list of whole numbers between {q.min} and {q.max}, got {value!r}"
    return None


def check_answers(manual: Manual, answers: Mapping[str, Any]) -> list[str]:
    """Every problem in an answer set; an empty list means it can be screened."""
    problems = []
    for qid, value in answers.items():
        question = manual.questions.get(qid)
        if question is None:
            problems.append(f"unknown answer id '{qid}'")
        elif (message := problem(question, value)) is not None:
            problems.append(message)
    return problems


def facts_from_answers(manual: Manual, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A consultation's answers (by question id) as household facts (by fact name, household.py).

    A question sets the fact of its id, the one named by `fact:`, or for some answers the facts its
    `sets:` names ("no" to "does a relative earn over 1억?" bounds their income). Keys that are no
    question (an answers file's version 2 fields) pass through.
    """
    facts: dict[str, Any] = {}
    for key, value in answers.items():
        question = manual.questions.get(key)
        if question is None:
            facts[key] = value
            continue
        if question.attr is not None:  # a who question: a list of the people chosen (handles)
            if isinstance(value, list):
                facts[f"who:{key}"] = {"attr": question.attr, "chosen": list(value),
                                       "yes": question.chosen, "no": question.others}
            continue
        mapped = question.sets.get(_answer_key(value)) if question.sets else None
        if mapped is not None:
            facts.update(mapped)
        elif not question.sets:
            facts[question.fact or key] = value
    return facts


def _answer_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
