"""The manual validator: every error says `file:line: message`, warnings for stale figures, overlays.

Broken-file tests copy tests/data/manuals/minimal into a temporary directory, drop one file from
tests/data/manuals/broken next to it and check the one error reported. Each broken file marks the
line that must be reported with `# ← error`, so the fixture documents itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from knowledge.engine import Status, screen
from knowledge.loader import ManualError, load_manual
from knowledge.manual import Manual
from knowledge.yamlsrc import Issue

DATA = Path(__file__).resolve().parent.parent / "data" / "manuals"
MINIMAL = DATA / "minimal"
BROKEN = DATA / "broken"
WARNINGS = DATA / "warnings"
OVERLAYS = DATA / "overlays"
TODAY = dt.date(2026, 11, 24)


def _marked_line(path: Path, marker: str) -> int:
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in text]
    assert len(lines) == 1, f"{path.name} must mark exactly one line with {marker!r}"
    return lines[0]


def _with_file(tmp_path: Path, source: Path, name: str | None = None) -> Path:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    shutil.copy(source, root / (name or source.name))
    return root


def _errors(directory: Path, overlays: list[Path] | None = None) -> list[Issue]:
    with pytest.raises(ManualError) as err:
        load_manual(directory, overlays=overlays or [], today=TODAY)
    assert err.value.issues
    assert all(issue.severity == "error" for issue in err.value.issues)
    assert str(err.value) == "\n".join(str(issue) for issue in err.value.issues)
    return err.value.issues


# ---------------------------------------------------------------- good manuals


@pytest.mark.parametrize("name", ["minimal", "core", "gates"])
def test_fixture_manuals_load_without_warnings(name: str) -> None:
    manual, warnings = load_manual(DATA / name, today=TODAY)
    assert manual.programs
    assert warnings == []


def test_shipped_manual_loads(manual: Manual) -> None:
    for pid in ("livelihood_benefit", "medical_aid", "housing_benefit", "education_benefit", "basic_pension",
                "child_allowance", "single_parent_child_allowance", "emergency_welfare"):  # fmt: skip
        assert pid in manual.programs
        assert pid in manual.rules


def test_loaded_manual_has_parsed_rules_gates_and_implications() -> None:
    manual, _ = load_manual(DATA / "core", today=TODAY)
    assert set(manual.rules) == set(manual.programs)
    assert set(manual.ask_if) == {"children_ages", "single_parent", "monthly_rent"}
    assert set(manual.implied) == {"has_spouse", "lives_alone", "has_children"}
    assert len(manual.implied["lives_alone"]) == 2
    assert manual.overlays == []
    assert all(p.local is None for p in manual.programs.values())
    assert manual.summary() == "10 programmes, 15 questions, 8 parameters, 5 domains"


# ---------------------------------------------------------------- broken files: one error each, at its line


BROKEN_CASES = [
    ("yaml_syntax.yaml", ["YAML syntax error"]),
    ("unknown_question.yaml", ["unknown question 'incme' in rule"]),
    ("unknown_param.yaml", ["unknown parameter 'pension_agee' in rule"]),
    ("duplicate_program.yaml", ["duplicate program id 'twin'", "first at minimal/duplicate_program.yaml:3"]),
    (
        "zz_duplicate_program_across_files.yaml",
        ["duplicate program id 'basic_pension'", "first at minimal/programs/basic.yaml:12"],
    ),
    ("wrong_type.yaml", ["'rooms'", "min", "integer"]),
    ("missing_ko.yaml", ["'english_only'", "missing required field 'ko'"]),
    ("bad_param_date.yaml", ["'bad_date_rate'", "2026-02-30", "date"]),
    ("bad_source_date.yaml", ["'bad_source_rate'", "as_of", "date"]),
    ("unknown_choice.yaml", ["'monthly_rnet' is not a choice of 'housing_type'", "owner, monthly_rent"]),
    ("unknown_operator.yaml", ["programme 'typo_operator'", "unknown operator 'gte'"]),
    ("unknown_domain.yaml", ["unknown domain 'incme'"]),
    ("duplicate_key.yaml", ["duplicate key 'summary'"]),
    ("eligible_cycle.yaml", ["eligibility depends on itself", "chicken → egg → chicken"]),
    ("numeric_on_choice.yaml", ["'ge' compares numbers", "'housing_type' is a choice question"]),
    ("unknown_field.yaml", ["'typo_field'", "unknown field 'summery'"]),
    ("unknown_field_comma.yaml", ["unknown field '연 2회 지급'", "put the text in quotes"]),
]


def test_at_least_ten_broken_files_are_covered() -> None:
    files = {path.name for path in BROKEN.glob("*.yaml")}
    covered = {name for name, _ in BROKEN_CASES}
    assert len(covered) >= 10
    assert covered <= files
    assert files - covered == {"unknown_question_nested.yaml"}  # its own test below


@pytest.mark.parametrize(("name", "fragments"), BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_broken_file_is_reported_at_its_line(tmp_path: Path, name: str, fragments: list[str]) -> None:
    issues = _errors(_with_file(tmp_path, BROKEN / name))
    line = _marked_line(BROKEN / name, "# ← error")
    assert len(issues) == 1, [str(i) for i in issues]
    issue = issues[0]
    assert (issue.file, issue.line) == (f"minimal/{name}", line)
    text = str(issue)
    assert text.startswith(f"minimal/{name}:{line}: ")
    for fragment in fragments:
        assert fragment in issue.message, text


def test_unknown_field_without_a_comma_gets_no_quoting_hint(tmp_path: Path) -> None:
    (issue,) = _errors(_with_file(tmp_path, BROKEN / "unknown_field.yaml"))
    assert "quotes" not in issue.message


def test_duplicate_key_keeps_loading_the_rest(tmp_path: Path) -> None:
    # the duplicate is reported, but it is the only problem: the file was still read and checked
    root = _with_file(tmp_path, BROKEN / "duplicate_key.yaml")
    (root / "programs" / "basic.yaml").write_text(
        (root / "programs" / "basic.yaml")
        .read_text(encoding="utf-8")
        .replace("domain: income", "domain: nope", 1),
        encoding="utf-8",
    )
    messages = sorted(str(i) for i in _errors(root))
    assert messages == [
        "minimal/duplicate_key.yaml:9: duplicate key 'summary'",
        "minimal/programs/basic.yaml:4: unknown domain 'nope'",
    ]


def test_mistake_deep_in_a_rule_is_reported_at_its_own_line(tmp_path: Path) -> None:
    name = "unknown_question_nested.yaml"
    (issue,) = _errors(_with_file(tmp_path, BROKEN / name))
    assert "unknown question 'welfare_staus'" in issue.message
    assert (issue.file, issue.line) == (f"minimal/{name}", _marked_line(BROKEN / name, "# ← error"))


def test_every_error_in_a_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    for name in ("unknown_question.yaml", "unknown_domain.yaml", "wrong_type.yaml", "duplicate_key.yaml"):
        shutil.copy(BROKEN / name, root / name)
    reported = {(i.file, i.line) for i in _errors(root)}
    assert reported == {
        ("minimal/unknown_question.yaml", 9),
        ("minimal/unknown_domain.yaml", 5),
        ("minimal/wrong_type.yaml", 7),
        ("minimal/duplicate_key.yaml", 9),
    }


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("- just\n- a list\n", 1, "top level must be a mapping"),
        ("domains: []\nprogrammes: []\n", 2, "unknown section 'programmes'"),
        ("questions:\n  id: age\n", 2, "'questions' must be a list"),
        (
            "parameters:\n  - id: x_rate\n    label: {ko: 비율, en: rate}\n    unit: percent\n"
            "    by: incme\n    values:\n      2026-01-01: {a: 1}\n    sources:\n"
            "      - {title: t, as_of: 2026-11-01}\n",
            5,
            "keyed by unknown question 'incme'",
        ),
        (
            "questions:\n  - id: pet\n    type: bool\n    short: {ko: 반려동물, en: Pet}\n"
            "    text: {ko: 반려동물, en: Pet}\n    ask_if: {answer: pet, eq: true}\n",
            6,
            "cannot depend on itself",
        ),
        (
            "questions:\n  - id: pet\n    type: bool\n    short: {ko: 반려동물, en: Pet}\n"
            "    text: {ko: 반려동물, en: Pet}\n    ask_if: {answer: owns_pet, eq: true}\n",
            6,
            "unknown question 'owns_pet'",
        ),
        (
            "questions:\n  - id: size\n    type: choice\n    short: {ko: 크기, en: Size}\n"
            "    text: {ko: 크기, en: Size}\n",
            2,
            "needs 'choices'",
        ),
    ],
)
def test_structural_errors(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    (root / "extra.yaml").write_text(text, encoding="utf-8")
    (issue,) = _errors(root)
    assert (issue.file, issue.line) == ("minimal/extra.yaml", line)
    assert fragment in issue.message


def test_cases_section_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    (root / "extra.yaml").write_text("cases:\n  - whatever: 1\n", encoding="utf-8")
    load_manual(root, today=TODAY)


def test_not_utf8(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    (root / "extra.yaml").write_bytes("questions: []  # 나이\n".encode("euc-kr"))
    (issue,) = _errors(root)
    assert (issue.file, issue.line) == ("minimal/extra.yaml", 1)
    assert "UTF-8" in issue.message


def test_missing_and_empty_directories(tmp_path: Path) -> None:
    (missing,) = _errors(tmp_path / "nowhere")
    assert "manual directory not found" in missing.message
    (tmp_path / "empty").mkdir()
    (empty,) = _errors(tmp_path / "empty")
    assert "no YAML files" in empty.message


# ---------------------------------------------------------------- warnings


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("not_yet_in_force.yaml", "parameter 'future_rate' has no value in force on 2026-11-24"),
        ("no_value_this_year.yaml", "parameter 'old_rate' has no value for 2026 (latest from 2025-01-01)"),
        (
            "stale_programme.yaml",
            "programme 'stale_help' sources are from 2025-11-23, more than 12 months ago",
        ),
    ],
)
def test_warning_at_its_line(tmp_path: Path, name: str, fragment: str) -> None:
    manual, warnings = load_manual(_with_file(tmp_path, WARNINGS / name), today=TODAY)
    assert manual.programs
    line = _marked_line(WARNINGS / name, "# ← warning")
    assert [str(w) for w in warnings] == [f"minimal/{name}:{line}: warning: {fragment}"]
    assert warnings[0].severity == "warning"


def test_exactly_twelve_months_is_not_stale(tmp_path: Path) -> None:
    _, warnings = load_manual(_with_file(tmp_path, WARNINGS / "fresh_programme.yaml"), today=TODAY)
    assert warnings == []


def test_warnings_depend_on_the_date_given(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    for name in ("no_value_this_year.yaml", "stale_programme.yaml", "not_yet_in_force.yaml"):
        shutil.copy(WARNINGS / name, root / name)
    assert len(load_manual(root, today=TODAY)[1]) == 3
    # on 2025-12-01 the 2025 value is current, the sources are 8 days old, the future value still waits;
    # minimal's own 2026-01-01 figures are not in force yet either
    early = [str(w) for w in load_manual(root, today=dt.date(2025, 12, 1))[1]]
    assert any("'future_rate' has no value in force" in w for w in early)
    assert not any("old_rate" in w or "stale_help" in w for w in early)
    assert any("'median_income' has no value in force on 2025-12-01" in w for w in early)
    # in 2027 everything in minimal is a year old
    late = [str(w) for w in load_manual(root, today=dt.date(2027, 2, 1))[1]]
    assert any("'pension_age' has no value for 2027" in w for w in late)
    assert not any("future_rate" in w for w in late)


def test_warnings_never_stop_loading(tmp_path: Path) -> None:
    root = _with_file(tmp_path, WARNINGS / "stale_programme.yaml")
    manual, warnings = load_manual(root, today=TODAY)
    assert warnings
    verdict = screen(manual, {"age": 70}, TODAY, ["stale_help"])["stale_help"]
    assert verdict.status == Status.ELIGIBLE


def test_errors_hide_warnings(tmp_path: Path) -> None:
    root = _with_file(tmp_path, WARNINGS / "stale_programme.yaml")
    shutil.copy(BROKEN / "unknown_domain.yaml", root / "unknown_domain.yaml")
    issues = _errors(root)
    assert [i.file for i in issues] == ["minimal/unknown_domain.yaml"]


# ---------------------------------------------------------------- local overlays


@pytest.fixture(scope="module")
def with_district() -> Manual:
    manual, warnings = load_manual(MINIMAL, overlays=[OVERLAYS / "district-a"], today=TODAY)
    assert warnings == []
    return manual


def test_overlay_adds_a_programme(with_district: Manual) -> None:
    lunch = with_district.programs["district_lunch"]
    assert lunch.local == "district-a"
    assert "district_lunch" in with_district.rules
    assert "district_lunch_age" in with_district.parameters
    assert with_district.overlays == ["district-a"]
    assert with_district.summary() == (
        "3 programmes (+2 local from district-a), 7 questions, 3 parameters, 2 domains"
    )


def test_overlay_programme_uses_national_programmes_and_its_own_parameters(with_district: Manual) -> None:
    def status(**answers: int) -> Status:
        return screen(with_district, answers, TODAY, ["district_lunch"])["district_lunch"].status

    assert status(age=66) == Status.ELIGIBLE  # via eligible: basic_pension (national)
    assert status(age=40) == Status.INELIGIBLE


def test_overlay_replaces_a_national_programme_and_marks_it_local(with_district: Manual) -> None:
    national, _ = load_manual(MINIMAL, today=TODAY)
    replaced = with_district.programs["livelihood_benefit"]
    assert replaced.local == "district-a"
    assert replaced.name.ko == "생계급여 (구 확대)"
    assert national.programs["livelihood_benefit"].local is None
    assert with_district.programs["basic_pension"].local is None
    # over 32% (820,556원), under 40% (1,025,695원)
    answers = {"household_size": 1, "household_income": 1_000_000}
    assert screen(national, answers, TODAY)["livelihood_benefit"].status == Status.INELIGIBLE
    assert screen(with_district, answers, TODAY)["livelihood_benefit"].status == Status.ELIGIBLE


def test_overlay_programmes_keep_domain_order(with_district: Manual) -> None:
    assert list(with_district.programs) == ["livelihood_benefit", "basic_pension", "district_lunch"]
    assert [p.order for p in with_district.programs.values()] == [0, 1, 2]


def test_overlay_redefining_a_national_question(tmp_path: Path) -> None:
    overlay = OVERLAYS / "redefines-question"
    (issue,) = _errors(MINIMAL, [overlay])
    line = _marked_line(overlay / "questions.yaml", "# ← error")
    assert str(issue) == (
        f"overlays/redefines-question/questions.yaml:{line}: "
        "local overlay cannot redefine national question 'age'"
    )


def test_overlay_redefining_a_national_parameter(tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-b"
    overlay.mkdir(parents=True)
    (overlay / "parameters.yaml").write_text(
        "parameters:\n"
        "  - id: pension_age\n"
        "    label: {ko: 구 기초연금 나이, en: district pension age}\n"
        "    unit: years\n"
        "    values: {2026-01-01: 60}\n"
        "    sources: [{title: t, as_of: 2026-11-01}]\n",
        encoding="utf-8",
    )
    (issue,) = _errors(MINIMAL, [overlay])
    assert (issue.file, issue.line) == ("local/district-b/parameters.yaml", 2)
    assert "cannot redefine national parameter 'pension_age'" in issue.message


def test_duplicate_programme_within_one_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-c"
    shutil.copytree(OVERLAYS / "district-a", overlay)
    programs = (overlay / "programs.yaml").read_text(encoding="utf-8")
    (overlay / "more.yaml").write_text(
        programs.split("\n  - id: livelihood_benefit")[0] + "\n", encoding="utf-8"
    )
    (issue,) = _errors(MINIMAL, [overlay])
    assert (issue.file, issue.line) == ("local/district-c/programs.yaml", 3)
    assert "duplicate program id 'district_lunch' (first at local/district-c/more.yaml:3)" in issue.message


def test_overlay_errors_name_the_overlay_file(tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-d"
    overlay.mkdir(parents=True)
    shutil.copy(BROKEN / "unknown_question.yaml", overlay / "programs.yaml")
    (issue,) = _errors(MINIMAL, [overlay])
    assert (issue.file, issue.line) == ("local/district-d/programs.yaml", 9)


def test_missing_overlay_directory(tmp_path: Path) -> None:
    (issue,) = _errors(MINIMAL, [tmp_path / "no-such-district"])
    assert "local overlay directory not found" in issue.message


def test_national_load_skips_local_directories(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    shutil.copytree(OVERLAYS / "redefines-question", root / "local" / "redefines-question")
    manual, _ = load_manual(root, today=TODAY)
    assert manual.questions["age"].short.ko == "나이"
