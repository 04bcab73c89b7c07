"""Ranges, yes / no / unknown and choices: the arithmetic of partly known facts."""

from __future__ import annotations

import math

import pytest

from knowledge import values as V
from knowledge.values import INF, Cat, Chosen, Num, Tri, Truth


def n(lo: float, hi: float | None = None, *deps: str) -> Num:
    return Num(lo, lo if hi is None else hi, frozenset(deps))


def test_exact_arithmetic_stays_exact_and_depends_on_nothing() -> None:
    assert V.add(n(2), n(3)) == n(5)
    assert V.sub(n(2), n(3)) == n(-1)
    assert V.mul(n(2), n(3)) == n(6)
    assert V.div(n(6), n(3)) == n(2)


def test_ranges_carry_their_bounds_and_what_they_wait_for() -> None:
    income = n(0, 1_000_000, "self.earned_income")
    total = V.add(income, n(500_000))
    assert (total.lo, total.hi) == (500_000, 1_500_000)
    assert total.deps == {"self.earned_income"}
    assert V.sub(n(100), income) == Num(100 - 1_000_000, 100, frozenset({"self.earned_income"}))


def test_multiplying_by_zero_is_zero_even_when_the_other_side_is_unknown() -> None:
    assert V.mul(n(0), n(0, INF, "x")) == n(0)
    assert V.mul(n(0, INF, "x"), n(0.3)) == Num(0, INF, frozenset({"x"}))


def test_min_max_round_and_mod() -> None:
    assert V.minimum(n(5), n(0, 10, "a")) == Num(0, 5, frozenset({"a"}))
    assert V.maximum(n(0), n(-5, 3, "a")) == Num(0, 3, frozenset({"a"}))
    # the 고시 tables round half up to the won: 2,564,238 × 32% = 820,556.16
    assert V.round_won(V.mul(n(2_564_238), n(0.32))) == n(820_556)
    assert V.round_won(n(0.5)) == n(1)
    assert V.mod(n(1952), n(2)) == n(0)
    assert V.mod(n(1951, 1952, "self.age"), n(2)) == Num(0, 1, frozenset({"self.age"}))


def test_division_by_a_range_across_zero_is_unknown_and_by_zero_is_an_error() -> None:
    assert V.div(n(1), n(-1, 1, "d")) == Num(-INF, INF, frozenset({"d"}))
    with pytest.raises(ZeroDivisionError):
        V.div(n(1), n(0))


@pytest.mark.parametrize(
    ("op", "a", "b", "tri"),
    [
        ("le", n(0, 900_000, "x"), n(1_000_000), Tri.YES),  # whatever it is, it is under the line
        ("le", n(1_100_000, 2_000_000, "x"), n(1_000_000), Tri.NO),
        ("le", n(900_000, 1_100_000, "x"), n(1_000_000), Tri.UNKNOWN),
        ("le", n(1_000_000), n(1_000_000), Tri.YES),  # the line itself is in
        ("lt", n(1_000_000), n(1_000_000), Tri.NO),
        ("ge", n(65, 66, "age"), n(65), Tri.YES),
        ("gt", n(64, 65, "age"), n(65), Tri.NO),
        ("eq", n(1), n(1), Tri.YES),
        ("eq", n(0, 2, "x"), n(1), Tri.UNKNOWN),
        ("ne", n(3, 4, "x"), n(1), Tri.YES),
    ],
)
def test_a_comparison_is_decided_only_when_the_whole_range_agrees(op: str, a: Num, b: Num, tri: Tri) -> None:
    result = V.compare(op, a, b)
    assert result.tri is tri
    assert (result.deps == a.deps | b.deps) if tri is Tri.UNKNOWN else not result.deps


def test_kleene_logic_names_what_an_unknown_waits_for() -> None:
    maybe_a = Truth(Tri.UNKNOWN, frozenset({"a"}))
    maybe_b = Truth(Tri.UNKNOWN, frozenset({"b"}))
    assert V.all_of([V.YES, V.NO, maybe_a]) == V.NO
    assert V.all_of([V.YES, maybe_a, maybe_b]) == Truth(Tri.UNKNOWN, frozenset({"a", "b"}))
    assert V.any_of([maybe_a, V.YES]) == V.YES
    assert V.any_of([V.NO, maybe_b]) == maybe_b
    assert V.negate(maybe_a) == maybe_a
    assert V.negate(V.YES) == V.NO


def test_if_with_an_unknown_condition_spans_both_branches() -> None:
    cond = Truth(Tri.UNKNOWN, frozenset({"c"}))
    both = V.choose(cond, n(100), n(300))
    assert (both.lo, both.hi, both.deps) == (100, 300, frozenset({"c"}))
    assert V.choose(cond, n(7), n(7)) == n(7)  # the same either way: decided


def test_choices_and_multi_choices() -> None:
    v1_capital = Cat(frozenset({"gyeonggi", "incheon"}), frozenset({"region"}))
    assert V.member(v1_capital, frozenset({"gyeonggi", "incheon", "seoul"})).tri is Tri.YES
    assert V.member(v1_capital, frozenset({"seoul"})).tri is Tri.NO
    assert V.member(v1_capital, frozenset({"gyeonggi"})) == Truth(Tri.UNKNOWN, frozenset({"region"}))
    assert V.member(Cat(None, frozenset({"region"})), frozenset({"seoul"})).tri is Tri.UNKNOWN
    assert V.has_any(Chosen(frozenset({"job_loss"})), frozenset({"job_loss", "disaster"})).tri is Tri.YES
    assert V.has_any(Chosen(frozenset()), frozenset({"job_loss"})).tri is Tri.NO
    assert V.has_any(Chosen(None, frozenset({"crisis"})), frozenset({"job_loss"})).tri is Tri.UNKNOWN


def test_intersect_narrows_and_clears_deps_when_exact() -> None:
    assert V.intersect(n(0, INF, "x"), 100, 100) == n(100)
    narrowed = V.intersect(n(0, INF, "x"), 0, 500)
    assert (narrowed.lo, narrowed.hi, narrowed.deps) == (0, 500, frozenset({"x"}))
    # bounds that contradict the value leave it as it was rather than inventing a number
    assert V.intersect(n(10, 20, "x"), 30, 40) == n(10, 20, "x")
    assert math.isinf(V.add(n(0, INF, "x"), n(1)).hi)


def _ranges() -> list[Num]:
    """Numbers exact and not, open-ended, signed zeros, each waiting for nothing, for x or for y."""
    bounds = [
        (-INF, INF),
        (0.0, INF),
        (-0.0, 0.0),
        (0.0, -0.0),
        (0.0, 0.0),
        (3.0, 3.0),
        (-2.5, 7.0),
        (1.0, 2.0),
    ]
    bounds += [(5, 5), (2.0, 3.0), (820_556.16, 820_556.16), (-INF, -INF), (INF, INF)]
    out = []
    for lo, hi in bounds:
        for deps in ((), ("x",), ("x", "y"), ("y",)):
            out.append(Num(lo, hi, frozenset(deps) if lo != hi else frozenset()))
    return out


def test_the_quick_operators_give_what_the_general_ones_do() -> None:
    """add, sub, mul, minimum and maximum of two, and each comparison, have a path of their own for the
    common case; it gives the value (bounds, signed zeros and what it waits for) the general path gives."""
    import itertools

    def general_min(*values: Num) -> Num:
        return V._made(min(v.lo for v in values), min(v.hi for v in values), *values)

    def general_max(*values: Num) -> Num:
        return V._made(max(v.lo for v in values), max(v.hi for v in values), *values)

    def general_mul(a: Num, b: Num) -> Num:
        products = [V._mul_bound(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
        return V._made(min(products), max(products), a, b)

    def same(x: Num, y: Num) -> bool:
        return repr((x.lo, x.hi)) == repr((y.lo, y.hi)) and x.deps == y.deps

    values = _ranges()
    for a, b in itertools.product(values, repeat=2):
        assert same(V.add(a, b), V._made(a.lo + b.lo, a.hi + b.hi, a, b))
        assert same(V.sub(a, b), V._made(a.lo - b.hi, a.hi - b.lo, a, b))
        assert same(V.mul(a, b), general_mul(a, b)), (a, b)
        assert same(V.minimum(a, b), general_min(a, b)), (a, b)
        assert same(V.maximum(a, b), general_max(a, b)), (a, b)
        for op in ("lt", "le", "gt", "ge", "eq", "ne"):
            assert V.COMPARE[op](a, b) == V.compare(op, a, b), (op, a, b)


def test_rounding_whole_amounts_is_rounding_half_up() -> None:
    """Whole amounts are returned as they are; that is what rounding half up to the won gives them."""
    from decimal import ROUND_HALF_UP, Decimal

    for x in (0.0, -0.0, 5.0, -5.0, 820_556.0, 1e15, 0.5, 2.5, -2.5, 820_556.16, 1.4999999, 7, -3):
        expected = float(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        got = V._round_half_up(x)
        assert repr(got) == repr(expected), x
