"""Adaptive questioning: ask next whatever can still settle the most undecided programmes.

A verdict that is unknown names the facts it waits for (`self.age`, `spouse.earned_income`, `people`,
`members.age` …). Each question says which fact its answer sets (`fact:`, default its id), and so which
of those it can tell: a household's total income tells every person's income a little, the spouse's
earned income tells exactly one. Coarse questions come first in the manual, so a household is asked for
a breakdown (whose income, which kind of property) only when the total left the verdict open.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from knowledge import household as H
from knowledge.household import FactsError, Household
from knowledge.values import Tri

if TYPE_CHECKING:
    from knowledge.manual import Manual
    from knowledge.screener import Screener, ScreenRun

COMPOSITION = ("people", "members.relation")
_GROUP_HANDLES = {
    "self": ("self",),
    "spouse": ("spouse",),
    "couple": ("self", "spouse"),
    "household": ("*",),
    "others": ("*",),
}


def patterns(manual: Manual, fact: str) -> tuple[str, ...]:
    """The facts (as glob patterns over `missing` names) that an answer to `fact` tells something about."""
    return _patterns(fact, frozenset(manual.facts_household))


@functools.lru_cache(maxsize=1024)
def _patterns(fact: str, household_facts: frozenset[str]) -> tuple[str, ...]:
    if fact in (
        "household_size",
        "members",
        "has_spouse",
        "lives_alone",
        "living_with_parents",
        "has_children",
    ):
        return COMPOSITION
    if fact == "children_ages":
        return (*COMPOSITION, "child*.age", "grandchild*.age", "child*.birth_year", "members.age")
    if fact in H.V1_TOTALS:
        _, measure = H.V1_TOTALS[fact]
        return tuple(f"*.{a}" for a in H.MEASURES[measure])
    if fact in H.V1_SELF:
        attr = H.V1_SELF[fact]
        return (f"self.{attr}", "self.birth_year") if attr == "age" else (f"self.{attr}",)
    if fact == "welfare_status":
        return tuple(f"receiving.{pid}" for pid in H.V1_STATUS.values())
    if fact == "receiving":
        return ("receiving.*",)
    if fact == "medical_expenses_annual":
        return ("medical_expenses_annual", "medical_expenses_annual.*")
    if fact == "region":
        return ("region",)
    if fact.startswith("property.") and fact.removeprefix("property.") in H.MONEY:
        return (f"*.{fact.removeprefix('property.')}",)
    if fact == "deposit":
        return ("*.deposit",)
    if fact == "income_last_year":
        return ("*.earned_income_last_year", "*.other_income_last_year", "income_last_year")
    if fact in household_facts:
        return (fact,)
    head, _, attr = fact.partition(".")
    if attr in H.MEASURES:
        handles = _GROUP_HANDLES.get(head, (head,))
        return tuple(f"{h}.{a}" for h in handles for a in H.MEASURES[attr])
    if attr:
        pattern = f"{head}.{attr}"
        return (pattern, f"{head}.birth_year") if attr == "age" else (pattern,)
    return (fact,)


def informs(manual: Manual, qid: str, dep: str) -> bool:
    question = manual.questions[qid]
    if question.attr is not None:  # a who question tells that attribute of everyone listed but self
        return not dep.startswith(("self.", "members.")) and fnmatchcase(dep, f"*.{question.attr}")
    return any(fnmatchcase(dep, p) for p in patterns(manual, question.fact or qid))


def _askable(
    screener: Screener,
    run: ScreenRun,
    answers: Mapping[str, Any],
    qid: str,
    memo: dict[str, list[str]],
    visiting: frozenset[str] = frozenset(),
) -> list[str]:
    """The questions to ask to learn what `qid` tells: itself, or first the questions its gate waits for."""
    found = memo.get(qid)
    if found is not None:
        return found
    if qid in answers or qid in visiting:
        return []
    value = run.gate(qid)
    tri = getattr(value, "tri", Tri.YES)
    if tri is Tri.YES:
        out = [qid]
    elif tri is Tri.NO:
        out = []
    else:
        out = []
        inner = visiting | {qid}
        for need in _asking_for(screener, answers, getattr(value, "deps", frozenset())):
            for q in _askable(screener, run, answers, need, memo, inner):
                if q not in out:
                    out.append(q)
    memo[qid] = out
    return out


def _asking_for(screener: Screener, answers: Mapping[str, Any], deps: Iterable[str]) -> list[str]:
    return [qid for qid in screener.informers_of_set(frozenset(deps)) if qid not in answers]


def candidates(
    screener: Screener,
    answers: Mapping[str, Any],
    as_of: dt.date,
    programs: Iterable[str] | None = None,
    household: Household | None = None,
) -> dict[str, float]:
    """How much each askable question would contribute to settling the undecided programmes.

    A programme that can be settled by k askable questions gives each 1/k: a question that alone settles
    a programme counts fully. Questions whose fact is already known exactly do not count.
    """
    try:
        run = screener.run(household or answers, as_of)
    except FactsError:
        return {}
    scores: dict[str, float] = {}
    askable: dict[str, list[str]] = {}
    helping: dict[frozenset[str], set[str]] = {}  # programmes waiting for the same facts: worked out once
    ids = list(programs) if programs is not None else list(screener.manual.programs)
    for pid in ids:
        result, _, _ = run.result(pid)
        if result.tri is not Tri.UNKNOWN:
            continue
        helps = helping.get(result.missing)
        if helps is None:
            helps = helping[result.missing] = set()
            for qid in _asking_for(screener, answers, result.missing):
                found = askable.get(qid)
                helps.update(found if found is not None else _askable(screener, run, answers, qid, askable))
        for qid in helps:
            scores[qid] = scores.get(qid, 0.0) + 1.0 / len(helps)
    return scores


def next_question(
    screener: Screener,
    answers: Mapping[str, Any],
    as_of: dt.date,
    programs: Iterable[str] | None = None,
) -> str | None:
    """The question that does most to settle the undecided programmes; ties go to the manual's order.

    None when nothing left can be decided by asking (a "don't know" is never asked again).
    """
    scores = candidates(screener, answers, as_of, programs)
    if not scores:
        return None
    order = {qid: i for i, qid in enumerate(screener.manual.questions)}
    return max(scores, key=lambda q: (round(scores[q], 9), -order[q]))


_HANDLES = ("self", "spouse", "child1", "parent1", "grandchild1", "sibling1", "other1", "members")


def facts_read(manual: Manual, programs: Iterable[str]) -> set[str]:
    """Every fact (as a `missing` name) the programmes' rules can wait for, followed through computed
    values, units, eligible() and replaced_by."""
    from knowledge import expr as E
    from knowledge.rules import leaves

    deps: set[str] = set()
    seen_programs: set[str] = set()
    seen_names: set[str] = set()
    stack_programs = list(programs)
    nodes: list[E.Node] = []
    while stack_programs:
        pid = stack_programs.pop()
        if pid in seen_programs or pid not in manual.rules:
            continue
        seen_programs.add(pid)
        deps.add(f"receiving.{pid}")
        stack_programs.extend(manual.programs[pid].replaced_by)
        nodes.extend(leaf.node for leaf in leaves(manual.rules[pid]))
        while nodes:
            node = nodes.pop()
            for sub in _walk(node):
                if isinstance(sub, E.Call) and sub.fn in ("eligible", "receiving") and sub.args:
                    target = sub.args[0]
                    if isinstance(target, E.Name):
                        stack_programs.append(target.path)
                        deps.add(f"receiving.{target.path}")
                    continue
                if (
                    isinstance(sub, E.Call)
                    and sub.args
                    and isinstance(sub.args[0], E.Name)
                    and sub.args[0].path in manual.units
                ):
                    deps.add("people")
                    nodes.append(manual.unit_rules[sub.args[0].path])
                if isinstance(sub, E.Name) and sub.path not in seen_names:
                    seen_names.add(sub.path)
                    deps |= _deps_of_name(manual, sub.path, nodes)
    return deps


def _walk(node: Any) -> list[Any]:
    from knowledge import expr as E

    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        if isinstance(n, E.Call):
            stack.extend(n.args)
        elif isinstance(n, E.Bin | E.Cmp):
            stack.extend((n.a, n.b))
        elif isinstance(n, E.Neg | E.Not | E.In):
            stack.append(n.a)
        elif isinstance(n, E.Logic):
            stack.extend(n.items)
    return out


def _deps_of_name(manual: Manual, path: str, nodes: list[Any]) -> set[str]:
    base = path.removeprefix("self.")
    if base in manual.computed:
        nodes.append(manual.computed_rules[base])
        return set()
    if base in manual.facts_person:
        handles = ("self",) if path.startswith("self.") else _HANDLES
        names = {f"{h}.{base}" for h in handles}
        if base == "birth_year":
            names |= {f"{h}.age" for h in handles}
        return names
    if path in manual.facts_household or path == "medical_expenses_annual":
        return {path} | (
            {"medical_expenses_annual.covered", "medical_expenses_annual.uncovered"}
            if path.startswith("medical")
            else set()
        )
    return set()


def questions_for(screener: Screener, programs: Iterable[str]) -> set[str]:
    """Every question that could be asked to settle these programmes, with the gates in front of them."""
    needed = set(screener.informers_of(facts_read(screener.manual, programs)))
    frontier = set(needed)
    while frontier:
        gates: set[str] = set()
        for qid in frontier:
            gate = screener.manual.ask_if.get(qid)
            if gate is not None:
                gates |= set(screener.informers_of(_gate_deps(screener.manual, gate)))
        frontier = gates - needed
        needed |= gates
    return needed


def _gate_deps(manual: Manual, gate: Any) -> set[str]:
    from knowledge import expr as E

    deps: set[str] = set()
    nodes = [gate]
    seen: set[str] = set()
    while nodes:
        for sub in _walk(nodes.pop()):
            if (
                isinstance(sub, E.Call)
                and sub.args
                and isinstance(sub.args[0], E.Name)
                and sub.args[0].path in manual.units
            ):
                deps.add("people")
            if isinstance(sub, E.Name) and sub.path not in seen:
                seen.add(sub.path)
                deps |= _deps_of_name(manual, sub.path, nodes)
    return deps
