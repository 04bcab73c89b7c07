"""The command line (`bot.py validate / screen / explain / search`), in-process, plus real exit codes once.

Screening and search use the shipped manual; validation also uses the fixture manuals of tests/data/manuals
(copied with the shipped facts and units, tests/knowledge/fixtures.py).
"""

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
from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR
from tests.knowledge.fixtures import DATA, fixture_manual

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"
ELDERLY = str(EXAMPLES / "elderly-alone.json")  # version 1
STATUSES = {"eligible", "ineligible", "unknown"}
AS_OF = "2026-11-24"

# Version 2: every figure of the consulted person given, so the verdicts are definite.
ALL_MONEY = {"earned_income": 0, "other_income": 0, "housing": 0, "land_buildings": 0, "financial": 0,
             "car_value": 0, "deposit": 0, "debt": 0}  # fmt: skip
ELDER_V2: dict[str, Any] = {
    "people": [
        {
            "relation": "self",
            "age": 78,
            "nationality": "korean",
            **ALL_MONEY,
            "other_income": 950_000,
            "financial": 20_000_000,
        }
    ],
    "region": "seoul",
    "housing_type": "monthly_rent",
    "monthly_rent": 250_000,
}
# Young, renting, already receiving the housing benefit: youth rent support gives way to it.
YOUNG_TENANT: dict[str, Any] = {
    "people": [
        {
            "relation": "self",
            "age": 25,
            "nationality": "korean",
            **ALL_MONEY,
            "earned_income": 1_000_000,
            "deposit": 10_000_000,
        }
    ],
    "region": "seoul",
    "housing_type": "monthly_rent",
    "monthly_rent": 400_000,
    "receiving": ["housing_benefit"],
}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env, MANUAL_DIR or LOCAL_MANUAL_DIRS from the developer's machine may change the results."""
    for name in ("MANUAL_DIR", "LOCAL_MANUAL_DIRS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """bot.main's dispatch with explicit streams, so output can be told from errors."""
    args = bot.build_parser().parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    settings = Settings()
    if args.command == "validate":
        code = cli.cmd_validate(settings, args, out)
    elif args.command == "screen":
        code = cli.cmd_screen(settings, args, out, err)
    elif args.command == "explain":
        code = cli.cmd_explain(settings, args, out, err)
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


def program(data: dict[str, Any], pid: str) -> dict[str, Any]:
    (found,) = [p for p in data["programs"] if p["id"] == pid]
    assert isinstance(found, dict)
    return found


def status_of(data: dict[str, Any], pid: str) -> str:
    return str(program(data, pid)["status"])


def write_answers(tmp_path: Path, answers: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return str(path)


def broken_manual(tmp_path: Path, *cases: str) -> Path:
    """The minimal fixture as `manual/`, with broken files from tests/data/manuals/broken added."""
    root = fixture_manual("minimal", tmp_path)
    for case in cases or ("unknown_name.yaml",):
        shutil.copy(DATA / "broken" / case, root / case)
    return root.rename(tmp_path / "manual")


UNKNOWN_NAME = "manual/unknown_name.yaml:9: programme 'typo_name': formula col 20: unknown name 'incme'"


# ---------------------------------------------------------------- screen


def test_screen_json_has_the_design_shape(capsys: pytest.CaptureFixture[str]) -> None:
    manual = load_manual(DEFAULT_DIR)[0]  # what the command reads without --manual (no MANUAL_DIR here)
    data = screen_json(capsys, "--answers", ELDERLY, "--as-of", AS_OF)
    assert set(data) == {"as_of", "programs", "next_question"}
    assert data["as_of"] == AS_OF
    assert [p["id"] for p in data["programs"]] == list(manual.programs)  # every national programme, in order
    fields = {"id", "status", "reasons", "missing", "questions", "verify"}
    for item in data["programs"]:
        assert fields <= set(item)
        assert set(item) - fields <= {"receiving", "instead"}
        assert item["status"] in STATUSES
        assert isinstance(item["verify"], bool)
        assert item["verify"] == manual.programs[item["id"]].verify
        for reason in item["reasons"]:
            assert reason["outcome"] in {"yes", "no", "unknown"} and reason["text"]
        if item["status"] == "unknown":
            assert item["missing"]
            assert set(item["questions"]) <= set(manual.questions)
        else:
            assert item["missing"] == [] and item["questions"] == []
    assert data["next_question"] in manual.questions
    # a version 1 total income (950,000원) does not say how much is earnings: the pension waits for it
    pension = program(data, "basic_pension")
    assert pension["status"] == "unknown"
    assert "household_earned_income" in pension["questions"]
    assert status_of(data, "companionship_checkin") == "eligible"
    assert status_of(data, "child_allowance") == "ineligible"


def test_screen_version_2_answers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = screen_json(capsys, "--answers", write_answers(tmp_path, ELDER_V2), "--as-of", AS_OF)
    pension = program(data, "basic_pension")
    assert pension["status"] == "eligible"
    assert {r["outcome"] for r in pension["reasons"]} == {"yes"}
    assert any("본인·배우자 소득인정액 월 950,000원" in r["text"] for r in pension["reasons"])
    # 950,000원 > 820,556원 (32% of the median income for one person)
    assert status_of(data, "livelihood_benefit") == "ineligible"
    assert status_of(data, "housing_benefit") == "eligible"  # ≤ 1,230,834원 (48%)
    assert "receiving" not in pension and "instead" not in pension


def test_screen_json_marks_received_and_replaced_programmes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = screen_json(capsys, "--answers", write_answers(tmp_path, YOUNG_TENANT), "--as-of", AS_OF)
    housing = program(data, "housing_benefit")
    assert housing["status"] == "eligible" and housing["receiving"] is True
    assert "instead" not in housing
    youth = program(data, "youth_rent_support")
    assert youth["status"] == "ineligible"
    assert youth["instead"] == "housing_benefit"
    assert "receiving" not in youth
    assert youth["reasons"] == [{"outcome": "no", "text": "주거급여가 대신 적용돼요"}]


def test_screen_text_shows_received_and_replaced_programmes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = write_answers(tmp_path, YOUNG_TENANT)
    code, out, _ = run(capsys, "screen", "--answers", answers, "--as-of", AS_OF)
    assert code == 0
    assert "📌 이미 받고 있는 지원 (1)\n  • 주거급여 [housing_benefit]" in out
    assert "  • 청년월세 지원 [youth_rent_support] → 대신: 주거급여 ⚠ 확인 필요한 수치 포함" in out
    code, out, _ = run(capsys, "screen", "--answers", answers, "--as-of", AS_OF, "--lang", "en")
    assert "📌 Already received (1)" in out
    assert "[youth_rent_support] → instead: Housing benefit" in out


def test_screen_reasons_follow_the_language(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = write_answers(tmp_path, ELDER_V2)
    ko = program(screen_json(capsys, "--answers", answers, "--as-of", AS_OF), "basic_pension")
    en = program(screen_json(capsys, "--answers", answers, "--as-of", AS_OF, "--lang", "en"), "basic_pension")
    assert ko["reasons"][0]["text"] == "나이 78세 ≥ 기초연금 나이 65세"
    assert en["reasons"][0]["text"].lower() == "age 78 years ≥ basic pension age 65 years"


def test_screen_defaults_to_today(capsys: pytest.CaptureFixture[str]) -> None:
    data = screen_json(capsys, "--answers", ELDERLY)
    assert data["as_of"] == dt.date.today().isoformat()


def test_as_of_changes_a_verdict_that_depends_on_a_dated_figure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the core fixture's child_age_limit: under 8 until 2025, under 9 from 2026-01-01.
    core = str(fixture_manual("core", tmp_path))
    answers = write_answers(tmp_path, {"household_size": 2, "has_children": True, "children_ages": [8]})
    before = screen_json(capsys, "--answers", answers, "--as-of", "2025-06-01", "--manual", core)
    after = screen_json(capsys, "--answers", answers, "--as-of", AS_OF, "--manual", core)
    assert before["as_of"] == "2025-06-01"
    assert status_of(before, "child_allowance") == "ineligible"
    assert status_of(after, "child_allowance") == "eligible"


def test_screen_text_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = write_answers(tmp_path, ELDER_V2)
    code, out, _ = run(capsys, "screen", "--answers", answers, "--as-of", AS_OF)
    assert code == 0
    assert out.startswith(f"상담 기준일 {AS_OF} · ")
    assert "✅ 받을 수 있어요" in out
    eligible = out.split("✅ 받을 수 있어요")[1].split("❓")[0]
    assert "[basic_pension]" in eligible
    assert "      ✓ 나이 78세 ≥ 기초연금 나이 65세" in out
    assert "다음 질문: " in out
    code, out, _ = run(capsys, "screen", "--answers", answers, "--as-of", AS_OF, "--lang", "en")
    assert out.startswith(f"Consultation date {AS_OF} · ") and "Likely eligible" in out


def test_screen_on_a_fixture_manual(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    core = fixture_manual("core", tmp_path)
    answers = write_answers(tmp_path, {"household_size": 1, "household_income": 820_557})
    data = screen_json(capsys, "--answers", answers, "--as-of", AS_OF, "--manual", str(core))
    assert len(data["programs"]) == 10
    assert status_of(data, "livelihood_benefit") == "ineligible"  # line: 820,556원
    pension = program(data, "basic_pension")
    assert pension["status"] == "unknown" and pension["missing"] == ["self.age"]
    assert pension["questions"] == ["age"]
    assert data["next_question"] == "age"


@pytest.mark.parametrize(
    ("answers", "messages"),
    [
        ('{"age": 78,', ["cannot read answers"]),
        ("[1, 2]", ["answers must be a JSON object"]),
        # version 1
        ('{"agee": 78}', ["agee: unknown fact (see DESIGN.md 'Household facts')"]),
        ('{"age": "seventy"}', ["age: must be a whole number, got 'seventy'"]),
        ('{"age": 200}', ["age: must be between 0 and 120, got 200"]),
        ('{"disability": "heavy"}', ["disability: 'heavy' is not one of none, mild, severe"]),
        ('{"lives_alone": "yes"}', ["lives_alone: must be true or false, got 'yes'"]),
        ('{"household_income": -1}', ["household_income: an amount cannot be negative, got -1"]),
        # version 2
        (
            '{"people": [{"relation": "self", "age": "old"}]}',
            ["people[0].age: must be a whole number, got 'old'"],
        ),
        (
            '{"people": [{"relation": "self"}, {"relation": "cousin"}]}',
            [
                "people[1].relation: 'cousin' is not one of self, spouse, child, parent, grandparent, "
                "grandchild, sibling, other"
            ],
        ),
        (
            '{"people": [{"relation": "self"}, {"relation": "spouse", "earned_income": -5}]}',
            ["people[1].earned_income: an amount cannot be negative, got -5"],
        ),
        (
            '{"people": [{"relation": "self"}, {"relation": "spouse"}, {"relation": "spouse"}]}',
            ["people: a spouse is listed twice (people[1], people[2])"],
        ),
        ('{"people": [{"relation": "spouse"}]}', ["people[0].relation: the consulted person comes first"]),
        ('{"people": [{"relation": "self", "hobby": "go"}]}', ["people[0].hobby: unknown person fact"]),
        ('{"people": []}', ["people: must be a non-empty list of person objects"]),
        (
            '{"people": [{"relation": "self", "birth_date": "1950-02-30"}]}',
            ["people[0].birth_date: must be a date like 1950-05-01, got '1950-02-30'"],
        ),
        ('{"region": "busan"}', ["region: 'busan' is not one of seoul, gyeonggi"]),
        ('{"receiving": ["basic_pensoin"]}', ["receiving: unknown programme id 'basic_pensoin'"]),
        ('{"property": {"car_cc": -1}}', ["property.car_cc: must be between 0 and 10000, got -1"]),
        # contradictions
        (
            '{"people": [{"relation": "self"}, {"relation": "spouse"}], "household_size": 1}',
            ["household_size: 1, but 2 people are listed"],
        ),
        (
            '{"people": [{"relation": "self"}, {"relation": "spouse"}], "has_spouse": false}',
            ["has_spouse: false, but a spouse is listed"],
        ),
        ('{"lives_alone": true, "household_size": 3}', ["household_size: 3, but lives_alone says 1"]),
        (
            '{"people": [{"relation": "self", "earned_income": 2000000}], "household_income": 1000000}',
            ["household_income: 1,000,000 does not agree with the amounts given for the same people"],
        ),
        # every problem of a file, one line each
        (
            '{"age": 200, "region": "mars", "agee": 1}',
            ["age: must be between 0 and 120, got 200", "region: 'mars' is not one of", "agee: unknown fact"],
        ),
        (
            '{"people": [{"relation": "self", "age": -1}, {"relation": "spouse", "earned_income": -5}]}',
            [
                "people[0].age: must be between 0 and 120, got -1",
                "people[1].earned_income: an amount cannot be negative, got -5",
            ],
        ),
    ],
)
def test_bad_answers_exit_1_naming_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, answers: str, messages: list[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(answers, encoding="utf-8")
    code, out, err = run(capsys, "screen", "--answers", str(path), "--json")
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), err
    for message in messages:
        assert any(message in line for line in lines), (message, err)


def test_missing_answers_file_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "screen", "--answers", str(tmp_path / "nope.json"))
    assert code == 1 and out == ""
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
    assert err.strip() == UNKNOWN_NAME


# ---------------------------------------------------------------- explain


def test_explain_prints_the_whole_computation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = write_answers(tmp_path, ELDER_V2)
    argv = ("explain", "--answers", answers, "--program", "basic_pension", "--as-of", AS_OF)
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:2] == ["기초연금 [basic_pension] — 받을 수 있어요", f"상담 기준일 {AS_OF}"]
    for expected in (
        "가구",
        "  본인 (self): 나이 78세",
        "조건",
        "  ✓ 나이 78세 ≥ 기초연금 나이 65세",
        "      식: self.age >= basic_pension_age",
        "      식: couple_recognised_income <= basic_pension_threshold(couple_household)",
        "계산",
        "  본인·배우자 소득인정액 [couple_recognised_income] = 월 950,000원",
        "      = bp_income_evaluation + bp_property_income",
        "쓰인 기준값",
        "  기초연금 나이 [basic_pension_age] (years) 65 — 2026-01-01부터",
    ):
        assert any(line.startswith(expected) for line in lines), expected
    code, out, _ = run(capsys, *argv, "--lang", "en")
    assert code == 0
    assert out.startswith(f"Basic pension [basic_pension] — eligible\nConsultation date {AS_OF}\n")


def test_explain_names_what_is_still_needed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "explain", "--answers", ELDERLY, "--program", "basic_pension", "--as-of", AS_OF
    )
    assert code == 0
    assert out.startswith("기초연금 [basic_pension] — 확인이 필요해요\n")
    needed = [line for line in out.splitlines() if line.startswith("더 알아야 할 것: ")]
    assert len(needed) == 1 and "self.earned_income" in needed[0]
    assert any(line.startswith("물어볼 질문: household_earned_income") for line in out.splitlines())


def test_explain_a_replaced_programme(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = write_answers(tmp_path, YOUNG_TENANT)
    code, out, _ = run(
        capsys, "explain", "--answers", answers, "--program", "youth_rent_support", "--as-of", AS_OF
    )
    assert code == 0
    assert out.splitlines()[:3] == [
        "청년월세 지원 [youth_rent_support] — 해당하지 않아요",
        f"상담 기준일 {AS_OF}",
        "대신 적용: 주거급여 [housing_benefit]",
    ]


def test_explain_unknown_programme_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "explain", "--answers", ELDERLY, "--program", "basic_pensoin")
    assert code == 2
    assert out == ""
    assert err.startswith(
        "--program: unknown programme 'basic_pensoin' (known: livelihood_benefit, basic_pension,"
    )


def test_explain_bad_answers_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = write_answers(
        tmp_path, {"people": [{"relation": "self"}], "household_size": 2, "lives_alone": True}
    )
    code, out, err = run(capsys, "explain", "--answers", answers, "--program", "basic_pension")
    assert code == 1 and out == ""
    assert f"{answers}: household_size: 2, but lives_alone says 1" in err


# ---------------------------------------------------------------- validate


def test_validate_shipped_manual_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("OK: ") and "programmes" in last and "computed values" in last
    # Every shipped district overlay is checked as well.
    assert "local from example-district" in last


def test_validate_fixture_manual_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate", "--manual", str(fixture_manual("core", tmp_path)))
    assert code == 0
    assert out.strip() == "OK: 10 programmes, 15 questions, 5 computed values, 8 parameters, 5 domains"


def test_validate_broken_manual_exits_1_with_file_line_messages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = broken_manual(tmp_path, "unknown_name.yaml", "unknown_choice.yaml", "unit_where.yaml")
    code, out, _ = run(capsys, "validate", "--manual", str(root))
    assert code == 1
    lines = out.strip().splitlines()
    assert sorted(lines[:-1]) == [
        "manual/unit_where.yaml:5: unit 'older_parents': formula col 15: unknown name 'relaton'",
        "manual/unknown_choice.yaml:9: programme 'typo_choice': formula col 17: 'monthly_rnet' is not one of "
        "homeless, jeonse, monthly_rent, non_housing, owner, public_rental",
        UNKNOWN_NAME,
    ]
    assert lines[-1] == f"3 errors in {root}"


def test_validate_manual_without_facts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = fixture_manual("minimal", tmp_path, facts=False)
    code, out, _ = run(capsys, "validate", "--manual", str(root))
    assert code == 1
    assert out.strip().splitlines() == [
        "facts.yaml:1: the manual has no 'facts' section (the household facts)",
        f"1 error in {root}",
    ]


def test_validate_reports_warnings_but_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = fixture_manual("minimal", tmp_path)
    for name in ("stale_programme.yaml", "no_value_this_year.yaml"):
        shutil.copy(DATA / "warnings" / name, root / name)
    code, out, _ = run(capsys, "validate", "--manual", str(root))
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert all(": warning: " in line for line in lines[:-1])
    assert lines[-1].startswith("OK: 3 programmes, ") and lines[-1].endswith(", 2 warnings")


def test_validate_with_an_overlay(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    minimal = str(fixture_manual("minimal", tmp_path))
    overlays = DATA / "overlays"
    code, out, _ = run(capsys, "validate", "--manual", minimal, "--local", str(overlays / "district-a"))
    assert code == 0 and "3 programmes (+2 local from district-a)" in out
    redefines = str(overlays / "redefines-question")
    code, out, _ = run(capsys, "validate", "--manual", minimal, "--local", redefines)
    assert code == 1
    assert (
        "overlays/redefines-question/questions.yaml:3: local overlay cannot redefine national question 'age'"
        in out
    )


def test_screen_with_an_overlay(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    minimal = str(fixture_manual("minimal", tmp_path))
    district = str(DATA / "overlays" / "district-a")
    answers = write_answers(tmp_path, {"household_size": 1, "household_income": 1_000_000, "age": 40})
    national = screen_json(capsys, "--answers", answers, "--as-of", AS_OF, "--manual", minimal)
    local = screen_json(
        capsys, "--answers", answers, "--as-of", AS_OF, "--manual", minimal, "--local", district
    )
    assert status_of(national, "livelihood_benefit") == "ineligible"  # 32%: 820,556원
    assert status_of(local, "livelihood_benefit") == "eligible"  # the district's 40%: 1,025,695원
    assert status_of(local, "district_lunch") == "ineligible"


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
    code, out, _ = run(capsys, "search", "xyzzy", "qqq")
    assert code == 0 and out.startswith("찾는 사업이 없어요.")
    code, out, _ = run(capsys, "search", "xyzzy", "--lang", "en")
    assert out.startswith(("No programme matches.", "Not sure."))  # never a confident answer


def test_search_on_a_broken_manual_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "search", "기초연금", "--manual", str(broken_manual(tmp_path)))
    assert code == 1 and out == ""
    assert err.strip() == UNKNOWN_NAME


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
    assert bot.main(["screen", "--answers", write_answers(tmp_path, {"agee": 1})]) == 1
    assert bot.main(["explain", "--answers", ELDERLY, "--program", "nope"]) == 2
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
    assert UNKNOWN_NAME in broken.stdout
    bad = _bot(tmp_path, "screen", "--answers", write_answers(tmp_path, {"people": [{"relation": "cousin"}]}))
    assert bad.returncode == 1
    assert "people[0].relation: 'cousin' is not one of" in bad.stderr
    unknown = _bot(tmp_path, "explain", "--answers", ELDERLY, "--program", "nope")
    assert unknown.returncode == 2
    elder = write_answers(tmp_path, ELDER_V2)
    good = _bot(tmp_path, "screen", "--answers", elder, "--as-of", AS_OF, "--json")
    assert good.returncode == 0, good.stderr
    assert status_of(json.loads(good.stdout), "basic_pension") == "eligible"
