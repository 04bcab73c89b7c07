"""Each benchmark runs end to end with tiny sizes and prints the JSON keys bench/README.md documents.

No timing is asserted: the numbers belong to the benchmarks, not to the test suite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import BENCH_DIR as BENCH
from bench import CONSULT_DATE, load_profiles
from bench import encoders as bench_encoders
from bench import questions as bench_questions
from bench import screening as bench_screening
from bench import search as bench_search
from bench import storage as bench_storage
from bench.oracle import load_households
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
    top = {"engine", "encoder", "sets", "latency", "latency_synthetic_lexical", "targets", "met"}
    top.add("load_average")
    assert top <= result.keys()
    assert result["engine"] == "fused" and result["encoder"]
    assert set(result["sets"]) == {"tuning", "heldout"}
    documented = {
        "queries",
        "answerable",
        "evaluated",
        "top1",
        "top3",
        "top1_all",
        "top3_all",
        "by_kind",
        "none",
        "confident",
    }
    for name, accuracy in result["sets"].items():
        assert documented <= accuracy.keys(), name
        assert 0.0 <= accuracy["top1"] <= accuracy["top3"] <= 1.0
        assert {"n", "not_confident", "share", "human"} <= accuracy["none"].keys()
        assert {"n", "right", "precision", "coverage"} <= accuracy["confident"].keys()
    assert "failures" in result["sets"]["tuning"]
    assert "failures" not in result["sets"]["heldout"]  # measured, never shown query by query
    assert result["sets"]["tuning"]["queries"] >= 400
    assert result["sets"]["heldout"]["queries"] >= 200
    assert TIMING_KEYS | {"programs", "texts_embedded", "build_ms"} <= result["latency"].keys()
    total = sum(a["queries"] for a in result["sets"].values())
    assert result["latency"]["samples"] == total
    assert result["latency_synthetic_lexical"]["programs"] == 60
    assert set(result["met"]) == {"heldout_top1", "heldout_top3", "p99_ms", "p99_ms_synthetic_lexical"}


def test_search_bench_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--json", "--size", "45", "--repeat", "1", "--set", "tuning", "--lexical-only", "--calibrate"]
    result = _run(bench_search.main, argv, capsys)
    assert result["engine"] == "lexical" and result["encoder"] is None
    assert set(result["sets"]) == {"tuning"}
    row = {"fused_top", "fused_margin", "precision", "coverage", "none_confident"}
    assert result["calibration"] and row <= result["calibration"][0].keys()
    argv = ["--json", "--size", "45", "--repeat", "1", "--set", "tuning", "--pending"]
    pending = _run(bench_search.main, argv, capsys)
    # every programme of DESIGN.md is in the manual now: nothing left to stand in for
    assert pending["pending_programmes"] == []
    assert pending["latency"]["programs"] == result["latency"]["programs"]


def test_encoders_bench(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "encoders.json"
    result = _run(bench_encoders.main, ["--json", "--repeat", "1", "--out", str(out)], capsys)
    assert result["encoder"] == "use-multilingual-v3"
    keys = {"package_mb", "load_ms", "build_ms", "texts", "query_encode", "semantic", "fused"}
    assert result.keys() >= keys
    assert result["query_encode"].keys() >= TIMING_KEYS
    assert 0.0 <= result["fused"]["all"]["top1"] <= result["fused"]["all"]["top3"] <= 1.0
    assert json.loads(out.read_text(encoding="utf-8"))["encoders"]["use"] == result


def test_screening_bench(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(bench_screening.main, ["--json", "--repeat", "1", "--limit", "3"], capsys)
    assert result["benchmark"] == "screening"
    assert result["households"] == 3
    for name in ("complete", "partial", "empty", "next_question_partial"):
        assert result[name].keys() >= TIMING_KEYS, name
    assert result["complete"]["samples"] == 3
    assert {"target_median_ms", "target_p99_ms", "met"} <= result.keys()


def test_questions_bench_finds_the_least_questions(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(bench_questions.main, ["--json", "--limit", "1", "--node-limit", "5000"], capsys)
    assert result["benchmark"] == "questions"
    assert result["households"] == 1
    keys = {
        "avg_asked",
        "max_asked",
        "avg_lower_bound",
        "avg_ratio",
        "all_bounds_exact",
        "met",
        "per_household",
    }
    assert keys <= result.keys()
    (row,) = result["per_household"]
    assert row["id"] == load_households()[0].id
    assert row["exact"], "the search did not finish within the node limit"
    # the chat's own questions settle everything, so the least possible is at most as many
    assert 0 < row["lower_bound"] <= row["asked"] == len(row["questions"])
    assert row["unsettled"] == [] and row["disagrees_with_full_facts"] == []


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
    assert bench_screening.main(["--limit", "1", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "complete" in out and "p99" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_every_household_answers_every_question_it_is_asked(manual: Any, screener: Any) -> None:
    households = load_households()
    assert len(households) >= 30
    assert len({h.id for h in households}) == len(households)
    for profile in load_profiles(manual):
        given = {q: v for q, v in profile.answers.items() if v is not None}
        # the answers a resident would give, all together, describe one consistent household
        screener.household(given, CONSULT_DATE)
        assert given["members"] == [p["relation"] for p in profile.facts["people"][1:]], profile.id


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


def test_conversation_bench_reports_both_banks_and_meets_the_issue_phrases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench import conversation as bench_conversation

    result = _run(bench_conversation.main, ["--json"], capsys)
    assert {"bank", "phrases", "conversations"} <= result.keys()
    # the tuning bank holds issue 17's phrases: none may be refused or misread
    assert result["phrases"]["refused"] == 0 and result["phrases"]["misread"] == 0
    assert result["conversations"]["messages_per_question"] <= 1.2
    bank, first = str(BENCH / "phrases_heldout.yaml"), str(BENCH / "first_messages_heldout.yaml")
    heldout = _run(bench_conversation.main, ["--json", "--bank", bank, "--first", first], capsys)
    assert heldout["phrases"]["entries"] >= 300 and heldout["first_messages"]["messages"] >= 60
    assert {"understood", "refused", "misread", "understood_pct"} <= heldout["phrases"].keys()
