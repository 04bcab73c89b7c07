"""Each benchmark runs end to end with tiny sizes and prints the JSON keys bench/README.md documents.

No timing is asserted: the numbers belong to the benchmarks, not to the test suite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import load_profiles
from bench import questions as bench_questions
from bench import screening as bench_screening
from bench import search as bench_search
from bench import storage as bench_storage
from tests.storage.pg import PG_ADMIN_URL, pg_unavailable_reason

TIMING_KEYS = {"samples", "p50_ms", "p99_ms", "mean_ms", "max_ms"}


def _run(main: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert isinstance(result, dict)
    return result


def test_search_bench(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(bench_search.main, ["--json", "--size", "60", "--repeat", "1"], capsys)
    assert result["benchmark"] == "search"
    assert {"accuracy", "latency_shipped", "latency_synthetic", "targets", "met"} <= result.keys()
    accuracy = result["accuracy"]
    documented = {"queries", "evaluated", "top1", "top3", "top1_all", "top3_all", "by_kind", "failures"}
    assert documented <= accuracy.keys()
    assert accuracy["queries"] >= 150
    assert 0.0 <= accuracy["top1"] <= accuracy["top3"] <= 1.0
    assert TIMING_KEYS | {"programs", "terms", "build_ms"} <= result["latency_shipped"].keys()
    assert result["latency_synthetic"]["programs"] == 60
    assert result["latency_shipped"]["samples"] == accuracy["queries"]
    assert set(result["met"]) == {"top1", "top3", "p99_ms_shipped", "p99_ms_synthetic"}


def test_screening_bench(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(bench_screening.main, ["--json", "--repeat", "1", "--limit", "3", "--profile"], capsys)
    assert result["benchmark"] == "screening"
    assert result["profiles"] == 3
    for name in ("complete", "partial", "empty", "next_question_partial"):
        assert result[name].keys() >= TIMING_KEYS, name
    assert result["complete"]["samples"] == 3
    assert {"target_median_ms", "met", "hotspots_complete"} <= result.keys()
    assert result["hotspots_complete"], "cProfile found no functions"


def test_questions_bench(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(bench_questions.main, ["--json", "--limit", "2"], capsys)
    assert result["benchmark"] == "questions"
    assert result["profiles"] == 2
    keys = {
        "question_bank",
        "avg_asked",
        "max_asked",
        "avg_share",
        "max_share",
        "met",
        "all_settled",
        "consistent_with_full_answers",
        "times_asked",
        "never_asked",
        "per_profile",
    }
    assert keys <= result.keys()
    assert 0 < result["avg_asked"] <= result["max_asked"] <= result["question_bank"]
    assert [row["id"] for row in result["per_profile"]] == [p.id for p in load_profiles()[:2]]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_storage_bench(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--json", "--repeat", "30"]
    if backend == "postgresql":
        reason = pg_unavailable_reason()
        if reason is not None:
            pytest.skip(reason)
        argv += ["--database", PG_ADMIN_URL]
    result = _run(bench_storage.main, argv, capsys)
    assert (result["benchmark"], result["database"], result["repeat"]) == ("storage", backend, 30)
    names = {"session_empty", "session_select", "session_select_2", "connection_select"}
    names |= {"driver_sql_select", "dbapi_select", "step"}
    assert result["mean_us"].keys() == names == result["timings"].keys()
    assert all(figures.keys() >= TIMING_KEYS for figures in result["timings"].values())
    assert all(value > 0 for value in result["mean_us"].values())
    assert {"session_overhead_us", "statement_us", "sqlalchemy_per_statement_us"} <= result.keys()


def test_human_output_is_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_questions.main(["--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "questions asked" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_profiles_answer_every_vocabulary_question() -> None:
    vocabulary = {
        "age",
        "household_size",
        "household_income",
        "assets",
        "has_spouse",
        "lives_alone",
        "living_with_parents",
        "welfare_status",
        "disability",
        "single_parent",
        "children_ages",
        "pregnant",
        "housing_type",
        "monthly_rent",
        "region",
        "employment",
        "student_level",
        "crisis",
        "long_term_care_grade",
        "chronic_or_rare_disease",
        "medical_expenses_annual",
    }
    profiles = load_profiles()
    assert len(profiles) >= 30
    assert len({p.id for p in profiles}) == len(profiles)
    for profile in profiles:
        missing = vocabulary - profile.answers.keys()
        assert not missing, f"{profile.id} lacks {sorted(missing)}"
        assert profile.answers["lives_alone"] == (profile.answers["household_size"] == 1), profile.id


def test_profile_by_package_sums_own_time_per_package(tmp_path: Path) -> None:
    import cProfile

    from bench import profile_by_package

    out = tmp_path / "p.pstats"
    profile = cProfile.Profile()
    profile.enable()
    profile_by_package.package_of(str(profile_by_package.ROOT / "knowledge" / "x.py"), "f")
    profile.disable()
    profile.dump_stats(out)
    seconds = profile_by_package.by_package(str(out))
    assert "bench" in seconds  # package_of itself, a function of bench/
    package_of = profile_by_package.package_of
    assert package_of(str(profile_by_package.ROOT / "knowledge" / "x.py"), "f") == "knowledge"
    assert package_of("/v/lib/site-packages/sqlalchemy/orm/x.py", "f") == "sqlalchemy"
    assert package_of("~", "<method 'commit' of 'sqlite3.Connection' objects>") == "sqlite3"


def test_district_bench(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import district as bench_district

    argv = ["--json", "--needs", "400", "--pages", "3", "--residents", "2", "--duration", "2"]
    result = _run(bench_district.main, argv, capsys)
    assert result["benchmark"] == "district" and result["data"]["needs"] == 400
    assert {"headquarters", "centre", "staff"} <= result["needs_page"].keys()
    assert TIMING_KEYS | {"total"} <= result["needs_page"]["headquarters"].keys()
    assert result["needs_page"]["headquarters"]["total"] >= result["needs_page"]["centre"]["total"]
    assert result["stats"]["headquarters"]["total"] == 400
    assert result["export"]["rows"] == 400 and result["export"]["peak_rss_mb"] > 0
    concurrent = result["concurrent"]
    assert concurrent["alone"]["samples"] > 0 and concurrent["while_coordinator_works"]["samples"] >= 0
    assert {"sendDocument", "sendPhoto"} <= set(concurrent["coordinator_got"])
    assert set(result["met"]) == set(result["targets"])


def test_dashboard_bench(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import dashboard as bench_dashboard

    argv = ["--json", "--needs", "300", "--allocations", "50", "--repeat", "1"]
    result = _run(bench_dashboard.main, argv, capsys)
    assert result["benchmark"] == "dashboard"
    assert set(result["pages"]) == {"headquarters", "centre", "staff"}
    assert set(result["pages"]["headquarters"]) == set(bench_dashboard.PAGES)
    assert set(result["pages"]["staff"]) == set(bench_dashboard.PAGES) - {
        "stats",
        "stats_json",
        "meeting",
        "export_form",
    }
    page = result["pages"]["centre"]["needs"]
    assert {"server_p50_ms", "server_max_ms", "wall_max_ms", "bytes"} <= page.keys()
    assert {"target_ms", "slowest_ms", "met"} <= result.keys()
