"""Dated parameters: the figure in force on the consultation date, tables keyed by an answer, rounding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from knowledge.engine import Status, screen
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.model import Parameter, percent_of

ENGINE_DIR = Path(__file__).resolve().parent.parent / "data" / "fixture_manuals" / "engine"
D = dt.date


@pytest.fixture(scope="module")
def fx() -> Manual:
    return load_manual(ENGINE_DIR, today=D(2026, 11, 24))[0]


def _param(**overrides: Any) -> Parameter:
    raw: dict[str, Any] = {
        "id": "p",
        "label": {"ko": "값", "en": "value"},
        "unit": "KRW",
        "values": {"2026-01-01": 1},
        "sources": [{"title": "t", "as_of": "2026-01-01"}],
    }
    raw.update(overrides)
    return Parameter.model_validate(raw)


# ---------------------------------------------------------------- in force on a date


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2022, 3, 31), None),  # nothing in force before the first date
        (D(2022, 4, 1), 8),
        (D(2025, 12, 31), 8),
        (D(2026, 1, 1), 9),
        (D(2040, 1, 1), 9),
    ],
)
def test_value_changes_on_its_date(fx: Manual, on: dt.date, expected: int | None) -> None:
    assert fx.parameters["child_age_limit"].lookup(on) == expected


def test_in_force_names_the_start_date(fx: Manual) -> None:
    param = fx.parameters["child_age_limit"]
    assert param.in_force(D(2025, 12, 31)) == (D(2022, 4, 1), 8)
    assert param.in_force(D(2026, 1, 1)) == (D(2026, 1, 1), 9)
    assert param.in_force(D(2022, 3, 31)) is None


def test_value_order_in_the_file_does_not_matter() -> None:
    param = _param(values={"2026-01-01": 3, "2020-01-01": 1, "2024-01-01": 2})
    assert [param.lookup(D(y, 6, 1)) for y in (2019, 2021, 2025, 2027)] == [None, 1, 2, 3]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2022, 3, 31), Status.UNKNOWN),
        (D(2025, 12, 31), Status.INELIGIBLE),
        (D(2026, 1, 1), Status.ELIGIBLE),
    ],
)
def test_screening_uses_the_value_in_force(fx: Manual, on: dt.date, expected: Status) -> None:
    # A child aged 8: under the limit of 9 from 2026, not under 8 before; no limit at all before 2022-04.
    v = screen(fx, {"children_ages": [8]}, on, ["some_one"])["some_one"]
    assert v.status == expected
    if expected == Status.UNKNOWN:
        assert v.missing == ()  # no answer can help: the figure itself is missing on that date


# ---------------------------------------------------------------- tables keyed by an answer


@pytest.mark.parametrize(
    ("on", "size", "expected"),
    [
        (D(2026, 1, 1), "1", 2_564_238),
        (D(2026, 1, 1), "7", 9_515_150),
        (D(2026, 1, 1), "8", 10_474_348),  # 9,515,150 + 959,198
        (D(2026, 1, 1), "9", 11_433_546),  # + 2 × 959,198
        (D(2025, 12, 31), "1", 2_392_013),
        (D(2025, 12, 31), "8", 9_978_031),  # 9,021,418 + 956,613
    ],
)
def test_median_income_table_and_8_plus_extension(fx: Manual, on: dt.date, size: str, expected: int) -> None:
    assert fx.parameters["median_income"].lookup(on, size) == expected


def test_table_lookup_needs_a_known_key(fx: Manual) -> None:
    median = fx.parameters["median_income"]
    assert median.lookup(D(2026, 1, 1)) is None
    assert median.lookup(D(2026, 1, 1), "0") is None  # below the table: no extension downwards
    assert median.lookup(D(2024, 12, 31), "1") is None
    assert fx.parameters["assets_limit"].lookup(D(2026, 6, 1), "seoul") == 200_000_000
    assert fx.parameters["assets_limit"].lookup(D(2026, 6, 1), "mars") is None


def test_no_extension_unless_asked() -> None:
    table = _param(by="household_size", values={"2026-01-01": {1: 100, 2: 150}})
    assert table.lookup(D(2026, 1, 1), "2") == 150
    assert table.lookup(D(2026, 1, 1), "3") is None
    extended = _param(by="household_size", extend_by_last_step=True, values={"2026-01-01": {1: 100, 2: 150}})
    assert extended.lookup(D(2026, 1, 1), "5") == 300


def test_boolean_keys_are_read_as_true_and_false(fx: Manual) -> None:
    line = fx.parameters["pension_line"]
    assert line.lookup(D(2026, 6, 1), "false") == 2_470_000
    assert line.lookup(D(2026, 6, 1), "true") == 3_952_000


@pytest.mark.parametrize(
    ("income", "expected"), [(3_351_791, Status.ELIGIBLE), (3_351_792, Status.INELIGIBLE)]
)
def test_eight_person_household_is_screened_on_the_extended_table(
    fx: Manual, income: int, expected: Status
) -> None:
    # 32% of 10,474,348 = 3,351,791.36
    v = screen(fx, {"household_size": 8, "household_income": income}, D(2026, 3, 1), ["income_num"])
    assert v["income_num"].status == expected


def test_schema_rejects_inconsistent_tables() -> None:
    with pytest.raises(ValidationError, match="needs 'by'"):
        _param(values={"2026-01-01": {1: 100}})
    with pytest.raises(ValidationError, match="every dated value must be a table, or none"):
        _param(by="household_size", values={"2025-01-01": 5, "2026-01-01": {1: 100}})
    with pytest.raises(ValidationError, match="at least one dated value"):
        _param(values={})


# ---------------------------------------------------------------- thresholds


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (2_564_238, 32, 820_556),  # 820,556.16
        (2_392_013, 50, 1_196_007),  # 1,196,006.5 rounds up
        (25, 10, 3),  # 2.5 → 3 (banker's rounding would give 2)
        (5, 10, 1),  # 0.5 → 1 (banker's would give 0)
        (15, 10, 2),
        (999, 12.5, 125),  # 124.875
        (2_564_238, 0, 0),
    ],
)
def test_percent_of_rounds_half_up(amount: int, percent: float, expected: int) -> None:
    assert percent_of(amount, percent) == expected


def test_32_percent_boundary_on_the_consultation_date(fx: Manual) -> None:
    def status(income: int) -> Status:
        answers = {"household_size": 1, "household_income": income}
        return screen(fx, answers, D(2026, 11, 24), ["income_param"])["income_param"].status

    assert status(820_556) == Status.ELIGIBLE
    assert status(820_557) == Status.INELIGIBLE


# ---------------------------------------------------------------- shipped manual


def test_shipped_median_income_8_people(manual: Manual) -> None:
    assert manual.parameters["median_income"].lookup(D(2026, 1, 1), "8") == 10_474_348
    assert manual.parameters["median_income"].lookup(D(2026, 1, 1), "1") == 2_564_238


def test_shipped_child_allowance_age_limit_changes_on_2026_01_01(manual: Manual) -> None:
    limit = manual.parameters["child_allowance_age_limit"]
    assert limit.lookup(D(2025, 12, 31)) == 8
    assert limit.lookup(D(2026, 1, 1)) == 9
