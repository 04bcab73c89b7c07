"""Dated parameters: the figure in force on a date, keyed tables, the 8-or-more extension, rounding.

The fixture manual tests/data/manuals/core carries the real 2025 and 2026 기준 중위소득 tables, so the
boundaries below are the published ones (1인 2026 32% = 820,556원).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from knowledge.engine import Evaluation, Status, screen
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.model import Parameter, percent_of
from knowledge.rules import Tri, evaluate, parse_rule

CORE = Path(__file__).resolve().parent.parent / "data" / "manuals" / "core"
LAST_2025 = dt.date(2025, 12, 31)
FIRST_2026 = dt.date(2026, 1, 1)
MID_2026 = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def core() -> Manual:
    return load_manual(CORE, today=dt.date(2026, 11, 24))[0]


def _param(**fields: Any) -> Parameter:
    base: dict[str, Any] = {
        "id": "p",
        "label": {"ko": "기준", "en": "figure"},
        "unit": "percent",
        "sources": [{"title": "test", "as_of": "2026-11-01"}],
    }
    return Parameter.model_validate({**base, **fields})


# ---------------------------------------------------------------- Parameter.in_force / lookup


def test_value_changes_on_its_start_date() -> None:
    p = _param(values={"2025-01-01": 63, "2026-01-01": 65})
    assert p.lookup(LAST_2025) == 63
    assert p.lookup(FIRST_2026) == 65
    assert p.in_force(FIRST_2026) == (FIRST_2026, 65)
    assert p.in_force(LAST_2025) == (dt.date(2025, 1, 1), 63)


def test_nothing_in_force_before_the_first_date() -> None:
    p = _param(values={"2025-01-01": 63, "2026-01-01": 65})
    assert p.in_force(dt.date(2024, 12, 31)) is None
    assert p.lookup(dt.date(2024, 12, 31)) is None
    assert p.lookup(dt.date(2025, 1, 1)) == 63


def test_values_in_any_order_pick_the_latest_not_after_the_date() -> None:
    p = _param(values={"2026-07-01": 100, "2025-01-01": 80, "2026-01-01": 90})
    assert p.lookup(dt.date(2026, 6, 30)) == 90
    assert p.lookup(dt.date(2026, 7, 1)) == 100
    assert p.lookup(dt.date(2025, 6, 1)) == 80


def test_keyed_table_needs_a_key_and_a_known_key() -> None:
    p = _param(by="has_spouse", unit="KRW/month", values={"2026-01-01": {"false": 2470000, "true": 3952000}})
    assert p.lookup(MID_2026, "false") == 2470000
    assert p.lookup(MID_2026, "true") == 3952000
    assert p.lookup(MID_2026) is None
    assert p.lookup(MID_2026, "maybe") is None


def test_table_keys_from_yaml_become_strings(core: Manual) -> None:
    median = core.parameters["median_income"]
    found = median.in_force(MID_2026)
    assert found is not None
    assert isinstance(found[1], dict)
    assert set(found[1]) == {"1", "2", "3", "4", "5", "6", "7"}
    assert core.parameters["pension_threshold"].lookup(MID_2026, "true") == 3952000


@pytest.mark.parametrize(
    ("on", "size", "expected"),
    [
        (MID_2026, 7, 9_515_150),
        (MID_2026, 8, 9_515_150 + 959_198),  # 10,474,348
        (MID_2026, 9, 9_515_150 + 2 * 959_198),
        (MID_2026, 12, 9_515_150 + 5 * 959_198),
        (LAST_2025, 8, 9_021_418 + (9_021_418 - 8_064_805)),  # 2025 step 956,613
    ],
)
def test_eight_or_more_extends_by_the_last_step(core: Manual, on: dt.date, size: int, expected: int) -> None:
    assert core.parameters["median_income"].lookup(on, str(size)) == expected


def test_2026_eight_person_median_is_10_474_348(core: Manual) -> None:
    assert core.parameters["median_income"].lookup(MID_2026, "8") == 10_474_348


def test_no_extension_without_the_flag(core: Manual) -> None:
    short = core.parameters["median_short"]
    assert short.lookup(MID_2026, "2") == 2_000_000
    assert short.lookup(MID_2026, "3") is None


def test_extension_never_applies_to_non_numeric_keys(core: Manual) -> None:
    assert core.parameters["median_income"].lookup(MID_2026, "many") is None


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"values": {}}, "at least one dated value"),
        ({"values": {"2025-01-01": 1, "2026-01-01": {"1": 2}}, "by": "household_size"}, "table"),
        ({"values": {"2026-01-01": {"1": 2}}}, "needs 'by'"),
        ({"values": {"2026-01-01": 2}, "by": "household_size"}, "must not"),
        ({"values": {"2026-02-30": 2}}, "date"),
        ({"values": {"2026-01-01": 2}, "sources": []}, "at least 1"),
    ],
)
def test_parameter_schema_rejects(fields: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        _param(**fields)
    assert fragment in str(err.value)


# ---------------------------------------------------------------- percent_of rounding


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (2_564_238, 32, 820_556),  # 820,556.16 → down
        (5_359_036, 32, 1_714_892),  # 1,714,891.52 → up
        (4_199_292, 32, 1_343_773),  # 1,343,773.44 → down
        (2_392_013, 50, 1_196_007),  # exactly .5 → half up (banker's rounding would give …006)
        (2_564_237, 50, 1_282_119),  # exactly .5 → half up on an odd neighbour too
        (201, 50, 101),
        (1, 50, 1),
        (6_494_738, 100, 6_494_738),
        (1_000_000, 32.5, 325_000),
        (2_564_238, 0.1, 2_564),  # 2,564.238
    ],
)
def test_percent_of_rounds_half_up_to_the_won(amount: int, percent: float, expected: int) -> None:
    assert percent_of(amount, percent) == expected


def test_percent_of_is_decimal_exact_at_a_float_trap() -> None:
    # 250 × 64.6% is exactly 161.5; binary floats make it 161.49999999999997 and would round down
    assert 250 * 64.6 / 100 < 161.5
    assert percent_of(250, 64.6) == 162


# ---------------------------------------------------------------- dated figures through the engine


def _income_rule(percent: Any) -> Any:
    return parse_rule({"income_at_most": {"percent": percent}})


@pytest.mark.parametrize(("income", "expected"), [(820_555, Tri.YES), (820_556, Tri.YES), (820_557, Tri.NO)])
def test_32_percent_of_one_person_2026_boundary(core: Manual, income: int, expected: Tri) -> None:
    rule = _income_rule({"param": "livelihood_rate"})
    ev = Evaluation(core, {"household_size": 1, "household_income": income}, MID_2026)
    assert evaluate(rule, ev).tri == expected


@pytest.mark.parametrize(("income", "status"), [(820_556, Status.ELIGIBLE), (820_557, Status.INELIGIBLE)])
def test_livelihood_boundary_through_screen(core: Manual, income: int, status: Status) -> None:
    answers = {"household_size": 1, "household_income": income, "welfare_status": []}
    assert screen(core, answers, MID_2026)["livelihood_benefit"].status == status


def test_median_change_on_new_year(core: Manual) -> None:
    # 1인 32%: 765,444원 in 2025, 820,556원 in 2026
    answers = {"household_size": 1, "household_income": 800_000, "welfare_status": []}
    assert screen(core, answers, LAST_2025)["livelihood_benefit"].status == Status.INELIGIBLE
    assert screen(core, answers, FIRST_2026)["livelihood_benefit"].status == Status.ELIGIBLE
    at_line = {**answers, "household_income": 765_444}
    assert screen(core, at_line, LAST_2025)["livelihood_benefit"].status == Status.ELIGIBLE
    assert (
        screen(core, {**answers, "household_income": 765_445}, LAST_2025)["livelihood_benefit"].status
        == Status.INELIGIBLE
    )


def test_keyed_threshold_changes_on_new_year(core: Manual) -> None:
    # single basic pension line: 2,280,000원 (2025) → 2,470,000원 (2026)
    answers = {"age": 70, "household_income": 2_300_000, "has_spouse": False}
    assert screen(core, answers, LAST_2025)["basic_pension"].status == Status.INELIGIBLE
    assert screen(core, answers, FIRST_2026)["basic_pension"].status == Status.ELIGIBLE


def test_keyed_threshold_uses_the_answer_as_key(core: Manual) -> None:
    answers = {"age": 70, "household_income": 3_000_000}
    assert screen(core, {**answers, "has_spouse": True}, MID_2026)["basic_pension"].status == Status.ELIGIBLE
    assert (
        screen(core, {**answers, "has_spouse": False}, MID_2026)["basic_pension"].status == Status.INELIGIBLE
    )


def test_age_limit_change_on_new_year(core: Manual) -> None:
    answers = {"children_ages": [8]}
    assert screen(core, answers, LAST_2025)["child_allowance"].status == Status.INELIGIBLE
    assert screen(core, answers, FIRST_2026)["child_allowance"].status == Status.ELIGIBLE


def test_nothing_in_force_leaves_the_verdict_unknown_with_nothing_to_ask(core: Manual) -> None:
    # median_income starts on 2025-01-01: before it no line can be drawn, and no answer would help
    answers = {"household_size": 1, "household_income": 0, "welfare_status": []}
    verdict = screen(core, answers, dt.date(2024, 12, 31))["livelihood_benefit"]
    assert verdict.status == Status.UNKNOWN
    assert verdict.missing == ()
    assert screen(core, answers, dt.date(2025, 1, 1))["livelihood_benefit"].status == Status.ELIGIBLE


@pytest.mark.parametrize(("income", "expected"), [(10_474_348, Tri.YES), (10_474_349, Tri.NO)])
def test_eight_person_household_at_100_percent(core: Manual, income: int, expected: Tri) -> None:
    ev = Evaluation(core, {"household_size": 8, "household_income": income}, MID_2026)
    assert evaluate(_income_rule(100), ev).tri == expected


def test_household_beyond_a_table_without_extension_is_unknown(core: Manual) -> None:
    rule = parse_rule({"income_at_most": {"percent": 50, "of": "median_short"}})
    ev = Evaluation(core, {"household_size": 3, "household_income": 0}, MID_2026)
    result = evaluate(rule, ev)
    assert result.tri == Tri.UNKNOWN
    assert result.missing == ()
    ev2 = Evaluation(core, {"household_size": 2, "household_income": 1_000_000}, MID_2026)
    assert evaluate(rule, ev2).tri == Tri.YES
