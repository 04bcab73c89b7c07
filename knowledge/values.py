"""Values that may be partly known: number ranges, yes / no / unknown, and sets of possible choices.

Screening works on what a household has told us, which is rarely everything. A number whose inputs are
not all known is a range (lower and upper bound); a comparison is decided only when the whole range lies
on one side. Every value carries `deps`: the facts whose knowledge could still narrow it. An exact
value has none. These are what a verdict of "unknown" names as missing.

A value is never changed once made (operations make new ones), so one value may be shared: the blanks a
household starts from (household.py) and the values fixed by the date (compile.py) serve every screening.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

INF = math.inf
NO_DEPS: frozenset[str] = frozenset()


class Tri(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(slots=True, unsafe_hash=True)
class Num:
    """A number known to lie in [lo, hi]; lo == hi is exact. Bounds may be ±inf."""

    lo: float
    hi: float
    deps: frozenset[str] = NO_DEPS

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def __repr__(self) -> str:
        if self.exact:
            return f"Num({self.lo:g})"
        return f"Num({self.lo:g}..{self.hi:g}, deps={sorted(self.deps)})"


@dataclass(slots=True, unsafe_hash=True)
class Truth:
    """A yes / no / unknown outcome with the facts an unknown waits for."""

    tri: Tri
    deps: frozenset[str] = NO_DEPS


@dataclass(slots=True, unsafe_hash=True)
class Cat:
    """One choice (region, housing type …) known to be one of `possible`; None means any value."""

    possible: frozenset[str] | None
    deps: frozenset[str] = NO_DEPS

    @property
    def exact(self) -> str | None:
        if self.possible is not None and len(self.possible) == 1:
            return next(iter(self.possible))
        return None


@dataclass(slots=True, unsafe_hash=True)
class Chosen:
    """A multi-choice fact (crisis, benefits received): the set chosen, or None when not known."""

    values: frozenset[str] | None
    deps: frozenset[str] = NO_DEPS


Value = Num | Truth | Cat | Chosen

YES = Truth(Tri.YES)
NO = Truth(Tri.NO)


def exact(x: float) -> Num:
    return Num(x, x)


def unknown_num(dep: str, lo: float = 0, hi: float = INF) -> Num:
    return Num(lo, hi, frozenset((dep,)))


def truth(flag: bool) -> Truth:
    return YES if flag else NO


def unknown_truth(deps: Iterable[str]) -> Truth:
    return Truth(Tri.UNKNOWN, frozenset(deps))


def _deps(*values: Num) -> frozenset[str]:
    out: frozenset[str] = NO_DEPS
    for v in values:
        if v.deps:
            out = out | v.deps
    return out


def _made(lo: float, hi: float, *parts: Num) -> Num:
    # An exact result depends on nothing, whatever its inputs were (0 × unknown is 0).
    return Num(lo, hi, NO_DEPS if lo == hi else _deps(*parts))


def _made2(lo: float, hi: float, a: Num, b: Num) -> Num:
    """_made of two values, the common case of every operator, without the loop."""
    if lo == hi:
        return Num(lo, hi, NO_DEPS)
    if not b.deps:
        return Num(lo, hi, a.deps if a.deps else NO_DEPS)
    return Num(lo, hi, a.deps | b.deps if a.deps else b.deps)


def _mul_bound(a: float, b: float) -> float:
    # 0 × inf is 0 here: a share of nothing is nothing, however unknown the rate.
    if a == 0 or b == 0:
        return 0.0
    return a * b


def add(a: Num, b: Num) -> Num:
    return _made2(a.lo + b.lo, a.hi + b.hi, a, b)


def sub(a: Num, b: Num) -> Num:
    return _made2(a.lo - b.hi, a.hi - b.lo, a, b)


def mul(a: Num, b: Num) -> Num:
    if a.lo == a.hi and b.lo == b.hi:  # exact × exact: one product
        x = _mul_bound(a.lo, b.lo)
        return Num(x, x, NO_DEPS)
    products = [_mul_bound(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return _made2(min(products), max(products), a, b)


def div(a: Num, b: Num) -> Num:
    if b.lo <= 0 <= b.hi:
        if b.exact:
            raise ZeroDivisionError("division by zero in a formula")
        return Num(-INF, INF, _deps(a, b))
    quotients = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi) if not (math.isinf(x) and math.isinf(y))]
    return _made(min(quotients), max(quotients), a, b)


def neg(a: Num) -> Num:
    return Num(-a.hi, -a.lo, a.deps)


def minimum(*values: Num) -> Num:
    if len(values) == 2:
        a, b = values
        return _made2(b.lo if b.lo < a.lo else a.lo, b.hi if b.hi < a.hi else a.hi, a, b)  # as min()
    return _made(min(v.lo for v in values), min(v.hi for v in values), *values)


def maximum(*values: Num) -> Num:
    if len(values) == 2:
        a, b = values
        return _made2(b.lo if b.lo > a.lo else a.lo, b.hi if b.hi > a.hi else a.hi, a, b)  # as max()
    return _made(max(v.lo for v in values), max(v.hi for v in values), *values)


def _round_half_up(x: float) -> float:
    if math.isinf(x) or (isinstance(x, float) and x.is_integer()):  # most amounts are whole won
        return x
    return float(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_won(a: Num) -> Num:
    """Rounded to the won, half up, as the 고시 tables round their lines."""
    return _made(_round_half_up(a.lo), _round_half_up(a.hi), a)


def floor_(a: Num) -> Num:
    return _made(
        math.floor(a.lo) if not math.isinf(a.lo) else a.lo,
        math.floor(a.hi) if not math.isinf(a.hi) else a.hi,
        a,
    )


def mod(a: Num, b: Num) -> Num:
    """a mod b for a positive whole b: exact only when a is exact (or its range fits in one period)."""
    if not b.exact or b.lo <= 0:
        raise ValueError("mod needs a positive whole divisor")
    m = b.lo
    if a.exact:
        return exact(a.lo % m)
    if not math.isinf(a.lo) and not math.isinf(a.hi) and a.hi - a.lo < m and a.lo % m <= a.hi % m:
        return Num(a.lo % m, a.hi % m, a.deps)
    return Num(0, m - 1, a.deps)


def hull(a: Num, b: Num) -> Num:
    return _made(min(a.lo, b.lo), max(a.hi, b.hi), a, b)


def intersect(a: Num, lo: float, hi: float) -> Num:
    """Narrow a range with bounds learned elsewhere (a known total). Deps stay unless it becomes exact."""
    new_lo, new_hi = max(a.lo, lo), min(a.hi, hi)
    if new_lo > new_hi:  # contradictory facts: keep what the value itself says
        return a
    return Num(new_lo, new_hi, NO_DEPS if new_lo == new_hi else a.deps)


# ---------------------------------------------------------------- comparisons


def compare(op: str, a: Num, b: Num) -> Truth:
    """a OP b over ranges: decided when it holds (or fails) for every value in both ranges."""
    if op in ("le", "lt"):
        strict = op == "lt"
        always = a.hi < b.lo if strict else a.hi <= b.lo
        never = a.lo >= b.hi if strict else a.lo > b.hi
    elif op in ("ge", "gt"):
        strict = op == "gt"
        always = a.lo > b.hi if strict else a.lo >= b.hi
        never = a.hi <= b.lo if strict else a.hi < b.lo
    elif op == "eq":
        always = a.exact and b.exact and a.lo == b.lo
        never = a.hi < b.lo or a.lo > b.hi
    elif op == "ne":
        always = a.hi < b.lo or a.lo > b.hi
        never = a.exact and b.exact and a.lo == b.lo
    else:
        raise ValueError(f"unknown comparison {op}")
    if always:
        return YES
    if never:
        return NO
    return Truth(Tri.UNKNOWN, _deps(a, b))


def _le(a: Num, b: Num) -> Truth:
    if a.hi <= b.lo:
        return YES
    if a.lo > b.hi:
        return NO
    return Truth(Tri.UNKNOWN, _deps2(a, b))


def _lt(a: Num, b: Num) -> Truth:
    if a.hi < b.lo:
        return YES
    if a.lo >= b.hi:
        return NO
    return Truth(Tri.UNKNOWN, _deps2(a, b))


def _ge(a: Num, b: Num) -> Truth:
    if a.lo >= b.hi:
        return YES
    if a.hi < b.lo:
        return NO
    return Truth(Tri.UNKNOWN, _deps2(a, b))


def _gt(a: Num, b: Num) -> Truth:
    if a.lo > b.hi:
        return YES
    if a.hi <= b.lo:
        return NO
    return Truth(Tri.UNKNOWN, _deps2(a, b))


def _deps2(a: Num, b: Num) -> frozenset[str]:
    if not b.deps:
        return a.deps if a.deps else NO_DEPS
    return a.deps | b.deps if a.deps else b.deps


# compare(op, a, b) for each op, chosen once when a formula is compiled.
COMPARE: dict[str, Callable[[Num, Num], Truth]] = {
    "le": _le,
    "lt": _lt,
    "ge": _ge,
    "gt": _gt,
    "eq": lambda a, b: compare("eq", a, b),
    "ne": lambda a, b: compare("ne", a, b),
}


def member(value: Cat, options: frozenset[str], negate: bool = False) -> Truth:
    """value ∈ options (or ∉ when negate)."""
    if value.possible is not None:
        if value.possible <= options:
            return NO if negate else YES
        if not value.possible & options:
            return YES if negate else NO
    return Truth(Tri.UNKNOWN, value.deps)


def has_any(value: Chosen, options: frozenset[str]) -> Truth:
    if value.values is None:
        return Truth(Tri.UNKNOWN, value.deps)
    return truth(bool(value.values & options))


# ---------------------------------------------------------------- Kleene logic


def all_of(items: Iterable[Truth]) -> Truth:
    deps: frozenset[str] = NO_DEPS
    unknown = False
    for t in items:
        if t.tri is Tri.NO:
            return NO
        if t.tri is Tri.UNKNOWN:
            unknown = True
            deps = deps | t.deps
    return Truth(Tri.UNKNOWN, deps) if unknown else YES


def any_of(items: Iterable[Truth]) -> Truth:
    deps: frozenset[str] = NO_DEPS
    unknown = False
    for t in items:
        if t.tri is Tri.YES:
            return YES
        if t.tri is Tri.UNKNOWN:
            unknown = True
            deps = deps | t.deps
    return Truth(Tri.UNKNOWN, deps) if unknown else NO


def negate(t: Truth) -> Truth:
    if t.tri is Tri.YES:
        return NO
    if t.tri is Tri.NO:
        return YES
    return t


def choose(cond: Truth, then: Num, otherwise: Num) -> Num:
    """if cond then … else …; an unknown condition gives the hull of both, waiting for its facts too."""
    if cond.tri is Tri.YES:
        return then
    if cond.tri is Tri.NO:
        return otherwise
    both = hull(then, otherwise)
    if both.exact:
        return both
    return Num(both.lo, both.hi, both.deps | cond.deps)
