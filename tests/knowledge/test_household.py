"""Household facts: version 1 and 2 read into people, ranges and totals; contradictions reported."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from knowledge.household import MEMBERS, FactsError, Household, build
from knowledge.manual import Manual
from knowledge.values import INF, Cat, Num, Tri

AS_OF = dt.date(2026, 11, 24)


def make(manual: Manual, **facts: Any) -> Household:
    return build(manual, facts, AS_OF)


def problems(manual: Manual, facts: dict[str, Any]) -> list[str]:
    with pytest.raises(FactsError) as err:
        build(manual, facts, AS_OF)
    return err.value.problems


def test_version_1_ids_describe_the_consulted_person(manual: Manual) -> None:
    h = make(manual, age=72, disability="severe", student_level="university", pregnant=False)
    me = h.people[0]
    assert me.handle == "self"
    assert me.values["age"] == Num(72, 72)
    assert me.values["disability"] == Cat(frozenset({"severe"}))
    assert me.values["school"] == Cat(frozenset({"university"}))
    # a birth year from an age is one of two years, depending on the birthday
    assert (me.values["birth_year"].lo, me.values["birth_year"].hi) == (1953, 1954)


def test_household_size_without_names_leaves_a_block_of_unlisted_members(manual: Manual) -> None:
    h = make(manual, household_size=3, has_spouse=True)
    assert [p.handle for p in h.people] == ["self", "spouse"]
    assert h.extra == Num(1, 1)
    assert "spouse" not in h.extra_relations and "child" in h.extra_relations
    assert h.extra_values["earned_income"].deps == {f"{MEMBERS}.earned_income"}


def test_unknown_size_is_a_range_that_waits_for_who_lives_there(manual: Manual) -> None:
    h = make(manual, age=40)
    assert h.extra.lo == 0 and h.extra.hi > 10 and h.extra.deps == {"people"}


def test_children_ages_list_the_children(manual: Manual) -> None:
    h = make(manual, household_size=3, children_ages=[4, 9])
    assert [(p.handle, p.values["age"]) for p in h.people[1:]] == [
        ("child1", Num(4, 4)),
        ("child2", Num(9, 9)),
    ]
    assert h.extra == Num(0, 0)


def test_members_list_everyone_and_size_follows(manual: Manual) -> None:
    h = make(manual, members=["spouse", "child", "child", "parent"])
    assert [p.handle for p in h.people] == ["self", "spouse", "child1", "child2", "parent1"]
    assert h.extra == Num(0, 0)
    assert make(manual, members=[]).people[0].handle == "self"


def test_version_2_people(manual: Manual) -> None:
    h = make(
        manual,
        people=[
            {"relation": "self", "birth_date": "1950-05-01", "other_income": 300000},
            {"relation": "child", "age": 45, "earned_income": 4000000},
        ],
    )
    assert [p.handle for p in h.people] == ["self", "child1"]
    assert h.people[0].values["age"] == Num(76, 76)
    assert h.people[0].values["birth_year"] == Num(1950, 1950)
    assert h.people[0].values["earned_income"].deps == {"self.earned_income"}  # not given: unknown
    assert h.extra == Num(0, 0)


def test_a_household_income_total_narrows_each_persons_share(manual: Manual) -> None:
    h = make(manual, members=["child"], household_income=4_000_000)
    share = h.cell("self", "earned_income")
    assert (share.lo, share.hi) == (0, 4_000_000)
    known = make(manual, members=["child"], household_income=4_000_000, **{"child1.income": 4_000_000})
    # the son earns it all, so the mother's own income is known to be nothing
    assert known.cell("self", "earned_income") == Num(0, 0)
    assert known.cell("self", "other_income") == Num(0, 0)


def test_ranges_from_rough_answers(manual: Manual) -> None:
    h = make(manual, members=[], household_income={"min": 600000, "max": 700000})
    mine = h.cell("self", "other_income")
    assert (mine.lo, mine.hi) == (0, 700000)


def test_property_given_by_kind_is_a_total_over_the_people(manual: Manual) -> None:
    h = make(manual, members=["spouse"], property={"housing": 300_000_000})
    assert (h.cell("self", "housing").lo, h.cell("self", "housing").hi) == (0, 300_000_000)
    assert h.totals[0].name == "property.housing"


def test_region_version_1_values_are_sets(manual: Manual) -> None:
    region = make(manual, region="capital_area").facts["region"]
    assert isinstance(region, Cat) and region.possible == frozenset({"gyeonggi", "incheon"})
    assert make(manual, region="county").facts["region"] == Cat(frozenset({"county"}))


def test_receiving_from_version_2_is_complete_and_from_welfare_status_partial(manual: Manual) -> None:
    full = make(manual, receiving=["basic_pension"])
    assert full.receives("basic_pension").tri is Tri.YES
    assert full.receives("livelihood_benefit").tri is Tri.NO
    partial = make(manual, welfare_status=["medical"])
    assert partial.receives("medical_aid").tri is Tri.YES
    assert partial.receives("livelihood_benefit").tri is Tri.NO
    assert partial.receives("basic_pension").tri is Tri.UNKNOWN


def test_who_answers_set_a_fact_for_the_people_listed(manual: Manual) -> None:
    h = build(
        manual,
        {
            "members": ["spouse", "parent"],
            "who:q": {"attr": "age", "chosen": ["parent1"], "yes": {"min": 65}, "no": {"max": 64}},
        },
        AS_OF,
    )
    parent, spouse = h.person("parent1"), h.person("spouse")
    assert parent is not None and spouse is not None
    assert (parent.values["age"].lo, parent.values["age"].hi) == (65, 120)
    assert (spouse.values["age"].lo, spouse.values["age"].hi) == (0, 64)


def test_medical_costs_as_one_total_or_by_kind(manual: Manual) -> None:
    total = make(manual, medical_expenses_annual=3_000_000)
    covered = total.facts["medical_expenses_annual.covered"]
    assert isinstance(covered, Num) and (covered.lo, covered.hi) == (0, 3_000_000)
    split = make(manual, medical_expenses_annual={"covered": 1_000_000, "uncovered": 500_000})
    assert split.facts["medical_expenses_annual"] == Num(1_500_000, 1_500_000)


@pytest.mark.parametrize(
    ("facts", "fragment"),
    [
        ({"people": [{"relation": "self", "age": "seventy"}]}, "people[0].age: must be a whole number"),
        (
            {"people": [{"relation": "self"}, {"relation": "cousin"}]},
            "people[1].relation: 'cousin' is not one of",
        ),
        (
            {"people": [{"relation": "self", "earned_income": -5}]},
            "people[0].earned_income: an amount cannot be negative",
        ),
        (
            {"people": [{"relation": "self"}, {"relation": "spouse"}, {"relation": "spouse"}]},
            "a spouse is listed twice (people[1], people[2])",
        ),
        ({"people": [{"relation": "child"}]}, "people[0].relation: the consulted person comes first"),
        (
            {"people": [{"relation": "self"}, {"relation": "child"}], "household_size": 1},
            "household_size: 1, but 2 people are listed",
        ),
        ({"household_size": 1, "has_spouse": True}, "household_size: 1, but 2 people are listed"),
        ({"lives_alone": True, "members": ["spouse"]}, "lives_alone: true, but other people are listed"),
        ({"has_spouse": False, "members": ["spouse"]}, "has_spouse: false, but a spouse is listed"),
        (
            {"household_income": 100, "people": [{"relation": "self", "earned_income": 200}]},
            "household_income: 100 does not agree",
        ),
        ({"property": {"housing": "big"}}, "property.housing: an amount in won must be a whole number"),
        ({"region": "mars"}, "region: 'mars' is not one of"),
        ({"receiving": ["no_such_programme"]}, "receiving: unknown programme id"),
        (
            {"spouse.age": 70, "has_spouse": False},
            "spouse: facts are given for someone the household does not include",
        ),
        ({"flying_car": True}, "flying_car: unknown fact"),
        (
            {"people": [{"relation": "self", "birth_date": "1950-02-30"}]},
            "people[0].birth_date: must be a date",
        ),
    ],
)
def test_bad_input_names_the_field(manual: Manual, facts: dict[str, Any], fragment: str) -> None:
    found = problems(manual, facts)
    assert any(fragment in p for p in found), found


def test_every_problem_is_reported_not_just_the_first(manual: Manual) -> None:
    found = problems(manual, {"age": -1, "region": "mars", "assets": "lots"})
    assert len(found) == 3


def test_unknown_money_is_open_ended(manual: Manual) -> None:
    h = make(manual, members=[])
    assert h.cell("self", "financial") == Num(0, INF, frozenset({"self.financial"}))


def test_values_passed_without_a_full_check_are_ones_the_check_accepts(manual: Manual) -> None:
    """Person facts take a short way for the usual values (a whole amount, a yes / no, one of the
    choices); every value it lets through, check_value accepts too, and what it sends on is checked."""
    from knowledge.household import _plainly_valid, check_value

    candidates: list[Any] = [0, 1, -1, 120, 121, 10**13, 10**13 + 1, True, False, 1.0, 0.5, "", "none"]
    candidates += ["korean", "severe", "employed", "self", [], ["mild"], {"min": 1}, {"max": 5}, None]
    passed = 0
    for spec in manual.facts_person.values():
        values = candidates + [c.value for c in spec.choices] + [spec.min, spec.max]
        for value in values:
            if _plainly_valid(spec, value):
                assert check_value(spec, value, "x", None) is None, (spec.id, value)
                passed += 1
    assert passed > 50
