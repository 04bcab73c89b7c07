"""Screening settles each status with the least checking (Screener.statuses); the reasons come from
the full walk (Screener.rules) when read. The two must never disagree.

Screening also remembers what does not change while it works (a verdict's questions, gates, values that
read only the date, the blanks a household starts from, the figures of parameter tables), and building a
household again with the `when_not_asked` assumptions takes over each person they leave unchanged. Each
of those is checked here against the plain way of working it out, over households generated from the
benchmark's (complete, partial, as the chat gathers them, perturbed, on other dates)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import random
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from knowledge.answers import facts_from_answers
from knowledge.household import FactsError, Household, build
from knowledge.questioning import _asking_for
from knowledge.screener import Screener, ScreenRun, questions_for_facts
from knowledge.values import Tri, Truth

DATES = (dt.date(2026, 11, 24), dt.date(2025, 6, 1), dt.date(2026, 1, 1), dt.date(2024, 3, 15))


def test_the_quick_status_agrees_with_the_full_reasoning(screener: Screener, today: dt.date) -> None:
    """Screening stops at the first decisive condition; the reasons come from the full walk. Both
    must give the same status and the same missing facts for every household, complete or partial."""
    from bench.oracle import load_households

    households = load_households()
    answer_sets = [h.facts for h in households]
    # the first person alone, without an age: most verdicts are unknown, waiting for different facts
    answer_sets += [
        {"people": [{k: v for k, v in h.facts["people"][0].items() if k != "age"}]} for h in households
    ]
    checked = 0
    for facts in answer_sets:
        run = screener.run(facts, today)
        for pid in screener.manual.programs:
            quick, full = run.result(pid), run.full_result(pid)
            same = (quick[0].tri, quick[0].missing, quick[1:]) == (full[0].tri, full[0].missing, full[1:])
            assert same, pid
            checked += 1
    assert checked == len(answer_sets) * len(screener.manual.programs)


# ---------------------------------------------------------------- generated households


def generated(screener: Screener, seed: int = 20261124) -> Iterator[tuple[str, Mapping[str, Any], dt.date]]:
    """Answer sets as the screener meets them: complete version 2 households, the chat's answers so far
    (with some "don't know"), the first three answers, nothing, and perturbed households on other dates."""
    from bench import answers_of
    from bench.oracle import fact_value, load_households

    rng = random.Random(seed)
    manual = screener.manual
    today = DATES[0]
    yield "empty", {}, today
    for h in load_households():
        yield f"{h.id} complete", h.facts, today
        yield (
            f"{h.id} first answers",
            {q: fact_value(manual, h.facts, q, today) for q in ("age", "members", "household_income")},
            today,
        )
        answers = answers_of(manual, h.facts, today)
        order = list(answers)
        for k in (4, 9, len(order) // 2):
            yield f"{h.id} first {k} answers", {q: answers[q] for q in order[:k]}, today
        chosen = {q: (None if rng.random() < 0.15 else answers[q]) for q in order if rng.random() < 0.4}
        yield f"{h.id} some answers", chosen, rng.choice(DATES)
        facts = copy.deepcopy(h.facts)
        for person in facts["people"]:
            if "age" in person:
                person["age"] = max(0, min(110, person["age"] + rng.randint(-30, 30)))
            for attr in ("earned_income", "other_income", "financial"):
                if attr in person and rng.random() < 0.5:
                    person[attr] = int(person[attr] * rng.choice((0, 0.5, 2))) + rng.choice((0, 400_000))
            for attr in [a for a in person if a != "relation"]:
                if rng.random() < 0.15:
                    del person[attr]
        for key in [k for k in facts if k != "people"]:
            if rng.random() < 0.2:
                del facts[key]
        yield f"{h.id} perturbed", facts, rng.choice(DATES)


def reference_household(screener: Screener, answers: Mapping[str, Any], as_of: dt.date) -> Household:
    """Screener.household the plain way: built from the answers, then built anew, from nothing, with
    the `when_not_asked` answers of the questions their gate rules out (gates evaluated afresh)."""
    manual = screener.manual
    facts = facts_from_answers(manual, answers)
    first = build(manual, facts, as_of)
    run = ScreenRun(screener, first, as_of)
    assumed: dict[str, Any] = {}
    for qid, question in manual.questions.items():
        if question.when_not_asked is None or qid in answers or (question.fact or qid) in first.given:
            continue
        gate = screener.gates[qid].fn(run, None)
        if isinstance(gate, Truth) and gate.tri is Tri.NO:
            assumed.update(facts_from_answers(manual, {qid: question.when_not_asked}))
    if not assumed:
        return first
    try:
        return build(manual, {**facts, **assumed}, as_of)
    except FactsError:
        kept: dict[str, Any] = {}
        for key, value in assumed.items():
            try:
                build(manual, {**facts, **kept, key: value}, as_of)
            except FactsError:
                continue
            kept[key] = value
        return build(manual, {**facts, **kept}, as_of)


def reference_questions(
    screener: Screener, household: Household, as_of: dt.date, missing: Any
) -> tuple[str, ...]:
    """A verdict's questions the plain way: every question informing a missing fact, not given, whose
    gate (evaluated afresh) does not rule it out."""
    run = ScreenRun(screener, household, as_of)
    out = []
    for qid in questions_for_facts(screener, missing, household.given):
        gate = screener.gates.get(qid)
        value = gate.fn(run, None) if gate is not None else None
        if not (isinstance(value, Truth) and value.tri is Tri.NO):
            out.append(qid)
    return tuple(out)


def verdicts(screener: Screener, answers: Mapping[str, Any] | Household, as_of: dt.date) -> list[Any]:
    return [
        (pid, v.status, v.missing, v.questions, v.receiving, v.instead, v.explained("ko"), v.explained("en"))
        for pid, v in screener.screen(answers, as_of).items()
    ]


def test_a_household_rebuilt_with_the_assumptions_is_the_one_built_from_nothing(screener: Screener) -> None:
    """Screener.household takes over from its first build what the assumed answers leave unchanged;
    the household is equal to the one built twice from nothing, for every generated answer set."""
    built = 0
    for name, answers, as_of in generated(screener):
        try:
            expected = reference_household(screener, answers, as_of)
        except FactsError as exc:
            with pytest.raises(FactsError) as raised:
                screener.household(answers, as_of)
            assert raised.value.problems == exc.problems, name
            continue
        assert screener.household(answers, as_of) == expected, name
        built += 1
    assert built > 150


def test_a_rebuild_takes_over_nothing_that_changed(screener: Screener, today: dt.date) -> None:
    """build(..., like=) with other facts for a person, another date or a changed person object gives
    the household built from nothing."""
    from bench.oracle import load_households

    manual = screener.manual
    for h in load_households()[:12]:
        first = build(manual, h.facts, today)
        changed = copy.deepcopy(h.facts)
        changed["people"][0]["age"] = changed["people"][0].get("age", 40) + 1
        changed["people"][-1]["earned_income"] = 1_234_567
        assert build(manual, changed, today, like=first) == build(manual, changed, today)
        later = dt.date(2025, 6, 1)
        assert build(manual, h.facts, later, like=first) == build(manual, h.facts, later)
        mutated = dict(h.facts)
        mutated["people"] = [dict(p) for p in h.facts["people"]]
        mutated["people"][0]["disability"] = "severe"
        assert build(manual, mutated, today, like=first) == build(manual, mutated, today)
        assert build(manual, {**h.facts, "pregnant": False}, today, like=first) == build(
            manual, {**h.facts, "pregnant": False}, today
        )


def test_remembered_questions_gates_and_dated_values_give_the_plain_verdicts(screener: Screener) -> None:
    """Verdicts from one Screener that has screened every other household and date before (its
    remembered questions per missing facts, values fixed per date, blanks) equal those of a Screener
    compiled for that household alone, and each verdict's questions are the plainly worked-out ones."""
    cases = list(generated(screener))
    for _, answers, as_of in cases:  # fill every memory, on every date, first
        with contextlib.suppress(FactsError):
            screener.screen(answers, as_of)
    screened = 0
    for name, answers, as_of in reversed(cases):
        try:
            expected = verdicts(Screener(screener.manual), answers, as_of)
        except FactsError:
            continue
        assert verdicts(screener, answers, as_of) == expected, name
        household = reference_household(screener, answers, as_of)
        for pid, verdict in screener.screen(household, as_of).items():
            asked = reference_questions(screener, household, as_of, verdict.missing)
            assert verdict.questions == asked, (name, pid)
        screened += 1
    assert screened > 150


def test_questions_for_what_a_verdict_waits_for_are_remembered_as_worked_out(screener: Screener) -> None:
    """informers_of_set (remembered per set of facts) and the next question's candidates read the same
    questions, in the manual's order, as the union of each fact's informers."""
    seen: set[frozenset[str]] = set()
    for _, answers, as_of in generated(screener):
        try:
            run = screener.run(answers, as_of)
        except FactsError:
            continue
        for pid in screener.manual.programs:
            seen.add(run.result(pid)[0].missing)
    assert len(seen) > 50
    for deps in seen:
        union: set[str] = set()
        for dep in deps:
            union.update(screener.informers(dep))
        expected = tuple(q for q in screener.question_order if q in union)
        assert screener.informers_of_set(deps) == expected
        assert screener.informers_of_set(deps) == expected  # remembered, still the same
        answered = {q: None for q in expected[::2]}
        assert _asking_for(screener, answered, deps) == [q for q in expected if q not in answered]


def test_a_remembered_figure_waits_only_for_what_its_own_key_waits_for(
    screener: Screener, today: dt.date
) -> None:
    """Figures are remembered by the key's range, not by whose facts made it: a household whose size is
    1 to 3 because of who lives there, read after one whose size is 1 to 3 because of an age, waits
    only for who lives there (it once also waited for the other household's age)."""
    from knowledge.values import Num

    by_age = Num(1, 3, frozenset({"self.age"}))
    by_people = Num(1, 3, frozenset({"people"}))
    first = screener.figure("median_income", today, by_age)
    assert first.deps == {"self.age"}
    again = screener.figure("median_income", today, by_people)
    assert again == Screener(screener.manual).figure("median_income", today, by_people)
    assert again.deps == {"people"}
    assert (again.lo, again.hi) == (first.lo, first.hi)


def test_values_fixed_by_the_date_read_no_household(screener: Screener) -> None:
    """A formula part the compiler finds fixed (literals, parameters, the date, and what is made only
    of them) is remembered per date. Each household here is read by a Screener of its own, so each
    works such a part out from its own household: they must all agree, for every fixed part of the
    manual, from an empty answer set to complete households, on every date."""
    from bench.oracle import load_households

    households: list[dict[str, Any]] = [{}] + [h.facts for h in load_households()[:6]]
    for as_of in DATES:
        seen: dict[int, set[str]] = {}
        alive = []  # parts are told apart by id(node): no Screener may go (and free its ids) meanwhile
        for answers in households:
            own = Screener(screener.manual)
            alive.append(own)
            run = own.run(answers, as_of)
            for key, compiled in own.compiler.fns.items():
                if compiled.fixed:
                    seen.setdefault(key, set()).add(repr(compiled.fn(run, run.household.people[0])))
        shared = [values for key, values in seen.items() if key in alive[0].compiler.fns]
        assert len(shared) > 50
        assert all(len(values) == 1 for values in shared), [v for v in shared if len(v) > 1]
