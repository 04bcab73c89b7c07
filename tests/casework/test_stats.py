from __future__ import annotations

import dataclasses

import pytest

from casework.model import NeedCategory as C
from casework.model import NeedStatus as S
from casework.stats import compute_stats, format_stats
from tests.casework.seed import ROWS, TODAY, VISITS


def test_figures_on_the_seeded_set() -> None:
    stats = compute_stats(ROWS, VISITS, TODAY)
    assert stats.total == 7
    assert stats.by_category == {
        C.INCOME: 2, C.DAILY_LIFE: 0, C.EMPLOYMENT: 0, C.HOUSING: 1, C.HEALTH: 1, C.CHILDCARE: 0,
        C.CULTURE: 0, C.EDUCATION: 0, C.COMPANIONSHIP: 2, C.SAFETY: 0, C.OTHER: 1,
    }  # fmt: skip
    assert stats.by_status == {
        S.REVIEW: 0, S.OPEN: 1, S.ASSIGNED: 1, S.IN_PROGRESS: 1, S.REFERRED: 0, S.RESOLVED: 3,
        S.CLOSED_UNRESOLVED: 1,
    }  # fmt: skip
    assert list(stats.by_month) == [
        "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]  # fmt: skip
    assert {k: v for k, v in stats.by_month.items() if v} == {"2026-10": 2, "2026-11": 4}
    assert stats.unique_households == 4  # h:1, h:2, h:3, r:7; the anonymised need has none
    assert stats.resolved == 3
    assert stats.median_days_to_resolution == 4.5  # of 2.0, 4.5, 10.0
    assert stats.overdue == 1
    assert stats.visits_by_staff == {2: 3, 5: 3, 9: 1}
    assert list(stats.visits_by_staff) == [2, 5, 9]  # most first, ties by id
    assert stats.total_visits == 7


def test_median_of_an_even_count_and_of_none() -> None:
    only_first_two = compute_stats(ROWS[:2], [], TODAY)
    assert only_first_two.median_days_to_resolution == pytest.approx(3.25)
    nothing_resolved = compute_stats([r for r in ROWS if r.status != S.RESOLVED], [], TODAY)
    assert nothing_resolved.median_days_to_resolution is None
    assert nothing_resolved.resolved == 0


def test_month_window_is_configurable() -> None:
    stats = compute_stats(ROWS, VISITS, TODAY, months=24)
    assert stats.by_month["2025-06"] == 1
    assert len(stats.by_month) == 24
    with pytest.raises(ValueError):
        compute_stats(ROWS, VISITS, TODAY, months=0)


def test_empty_data_gives_zeros() -> None:
    stats = compute_stats([], [], TODAY)
    assert stats.total == 0 and stats.unique_households == 0 and stats.total_visits == 0
    assert set(stats.by_category.values()) == {0}


def test_text_has_the_figures_in_both_languages() -> None:
    stats = compute_stats(ROWS, VISITS, TODAY)
    ko = format_stats(stats)
    assert "전체 7건, 가구 4곳, 기한 초과 1건" in ko
    assert "해결까지 걸린 일수(중앙값): 4.5일 (해결 3건)" in ko
    assert "  말벗: 2" in ko and "  담당자 #2: 3회" in ko
    assert "  주거지원: 1" in ko and "교육지원" not in ko  # zero categories are left out of the text
    en = format_stats(stats, "en")
    assert "Total 7, households 4, overdue 1" in en and "  Companionship: 2" in en
    assert "Median days to resolution: 4.5 (3 resolved)" in en
    assert format_stats(dataclasses.replace(stats, median_days_to_resolution=None), "en").count(": -") == 1
