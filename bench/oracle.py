"""A simulated resident: answers any question of the manual truthfully from a complete household.

The benchmarks describe each household once, completely, in the version 2 vocabulary
(bench/households.yaml). When the bot asks a question, `answer_for` works out what this household would
answer: its members for "who lives with you", everyone's income added up for the household income, the
ages of the people listed for a who-question, and so on, from the question's `fact:` alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge import household as H
from knowledge.manual import Manual
from knowledge.model import Question, QuestionType

HOUSEHOLDS = Path(__file__).resolve().parent / "households.yaml"
_V1_STATUS = {pid: status for status, pid in H.V1_STATUS.items()}


@dataclass(frozen=True)
class Household:
    id: str
    note: str
    facts: dict[str, Any]


def load_households(path: Path = HOUSEHOLDS) -> list[Household]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Household(str(h["id"]), str(h.get("note", "")), dict(h["facts"])) for h in data["households"]]


def _people(facts: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    people = facts["people"]
    handles = H._handles([p["relation"] for p in people])
    return list(zip(handles, people, strict=True))


def _sum(people: list[tuple[str, dict[str, Any]]], attrs: tuple[str, ...]) -> int:
    return sum(int(p.get(a, 0)) for _, p in people for a in attrs)


def _group(people: list[tuple[str, dict[str, Any]]], group: str) -> list[tuple[str, dict[str, Any]]]:
    if group == "household":
        return people
    if group == "couple":
        return [x for x in people if x[1]["relation"] in ("self", "spouse")]
    if group == "others":
        return [x for x in people if x[1]["relation"] not in ("self", "spouse")]
    return [x for x in people if x[0] == group]


def fact_value(manual: Manual, facts: dict[str, Any], fact: str, as_of: dt.date) -> Any:
    """The true value of a fact (question `fact:` name or version 1 id) for a complete household."""
    people = _people(facts)
    me = people[0][1]
    flat = H._flatten(facts, H._Draft(manual, as_of))
    if fact == "members":
        return [p["relation"] for _, p in people[1:]]
    if fact == "household_size":
        return len(people)
    if fact in H.V1_TOTALS:
        _, measure = H.V1_TOTALS[fact]
        return _sum(people, H.MEASURES[measure])
    if fact == "has_spouse":
        return any(p["relation"] == "spouse" for _, p in people)
    if fact == "lives_alone":
        return len(people) == 1
    if fact == "living_with_parents":
        return any(p["relation"] == "parent" for _, p in people)
    if fact == "has_children":
        return any(p["relation"] in ("child", "grandchild") for _, p in people)
    if fact == "children_ages":
        return [p["age"] for _, p in people if p["relation"] in ("child", "grandchild")]
    if fact == "welfare_status":
        return [status for pid, status in _V1_STATUS.items() if pid in facts.get("receiving", [])]
    if fact == "student_level":
        school = me.get("school", "none")
        return school if school in ("elementary", "middle", "high", "university") else "none"
    if fact in H.V1_SELF:
        return me.get(H.V1_SELF[fact])
    if fact == "medical_expenses_annual":
        costs = facts.get("medical_expenses_annual", {})
        return int(costs.get("covered", 0)) + int(costs.get("uncovered", 0))
    if fact == "region":
        return facts["region"]
    if fact.startswith("property.") and fact.removeprefix("property.") in H.MONEY:
        return _sum(people, (fact.removeprefix("property."),))
    if fact == "deposit":
        return _sum(people, ("deposit",))
    if fact in flat:
        return flat[fact]
    head, _, attr = fact.partition(".")
    if attr in H.MEASURES:
        group = _group(people, head)
        if not group and head not in ("household", "others", "couple"):
            return None  # nobody of that kind lives here: the question is not for this household
        return _sum(group, H.MEASURES[attr])
    for handle, person in people:
        if handle == head:
            return person.get(attr)
    return None


def answer_for(manual: Manual, question: Question, facts: dict[str, Any], as_of: dt.date) -> Any:
    """What this household answers to `question` (the value the chat would store)."""
    if question.type == QuestionType.WHO:
        assert question.attr is not None
        return [h for h, p in _people(facts)[1:] if _matches(p.get(question.attr), question.chosen)]
    if question.sets:
        # An answer that stands for facts: the one whose facts hold for this household, else the other.
        values = {
            f: fact_value(manual, facts, f, as_of) for implied in question.sets.values() for f in implied
        }
        if any(v is None for v in values.values()):
            return None  # the household does not say: "don't know"
        for answer, implied in question.sets.items():
            if all(_matches(values[f], v) for f, v in implied.items()):
                return answer == "true" if question.type == QuestionType.BOOL else answer
        return question.type == QuestionType.BOOL or None
    return fact_value(manual, facts, question.fact or question.id, as_of)


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict):
        return value is not None and wanted.get("min", value) <= value <= wanted.get("max", value)
    if isinstance(wanted, list):
        return value in wanted
    return bool(value == wanted)


OnScreen = tuple[int, str | None]


def question_on_screen(buttons: list[str], text: str, by_text: dict[str, str]) -> OnScreen | None:
    """(consultation id, question id) of the question a message shows, read as a simulated resident
    reads it: the consultation from its skip button, the question from an answer button or its text
    (None when neither names it); None for a message that shows no question (the results)."""
    skip = next((b for b in buttons if b.startswith("n:") and b.endswith(":skip")), None)
    if skip is None:
        return None
    cid = int(skip.split(":")[1])
    for b in buttons:
        if b[:2] in ("a:", "t:", "d:"):
            return cid, b.split(":")[2]
    return cid, next((by_text[line] for line in text.split("\n") if line in by_text), None)
