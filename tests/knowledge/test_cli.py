"""The command line (`bot.py validate / screen / search`), run in-process, plus real exit codes once."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bot
from app import cli
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "data" / "fixture_manuals"
EXAMPLES = ROOT / "examples"
ELDERLY = str(EXAMPLES / "elderly-alone.json")
STATUSES = {"eligible", "ineligible", "unknown"}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env, MANUAL_DIR or LOCAL_MANUAL_DIRS from the developer's machine may change the results."""
    for name in ("MANUAL_DIR", "LOCAL_MANUAL_DIRS", "SEARCH_CUTOFF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """bot.main's dispatch with explicit streams (see the xfail below for why not bot.main itself)."""
    args = bot.build_parser().parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    settings = Settings()
    if args.command == "validate":
        code = cli.cmd_validate(settings, args, out)
    elif args.command == "screen":
        code = cli.cmd_screen(settings, args, out, err)
    else:
        assert args.command == "search"
        code = cli.cmd_search(settings, args, out, err)
    captured = capsys.readouterr()
    return code, out.getvalue() + captured.out, err.getvalue() + captured.err


def screen_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "screen", "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def status_of(data: dict[str, Any], pid: str) -> str:
    (found,) = [p["status"] for p in data["programs"] if p["id"] == pid]
    return str(found)


def write_answers(tmp_path: Path, answers: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return str(path)


def broken_manual(tmp_path: Path, case: str = "unknown_question.yaml") -> Path:
    root = tmp_path / "manual"
    shutil.copytree(FIXTURES / "minimal", root)
    shutil.copy(FIXTURES / "broken" / case, root / case)
    return root


# ---------------------------------------------------------------- screen


def test_screen_json_has_the_design_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = screen_json(capsys, "--answers", ELDERLY, "--as-of", "2026-11-24")
    assert {"as_of", "programs", "next_question"} <= set(data)
    assert data["as_of"] == "2026-11-24"
    assert len(data["programs"]) >= 40
    for program in data["programs"]:
        assert {"id", "status", "reasons", "missing"} <= set(program)
        assert program["status"] in STATUSES
        assert isinstance(program["missing"], list)
        for reason in program["reasons"]:
            assert reason["outcome"] in {"yes", "no", "unknown"} and reason["text"]
        if program["status"] != "unknown":
            assert program["missing"] == []
    assert data["next_question"] is None or isinstance(data["next_question"], str)
    assert status_of(data, "basic_pension") == "eligible"


def test_screen_reasons_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    ko = screen_json(capsys, "--answers", ELDERLY, "--as-of", "2026-11-24")
    en = screen_json(capsys, "--answers", ELDERLY, "--as-of", "2026-11-24", "--lang", "en")
    [ko_pension] = [p for p in ko["programs"] if p["id"] == "basic_pension"]
    [en_pension] = [p for p in en["programs"] if p["id"] == "basic_pension"]
    assert any("나이 78세" in r["text"] for r in ko_pension["reasons"])
    assert any(r["text"].startswith("Age 78 years") for r in en_pension["reasons"])


def test_screen_defaults_to_today(capsys: pytest.CaptureFixture[str]) -> None:
    data = screen_json(capsys, "--answers", ELDERLY)
    assert data["as_of"] == dt.date.today().isoformat()


def test_as_of_changes_a_verdict_that_depends_on_a_dated_figure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # child_allowance_age_limit: under 8 until 2025, under 9 from 2026-01-01.
    answers = write_answers(tmp_path, {"household_size": 2, "has_children": True, "children_ages": [8]})
    before = screen_json(capsys, "--answers", answers, "--as-of", "2025-06-01")
    after = screen_json(capsys, "--answers", answers, "--as-of", "2026-11-24")
    assert before["as_of"] == "2025-06-01"
    assert status_of(before, "child_allowance") == "ineligible"
    assert status_of(after, "child_allowance") == "eligible"


def test_screen_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "screen", "--answers", ELDERLY, "--as-of", "2026-11-24")
    assert code == 0
    assert out.startswith("상담 기준일 2026-11-24 · ")
    assert "[basic_pension]" in out and "✅ 받을 수 있어요" in out
    code, out, _ = run(capsys, "screen", "--answers", ELDERLY, "--as-of", "2026-11-24", "--lang", "en")
    assert out.startswith("Consultation date 2026-11-24 · ") and "Likely eligible" in out


def test_screen_on_a_fixture_manual(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = write_answers(tmp_path, {"household_size": 1, "household_income": 820_557})
    data = screen_json(
        capsys, "--answers", answers, "--as-of", "2026-11-24", "--manual", str(FIXTURES / "engine")
    )
    assert status_of(data, "income_num") == "ineligible"
    assert status_of(data, "pension") == "unknown"
    assert data["next_question"] == "age"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"age": 78,', "cannot read answers"),
        ("[1, 2]", "answers must be a JSON object"),
        ('{"agee": 78}', "unknown answer id 'agee'"),
        ('{"age": "seventy"}', "'age' must be a whole number, got 'seventy'"),
        ('{"age": 200}', "'age' must be between 0 and 120, got 200"),
        ('{"disability": "heavy"}', "'disability' must be one of none, mild, severe, got 'heavy'"),
        ('{"lives_alone": "yes"}', "'lives_alone' must be true or false"),
    ],
)
def test_bad_answers_exit_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "screen", "--answers", str(path), "--json")
    assert code == 2
    assert out == ""
    assert err.startswith(f"{path}: ")
    assert message in err


def test_missing_answers_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "screen", "--answers", str(tmp_path / "nope.json"))
    assert code == 2
    assert "nope.json: cannot read answers" in err


def test_bad_as_of_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "screen", "--answers", ELDERLY, "--as-of", "2026-13-01")
    assert code == 2
    assert "--as-of must be a date like 2026-11-24, got '2026-13-01'" in err


def test_screen_on_a_broken_manual_exits_1_with_the_issue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = broken_manual(tmp_path)
    code, out, err = run(capsys, "screen", "--answers", ELDERLY, "--manual", str(root))
    assert code == 1
    assert out == ""
    assert "manual/unknown_question.yaml:11: unknown question 'agee' in rule" in err


# ---------------------------------------------------------------- validate


def test_validate_shipped_manual_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("OK: ") and "programmes" in last
    # Every shipped district overlay is checked as well.
    assert "local from example-district" in last


def test_validate_fixture_manual_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--manual", str(FIXTURES / "engine"))
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("OK: 27 programmes, 15 questions, 5 parameters, 3 domains")


def test_validate_broken_manual_exits_1_with_file_line_messages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = broken_manual(tmp_path)
    shutil.copy(FIXTURES / "broken" / "unknown_domain.yaml", root / "unknown_domain.yaml")
    code, out, _ = run(capsys, "validate", "--manual", str(root))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[:-1] == [
        "manual/unknown_domain.yaml:5: unknown domain 'welfare'",
        "manual/unknown_question.yaml:11: unknown question 'agee' in rule",
    ]
    assert lines[-1] == f"2 errors in {root}"


def test_validate_reports_warnings_but_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "manual"
    shutil.copytree(FIXTURES / "minimal", root)
    shutil.copy(FIXTURES / "warnings" / "stale.yaml", root / "stale.yaml")
    code, out, _ = run(capsys, "validate", "--manual", str(root))
    assert code == 0
    lines = out.strip().splitlines()
    assert all(": warning: " in line for line in lines[:-1])
    assert lines[-1].startswith("OK: ") and lines[-1].endswith(f", {len(lines) - 1} warnings")


def test_validate_with_an_overlay(capsys: pytest.CaptureFixture[str]) -> None:
    minimal = str(FIXTURES / "minimal")
    code, out, _ = run(
        capsys, "validate", "--manual", minimal, "--local", str(FIXTURES / "overlays" / "district-a")
    )
    assert code == 0 and "(+2 local from district-a)" in out
    code, out, _ = run(
        capsys, "validate", "--manual", minimal, "--local", str(FIXTURES / "overlays" / "bad-district")
    )
    assert code == 1
    assert (
        "overlays/bad-district/questions.yaml:3: local overlay cannot redefine national question 'age'" in out
    )


# ---------------------------------------------------------------- search


def test_search_typo_finds_basic_pension(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "기초연굼", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    assert results[0]["id"] == "basic_pension"


def test_search_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "기초연금")
    assert code == 0
    assert "[basic_pension]" in out.splitlines()[0]


def test_search_json_says_whether_it_is_sure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "회사에서", "잘렸어요", "--json", "--limit", "3")
    assert code == 0
    found = json.loads(out)
    assert {r["id"] for r in found["results"]} & {"emergency_welfare", "national_employment_support"}
    assert all(set(r) == {"id", "score"} for r in found["results"])
    assert isinstance(found["confident"], bool)


def test_search_offers_a_person_and_domains(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "상담원", "연결해", "주세요")
    assert code == 0 and "129" in out
    code, out, _ = run(capsys, "search", "선거", "투표소가", "어디예요", "--lang", "en")
    assert code == 0
    assert "No programme matches." in out and "Browse by area:" in out


def test_bot_main_returns_the_exit_code(tmp_path: Path) -> None:
    assert bot.main(["validate", "--manual", str(broken_manual(tmp_path))]) == 1
    assert bot.main(["screen", "--answers", write_answers(tmp_path, {"agee": 1})]) == 2
    assert bot.main(["search", "기초연금", "--json"]) == 0


def test_bot_main_writes_to_the_current_stdout() -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = bot.main(["search", "기초연굼", "--json"])
    assert code == 0
    assert json.loads(buffer.getvalue())["results"][0]["id"] == "basic_pension"


# ---------------------------------------------------------------- real processes


def _bot(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_process_exit_codes(tmp_path: Path) -> None:
    broken = _bot(tmp_path, "validate", "--manual", str(broken_manual(tmp_path)))
    assert broken.returncode == 1
    assert "manual/unknown_question.yaml:11: unknown question 'agee' in rule" in broken.stdout
    bad = _bot(tmp_path, "screen", "--answers", write_answers(tmp_path, {"agee": 1}))
    assert bad.returncode == 2
    assert "unknown answer id 'agee'" in bad.stderr
    good = _bot(tmp_path, "screen", "--answers", ELDERLY, "--as-of", "2026-11-24", "--json")
    assert good.returncode == 0, good.stderr
    assert status_of(json.loads(good.stdout), "basic_pension") == "eligible"
