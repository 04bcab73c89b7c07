"""Checking answer sets that arrive as data (an answers JSON file, a stored consultation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.manual import Manual
from knowledge.model import Question, QuestionType
from knowledge.text import Lang, pick, won


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
                facts[f"who:{key}"] = {
                    "attr": question.attr,
                    "chosen": list(value),
                    "yes": question.chosen,
                    "no": question.others,
                }
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


def person_label(manual: Manual, handle: str, relation: str, lang: Lang | str) -> str:
    """배우자, 자녀 1, 부모 2 / spouse, child 1: how a listed person is named on buttons and in summaries."""
    spec = manual.facts_person.get("relation")
    choice = spec.choice(relation) if spec is not None else None
    name = choice.label.get(lang) if choice is not None else relation
    digits = handle.removeprefix(relation)
    return f"{name} {digits}" if digits.isdigit() else name


def show_answer(manual: Manual, key: str, value: Any, lang: Lang | str) -> str:
    """An answer as a person reads it, for a question id or a fact name: 820,556원, 72세, 예, 월세."""
    if value is None:
        return pick(lang, "모름", "don't know")
    question = manual.questions.get(key)
    if question is not None and question.type == QuestionType.MEMBERS:
        return _members_text(manual, value, lang)
    if question is not None and question.type == QuestionType.WHO:
        if not value:
            return pick(lang, "없음", "none")
        return ", ".join(_handle_label(manual, str(h), lang) for h in value)
    if isinstance(value, dict):  # a range: {"min": …, "max": …}
        lo, hi = value.get("min"), value.get("max")
        shown = [show_answer(manual, key, v, lang) for v in (lo, hi) if v is not None]
        return (
            "~".join(shown)
            if lo is not None and hi is not None
            else pick(
                lang,
                f"{shown[0]} {'이상' if lo is not None else '이하'}",
                f"{'at least' if lo is not None else 'at most'} {shown[0]}",
            )
        )
    if isinstance(value, list | tuple):
        if not value:
            return pick(lang, "없음", "none")
        return ", ".join(show_answer(manual, key, v, lang) for v in value)
    kind, choices, unit = _kind_of(manual, key)
    if isinstance(value, bool):
        return pick(lang, "예", "yes") if value else pick(lang, "아니요", "no")
    if kind == "money" and isinstance(value, int | float):
        return won(value, lang)
    if choices is not None:
        label = choices.get(str(value))
        return label.get(lang) if label is not None else str(value)
    shown_unit = unit.get(lang) if unit else ""
    if lang == Lang.EN and value == 1:
        shown_unit = _ONE.get(shown_unit, shown_unit)  # 1 person, 1 year
    return f"{value}{shown_unit}" if lang == Lang.KO or not shown_unit else f"{value} {shown_unit}"


def answer_label(manual: Manual, key: str, lang: Lang | str) -> str:
    """The short name of what an answer is about: 나이, 배우자 월소득, child1.income → 자녀 1 월소득."""
    question = manual.questions.get(key)
    if question is not None:
        return question.short.get(lang)
    if key in _VERSION_1:  # a fact /check's shorthand still reads (독거) that no question asks
        return pick(lang, *_VERSION_1[key])
    spec = manual.facts_household.get(key) or manual.facts_person.get(key)
    if spec is not None:
        return spec.label.get(lang)
    head, _, attr = key.partition(".")
    if attr:
        who = _handle_label(manual, head, lang)
        what = (
            manual.facts_person[attr].label.get(lang)
            if attr in manual.facts_person
            else pick(
                lang,
                "월소득" if attr == "income" else "재산" if attr == "assets" else attr,
                attr.replace("_", " "),
            )
        )
        return f"{who} {what}"
    return key


_ONE = {"people": "person", "persons": "person", "years": "year", "months": "month"}
_VERSION_1 = {"lives_alone": ("혼자 삶", "lives alone")}


def _handle_label(manual: Manual, handle: str, lang: Lang | str) -> str:
    relation = handle.rstrip("0123456789")
    groups = {"self": ("본인", "self"), "couple": ("부부", "couple"), "household": ("가구", "household")}
    if (relation in groups and relation != "self") or handle in groups:
        return pick(lang, *groups.get(handle, groups.get(relation, (handle, handle))))
    return person_label(manual, handle, relation, lang)


def _members_text(manual: Manual, value: Any, lang: Lang | str) -> str:
    if not value:
        return pick(lang, "혼자 삶", "lives alone")
    counts: dict[str, int] = {}
    for relation in value:
        counts[str(relation)] = counts.get(str(relation), 0) + 1
    parts = []
    for relation, n in counts.items():
        name = person_label(manual, relation, relation, lang)
        parts.append(name if n == 1 else pick(lang, f"{name} {n}명", f"{n} × {name}"))
    return ", ".join(parts)


def _kind_of(manual: Manual, key: str) -> tuple[str, dict[str, Any] | None, Any]:
    question = manual.questions.get(key)
    if question is not None:
        choices = {c.value: c.label for c in question.choices} if question.choices else None
        return question.type.value, choices, question.unit
    spec = manual.facts_household.get(key) or manual.facts_person.get(key.partition(".")[2] or key)
    if spec is None:
        attr = key.partition(".")[2]
        return ("money" if attr in ("income", "assets") else "int"), None, None
    choices = {c.value: c.label for c in spec.choices} if spec.choices else None
    return spec.type.value, choices, spec.unit
