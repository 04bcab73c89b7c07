"""Formulas checked against the manual and turned into evaluators, once per manual.

Checking resolves every name (a person's fact, a household fact, a computed value, a parameter, a unit,
a programme or a choice value) and every type, so a typo stops `validate` with the formula's line and
column instead of surfacing as "unknown" in a resident's result. Each AST node becomes a closure
`(run, person) -> Value`; `run` is one screening (household, date, memos), `person` the person a
person-level formula is read for (None at household level).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from knowledge import expr as E
from knowledge import people
from knowledge import values as V
from knowledge.household import MEASURES, MONEY, Household, Person
from knowledge.model import FactSpec, FactType
from knowledge.values import Cat, Chosen, Num, Tri, Truth, Value

if TYPE_CHECKING:
    from knowledge.manual import Manual

NUM, BOOL, CAT, MULTI, STR = "num", "bool", "cat", "multi", "str"
AGGREGATES = {"sum", "count", "any", "all", "minimum", "maximum"}
FUNCTIONS = AGGREGATES | {
    "min",
    "max",
    "round",
    "floor",
    "if",
    "mod",
    "eligible",
    "receiving",
    "has_any",
    "known",
}


class Run(Protocol):
    """One screening: what compiled formulas read."""

    household: Household
    as_of: dt.date

    def computed(self, cid: str, person: Person | None) -> Value: ...
    def eligible(self, pid: str) -> Truth: ...
    def blob(self, each: bool) -> Person: ...
    def param(self, pid: str, key: Value | None) -> Num: ...


Fn = Callable[[Run, Person | None], Value]
# The same evaluators as the type checker of this module has proved them to be (a number's, a condition's):
# cast once when compiling, so evaluating needs no check of what each node returned.
NumFn = Callable[[Run, Person | None], Num]
TruthFn = Callable[[Run, Person | None], Truth]
CatFn = Callable[[Run, Person | None], Cat]


@dataclass(frozen=True, slots=True)
class Type:
    kind: str
    choices: frozenset[str] | None = None
    unit: str | None = None  # how a number reads: KRW/month, years, people, percent …


@dataclass
class Compiled:
    type: Type
    fn: Fn
    # Reads nothing of the household: literals, parameters and the date, and what is made of them only.
    # Such a value is worked out once per consultation date (_node), not on every screening.
    fixed: bool = False


@dataclass
class Compiler:
    """Compiles formulas for one manual; `fns` keeps every node's evaluator for rendering reasons."""

    manual: Manual
    fns: dict[int, Compiled] = field(default_factory=dict)
    computed_types: dict[str, Type] = field(default_factory=dict)
    # Every name each computed value reads (transitively by the caller), for validation and explain.
    reads: dict[str, set[str]] = field(default_factory=dict)

    # ------------------------------------------------------------ entry points

    def formula(self, node: E.Node, person_scope: bool = False) -> Compiled:
        compiled = self._node(node, person_scope)
        return compiled

    def truth(self, node: E.Node, person_scope: bool = False) -> Compiled:
        compiled = self._node(node, person_scope)
        if compiled.type.kind != BOOL:
            raise E.FormulaError("this must be a condition (yes / no), not a value", _col(node))
        return compiled

    # ------------------------------------------------------------ nodes

    def _node(self, node: E.Node, person: bool) -> Compiled:
        compiled = self._build(node, person)
        if compiled.fixed and not isinstance(node, E.Lit):
            compiled = Compiled(compiled.type, _by_date(compiled.fn), fixed=True)
        self.fns[id(node)] = compiled
        return compiled

    def _build(self, node: E.Node, person: bool) -> Compiled:
        if isinstance(node, E.Lit):
            return self._lit(node)
        if isinstance(node, E.Name):
            return self._name(node, person)
        if isinstance(node, E.Bin):
            return self._bin(node, person)
        if isinstance(node, E.Neg):
            inner = self._num(node.a, person)
            f = inner.fn
            return Compiled(inner.type, lambda r, p: V.neg(_n(f(r, p))), inner.fixed)
        if isinstance(node, E.Cmp):
            return self._cmp(node, person)
        if isinstance(node, E.In):
            return self._in(node, person)
        if isinstance(node, E.Logic):
            items = [self._bool(item, person) for item in node.items]
            parts = tuple(cast(TruthFn, item.fn) for item in items)
            logic = _all_of(parts) if node.op == "and" else _any_of(parts)
            return Compiled(Type(BOOL), logic, all(item.fixed for item in items))
        if isinstance(node, E.Not):
            inner = self._bool(node.a, person)
            inner_fn = cast(TruthFn, inner.fn)
            return Compiled(Type(BOOL), lambda r, p: V.negate(inner_fn(r, p)), inner.fixed)
        assert isinstance(node, E.Call)
        return self._call(node, person)

    def _lit(self, node: E.Lit) -> Compiled:
        value = node.value
        if isinstance(value, bool):
            fixed: Value = V.truth(value)
            return Compiled(Type(BOOL), lambda r, p: fixed, fixed=True)
        if isinstance(value, str):
            raise E.FormulaError(f"'{value}' can only be compared with a choice (region == seoul)", node.col)
        number = V.exact(value)
        return Compiled(Type(NUM), lambda r, p: number, fixed=True)

    def _num(self, node: E.Node, person: bool) -> Compiled:
        compiled = self._node(node, person)
        if compiled.type.kind != NUM:
            raise E.FormulaError(f"expected a number here, got {_kind_text(compiled.type)}", _col(node))
        return compiled

    def _bool(self, node: E.Node, person: bool) -> Compiled:
        compiled = self._node(node, person)
        if compiled.type.kind != BOOL:
            raise E.FormulaError(f"expected a condition here, got {_kind_text(compiled.type)}", _col(node))
        return compiled

    # ------------------------------------------------------------ names

    def _name(self, node: E.Name, person: bool) -> Compiled:
        path = node.path
        man = self.manual
        if person and path in man.facts_person:
            return self._person_attr(path, man.facts_person[path], own=True)
        if person and path in man.computed and man.computed[path].per == "person":
            return self._computed(path, node, person_level=True)
        head, _, rest = path.partition(".")
        if head == "self" and rest:
            if rest in man.facts_person:
                return self._person_attr(rest, man.facts_person[rest], own=False)
            if rest in man.computed and man.computed[rest].per == "person":
                inner = self._computed(rest, node, person_level=True).fn
                return Compiled(
                    self.computed_types.get(rest, Type(NUM)), lambda r, p: inner(r, r.household.people[0])
                )
            raise E.FormulaError(f"'{rest}' is not a person's fact", node.col)
        if path in man.facts_household:
            return self._household_fact(path, man.facts_household[path])
        if path == "medical_expenses_annual":
            return Compiled(Type(NUM, unit="KRW/year"), lambda r, p: r.household.facts[path])
        if path in man.computed:
            if man.computed[path].per == "person":
                raise E.FormulaError(
                    f"'{path}' is computed for each person: use it inside sum/any/count, or as self.{path}",
                    node.col,
                )
            return self._computed(path, node, person_level=False)
        if path in man.parameters:
            param = man.parameters[path]
            if param.by is not None:
                raise E.FormulaError(
                    f"parameter '{path}' is a table by {param.by}: call it, {path}(key)", node.col
                )
            return Compiled(Type(NUM, unit=param.unit), lambda r, p: r.param(path, None), fixed=True)
        if path == "as_of_year":
            return Compiled(Type(NUM, unit="year"), lambda r, p: V.exact(r.as_of.year), fixed=True)
        if path in man.units:
            raise E.FormulaError(f"'{path}' is a group of people: use it in sum/count/any/all", node.col)
        if path in man.facts_person:
            raise E.FormulaError(
                f"'{path}' is a person's fact: write self.{path}, or use it inside sum/any", node.col
            )
        raise E.FormulaError(f"unknown name '{path}'", node.col)

    def _person_attr(self, attr: str, spec: FactSpec, own: bool) -> Compiled:
        """A person's fact: of the person the formula is read for (own), or of the consulted person."""

        def read_own(r: Run, p: Person | None) -> Value:
            found: Value = _person(p).values[attr]
            return found

        def read_self(r: Run, p: Person | None) -> Value:
            found: Value = r.household.people[0].values[attr]
            return found

        return Compiled(_fact_type(spec), read_own if own else read_self)

    def _household_fact(self, fid: str, spec: FactSpec) -> Compiled:
        def read(r: Run, p: Person | None) -> Value:
            return r.household.facts[fid]

        return Compiled(_fact_type(spec), read)

    def _computed(self, cid: str, node: E.Node, person_level: bool) -> Compiled:
        known = self.computed_types.get(cid)
        if known is None:
            raise E.FormulaError(f"'{cid}' is used before it is defined (or depends on itself)", _col(node))
        if person_level:
            return Compiled(known, lambda r, p: r.computed(cid, _person(p)))
        return Compiled(known, lambda r, p: r.computed(cid, None))

    # ------------------------------------------------------------ operators

    def _bin(self, node: E.Bin, person: bool) -> Compiled:
        a, b = self._num(node.a, person), self._num(node.b, person)
        fa, fb = cast(NumFn, a.fn), cast(NumFn, b.fn)
        op = {"+": V.add, "-": V.sub, "*": V.mul, "/": V.div}[node.op]
        # A sum keeps its left side's unit; a product or quotient the unit of its side that has one
        # (an amount × a rate is an amount).
        unit = a.type.unit if node.op in "+-" else (a.type.unit or b.type.unit)

        def binary(r: Run, p: Person | None) -> Value:
            return op(fa(r, p), fb(r, p))

        return Compiled(Type(NUM, unit=unit), binary, a.fixed and b.fixed)

    def _cmp(self, node: E.Cmp, person: bool) -> Compiled:
        left = self._node_or_choice(node.a, node.b, person)
        right = self._node_or_choice(node.b, node.a, person)
        kinds = (left.type.kind, right.type.kind)
        op = node.op
        if kinds == (NUM, NUM):
            na, nb = cast(NumFn, left.fn), cast(NumFn, right.fn)
            test = V.COMPARE[op]
            return Compiled(Type(BOOL), lambda r, p: test(na(r, p), nb(r, p)), left.fixed and right.fixed)
        if op not in ("eq", "ne"):
            raise E.FormulaError(f"'{E.SYMBOL[op]}' compares numbers", node.col)
        if kinds == (BOOL, BOOL):
            fa, fb = left.fn, right.fn

            def same(r: Run, p: Person | None) -> Value:
                x, y = _t(fa(r, p)), _t(fb(r, p))
                equal = V.any_of((V.all_of((x, y)), V.all_of((V.negate(x), V.negate(y)))))
                return equal if op == "eq" else V.negate(equal)

            return Compiled(Type(BOOL), same, left.fixed and right.fixed)
        if CAT in kinds and STR in kinds:
            cat, text = (left, node.b) if left.type.kind == CAT else (right, node.a)
            assert isinstance(text, E.Name | E.Lit)
            option = frozenset((self._choice(cat.type, text),))
            f = cast(CatFn, cat.fn)
            negate = op == "ne"
            return Compiled(Type(BOOL), lambda r, p: V.member(f(r, p), option, negate), cat.fixed)
        raise E.FormulaError(
            f"cannot compare {_kind_text(left.type)} with {_kind_text(right.type)}", node.col
        )

    def _node_or_choice(self, node: E.Node, other: E.Node, person: bool) -> Compiled:
        """A bare word facing a choice is a choice value (housing_type == monthly_rent), even where the
        word is also a fact's name; facing anything else it is a name."""
        if isinstance(node, E.Name | E.Lit) and not (
            isinstance(node, E.Lit) and not isinstance(node.value, str)
        ):
            try:
                peer = self._build(other, person)
            except E.FormulaError:
                peer = None
            word = node.path if isinstance(node, E.Name) else str(node.value)
            if (
                peer is not None
                and peer.type.kind == CAT
                and (
                    peer.type.choices is None
                    or word in peer.type.choices
                    or not self._resolvable(node, person)
                )
            ):
                return Compiled(Type(STR), lambda r, p: V.NO, fixed=True)
        return self._node(node, person)

    def _resolvable(self, node: E.Name | E.Lit, person: bool) -> bool:
        if isinstance(node, E.Lit):
            return not isinstance(node.value, str)
        try:
            self._name(node, person)
        except E.FormulaError:
            return False
        return True

    def _choice(self, cat: Type, node: E.Name | E.Lit) -> str:
        value = node.path if isinstance(node, E.Name) else str(node.value)
        if cat.choices is not None and value not in cat.choices:
            raise E.FormulaError(f"'{value}' is not one of {', '.join(sorted(cat.choices))}", node.col)
        return value

    def _in(self, node: E.In, person: bool) -> Compiled:
        subject = self._node(node.a, person)
        if subject.type.kind != CAT:
            raise E.FormulaError("'in' tests a choice (region, housing_type, relation …)", node.col)
        options = []
        for opt in node.options:
            if not isinstance(opt, E.Name | E.Lit):
                raise E.FormulaError("list items are choice values", _col(opt))
            options.append(self._choice(subject.type, opt))
        allowed = frozenset(options)
        f, negate = cast(CatFn, subject.fn), node.negate
        return Compiled(Type(BOOL), lambda r, p: V.member(f(r, p), allowed, negate), subject.fixed)

    # ------------------------------------------------------------ functions

    def _call(self, node: E.Call, person: bool) -> Compiled:
        fn, args = node.fn, node.args
        if fn in self.manual.parameters:
            return self._param_call(node, person)
        if fn in AGGREGATES:
            return self._aggregate(node, person)
        if fn in ("min", "max"):
            if len(args) < 2:
                raise E.FormulaError(f"{fn}() takes two or more numbers", node.col)
            compiled = [self._num(a, person) for a in args]
            fns = [cast(NumFn, c.fn) for c in compiled]
            pick = V.minimum if fn == "min" else V.maximum
            unit = self.fns[id(args[0])].type.unit
            if len(fns) == 2:
                f0, f1 = fns

                def pick2(r: Run, p: Person | None) -> Value:
                    return pick(f0(r, p), f1(r, p))

                return Compiled(Type(NUM, unit=unit), pick2, all(c.fixed for c in compiled))
            return Compiled(
                Type(NUM, unit=unit),
                lambda r, p: pick(*(f(r, p) for f in fns)),
                all(c.fixed for c in compiled),
            )
        if fn in ("round", "floor"):
            inner = self._one_num(node, person)
            op = V.round_won if fn == "round" else V.floor_
            return Compiled(inner.type, lambda r, p: op(_n(inner.fn(r, p))), inner.fixed)
        if fn == "mod":
            if len(args) != 2:
                raise E.FormulaError("mod() takes two numbers", node.col)
            a, b = self._num(args[0], person), self._num(args[1], person)
            fa, fb = a.fn, b.fn
            return Compiled(Type(NUM), lambda r, p: V.mod(_n(fa(r, p)), _n(fb(r, p))), a.fixed and b.fixed)
        if fn == "if":
            if len(args) != 3:
                raise E.FormulaError("if() takes a condition and two numbers: if(cond, then, else)", node.col)
            test = self._bool(args[0], person)
            cond = cast(TruthFn, test.fn)
            then, other = self._num(args[1], person), self._num(args[2], person)
            ft, fo = cast(NumFn, then.fn), cast(NumFn, other.fn)

            def choose(r: Run, p: Person | None) -> Value:
                c = cond(r, p)
                if c.tri is Tri.YES:
                    return ft(r, p)
                if c.tri is Tri.NO:
                    return fo(r, p)
                return V.choose(c, ft(r, p), fo(r, p))

            return Compiled(
                Type(NUM, unit=then.type.unit or other.type.unit),
                choose,
                test.fixed and then.fixed and other.fixed,
            )
        if fn in ("eligible", "receiving"):
            pid = self._program_arg(node)
            if fn == "eligible":
                return Compiled(Type(BOOL), lambda r, p: r.eligible(pid))
            return Compiled(Type(BOOL), lambda r, p: r.household.receives(pid))
        if fn == "has_any":
            return self._has_any(node, person)
        if fn == "known":
            if len(args) != 1:
                raise E.FormulaError("known() takes one fact", node.col)
            known = self._node(args[0], person)
            inner_fn = known.fn
            return Compiled(Type(BOOL), lambda r, p: V.truth(_is_known(inner_fn(r, p))), known.fixed)
        raise E.FormulaError(f"unknown function '{fn}' (known: {', '.join(sorted(FUNCTIONS))})", node.col)

    def _one_num(self, node: E.Call, person: bool) -> Compiled:
        if len(node.args) != 1:
            raise E.FormulaError(f"{node.fn}() takes one number", node.col)
        return self._num(node.args[0], person)

    def _program_arg(self, node: E.Call) -> str:
        if len(node.args) != 1 or not isinstance(node.args[0], E.Name):
            raise E.FormulaError(f"{node.fn}() takes one programme id", node.col)
        pid = node.args[0].path
        if pid not in self.manual.programs:
            raise E.FormulaError(f"unknown programme '{pid}'", node.args[0].col)
        return pid

    def _has_any(self, node: E.Call, person: bool) -> Compiled:
        if len(node.args) < 2:
            raise E.FormulaError("has_any() takes a multi-choice fact and one or more choices", node.col)
        subject = self._node(node.args[0], person)
        if subject.type.kind != MULTI:
            raise E.FormulaError("has_any() needs a multi-choice fact such as crisis", _col(node.args[0]))
        options = []
        for opt in node.args[1:]:
            if not isinstance(opt, E.Name | E.Lit):
                raise E.FormulaError("choices are plain words", _col(opt))
            options.append(self._choice(subject.type, opt))
        allowed, f = frozenset(options), subject.fn

        def has(r: Run, p: Person | None) -> Value:
            value = f(r, p)
            assert isinstance(value, Chosen)
            return V.has_any(value, allowed)

        return Compiled(Type(BOOL), has)

    def _param_call(self, node: E.Call, person: bool) -> Compiled:
        param = self.manual.parameters[node.fn]
        if param.by is None:
            raise E.FormulaError(f"parameter '{node.fn}' is a single figure: write it without ()", node.col)
        if len(node.args) != 1:
            raise E.FormulaError(f"parameter '{node.fn}' takes one key ({param.by})", node.col)
        key = self._node(node.args[0], person)
        self._check_keys(node, param, key.type)
        fk, pid = key.fn, node.fn
        return Compiled(Type(NUM, unit=param.unit), lambda r, p: r.param(pid, fk(r, p)), key.fixed)

    def _check_keys(self, node: E.Call, param: Any, key: Type) -> None:
        """Every value the key can take must have a figure (checked on every dated table)."""
        for date, table in param.values.items():
            assert isinstance(table, dict)
            if key.kind == BOOL:
                needed = {"true", "false"}
            elif key.kind == CAT:
                needed = set(key.choices or ())
            elif key.kind == NUM:
                if not all(k.lstrip("-").isdigit() for k in table):
                    raise E.FormulaError(f"parameter '{node.fn}' is keyed by words, not numbers", node.col)
                continue
            else:
                raise E.FormulaError(f"parameter '{node.fn}' cannot be keyed by {_kind_text(key)}", node.col)
            absent = needed - set(table)
            if absent:
                raise E.FormulaError(
                    f"parameter '{node.fn}' has no figure for {', '.join(sorted(absent))} on {date}", node.col
                )

    def _aggregate(self, node: E.Call, person: bool) -> Compiled:
        if person:
            raise E.FormulaError(f"{node.fn}() over people cannot be nested inside another", node.col)
        fn, args = node.fn, node.args
        if not args or not isinstance(args[0], E.Name) or args[0].path not in self.manual.units:
            known = ", ".join(sorted(self.manual.units))
            raise E.FormulaError(f"{fn}() starts with a group of people ({known})", node.col)
        where = self.unit(args[0].path)
        if fn == "count":
            if len(args) > 2:
                raise E.FormulaError("count(unit) or count(unit, condition)", node.col)
            pred = self._bool(args[1], True).fn if len(args) == 2 else None
            agg = people.Aggregate(where, pred=pred)
            return Compiled(Type(NUM, unit="people"), lambda r, p: people.count(agg, r))
        if fn in ("any", "all"):
            if len(args) != 2:
                raise E.FormulaError(f"{fn}(unit, condition)", node.col)
            agg = people.Aggregate(where, pred=self._bool(args[1], True).fn)
            run = people.any_ if fn == "any" else people.all_
            return Compiled(Type(BOOL), lambda r, p: run(agg, r))
        if len(args) != 2:
            raise E.FormulaError(f"{fn}(unit, value)", node.col)
        value = self._num(args[1], True)
        if fn == "sum":
            agg = people.Aggregate(where, expr=value.fn, plain=_plain_money(args[1]))
            return Compiled(Type(NUM, unit=value.type.unit), lambda r, p: people.total(agg, r))
        agg = people.Aggregate(where, expr=value.fn)
        smallest = fn == "minimum"
        return Compiled(Type(NUM, unit=value.type.unit), lambda r, p: people.extreme(agg, r, smallest))

    def unit(self, uid: str) -> Fn:
        found = self.fns.get(id(self.manual.unit_rules[uid]))
        if found is None:
            found = self.truth(self.manual.unit_rules[uid], person_scope=True)
        return found.fn


# ---------------------------------------------------------------- helpers


def _all_of(parts: tuple[TruthFn, ...]) -> Fn:
    """Kleene `and` over the parts, evaluated in order up to the first no (values.all_of, unrolled)."""
    return _kleene(parts, Tri.NO, V.NO, V.YES)


def _any_of(parts: tuple[TruthFn, ...]) -> Fn:
    """Kleene `or` over the parts, evaluated in order up to the first yes (values.any_of, unrolled)."""
    return _kleene(parts, Tri.YES, V.YES, V.NO)


def _kleene(parts: tuple[TruthFn, ...], decisive: Tri, decided: Value, otherwise: Value) -> Fn:
    """The first part that is `decisive` decides; else unknown (with what it waits for) or `otherwise`."""

    def logic(r: Run, p: Person | None) -> Value:
        deps: frozenset[str] = V.NO_DEPS
        unknown = False
        for f in parts:
            t = f(r, p)
            tri = t.tri
            if tri is decisive:
                return decided
            if tri is Tri.UNKNOWN:
                unknown = True
                deps = deps | t.deps
        return Truth(Tri.UNKNOWN, deps) if unknown else otherwise

    return logic


def _by_date(fn: Fn) -> Fn:
    """A fixed value's evaluator, remembered per consultation date: it reads no household, and values are
    never changed in place (values.py), so one value serves every screening on that date."""
    memo: dict[dt.date, Value] = {}

    def fixed(r: Run, p: Person | None) -> Value:
        found = memo.get(r.as_of)
        if found is None:
            if len(memo) >= 32:  # a long-running process meets new days; most screenings are today's
                memo.clear()
            found = memo[r.as_of] = fn(r, p)
        return found

    return fixed


def _fact_type(spec: FactSpec) -> Type:
    kind = spec.type
    if kind in (FactType.INT, FactType.MONEY):
        unit = spec.unit.en if spec.unit else None
        if kind == FactType.MONEY:
            unit = {"month": "KRW/month", "year": "KRW/year"}.get(spec.period, "KRW")
        elif spec.id == "age":
            unit = "years"
        return Type(NUM, unit=unit)
    if kind == FactType.BOOL:
        return Type(BOOL)
    if kind == FactType.CHOICE:
        return Type(CAT, frozenset(c.value for c in spec.choices))
    if kind == FactType.MULTI_CHOICE:
        return Type(MULTI, frozenset(c.value for c in spec.choices))
    return Type(MULTI)


def _plain_money(node: E.Node) -> tuple[str, ...] | None:
    """`earned_income` or `earned_income + other_income`: a sum known totals can narrow."""
    if isinstance(node, E.Name) and node.path in MONEY:
        return (node.path,)
    if isinstance(node, E.Bin) and node.op == "+":
        a, b = _plain_money(node.a), _plain_money(node.b)
        if a is not None and b is not None:
            return a + b
    return None


def _kind_text(t: Type) -> str:
    return {NUM: "a number", BOOL: "a condition", CAT: "a choice", MULTI: "a list of choices", STR: "a word"}[
        t.kind
    ]


def _col(node: E.Node) -> int:
    return max(1, node.col)


def _n(value: Value) -> Num:
    assert isinstance(value, Num), value
    return value


def _t(value: Value) -> Truth:
    assert isinstance(value, Truth), value
    return value


def _c(value: Value) -> Cat:
    assert isinstance(value, Cat), value
    return value


def _person(p: Person | None) -> Person:
    assert p is not None
    return p


def _is_known(value: Value) -> bool:
    if isinstance(value, Num):
        return value.exact
    if isinstance(value, Truth):
        return value.tri is not Tri.UNKNOWN
    if isinstance(value, Cat):
        return value.exact is not None
    return value.values is not None


__all__ = ["MEASURES", "Compiled", "Compiler", "Run", "Type"]
