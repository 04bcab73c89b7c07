"""The rule language: every form, Kleene three-valued logic, negation pushed to the leaves, parse errors.

Rules are parsed from plain data and evaluated against tests/data/manuals/core (answers are given
directly to the Evaluation, so `implied` and `when_not_asked` do not interfere; screen() applies
those and is tested in test_engine.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from knowledge.engine import Evaluation
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.rules import (
    All,
    AnyOf,
    Compare,
    Eligible,
    IncomeAtMost,
    Not,
    ParamRef,
    Result,
    RuleError,
    Some,
    Tri,
    evaluate,
    parse_rule,
    referenced,
    walk,
)

CORE = Path(__file__).resolve().parent.parent / "data" / "manuals" / "core"
ON = dt.date(2026, 6, 1)

YES, NO, UNKNOWN = Tri.YES, Tri.NO, Tri.UNKNOWN
# A leaf whose truth value is set by one yes/no answer: True → yes, False → no, None → unknown.
A = {"answer": "has_spouse", "eq": True}
B = {"answer": "has_children", "eq": True}
ANSWER_FOR = {YES: True, NO: False, UNKNOWN: None}

# Kleene's strong three-valued logic, written out rather than computed.
KLEENE_AND = {
    (YES, YES): YES, (YES, NO): NO, (YES, UNKNOWN): UNKNOWN,
    (NO, YES): NO, (NO, NO): NO, (NO, UNKNOWN): NO,
    (UNKNOWN, YES): UNKNOWN, (UNKNOWN, NO): NO, (UNKNOWN, UNKNOWN): UNKNOWN,
}  # fmt: skip
KLEENE_OR = {
    (YES, YES): YES, (YES, NO): YES, (YES, UNKNOWN): YES,
    (NO, YES): YES, (NO, NO): NO, (NO, UNKNOWN): UNKNOWN,
    (UNKNOWN, YES): YES, (UNKNOWN, NO): UNKNOWN, (UNKNOWN, UNKNOWN): UNKNOWN,
}  # fmt: skip
KLEENE_NOT = {YES: NO, NO: YES, UNKNOWN: UNKNOWN}
PAIRS = list(itertools.product((YES, NO, UNKNOWN), repeat=2))


@pytest.fixture(scope="module")
def core() -> Manual:
    return load_manual(CORE, today=dt.date(2026, 11, 24))[0]


def run(core: Manual, rule: Any, on: dt.date = ON, **answers: Any) -> Result:
    return evaluate(parse_rule(rule), Evaluation(core, answers, on))


def tri(core: Manual, rule: Any, **answers: Any) -> Tri:
    return run(core, rule, **answers).tri


def ab(a: Tri, b: Tri) -> dict[str, Any]:
    return {"has_spouse": ANSWER_FOR[a], "has_children": ANSWER_FOR[b]}


# ---------------------------------------------------------------- Kleene truth tables


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_and_truth_table(core: Manual, a: Tri, b: Tri) -> None:
    assert tri(core, {"all": [A, B]}, **ab(a, b)) == KLEENE_AND[a, b]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_or_truth_table(core: Manual, a: Tri, b: Tri) -> None:
    assert tri(core, {"any": [A, B]}, **ab(a, b)) == KLEENE_OR[a, b]


@pytest.mark.parametrize("a", [YES, NO, UNKNOWN])
def test_not_truth_table(core: Manual, a: Tri) -> None:
    assert tri(core, A, **ab(a, NO)) == a
    assert tri(core, {"not": A}, **ab(a, NO)) == KLEENE_NOT[a]
    assert tri(core, {"not": {"not": A}}, **ab(a, NO)) == a


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_de_morgan(core: Manual, a: Tri, b: Tri) -> None:
    answers = ab(a, b)
    assert tri(core, {"not": {"all": [A, B]}}, **answers) == KLEENE_NOT[KLEENE_AND[a, b]]
    assert tri(core, {"not": {"any": [A, B]}}, **answers) == KLEENE_NOT[KLEENE_OR[a, b]]
    assert tri(core, {"not": {"all": [A, B]}}, **answers) == tri(
        core, {"any": [{"not": A}, {"not": B}]}, **answers
    )


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_three_operands_fold_like_two(core: Manual, a: Tri, b: Tri) -> None:
    c = {"answer": "lives_alone", "eq": True}
    for c_value in (YES, NO, UNKNOWN):
        answers = {**ab(a, b), "lives_alone": ANSWER_FOR[c_value]}
        assert tri(core, {"all": [A, B, c]}, **answers) == KLEENE_AND[KLEENE_AND[a, b], c_value]
        assert tri(core, {"any": [A, B, c]}, **answers) == KLEENE_OR[KLEENE_OR[a, b], c_value]


def test_single_item_connectives_are_the_item(core: Manual) -> None:
    for value in (YES, NO, UNKNOWN):
        assert tri(core, {"all": [A]}, **ab(value, NO)) == value
        assert tri(core, {"any": [A]}, **ab(value, NO)) == value


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        # age 65 compared with 65, 64 and 66
        ("eq", (YES, NO, NO)),
        ("ne", (NO, YES, YES)),
        ("lt", (NO, NO, YES)),
        ("le", (YES, NO, YES)),
        ("gt", (NO, YES, NO)),
        ("ge", (YES, YES, NO)),
    ],
)
def test_numeric_operators_at_the_boundary(core: Manual, op: str, expected: tuple[Tri, Tri, Tri]) -> None:
    got = tuple(tri(core, {"answer": "age", op: target}, age=65) for target in (65, 64, 66))
    assert got == expected


@pytest.mark.parametrize("op", ["eq", "ne", "lt", "le", "gt", "ge"])
def test_numeric_operators_negated_are_the_complement(core: Manual, op: str) -> None:
    for age in (64, 65, 66):
        plain = tri(core, {"answer": "age", op: 65}, age=age)
        assert tri(core, {"not": {"answer": "age", op: 65}}, age=age) == KLEENE_NOT[plain]


def test_eq_ne_on_choice_and_bool(core: Manual) -> None:
    assert tri(core, {"answer": "housing_type", "eq": "jeonse"}, housing_type="jeonse") == YES
    assert tri(core, {"answer": "housing_type", "eq": "jeonse"}, housing_type="owner") == NO
    assert tri(core, {"answer": "housing_type", "ne": "owner"}, housing_type="jeonse") == YES
    assert tri(core, {"answer": "housing_type", "ne": "owner"}, housing_type="owner") == NO
    assert tri(core, {"answer": "has_spouse", "eq": False}, has_spouse=False) == YES
    assert tri(core, {"answer": "has_spouse", "ne": False}, has_spouse=False) == NO


def test_in_and_not_in(core: Manual) -> None:
    rule_in = {"answer": "housing_type", "in": ["owner", "jeonse"]}
    rule_not_in = {"answer": "housing_type", "not_in": ["owner", "jeonse"]}
    for value, inside in (
        ("owner", True),
        ("jeonse", True),
        ("monthly_rent", False),
        ("public_rental", False),
    ):
        assert tri(core, rule_in, housing_type=value) == (YES if inside else NO)
        assert tri(core, rule_not_in, housing_type=value) == (NO if inside else YES)
        assert tri(core, {"not": rule_in}, housing_type=value) == tri(core, rule_not_in, housing_type=value)


@pytest.mark.parametrize(
    ("held", "has_any", "has_none"),
    [
        ([], NO, YES),
        (["medical"], NO, YES),
        (["livelihood"], YES, NO),
        (["medical", "near_poor"], YES, NO),
        (["livelihood", "near_poor"], YES, NO),
    ],
)
def test_has_any_and_has_none(core: Manual, held: list[str], has_any: Tri, has_none: Tri) -> None:
    targets = ["livelihood", "near_poor"]
    assert tri(core, {"answer": "welfare_status", "has_any": targets}, welfare_status=held) == has_any
    assert tri(core, {"answer": "welfare_status", "has_none": targets}, welfare_status=held) == has_none
    negated = {"not": {"answer": "welfare_status", "has_any": targets}}
    assert tri(core, negated, welfare_status=held) == has_none


@pytest.mark.parametrize(
    "rule",
    [
        {"answer": "age", "ge": 65},
        {"answer": "housing_type", "in": ["owner"]},
        {"answer": "welfare_status", "has_none": ["livelihood"]},
        {"answer": "children_ages", "some": {"lt": 9}},
        {"answer": "children_ages", "count": {"ge": 1}},
    ],
)
def test_missing_answer_is_unknown_and_named(core: Manual, rule: dict[str, Any]) -> None:
    result = run(core, rule)
    assert result.tri == UNKNOWN
    assert result.missing == (rule["answer"],)
    negated = run(core, {"not": rule})
    assert negated.tri == UNKNOWN
    assert negated.missing == (rule["answer"],)


def test_none_counts_as_unknown(core: Manual) -> None:
    result = run(core, {"answer": "age", "ge": 65}, age=None)
    assert result.tri == UNKNOWN
    assert result.missing == ("age",)


# ---------------------------------------------------------------- some: and count:


@pytest.mark.parametrize(
    ("ages", "expected"),
    [([], NO), ([3], NO), ([6], YES), ([18], YES), ([19], NO), ([2, 19, 30], NO), ([2, 12, 30], YES)],
)
def test_some_element_meets_every_condition(core: Manual, ages: list[int], expected: Tri) -> None:
    rule = {"answer": "children_ages", "some": {"ge": 6, "le": 18}}
    assert tri(core, rule, children_ages=ages) == expected
    assert tri(core, {"not": rule}, children_ages=ages) == KLEENE_NOT[expected]


def test_some_needs_one_element_for_all_conditions_not_one_each(core: Manual) -> None:
    # 3 satisfies le 18 and 20 satisfies ge 6, but no single child is 6 to 18
    assert tri(core, {"answer": "children_ages", "some": {"ge": 6, "le": 18}}, children_ages=[3, 20]) == NO


def test_some_with_eq_and_ne(core: Manual) -> None:
    assert tri(core, {"answer": "children_ages", "some": {"eq": 0}}, children_ages=[0, 4]) == YES
    assert tri(core, {"answer": "children_ages", "some": {"eq": 0}}, children_ages=[1, 4]) == NO
    assert tri(core, {"answer": "children_ages", "some": {"ne": 4}}, children_ages=[4, 4]) == NO


def test_some_with_param_value(core: Manual) -> None:
    rule = {"answer": "children_ages", "some": {"lt": {"param": "child_age_limit"}}}
    assert tri(core, rule, children_ages=[8]) == YES  # under 9 in 2026
    assert tri(core, rule, children_ages=[9]) == NO
    assert run(core, rule, dt.date(2025, 12, 31), children_ages=[8]).tri == NO  # under 8 in 2025


@pytest.mark.parametrize(
    ("op", "n", "ages", "expected"),
    [
        ("ge", 3, [1, 2, 3], YES),
        ("ge", 3, [1, 2], NO),
        ("ge", 1, [], NO),
        ("eq", 0, [], YES),
        ("eq", 2, [5, 7], YES),
        ("ne", 2, [5, 7], NO),
        ("lt", 2, [5], YES),
        ("le", 2, [5, 6, 7], NO),
        ("gt", 1, [5, 6], YES),
    ],
)
def test_count(core: Manual, op: str, n: int, ages: list[int], expected: Tri) -> None:
    rule = {"answer": "children_ages", "count": {op: n}}
    assert tri(core, rule, children_ages=ages) == expected
    assert tri(core, {"not": rule}, children_ages=ages) == KLEENE_NOT[expected]


# ---------------------------------------------------------------- income_at_most, {param}, eligible


@pytest.mark.parametrize(
    ("percent", "income", "expected"),
    [
        (32, 820_556, YES),
        (32, 820_557, NO),
        ({"param": "livelihood_rate"}, 820_556, YES),
        ({"param": "livelihood_rate"}, 820_557, NO),
        (40, 1_025_695, YES),  # 2,564,238 × 40% = 1,025,695.2
        (40, 1_025_696, NO),
        (12.5, 320_530, YES),  # 320,529.75 → 320,530
        (12.5, 320_531, NO),
    ],
)
def test_income_at_most(core: Manual, percent: Any, income: int, expected: Tri) -> None:
    rule = {"income_at_most": {"percent": percent}}
    assert tri(core, rule, household_size=1, household_income=income) == expected
    assert tri(core, {"not": rule}, household_size=1, household_income=income) == KLEENE_NOT[expected]


def test_income_at_most_uses_the_household_size_row(core: Manual) -> None:
    rule = {"income_at_most": {"percent": 32}}
    # 4인 2026: 6,494,738 × 32% = 2,078,316.16 → 2,078,316
    assert tri(core, rule, household_size=4, household_income=2_078_316) == YES
    assert tri(core, rule, household_size=4, household_income=2_078_317) == NO
    assert tri(core, rule, household_size=1, household_income=2_078_316) == NO


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        ({}, {"household_income", "household_size"}),
        ({"household_size": 1}, {"household_income"}),
        ({"household_income": 0}, {"household_size"}),
    ],
)
def test_income_at_most_unknown_names_what_is_missing(
    core: Manual, answers: dict[str, Any], missing: set[str]
) -> None:
    result = run(core, {"income_at_most": {"percent": 32}}, **answers)
    assert result.tri == UNKNOWN
    assert set(result.missing) == missing


def test_income_at_most_with_keyed_percent_names_its_key(core: Manual) -> None:
    rule = {"income_at_most": {"percent": {"param": "regional_rate"}}}
    assert tri(core, rule, household_size=1, household_income=1_000_000, region="seoul") == YES
    result = run(core, rule, household_size=1, household_income=1_000_000)
    assert result.tri == UNKNOWN
    assert result.missing == ("region",)


def test_param_keyed_by_a_bool_answer(core: Manual) -> None:
    rule = {"answer": "household_income", "le": {"param": "pension_threshold"}}
    assert tri(core, rule, household_income=3_000_000, has_spouse=True) == YES  # couple line 3,952,000
    assert tri(core, rule, household_income=3_000_000, has_spouse=False) == NO  # single line 2,470,000
    assert tri(core, rule, household_income=2_470_000, has_spouse=False) == YES


def test_param_keyed_by_a_choice_answer(core: Manual) -> None:
    rule = {"answer": "monthly_rent", "le": {"param": "rent_limit"}}
    assert tri(core, rule, monthly_rent=369_000, region="seoul") == YES
    assert tri(core, rule, monthly_rent=369_001, region="seoul") == NO
    assert tri(core, rule, monthly_rent=250_000, region="other") == NO
    assert tri(core, rule, monthly_rent=200_000, region="other") == YES


def test_param_key_unknown_makes_the_key_missing(core: Manual) -> None:
    rule = {"answer": "monthly_rent", "le": {"param": "rent_limit"}}
    only_rent = run(core, rule, monthly_rent=100_000)
    assert only_rent.tri == UNKNOWN
    assert only_rent.missing == ("region",)
    nothing = run(core, rule)
    assert set(nothing.missing) == {"monthly_rent", "region"}


def test_unkeyed_param_value(core: Manual) -> None:
    rule = {"answer": "age", "ge": {"param": "pension_age"}}
    assert tri(core, rule, age=65) == YES
    assert tri(core, rule, age=64) == NO


def test_param_not_in_force_is_unknown_with_nothing_to_ask(core: Manual) -> None:
    rule = {"answer": "monthly_rent", "le": {"param": "rent_limit"}}  # starts 2026-01-01
    result = run(core, rule, dt.date(2025, 12, 31), monthly_rent=1, region="seoul")
    assert result.tri == UNKNOWN
    assert result.missing == ()


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"age": 70, "household_income": 1_000_000, "has_spouse": False}, YES),
        ({"age": 60, "household_income": 1_000_000, "has_spouse": False}, NO),
        ({"age": 70, "household_income": 9_000_000, "has_spouse": True}, NO),
        ({"age": 70}, UNKNOWN),
    ],
)
def test_eligible_follows_the_other_programme(core: Manual, answers: dict[str, Any], expected: Tri) -> None:
    assert tri(core, {"eligible": "basic_pension"}, **answers) == expected
    assert tri(core, {"not": {"eligible": "basic_pension"}}, **answers) == KLEENE_NOT[expected]


def test_eligible_unknown_carries_the_other_programmes_missing(core: Manual) -> None:
    result = run(core, {"eligible": "basic_pension"}, age=70)
    assert set(result.missing) == {"household_income", "has_spouse"}
    assert run(core, {"eligible": "basic_pension"}, age=40).missing == ()


# ---------------------------------------------------------------- missing: only what can change the outcome


def test_decided_results_have_no_missing(core: Manual) -> None:
    rule = {"all": [{"answer": "age", "ge": 65}, {"answer": "household_income", "le": 1}]}
    result = run(core, rule, age=40)
    assert result.tri == NO
    assert result.missing == ()
    result = run(
        core, {"any": [{"answer": "age", "ge": 65}, {"answer": "household_income", "le": 1}]}, age=70
    )
    assert result.tri == YES
    assert result.missing == ()


def test_unknown_lists_only_the_undecided_branches(core: Manual) -> None:
    rule = {
        "all": [
            {"answer": "age", "ge": 65},
            {
                "any": [
                    {"answer": "welfare_status", "has_any": ["near_poor"]},
                    {"answer": "has_spouse", "eq": True},
                ]
            },
            {"answer": "housing_type", "eq": "monthly_rent"},
        ]
    }
    result = run(core, rule, age=70, has_spouse=False)
    assert result.tri == UNKNOWN
    assert set(result.missing) == {"welfare_status", "housing_type"}


def test_missing_has_no_duplicates(core: Manual) -> None:
    rule = {"all": [{"answer": "age", "ge": 18}, {"answer": "age", "le": 64}]}
    assert run(core, rule).missing == ("age",)


# ---------------------------------------------------------------- parsing


def test_parse_builds_the_tree() -> None:
    rule = parse_rule(
        {
            "all": [
                {"answer": "age", "ge": {"param": "pension_age"}},
                {"not": {"eligible": "basic_pension"}},
                {
                    "any": [
                        {"income_at_most": {"percent": 32}},
                        {"answer": "children_ages", "some": {"lt": 9}},
                    ]
                },
                {"answer": "children_ages", "count": {"ge": 3}},
                {"answer": "housing_type", "in": ["owner", "jeonse"]},
            ]
        }
    )
    assert rule == All(
        (
            Compare("age", "ge", ParamRef("pension_age")),
            Not(Eligible("basic_pension")),
            AnyOf((IncomeAtMost(32, "median_income"), Some("children_ages", (("lt", 9),)))),
            Compare("children_ages", "ge", 3, "count"),
            Compare("housing_type", "in", ("owner", "jeonse")),
        )
    )


def test_income_at_most_of_another_table() -> None:
    assert parse_rule({"income_at_most": {"percent": {"param": "x"}, "of": "median_short"}}) == IncomeAtMost(
        ParamRef("x"), "median_short"
    )


@pytest.mark.parametrize(
    ("raw", "loc", "fragment"),
    [
        ([], ("rule",), "must be a mapping"),
        ({}, ("rule",), "must be a mapping"),
        ({"all": []}, ("rule", "all"), "non-empty list"),
        ({"any": {"answer": "age", "ge": 1}}, ("rule", "any"), "non-empty list"),
        (
            {"all": [{"answer": "age", "ge": 1}], "any": [{"answer": "age", "ge": 1}]},
            ("rule",),
            "exactly one",
        ),
        ({"both": [{"answer": "age", "ge": 1}]}, ("rule", "both"), "unknown rule form 'both'"),
        ({"eligible": ["a"]}, ("rule", "eligible"), "programme id"),
        ({"income_at_most": {"percent": -5}}, ("rule", "income_at_most", "percent"), "positive"),
        ({"income_at_most": {"percent": True}}, ("rule", "income_at_most", "percent"), "positive"),
        ({"income_at_most": {"pct": 32}}, ("rule", "income_at_most"), "income_at_most"),
        ({"income_at_most": {"percent": 32, "off": "x"}}, ("rule", "income_at_most"), "income_at_most"),
        ({"answer": 3, "eq": 1}, ("rule", "answer"), "question id"),
        ({"answer": "age"}, ("rule",), "exactly one operator"),
        ({"answer": "age", "ge": 1, "le": 2}, ("rule",), "exactly one operator"),
        ({"answer": "age", "gte": 65}, ("rule", "gte"), "unknown operator 'gte'"),
        ({"answer": "age", "in": "owner"}, ("rule", "in"), "takes a list"),
        ({"answer": "age", "ge": {"parm": "x"}}, ("rule", "ge"), "{param: ID}"),
        ({"answer": "children_ages", "some": {}}, ("rule", "some"), "'some' takes"),
        ({"answer": "children_ages", "some": {"in": [1]}}, ("rule", "some", "in"), "'some' supports"),
        ({"answer": "children_ages", "count": {"ge": 1, "le": 3}}, ("rule", "count"), "one operator"),
        ({"answer": "children_ages", "count": {"in": [1]}}, ("rule", "count", "in"), "'count' supports"),
        (
            {"all": [{"answer": "age", "ge": 1}, {"not": {"answer": "age", "gte": 1}}]},
            ("rule", "all", 1, "not", "gte"),
            "unknown operator",
        ),
    ],
)
def test_parse_errors_name_the_path(raw: Any, loc: tuple[Any, ...], fragment: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(raw, ("rule",))
    assert err.value.loc == loc
    assert fragment in err.value.message


def test_referenced_and_walk() -> None:
    rule = parse_rule(
        {
            "all": [
                {"answer": "age", "ge": {"param": "pension_age"}},
                {"not": {"eligible": "basic_pension"}},
                {"income_at_most": {"percent": {"param": "livelihood_rate"}}},
                {"answer": "children_ages", "some": {"lt": {"param": "child_age_limit"}}},
            ]
        }
    )
    questions, params, programs = referenced(rule)
    assert questions == {"age", "household_income", "household_size", "children_ages"}
    assert params == {"pension_age", "median_income", "livelihood_rate", "child_age_limit"}
    assert programs == {"basic_pension"}
    kinds = [type(node).__name__ for node in walk(rule)]
    assert kinds == ["All", "Compare", "Not", "Eligible", "IncomeAtMost", "Some"]
