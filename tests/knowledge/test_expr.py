"""The formula language's parser: precedence, literals, and errors that name the column."""

from __future__ import annotations

import pytest

from knowledge import expr as E


def test_precedence_and_associativity() -> None:
    node = E.parse("a + b * c - d")
    assert isinstance(node, E.Bin) and node.op == "-"
    assert isinstance(node.a, E.Bin) and node.a.op == "+"
    assert isinstance(node.a.b, E.Bin) and node.a.b.op == "*"
    logic = E.parse("a or b and not c")
    assert isinstance(logic, E.Logic) and logic.op == "or"
    assert isinstance(logic.items[1], E.Logic) and logic.items[1].op == "and"
    assert isinstance(logic.items[1].items[1], E.Not)


def test_literals() -> None:
    assert E.parse("1_160_000") == E.Lit(1160000.0, 1)
    pct = E.parse("30%")
    assert isinstance(pct, E.Lit) and pct.value == pytest.approx(0.3)
    assert E.parse("true") == E.Lit(True, 1)
    assert E.parse("'seoul'") == E.Lit("seoul", 1)


def test_names_calls_and_membership() -> None:
    node = E.parse("sum(couple, earned_income + other_income) <= basic_pension_threshold(couple_household)")
    assert isinstance(node, E.Cmp) and node.op == "le"
    assert isinstance(node.a, E.Call) and node.a.fn == "sum"
    assert E.names(node) == {"couple", "earned_income", "other_income", "couple_household"}
    member = E.parse("region not in (seoul, gyeonggi)")
    assert isinstance(member, E.In) and member.negate
    assert [o.path for o in member.options if isinstance(o, E.Name)] == ["seoul", "gyeonggi"]
    dotted = E.parse("self.age >= 65 and property.car_cc < 1600")
    assert E.names(dotted) == {"self.age", "property.car_cc"}


@pytest.mark.parametrize(
    ("text", "col", "fragment"),
    [
        ("age >= ", 8, "expected a value"),
        ("age >> 3", 6, "expected a value"),
        ("1 <= age <= 3", 10, "chained comparisons"),
        ("max(a, b", 9, "expected ')'"),
        ("age in 3", 8, "'in' takes a list"),
        ("age @ 3", 5, "unexpected character"),
        ("(age", 5, "expected ')'"),
        ("age 3", 5, "after a complete formula"),
        ("and", 1, "cannot start a value"),
    ],
)
def test_errors_name_the_column(text: str, col: int, fragment: str) -> None:
    with pytest.raises(E.FormulaError) as err:
        E.parse(text)
    assert err.value.col == col
    assert fragment in err.value.message
    assert str(err.value).startswith(f"col {col}: ")


def test_empty_and_overlong_formulas_are_refused() -> None:
    with pytest.raises(E.FormulaError):
        E.parse("   ")
    with pytest.raises(E.FormulaError, match="limited"):
        E.parse("a + " * 600 + "a")
