"""The one way in: a Screener compiles a manual once and screens households with it.

    screener = Screener(manual)
    verdicts = screener.screen(answers, as_of)          # every programme: eligible / ineligible / unknown
    trace = screener.explain(answers, as_of, "basic_pension")

`answers` is anything household.build reads (version 1 flat ids, version 2 objects, chat answers), or an
already built Household. A verdict is definite only when the facts given settle it under the rule as
written; otherwise it is unknown and `missing` names the facts that would settle it, `questions` the
questions that would ask for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from knowledge import expr as E
from knowledge import lookup
from knowledge.answers import facts_from_answers
from knowledge.compile import Compiled, Compiler, Type
from knowledge.household import MEMBERS, FactsError, Household, Person, build
from knowledge.manual import Manual
from knowledge.rules import AllOf, AnyOf, Hit, Leaf, NotR, Reason, Result, Rule, combine
from knowledge.text import Lang, josa, pick
from knowledge.values import INF, NO_DEPS, Cat, Num, Tri, Truth, Value, any_of
from knowledge.wording import Wording


class Status(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNKNOWN = "unknown"


STATUS_OF = {Tri.YES: Status.ELIGIBLE, Tri.NO: Status.INELIGIBLE, Tri.UNKNOWN: Status.UNKNOWN}


@dataclass(frozen=True, slots=True)
class Verdict:
    program: str
    status: Status
    missing: tuple[str, ...] = ()  # facts that would settle it (self.age, spouse.earned_income, people …)
    questions: tuple[str, ...] = ()  # questions that ask for them, best first
    receiving: bool = False  # the household already gets it
    instead: str | None = None  # not for this household: this programme applies instead
    run: ScreenRun | None = field(default=None, compare=False, repr=False)

    @property
    def hits(self) -> tuple[Hit, ...]:
        """The conditions that explain the verdict. Worked out when first read: a screening settles
        the status with the least checking, and only verdicts someone reads need every reason."""
        return self.run.full_result(self.program)[0].hits if self.run is not None else ()

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The conditions checked, as reasons whose text is worded when read."""
        out = []
        for item, tri in self.hits:
            if isinstance(item, Reason):
                out.append(item)
            else:
                assert self.run is not None
                out.append(Reason(tri, self.run.screener.wording.leaf_renderer(item, self.run, tri)))
        return tuple(out)

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


class CompileError(Exception):
    """A formula in the manual is wrong; `kind` and `ident` say where (programme, computed, unit …)."""

    def __init__(self, kind: str, ident: str, error: E.FormulaError, node: Any = None) -> None:
        super().__init__(f"{kind} '{ident}': {error}")
        self.kind = kind
        self.ident = ident
        self.error = error
        self.node = node


def _computed_order(manual: Manual) -> tuple[list[str], list[CompileError]]:
    """Computed values in an order where each comes after those it reads, and a CompileError for each
    cycle (its members are left out, so what does not depend on them still compiles)."""
    deps: dict[str, set[str]] = {}
    for cid, node in manual.computed_rules.items():
        found = set()
        for name in E.names(node):
            base = name.removeprefix("self.")
            if base in manual.computed:
                found.add(base)
        deps[cid] = found
    order: list[str] = []
    errors: list[CompileError] = []
    state: dict[str, int] = {}

    def visit(cid: str, trail: list[str]) -> bool:
        """True when cid and everything it reads can be compiled."""
        if state.get(cid) == 2:
            return cid in order
        if state.get(cid) == 1:
            cycle = " → ".join([*trail[trail.index(cid) :], cid])
            errors.append(CompileError("computed", cid, E.FormulaError(f"depends on itself: {cycle}")))
            return False
        state[cid] = 1
        ok = all([visit(dep, [*trail, cid]) for dep in sorted(deps[cid])])
        state[cid] = 2
        if ok:
            order.append(cid)
        return ok

    for cid in manual.computed_rules:
        visit(cid, [])
    return order, errors


class CompileErrors(Exception):
    def __init__(self, errors: list[CompileError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class Screener:
    def __init__(self, manual: Manual) -> None:
        self.manual = manual
        self.compiler = compiler = Compiler(manual)
        self.errors: list[CompileError] = []
        self.units: dict[str, Compiled] = {}
        for uid, node in manual.unit_rules.items():
            try:
                self.units[uid] = compiler.truth(node, person_scope=True)
            except E.FormulaError as exc:
                self.errors.append(CompileError("unit", uid, exc, node))
        self.computed: dict[str, Compiled] = {}
        order, cycles = _computed_order(manual)
        self.errors.extend(cycles)
        for cid in [c for c in manual.computed_rules if c not in order]:
            # In a cycle: give it a type so formulas that name it are not reported a second time.
            compiler.computed_types[cid] = Type("num")
            self.computed[cid] = Compiled(Type("num"), lambda r, p: Num(-INF, INF))
        for cid in order:
            node = manual.computed_rules[cid]
            per_person = manual.computed[cid].per == "person"
            try:
                compiled = compiler.formula(node, person_scope=per_person)
            except E.FormulaError as exc:
                self.errors.append(CompileError("computed", cid, exc, node))
                # Later formulas may still name it: let them compile, so each mistake is told once.
                compiled = Compiled(Type("num"), lambda r, p: Num(-INF, INF))
            self.computed[cid] = compiled
            compiler.computed_types[cid] = _with_unit(compiled.type, manual.computed[cid].unit)
        self.leaves: dict[int, Compiled] = {}
        for pid, rule in manual.rules.items():
            self._compile_rule(pid, rule)
        self.rules: dict[str, Callable[[ScreenRun], Result]] = {}
        self.statuses: dict[str, Callable[[ScreenRun], tuple[Tri, frozenset[str]]]] = {}
        if not self.errors:
            self.rules = {pid: self._rule_fn(rule, False) for pid, rule in manual.rules.items()}
            self.statuses = {pid: self._status_fn(rule, False) for pid, rule in manual.rules.items()}
        self.gates: dict[str, Compiled] = {}
        for qid, node in manual.ask_if.items():
            try:
                self.gates[qid] = compiler.truth(node)
            except E.FormulaError as exc:
                self.errors.append(CompileError("question", qid, exc, node))
        try:
            self.wording = Wording(manual, compiler)
        except E.FormulaError as exc:
            self.errors.append(CompileError("computed", "explain", exc))
        if self.errors:
            raise CompileErrors(self.errors)
        self.question_order = tuple(manual.questions)
        self._informers: dict[str, tuple[str, ...]] = {}
        self._informers_of: dict[frozenset[str], tuple[str, ...]] = {}
        self._figures: dict[tuple[Any, ...], Num] = {}

    def figure(self, pid: str, as_of: dt.date, key: Value | None) -> Num:
        """A parameter's figure on a date (for a key that may be a range), remembered: every screening
        reads the same few figures for the same few keys."""
        shape: Any
        if key is None:
            shape = None
        elif isinstance(key, Num):
            shape = ("n", key.lo, key.hi)
        elif isinstance(key, Truth):
            shape = ("t", key.tri)
        elif isinstance(key, Cat):
            shape = ("c", key.possible)
        else:
            shape = ("x", id(key))
        cache_key = (pid, as_of, shape)
        found = self._figures.get(cache_key)
        if found is None:
            if len(self._figures) > 20_000:  # keyed by date: a long-running process meets new days
                self._figures.clear()
            parameter = self.manual.parameters[pid]
            found = lookup.plain(parameter, as_of) if key is None else lookup.keyed(parameter, as_of, key)
            # Kept without what this key waits for: the next key of the same shape may wait for other
            # facts (another person's age), and adds its own below.
            kept = NO_DEPS if found.exact else found.deps if key is None else found.deps - key.deps
            self._figures[cache_key] = Num(found.lo, found.hi, kept)
        if found.exact or key is None:
            return found
        # The range comes from the key's uncertainty: it waits for what the key waits for.
        return Num(found.lo, found.hi, found.deps | key.deps)

    def informers_of(self, deps: Iterable[str]) -> tuple[str, ...]:
        """Every question (in manual order) whose answer tells something about any of these facts."""
        found: set[str] = set()
        for dep in deps:
            found.update(self.informers(dep))
        return tuple(q for q in self.question_order if q in found)

    def informers_of_set(self, deps: frozenset[str]) -> tuple[str, ...]:
        """informers_of for what a verdict waits for, remembered: households wait for the same few sets
        of facts, and every screening and every choice of the next question reads them."""
        found = self._informers_of.get(deps)
        if found is None:
            if len(self._informers_of) > 20_000:  # sets of fact names; this only guards odd handles
                self._informers_of.clear()
            found = self._informers_of[deps] = self.informers_of(deps)
        return found

    def informers(self, dep: str) -> tuple[str, ...]:
        """The questions whose answer tells something about the fact `dep`, remembered per fact name."""
        found = self._informers.get(dep)
        if found is None:
            from knowledge.questioning import informs

            if len(self._informers) > 10_000:  # fact names are few; this only guards odd handles
                self._informers.clear()
            found = self._informers[dep] = tuple(
                q for q in self.manual.questions if informs(self.manual, q, dep)
            )
        return found

    def _rule_fn(self, rule: Rule, flip: bool) -> Callable[[ScreenRun], Result]:
        """A rule as one closure per node (the tree is walked once, here, not on every screening)."""
        if isinstance(rule, AllOf | AnyOf):
            items = tuple(self._rule_fn(item, flip) for item in rule.items)
            want_all = isinstance(rule, AllOf) != flip
            if len(items) == 1:
                return items[0]
            return lambda run: combine([f(run) for f in items], want_all)
        if isinstance(rule, NotR):
            return self._rule_fn(rule.item, not flip)
        fn = self.leaves[id(rule)].fn
        leaf = rule

        def check(run: ScreenRun) -> Result:
            outcome = fn(run, None)
            assert isinstance(outcome, Truth)
            tri = outcome.tri
            if flip:
                tri = Tri.NO if tri is Tri.YES else Tri.YES if tri is Tri.NO else tri
            return Result(tri, ((leaf, tri),), outcome.deps if tri is Tri.UNKNOWN else NO_DEPS)

        return check

    def _status_fn(self, rule: Rule, flip: bool) -> Callable[[ScreenRun], tuple[Tri, frozenset[str]]]:
        """The rule's outcome and what it waits for, without the reasons: `all` stops at the first
        NO and `any` at the first YES (Kleene logic lets it; the reasons are _rule_fn's, on demand)."""
        if isinstance(rule, AllOf | AnyOf):
            items = tuple(self._status_fn(item, flip) for item in rule.items)
            if len(items) == 1:
                return items[0]
            want_all = isinstance(rule, AllOf) != flip
            decisive, neutral = (Tri.NO, Tri.YES) if want_all else (Tri.YES, Tri.NO)

            def settle(run: ScreenRun) -> tuple[Tri, frozenset[str]]:
                missing: frozenset[str] | None = None
                for item in items:
                    tri, deps = item(run)
                    if tri is decisive:
                        return decisive, NO_DEPS
                    if tri is Tri.UNKNOWN:
                        missing = deps if missing is None else missing | deps
                return (neutral, NO_DEPS) if missing is None else (Tri.UNKNOWN, missing)

            return settle
        if isinstance(rule, NotR):
            return self._status_fn(rule.item, not flip)
        fn = self.leaves[id(rule)].fn

        def leaf(run: ScreenRun) -> tuple[Tri, frozenset[str]]:
            outcome = fn(run, None)
            assert isinstance(outcome, Truth)
            tri = outcome.tri
            if tri is Tri.UNKNOWN:
                return tri, outcome.deps
            if flip:
                tri = Tri.NO if tri is Tri.YES else Tri.YES
            return tri, NO_DEPS

        return leaf

    def _compile_rule(self, pid: str, rule: Rule) -> None:
        if isinstance(rule, Leaf):
            try:
                self.leaves[id(rule)] = self.compiler.truth(rule.node)
            except E.FormulaError as exc:
                self.errors.append(CompileError("programme", pid, exc, rule))
        elif isinstance(rule, AllOf | AnyOf):
            for item in rule.items:
                self._compile_rule(pid, item)
        else:
            self._compile_rule(pid, rule.item)

    # ------------------------------------------------------------ public API

    def household(self, answers: Mapping[str, Any] | Household, as_of: dt.date) -> Household:
        if isinstance(answers, Household):
            return answers
        facts = facts_from_answers(self.manual, answers)
        first = build(self.manual, facts, as_of)
        assumed = self._assumed(answers, first, as_of)
        if not assumed:
            return first
        # Built again with the assumptions; what they leave unchanged (most people's facts) is taken over
        # from the first build (`like`), not worked out twice.
        try:
            return build(self.manual, {**facts, **assumed}, as_of, like=first)
        except FactsError:
            # An assumption that contradicts what was given (a listed parent for someone over 39)
            # does not hold for this household: keep only those that fit.
            kept: dict[str, Any] = {}
            for key, value in assumed.items():
                try:
                    build(self.manual, {**facts, **kept, key: value}, as_of, like=first)
                except FactsError:
                    continue
                kept[key] = value
            return build(self.manual, {**facts, **kept}, as_of, like=first)

    def _assumed(self, answers: Mapping[str, Any], household: Household, as_of: dt.date) -> dict[str, Any]:
        """`when_not_asked` answers of questions their gate rules out (not asked, and not given)."""
        out: dict[str, Any] = {}
        run: ScreenRun | None = None
        for qid, question in self.manual.questions.items():
            if question.when_not_asked is None or qid in answers or (question.fact or qid) in household.given:
                continue
            run = run or ScreenRun(self, household, as_of)
            if not run.may_ask(qid):
                out.update(facts_from_answers(self.manual, {qid: question.when_not_asked}))
        return out

    def run(self, answers: Mapping[str, Any] | Household, as_of: dt.date) -> ScreenRun:
        return ScreenRun(self, self.household(answers, as_of), as_of)

    def screen(
        self, answers: Mapping[str, Any] | Household, as_of: dt.date, programs: Iterable[str] | None = None
    ) -> dict[str, Verdict]:
        """Verdicts in manual order. FactsError (household.py) when the facts contradict each other."""
        run = self.run(answers, as_of)
        ids = list(programs) if programs is not None else list(self.manual.programs)
        return {pid: run.verdict(pid) for pid in ids}


def _with_unit(t: Type, unit: str) -> Type:
    if t.kind != "num":
        return t
    return Type(t.kind, t.choices, unit)


class ScreenRun:
    """One household on one date: computed values and verdicts are worked out once and remembered."""

    def __init__(self, screener: Screener, household: Household, as_of: dt.date) -> None:
        self.screener = screener
        self.manual = screener.manual
        self.household = household
        self.as_of = as_of
        self._memo: dict[str, Value] = {}
        self._person_memo: dict[tuple[str, str], Value] = {}
        self._results: dict[str, tuple[Result, bool, str | None]] = {}
        self._full: dict[str, tuple[Result, bool, str | None]] = {}
        self._blobs: dict[bool, Person] = {}
        self._busy: set[str] = set()
        self._gates: dict[str, Value | None] = {}
        self._asks: dict[frozenset[str], tuple[str, ...]] = {}
        self._askable: dict[str, bool] = {}

    # ------------------------------------------------------------ what formulas read (compile.Run)

    def computed(self, cid: str, person: Person | None) -> Value:
        if person is None:
            found = self._memo.get(cid)
            if found is None:
                found = self._memo[cid] = self.screener.computed[cid].fn(self, None)
            return found
        key = (cid, person.handle)
        found = self._person_memo.get(key)
        if found is None:
            found = self._person_memo[key] = self.screener.computed[cid].fn(self, person)
        return found

    def eligible(self, pid: str) -> Truth:
        result, _, _ = self.result(pid)
        return Truth(result.tri, result.missing)

    def param(self, pid: str, key: Value | None) -> Num:
        return self.screener.figure(pid, self.as_of, key)

    def blob(self, each: bool) -> Person:
        """The people not listed one by one, as one person: their money as one sum (each=False) or as
        what any one of them may have (each=True)."""
        found = self._blobs.get(each)
        if found is None:
            h = self.household
            values = dict(h.extra_values)
            if each:
                for attr, value in values.items():
                    if isinstance(value, Num) and attr in _MONEY:
                        values[attr] = Num(0.0, value.hi, value.deps) if value.hi > 0 else value
            found = self._blobs[each] = Person(MEMBERS, "members", values)
        return found

    # ------------------------------------------------------------ verdicts

    def result(self, pid: str) -> tuple[Result, bool, str | None]:
        """(result, receiving, instead) for one programme, remembered."""
        found = self._results.get(pid)
        if found is not None:
            return found
        if pid in self._busy:  # the loader rejects cycles; this guards a hand-built manual
            return Result(Tri.UNKNOWN), False, None
        self._busy.add(pid)
        try:
            found = self._results[pid] = self._decide(pid, full=False)
        finally:
            self._busy.discard(pid)
        return found

    def full_result(self, pid: str) -> tuple[Result, bool, str | None]:
        """As `result`, with every condition that explains it (for reasons), remembered."""
        found = self._full.get(pid)
        if found is None:
            found = self._full[pid] = self._decide(pid, full=True)
        return found

    def _decide(self, pid: str, full: bool) -> tuple[Result, bool, str | None]:
        manual = self.manual
        receives = self.household.receives(pid)
        if receives.tri is Tri.YES:
            return Result(Tri.YES, ((_RECEIVED, Tri.YES),)), True, None
        if full:
            result = self.screener.rules[pid](self)
        else:
            tri, missing = self.screener.statuses[pid](self)
            result = Result(tri, (), missing)
        if result.tri is Tri.NO:
            return result, False, None
        for other in manual.programs[pid].replaced_by:
            applies = any_of((self.household.receives(other), self.eligible(other)))
            if applies.tri is Tri.YES:
                return Result(Tri.NO, ((_instead(manual, other, Tri.NO), Tri.NO),)), False, other
            if applies.tri is Tri.UNKNOWN:
                maybe = Result(
                    Tri.UNKNOWN, ((_instead(manual, other, Tri.UNKNOWN), Tri.UNKNOWN),), applies.deps
                )
                result = combine([result, maybe], want_all=True)
        return result, False, None

    def verdict(self, pid: str) -> Verdict:
        result, receiving, instead = self.result(pid)
        unknown = result.tri is Tri.UNKNOWN
        return Verdict(
            pid,
            STATUS_OF[result.tri],
            tuple(sorted(result.missing)) if unknown else (),
            self.questions(result.missing) if unknown else (),
            receiving,
            instead,
            self,
        )

    def questions(self, missing: frozenset[str]) -> tuple[str, ...]:
        """The questions to ask for these missing facts: not yet answered and not ruled out by their
        gate; remembered, since many verdicts of one household wait for the same facts."""
        if not missing:
            return ()
        found = self._asks.get(missing)
        if found is None:
            informers = self.screener.informers_of_set(missing)
            askable = self._askable
            for q in informers:
                if q not in askable:
                    askable[q] = self._not_given(q) and self.may_ask(q)
            found = self._asks[missing] = tuple([q for q in informers if askable[q]])
        return found

    def _not_given(self, qid: str) -> bool:
        given = self.household.given
        return qid not in given and (self.manual.questions[qid].fact or qid) not in given

    def gate(self, qid: str) -> Value | None:
        """The question's `ask_if` for this household (None: no gate), worked out once."""
        if qid in self._gates:
            return self._gates[qid]
        gate = self.screener.gates.get(qid)
        value = self._gates[qid] = gate.fn(self, None) if gate is not None else None
        return value

    def may_ask(self, qid: str) -> bool:
        """False when the question's gate rules it out for this household."""
        value = self.gate(qid)
        return not (isinstance(value, Truth) and value.tri is Tri.NO)

    def value(self, node: E.Node, person: Person | None = None) -> Value:
        """Any node of a compiled formula, evaluated for this household (for wording and explain)."""
        return self.screener.compiler.fns[id(node)].fn(self, person)


_RECEIVED = Reason(Tri.YES, lambda lang: pick(lang, "이미 받고 있어요", "Already received"))


def _instead(manual: Manual, other: str, tri: Tri) -> Reason:
    name = manual.programs[other].name
    if tri is Tri.NO:
        return Reason(
            tri,
            lambda lang: pick(
                lang,
                f"{name.ko}{josa(name.ko, '이', '가')} 대신 적용돼요",
                f"{name.en} applies instead",
            ),
        )
    return Reason(
        tri,
        lambda lang: pick(
            lang,
            f"{name.get(lang)} 대상이면 그것이 대신 적용돼요 (확인 필요)",
            f"If {name.get(lang)} applies, it replaces this (to be checked)",
        ),
    )


_MONEY = frozenset(
    (
        "earned_income",
        "other_income",
        "earned_income_last_year",
        "other_income_last_year",
        "housing",
        "land_buildings",
        "financial",
        "car_value",
        "deposit",
        "debt",
    )
)


def questions_for_facts(
    screener: Screener, missing: Iterable[str], given: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The questions (in manual order) not yet answered whose answers would tell any of these facts."""
    found: set[str] = set()
    for dep in missing:
        found.update(screener.informers(dep))
    if not found:
        return ()
    manual = screener.manual
    return tuple(
        qid
        for qid in screener.question_order
        if qid in found and qid not in given and (manual.questions[qid].fact or qid) not in given
    )


__all__ = ["INF", "NO_DEPS", "ScreenRun", "Screener", "Status", "Verdict"]
