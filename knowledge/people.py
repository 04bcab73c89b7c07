"""Sums, counts and tests over the people of a unit (the couple, the household, children under 18 …).

Each listed person is in the unit, not in it, or not yet known to be (a relation not given). The people
known to exist but not listed one by one ("members") are one block: their money is held as one sum, and
what holds for one of them holds for any. A sum counts a person who may or may not be in the unit from
zero up to their amount; a known total over the same people (a household income given as one figure)
narrows the result further. All of it is sound: the true value always lies in the range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from knowledge.household import MEMBERS, Household, Person
from knowledge.values import (
    INF,
    NO,
    NO_DEPS,
    YES,
    Cat,
    Num,
    Tri,
    Truth,
    Value,
    all_of,
    any_of,
    intersect,
)


class Ctx(Protocol):
    household: Household

    def blob(self, each: bool) -> Person: ...


# Formulas are compiled against compile.Run, which has everything Ctx names and more.
Fn = Callable[[Any, Person | None], Value]


@dataclass(frozen=True, slots=True)
class Aggregate:
    where: Fn  # unit membership, a Truth
    pred: Fn | None = None  # count/any/all: the condition; sum: None
    expr: Fn | None = None  # sum/min/max: the value
    plain: tuple[str, ...] | None = None  # sum of these money attributes: known totals apply
    # A person's cells of `plain` ((handle, attribute) pairs), made once per handle.
    _cells: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict, compare=False, repr=False)

    def cells(self, handle: str) -> frozenset[tuple[str, str]]:
        found = self._cells.get(handle)
        if found is None:
            if len(self._cells) > 1_000:  # handles are few; this guards odd ones
                self._cells.clear()
            found = self._cells[handle] = frozenset((handle, a) for a in self.plain or ())
        return found


def _truth(value: Value) -> Truth:
    assert isinstance(value, Truth)
    return value


def _num(value: Value) -> Num:
    assert isinstance(value, Num)
    return value


def _in(agg: Aggregate, ctx: Ctx, person: Person) -> Truth:
    member = _truth(agg.where(ctx, person))
    if agg.pred is None or member.tri is Tri.NO:
        return member
    ok = _truth(agg.pred(ctx, person))
    # all_of((member, ok)), said out for the two of them
    if ok.tri is Tri.NO:
        return NO
    if member.tri is Tri.YES:
        return ok
    return Truth(Tri.UNKNOWN, member.deps | ok.deps if ok.tri is Tri.UNKNOWN else member.deps)


def count(agg: Aggregate, ctx: Ctx) -> Num:
    h = ctx.household
    lo = hi = 0.0
    deps: frozenset[str] = NO_DEPS
    for person in h.people:
        t = _in(agg, ctx, person)
        if t.tri is Tri.YES:
            lo += 1
            hi += 1
        elif t.tri is Tri.UNKNOWN:
            hi += 1
            deps |= t.deps
    if h.extra.hi > 0:
        t = _in(agg, ctx, ctx.blob(each=True))
        if t.tri is Tri.YES:
            lo += h.extra.lo
            hi += h.extra.hi
            deps |= h.extra.deps
        elif t.tri is Tri.UNKNOWN:
            hi += h.extra.hi
            deps |= t.deps | h.extra.deps
    return Num(lo, hi, NO_DEPS if lo == hi else deps)


def any_(agg: Aggregate, ctx: Ctx) -> Truth:
    h = ctx.household
    parts = [_in(agg, ctx, p) for p in h.people]
    if h.extra.hi > 0:
        t = _in(agg, ctx, ctx.blob(each=True))
        if t.tri is Tri.YES and h.extra.lo < 1:
            t = Truth(Tri.UNKNOWN, h.extra.deps)
        parts.append(t)
    return any_of(parts)


def all_(agg: Aggregate, ctx: Ctx) -> Truth:
    """Everyone in the unit meets the condition (true for an empty unit)."""
    h = ctx.household
    assert agg.pred is not None
    parts = []
    people = [*h.people, ctx.blob(each=True)] if h.extra.hi > 0 else h.people
    for person in people:
        member = _truth(agg.where(ctx, person))
        if member.tri is Tri.NO:
            continue
        ok = _truth(agg.pred(ctx, person))
        part = ok if member.tri is Tri.YES else any_of((Truth(Tri.NO, NO_DEPS), ok, _not_member(member)))
        if person.handle == MEMBERS and part.tri is Tri.NO and h.extra.lo < 1:
            part = Truth(Tri.UNKNOWN, h.extra.deps | member.deps)
        parts.append(part)
    return all_of(parts)


def _not_member(member: Truth) -> Truth:
    return (
        Truth(Tri.UNKNOWN, member.deps)
        if member.tri is Tri.UNKNOWN
        else (NO if member.tri is Tri.YES else YES)
    )


def total(agg: Aggregate, ctx: Ctx) -> Num:
    """The sum of `expr` over the unit, narrowed by any known total that covers the same people."""
    h = ctx.household
    assert agg.expr is not None
    lo = hi = 0.0
    deps: frozenset[str] = NO_DEPS
    sure: set[tuple[str, str]] = set()
    maybe: set[tuple[str, str]] = set()
    where, expr, plain = agg.where, agg.expr, agg.plain is not None
    for person in h.people:
        member = _truth(where(ctx, person))
        tri = member.tri
        if tri is Tri.NO:
            continue
        v = _num(expr(ctx, person))
        if tri is Tri.YES:
            lo, hi = lo + v.lo, hi + v.hi
            if v.deps:
                deps = deps | v.deps
            if plain:
                sure |= agg.cells(person.handle)
        else:
            lo, hi = lo + min(0.0, v.lo), hi + max(0.0, v.hi)
            deps |= v.deps | member.deps
            if plain:
                maybe |= agg.cells(person.handle)
    if h.extra.hi > 0:
        lo, hi, deps = _members_share(agg, ctx, lo, hi, deps, sure, maybe)
    result = Num(lo, hi, NO_DEPS if lo == hi else deps)
    if agg.plain is not None:
        result = _narrow_by_totals(h, result, sure, maybe)
    return result


def _members_share(
    agg: Aggregate,
    ctx: Ctx,
    lo: float,
    hi: float,
    deps: frozenset[str],
    sure: set[tuple[str, str]],
    maybe: set[tuple[str, str]],
) -> tuple[float, float, frozenset[str]]:
    h = ctx.household
    assert agg.expr is not None
    member = _truth(agg.where(ctx, ctx.blob(each=True)))
    if member.tri is Tri.NO:
        return lo, hi, deps
    if agg.plain is not None:
        # Their money is known only as one sum over all of them: use it whole.
        v = _num(agg.expr(ctx, ctx.blob(each=False)))
        cells = agg.cells(MEMBERS)
        if member.tri is Tri.YES:
            (sure if h.extra.exact else maybe).update(cells)
            return lo + v.lo, hi + v.hi, deps | v.deps | h.extra.deps
        maybe.update(cells)
        return lo + min(0.0, v.lo), hi + max(0.0, v.hi), deps | v.deps | member.deps
    v = _num(agg.expr(ctx, ctx.blob(each=True)))
    n_lo = h.extra.lo if member.tri is Tri.YES else 0.0
    each_lo = min(0.0, v.lo) if member.tri is not Tri.YES else v.lo
    add_lo = min(n_lo * each_lo, h.extra.hi * each_lo) if each_lo < 0 else n_lo * each_lo
    add_hi = _times(h.extra.hi, max(0.0, v.hi)) if v.hi > 0 else n_lo * v.hi
    return lo + add_lo, hi + add_hi, deps | v.deps | member.deps | h.extra.deps


def _times(n: float, x: float) -> float:
    return 0.0 if n == 0 or x == 0 else n * x


def _narrow_by_totals(
    h: Household, result: Num, sure: set[tuple[str, str]], maybe: set[tuple[str, str]]
) -> Num:
    """Known totals narrow a sum two ways: a total over cells all in the sum counts as itself (the
    household's homes together are 3억 however they are shared), and a total over a wider group bounds
    the sum by what the rest of it can hold."""
    covered = sure | maybe
    if not covered:
        return result
    inside = sorted((t for t in h.totals if t.cells <= sure), key=lambda t: -len(t.cells))
    used: set[tuple[str, str]] = set()
    lo = hi = 0.0
    for known in inside:
        if known.cells & used:
            continue
        used |= known.cells
        lo, hi = lo + known.value.lo, hi + known.value.hi
    if used:
        for cell in sure - used:
            v = h.cell(*cell)
            lo, hi = lo + v.lo, hi + v.hi
        for cell in maybe - used:
            v = h.cell(*cell)
            lo, hi = lo + min(0.0, v.lo), hi + max(0.0, v.hi)
        result = intersect(result, lo, hi)
    for known in h.totals:
        if not covered <= known.cells:
            continue
        outside = known.cells - covered
        not_sure = known.cells - sure
        upper = known.value.hi - sum(h.cell(*c).lo for c in outside)
        lower = known.value.lo - sum(h.cell(*c).hi for c in not_sure)
        result = intersect(result, lower, upper)
    return result


def extreme(agg: Aggregate, ctx: Ctx, smallest: bool) -> Num:
    """The smallest (or largest) value over the unit; +inf (−inf) when nobody is in it."""
    h = ctx.household
    assert agg.expr is not None
    empty = INF if smallest else -INF
    sure_hi = sure_lo = empty  # over people surely in the unit
    any_lo = any_hi = empty  # over everyone who may be
    deps: frozenset[str] = NO_DEPS
    people = [*h.people, ctx.blob(each=True)] if h.extra.hi > 0 else h.people
    pick = min if smallest else max
    for person in people:
        member = _truth(agg.where(ctx, person))
        if member.tri is Tri.NO:
            continue
        v = _num(agg.expr(ctx, person))
        deps |= v.deps
        surely = member.tri is Tri.YES and (person.handle != MEMBERS or h.extra.lo >= 1)
        if not surely:
            deps |= member.deps | (h.extra.deps if person.handle == MEMBERS else NO_DEPS)
        any_lo, any_hi = pick(any_lo, v.lo), pick(any_hi, v.hi)
        if surely:
            sure_lo, sure_hi = pick(sure_lo, v.lo), pick(sure_hi, v.hi)
    if smallest:
        lo, hi = any_lo, sure_hi
    else:
        lo, hi = sure_lo, any_hi
    if lo > hi:
        lo, hi = hi, lo
    return Num(lo, hi, NO_DEPS if lo == hi else deps)


def relation_of(person: Person) -> Cat:
    value = person.values["relation"]
    assert isinstance(value, Cat)
    return value
