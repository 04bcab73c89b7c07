"""Adaptive questioning: ask next whatever settles the most undecided programmes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from knowledge.engine import Evaluation, effective_answers
from knowledge.rules import Tri

if TYPE_CHECKING:
    from knowledge.manual import Manual


def _askable(ev: Evaluation, qid: str, depth: int = 0) -> list[str]:
    """The questions to ask to learn `qid`: itself, or the gate questions its `ask_if` still needs."""
    if qid in ev.answers or depth > 5:
        return []
    gate = ev.manual.ask_if.get(qid)
    if gate is None:
        return [qid]
    tri, missing = ev.decide(gate)
    if tri is Tri.YES:
        return [qid]
    if tri is Tri.NO:
        return []
    out: list[str] = []
    for need in missing:
        out.extend(_askable(ev, need, depth + 1))
    return out


def candidates(
    manual: Manual, answers: Mapping[str, Any], as_of: dt.date, programs: Iterable[str] | None = None
) -> dict[str, float]:
    """How much each askable question would contribute to settling the undecided programmes.

    A programme that still needs k answers gives each of them 1/k: a question that alone settles a
    programme counts fully, one of four that are all needed counts a quarter. This favours
    questions that finish programmes over ones that merely appear in many rules.
    """
    # Only outcomes and missing answers matter here: deciding skips building the reasons.
    ev = Evaluation(manual, effective_answers(manual, answers, as_of), as_of)
    scores: dict[str, float] = {}
    # Programmes share their missing answers (age, income …): learn what each needs asked once.
    askable: dict[str, list[str]] = {}
    for pid in list(programs) if programs is not None else list(manual.programs):
        tri, missing = ev.decision(pid)
        if tri is not Tri.UNKNOWN:
            continue
        informs: set[str] = set()
        for qid in missing:
            asks = askable.get(qid)
            if asks is None:
                asks = askable[qid] = _askable(ev, qid)
            informs.update(asks)
        for qid in informs:
            scores[qid] = scores.get(qid, 0.0) + 1.0 / len(informs)
    return scores


def next_question(
    manual: Manual, answers: Mapping[str, Any], as_of: dt.date, programs: Iterable[str] | None = None
) -> str | None:
    """The question that does most to settle the undecided programmes; ties go to the manual's order.

    None when nothing left can be decided by asking (answers of "don't know" are never asked again).
    """
    scores = candidates(manual, answers, as_of, programs)
    if not scores:
        return None
    order = {qid: i for i, qid in enumerate(manual.questions)}
    # Rounding keeps float noise from breaking a tie that the manual's order should decide.
    return max(scores, key=lambda q: (round(scores[q], 9), -order[q]))


def questions_for(manual: Manual, programs: Iterable[str]) -> set[str]:
    """Every question the given programmes' rules can ask, with the gates in front of them."""
    from knowledge.rules import referenced

    # What each programme reads, keys of its figures and the programmes it names included.
    needed: set[str] = set().union(*(manual.reads(pid) for pid in programs))
    # Gates can have gates (age → has_children → children_ages): add them until nothing is new.
    frontier = set(needed)
    while frontier:
        gates = {
            q for qid in frontier if (gate := manual.ask_if.get(qid)) is not None for q in referenced(gate)[0]
        }
        frontier = gates - needed
        needed |= gates
    return needed
