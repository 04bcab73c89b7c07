"""Adaptive questioning: ask next whatever settles the most undecided programmes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from knowledge.engine import Evaluation, Status, effective_answers, screen
from knowledge.rules import Tri, evaluate

if TYPE_CHECKING:
    from knowledge.manual import Manual


def _askable(
    manual: Manual, qid: str, answers: Mapping[str, Any], as_of: dt.date, depth: int = 0
) -> list[str]:
    """The questions to ask to learn `qid`: itself, or the gate questions its `ask_if` still needs."""
    if qid in answers or depth > 5:
        return []
    gate = manual.ask_if.get(qid)
    if gate is None:
        return [qid]
    result = evaluate(gate, Evaluation(manual, answers, as_of))
    if result.tri == Tri.YES:
        return [qid]
    if result.tri == Tri.NO:
        return []
    out: list[str] = []
    for missing in result.missing:
        out.extend(_askable(manual, missing, answers, as_of, depth + 1))
    return out


def candidates(
    manual: Manual, answers: Mapping[str, Any], as_of: dt.date, programs: Iterable[str] | None = None
) -> Counter[str]:
    """How many undecided programmes each askable question would inform."""
    effective = effective_answers(manual, answers, as_of)
    counts: Counter[str] = Counter()
    for verdict in screen(manual, answers, as_of, programs).values():
        if verdict.status != Status.UNKNOWN:
            continue
        informs: set[str] = set()
        for qid in verdict.missing:
            informs.update(_askable(manual, qid, effective, as_of))
        counts.update(informs)
    return counts


def next_question(
    manual: Manual, answers: Mapping[str, Any], as_of: dt.date, programs: Iterable[str] | None = None
) -> str | None:
    """The question that settles the most undecided programmes; ties go to the manual's order.

    None when nothing left can be decided by asking (answers of "don't know" are never asked again).
    """
    counts = candidates(manual, answers, as_of, programs)
    if not counts:
        return None
    order = {qid: i for i, qid in enumerate(manual.questions)}
    return max(counts, key=lambda q: (counts[q], -order[q]))


def questions_for(manual: Manual, programs: Iterable[str]) -> set[str]:
    """Every question the given programmes' rules can ask, with the gates in front of them."""
    from knowledge.rules import referenced

    needed: set[str] = set()
    stack = list(programs)
    seen: set[str] = set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        questions, _, deps = referenced(manual.rules[pid])
        needed |= questions
        stack.extend(deps)
    for qid in list(needed):
        gate = manual.ask_if.get(qid)
        if gate is not None:
            needed |= referenced(gate)[0]
    return needed
