"""The manual validator: every error says `file:line: message`, warnings for stale figures, overlays.

Broken-file tests copy tests/data/manuals/minimal into a temporary directory (with the shipped facts.yaml
and units.yaml, tests/knowledge/fixtures.py), drop one file from tests/data/manuals/broken next to it and
check the one error reported. Each broken file marks the line that must be reported with `# ← error`,
so the fixture documents itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from knowledge.loader import ManualError, load_manual
from knowledge.manual import Manual
from knowledge.screener import Screener, Status
from knowledge.yamlsrc import Issue
from tests.knowledge.fixtures import DATA, TODAY, fixture_manual, load_fixture

BROKEN = DATA / "broken"
WARNINGS = DATA / "warnings"
OVERLAYS = DATA / "overlays"


def _marked_line(path: Path, marker: str) -> int:
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in text]
    assert len(lines) == 1, f"{path.name} must mark exactly one line with {marker!r}"
    return lines[0]


def _minimal(tmp_path: Path) -> Path:
    return fixture_manual("minimal", tmp_path)


def _with_file(tmp_path: Path, source: Path, name: str | None = None) -> Path:
    root = _minimal(tmp_path)
    shutil.copy(source, root / (name or source.name))
    return root


def _with_text(tmp_path: Path, text: str) -> Path:
    root = _minimal(tmp_path)
    (root / "extra.yaml").write_text(text, encoding="utf-8")
    return root


def _errors(directory: Path, overlays: list[Path] | None = None) -> list[Issue]:
    with pytest.raises(ManualError) as err:
        load_manual(directory, overlays=overlays or [], today=TODAY)
    assert err.value.issues
    assert all(issue.severity == "error" for issue in err.value.issues)
    assert str(err.value) == "\n".join(str(issue) for issue in err.value.issues)
    return err.value.issues


def _programme(rule: str, pid: str = "extra") -> str:
    """A programme file whose rule is on line 8."""
    return (
        "programs:\n"
        f"  - id: {pid}\n"
        "    name: {ko: 추가, en: Extra}\n"
        "    domain: income\n"
        "    groups: [low_income]\n"
        "    summary: {ko: 요약, en: Summary}\n"
        "    benefit: {ko: 혜택, en: Benefit}\n"
        f"    rule: {rule}\n"
        "    apply: {where: {ko: 행정복지센터, en: Community centre}}\n"
        "    sources: [{title: t, as_of: 2026-11-01}]\n"
    )


def _question(extra: str, qtype: str = "bool") -> str:
    """A question whose `extra` lines start on line 6."""
    return (
        "questions:\n"
        "  - id: extra_question\n"
        f"    type: {qtype}\n"
        "    short: {ko: 추가, en: Extra}\n"
        "    text: {ko: 추가 질문, en: Extra question}\n"
        f"{extra}"
    )


# ---------------------------------------------------------------- good manuals


@pytest.mark.parametrize("name", ["minimal", "core", "gates"])
def test_fixture_manuals_load_without_warnings(tmp_path: Path, name: str) -> None:
    manual, warnings = load_manual(fixture_manual(name, tmp_path), today=TODAY)
    assert manual.programs
    assert warnings == []
    Screener(manual)  # every formula compiles


def test_shipped_manual_loads(manual: Manual) -> None:
    for pid in ("livelihood_benefit", "medical_aid", "housing_benefit", "education_benefit", "basic_pension",
                "child_allowance", "single_parent_child_allowance", "emergency_welfare"):  # fmt: skip
        assert pid in manual.programs
        assert pid in manual.rules
    assert {"household", "couple"} <= set(manual.units)
    assert "couple_recognised_income" in manual.computed_rules
    assert manual.facts_person["age"].max == 120
    assert "region" in manual.facts_household


def test_loaded_manual_has_parsed_rules_formulas_and_facts(tmp_path: Path) -> None:
    manual, _ = load_manual(fixture_manual("core", tmp_path), today=TODAY)
    assert set(manual.rules) == set(manual.programs)
    assert set(manual.ask_if) == {"children_ages", "single_parent", "monthly_rent"}
    assert set(manual.computed_rules) == set(manual.computed) == {
        "household_size_count", "household_income_total", "household_property_total", "couple_household",
        "livelihood_line",
    }  # fmt: skip
    # the shipped vocabulary, copied in: every unit of units.yaml, every fact of facts.yaml
    assert set(manual.unit_rules) == set(manual.units) >= {"household", "couple", "spouse", "children"}
    assert manual.facts_household["region"].choice("county") is not None
    assert manual.overlays == []
    assert all(p.local is None for p in manual.programs.values())
    assert manual.summary() == "10 programmes, 15 questions, 5 computed values, 8 parameters, 5 domains"


def test_fixture_vocabulary_is_the_shipped_one(tmp_path: Path, manual: Manual) -> None:
    fixture = load_fixture("minimal", tmp_path)
    assert fixture.facts_person == manual.facts_person
    assert fixture.facts_household == manual.facts_household
    assert fixture.units == manual.units


# ---------------------------------------------------------------- broken files: one error each, at its line


BROKEN_CASES = [
    ("yaml_syntax.yaml", ["YAML syntax error"]),
    ("glossary_word_twice.yaml", ["glossary term 'median': '중위소득' already explains 'median_income'"]),
    ("bad_period.yaml", ["apply.period", "'02-30' is not a day of the year"]),
    ("unknown_name.yaml", ["programme 'typo_name': formula col 20: unknown name 'incme'"]),
    ("unknown_name_nested.yaml", ["programme 'deep_typo': formula col 9: unknown name 'welfare_staus'"]),
    ("unknown_param.yaml", ["programme 'typo_param': formula col 13: unknown name 'pension_agee'"]),
    ("unknown_function.yaml", ["formula col 27: unknown function 'median_incme' (known: all, any, count,"]),
    (
        "unknown_programme_in_formula.yaml",
        ["programme 'typo_eligible': formula col 29: unknown programme 'basic_pensoin'"],
    ),
    ("duplicate_program.yaml", ["duplicate program id 'twin'", "first at minimal/duplicate_program.yaml:3"]),
    (
        "zz_duplicate_program_across_files.yaml",
        ["duplicate program id 'basic_pension'", "first at minimal/programs/basic.yaml:12"],
    ),
    ("wrong_type.yaml", ["'size_in_words'", "min", "integer"]),
    ("missing_ko.yaml", ["'english_only'", "missing required field 'ko'"]),
    ("bad_param_date.yaml", ["'bad_date_rate'", "2026-02-30", "date"]),
    ("bad_source_date.yaml", ["'bad_source_rate'", "as_of", "date"]),
    (
        "unknown_choice.yaml",
        [
            "programme 'typo_choice': formula col 17: 'monthly_rnet' is not one of "
            "homeless, jeonse, monthly_rent, non_housing, owner, public_rental"
        ],
    ),
    ("unknown_operator.yaml", ["programme 'typo_operator': formula col 10: unexpected character '='"]),
    ("unknown_rule_form.yaml", ["programme 'odd_form': unknown rule form 'every'"]),
    ("unknown_domain.yaml", ["unknown domain 'incme'"]),
    ("duplicate_key.yaml", ["duplicate key 'summary'"]),
    ("eligible_cycle.yaml", ["eligibility depends on itself: chicken → egg → chicken"]),
    ("replaced_by_cycle.yaml", ["eligibility depends on itself: coffee → tea → coffee"]),
    ("unknown_replaced_by.yaml", ["replaced_by: unknown programme 'medical_ayd'"]),
    ("numeric_on_choice.yaml", ["programme 'numeric_choice': formula col 8: '≥' compares numbers"]),
    (
        "number_as_condition.yaml",
        ["programme 'number_as_condition': formula col 1: expected a condition here, got a number"],
    ),
    ("value_as_rule.yaml", ["formula col 1: this must be a condition (yes / no), not a value"]),
    (
        "keyed_parameter_without_key.yaml",
        [
            "programme 'keyless': formula col 27: parameter 'median_income' is a table by household_size: "
            "call it, median_income(key)"
        ],
    ),
    (
        "missing_table_key.yaml",
        [
            "programme 'capped_rent': formula col 17: "
            "parameter 'rent_cap' has no figure for county on 2026-01-01"
        ],
    ),
    ("unknown_fact.yaml", ["question 'spouse_pay' sets unknown fact 'spouse.pay'"]),
    ("unit_where.yaml", ["unit 'older_parents': formula col 15: unknown name 'relaton'"]),
    (
        "ask_if_person_fact.yaml",
        [
            "question 'baby_due': formula col 20: 'pregnant' is a person's fact: write self.pregnant, "
            "or use it inside sum/any"
        ],
    ),
    ("unknown_field.yaml", ["'typo_field'", "unknown field 'summery'"]),
    ("unknown_field_comma.yaml", ["unknown field '연 2회 지급'", "put the text in quotes"]),
]


def test_every_broken_file_is_covered() -> None:
    files = {path.name for path in BROKEN.glob("*.yaml")}
    covered = {name for name, _ in BROKEN_CASES}
    assert len(covered) >= 25
    assert covered <= files
    assert files - covered == {"computed_cycle.yaml"}  # its own test below


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


def test_computed_cycle_names_the_cycle(tmp_path: Path) -> None:
    name = "computed_cycle.yaml"
    issues = _errors(_with_file(tmp_path, BROKEN / name))
    line = _marked_line(BROKEN / name, "# ← error")
    assert str(issues[0]) == (
        f"minimal/{name}:{line}: computed 'loop_a': formula col 1: "
        "depends on itself: loop_a → loop_b → loop_a"
    )
    assert sum("loop_a → loop_b" in str(i) for i in issues) == 1  # said once, not once per member


def test_unknown_field_without_a_comma_gets_no_quoting_hint(tmp_path: Path) -> None:
    (issue,) = _errors(_with_file(tmp_path, BROKEN / "unknown_field.yaml"))
    assert "quotes" not in issue.message


def test_duplicate_key_keeps_loading_the_rest(tmp_path: Path) -> None:
    # the duplicate is reported, and so is a mistake elsewhere: the files were still read and checked
    root = _with_file(tmp_path, BROKEN / "duplicate_key.yaml")
    basic = root / "programs" / "basic.yaml"
    basic.write_text(
        basic.read_text(encoding="utf-8").replace("groups: [low_income]", "groups: []", 1), encoding="utf-8"
    )
    messages = sorted(str(i) for i in _errors(root))
    assert messages == [
        "minimal/duplicate_key.yaml:9: duplicate key 'summary'",
        "minimal/programs/basic.yaml:5: programs[0] 'livelihood_benefit': groups: "
        "List should have at least 1 item after validation, not 0",
    ]


def test_every_error_in_a_file_is_reported(tmp_path: Path) -> None:
    root = _minimal(tmp_path)
    for name in ("unknown_operator.yaml", "missing_ko.yaml", "wrong_type.yaml", "duplicate_key.yaml"):
        shutil.copy(BROKEN / name, root / name)
    reported = {(i.file, i.line) for i in _errors(root)}
    assert reported == {
        ("minimal/unknown_operator.yaml", 12),
        ("minimal/missing_ko.yaml", 4),
        ("minimal/wrong_type.yaml", 8),
        ("minimal/duplicate_key.yaml", 9),
    }


def test_every_formula_error_is_reported(tmp_path: Path) -> None:
    # one mistake in a programme, a unit and a question each, plus two more programmes: all five at once
    root = _minimal(tmp_path)
    names = ["unknown_name.yaml", "unknown_choice.yaml", "missing_table_key.yaml", "unit_where.yaml",
             "ask_if_person_fact.yaml"]  # fmt: skip
    for name in names:
        shutil.copy(BROKEN / name, root / name)
    reported = sorted((i.file, i.line) for i in _errors(root))
    assert reported == sorted((f"minimal/{n}", _marked_line(BROKEN / n, "# ← error")) for n in names)


def test_every_cross_reference_error_is_reported(tmp_path: Path) -> None:
    root = _minimal(tmp_path)
    names = ["unknown_domain.yaml", "unknown_replaced_by.yaml", "unknown_fact.yaml"]
    for name in names:
        shutil.copy(BROKEN / name, root / name)
    reported = sorted((i.file, i.line) for i in _errors(root))
    assert reported == sorted((f"minimal/{n}", _marked_line(BROKEN / n, "# ← error")) for n in names)


# ---------------------------------------------------------------- formulas: name, type and key checks


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            '"self.age >= pension_age(region)"',
            "col 13: parameter 'pension_age' is a single figure: write it without ()",
        ),
        (
            '"median_income(region) > 0"',
            "col 1: parameter 'median_income' has no figure for county, gyeonggi, incheon, metro_city, "
            "other_city, sejong, seoul on 2026-01-01",
        ),
        (
            '"sum(people, age) > 0"',
            "col 1: sum() starts with a group of people "
            "(children, children_under_18, couple, earners_34_or_younger, household, others, spouse)",
        ),
        ('"count(household, age) > 1"', "col 18: expected a condition here, got a number"),
        (
            '"earned_income > 0"',
            "col 1: 'earned_income' is a person's fact: write self.earned_income, or use it inside sum/any",
        ),
        ('"self.region == seoul"', "col 1: 'region' is not a person's fact"),
        ('"household > 1"', "col 1: 'household' is a group of people: use it in sum/count/any/all"),
        (
            '"sum(household, count(couple)) > 1"',
            "col 16: count() over people cannot be nested inside another",
        ),
        ('"has_any(region, seoul)"', "col 9: has_any() needs a multi-choice fact such as crisis"),
        (
            '"region in (seoul, busan)"',
            "col 19: 'busan' is not one of county, gyeonggi, incheon, metro_city, other_city, sejong, seoul",
        ),
        ('"single_parent == 1"', "col 15: cannot compare a condition with a number"),
        ('"if(self.age > 65, 1) > 0"', "col 1: if() takes a condition and two numbers: if(cond, then, else)"),
        ('"receiving(basic_pensoin)"', "col 11: unknown programme 'basic_pensoin'"),
        ('"self.age >= 65 >= 1"', "col 16: write chained comparisons with 'and' (a <= b and b <= c)"),
        ('"self.age >= 65 and"', "col 19: expected a value, found 'the end'"),
        ("'\"self.age >= 65\" x'", "col 18: unexpected 'x' after a complete formula"),
        ('""', "col 1: a formula must be a non-empty string"),
    ],
)
def test_formula_mistakes(tmp_path: Path, rule: str, message: str) -> None:
    (issue,) = _errors(_with_text(tmp_path, _programme(rule)))
    assert str(issue) == f"minimal/extra.yaml:8: programme 'extra': formula {message}"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("65", "a rule is a formula in quotes or {all: [...]} / {any: [...]} / {not: ...}, got 65"),
        ('{test: "self.age >= 65", labl: x}', "a test takes 'test' and 'label' only, got ['labl']"),
        ('{all: ["self.age >= 65"], any: ["self.age >= 70"]}', "a rule has exactly one of all / any / not"),
        ("{all: []}", "'all' needs a non-empty list of rules"),
    ],
)
def test_rule_shape_mistakes(tmp_path: Path, rule: str, message: str) -> None:
    (issue,) = _errors(_with_text(tmp_path, _programme(rule)))
    assert (issue.file, issue.line) == ("minimal/extra.yaml", 8)
    assert issue.message.startswith(f"programme 'extra': {message}")


def test_valid_formulas_of_every_kind_load(tmp_path: Path) -> None:
    rule = (
        '{all: ["self.age >= 65 and known(self.age)", "not receiving(livelihood_benefit)", '
        '"sum(couple, earned_income) <= median_income(household_size_count) * 50%", '
        '"count(children, age < 18) == 0 or any(children, school in (elementary, middle))", '
        '"region in (seoul, gyeonggi) or housing_type != owner", "not has_any(crisis, disaster)", '
        '"as_of_year - self.birth_year >= 65", "mod(self.birth_year, 2) == 0 or eligible(basic_pension)", '
        '"if(single_parent, 1, 2) * max(1, min(household_size_count, 3)) >= round(1.4)"]}'
    )
    manual, warnings = load_manual(_with_text(tmp_path, _programme(rule)), today=TODAY)
    assert warnings == []
    verdict = Screener(manual).screen({"age": 70}, TODAY, ["extra"])["extra"]
    assert verdict.status == Status.UNKNOWN  # parsed, compiled and evaluated


def test_person_computed_value_used_for_the_household(tmp_path: Path) -> None:
    text = (
        "computed:\n"
        "  - id: share\n"
        "    per: person\n"
        "    label: {ko: 몫, en: share}\n"
        '    formula: "earned_income / 2"\n' + _programme('"share <= 100"')
    )
    (issue,) = _errors(_with_text(tmp_path, text))
    assert (issue.file, issue.line) == ("minimal/extra.yaml", 13)
    assert issue.message == (
        "programme 'extra': formula col 1: 'share' is computed for each person: "
        "use it inside sum/any/count, or as self.share"
    )


# ---------------------------------------------------------------- questions


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        (
            '    fact: single_parent\n    ask_if: "self.age"\n',
            7,
            "question 'extra_question': formula col 1: this must be a condition (yes / no), not a value",
        ),
        (
            '    fact: single_parent\n    ask_if: "self.age >="\n',
            7,
            "question 'extra_question': formula col 12: expected a value, found 'the end'",
        ),
        (
            '    fact: single_parent\n    ask_if: "count(spuose) == 1"\n',
            7,
            "question 'extra_question': formula col 1: count() starts with a group of people "
            "(children, children_under_18, couple, earners_34_or_younger, household, others, spouse)",
        ),
        ("    fact: has_pet\n", 6, "question 'extra_question' sets unknown fact 'has_pet'"),
        ("    fact: self.birth_year\n", 6, "question 'extra_question' sets unknown fact 'self.birth_year'"),
        ("", 2, "question 'extra_question' sets unknown fact 'extra_question'"),  # no fact: its id
    ],
)
def test_question_mistakes(tmp_path: Path, extra: str, line: int, message: str) -> None:
    (issue,) = _errors(_with_text(tmp_path, _question(extra)))
    assert str(issue) == f"minimal/extra.yaml:{line}: {message}"


@pytest.mark.parametrize(
    ("qtype", "fact"),
    [("money", "spouse.income"), ("money", "couple.assets"), ("money", "household.earned_income"),
     ("money", "child2.earned_income"), ("int", "property.car_cc"),
     ("money", "liable_relatives.annual_income"), ("bool", "single_parent"), ("bool", "self.pregnant"),
     ("int", "spouse.age")],
)  # fmt: skip
def test_question_facts_that_exist(tmp_path: Path, qtype: str, fact: str) -> None:
    manual, _ = load_manual(_with_text(tmp_path, _question(f"    fact: {fact}\n", qtype)), today=TODAY)
    assert manual.questions["extra_question"].fact == fact


def test_who_question_attribute_and_values(tmp_path: Path) -> None:
    who = (
        "questions:\n"
        "  - id: who_disabled\n"
        "    type: who\n"
        "    short: {ko: 장애, en: Disability}\n"
        '    text: {ko: "장애가 있는 분은 누구인가요?", en: "Who has a disability?"}\n'
        "    attr: {attr}\n"
        "    chosen: {chosen}\n"
        "    others: none\n"
    )
    good = who.replace("{attr}", "disability").replace("{chosen}", "severe")
    load_manual(_with_text(tmp_path / "good", good), today=TODAY)
    (issue,) = _errors(_with_text(tmp_path / "typo", who.replace("{attr}", "hobby").replace("{chosen}", "x")))
    assert str(issue) == "minimal/extra.yaml:6: question 'who_disabled': unknown person fact 'hobby'"
    bad = who.replace("{attr}", "disability").replace("{chosen}", "heavy")
    (issue,) = _errors(_with_text(tmp_path / "value", bad))
    assert str(issue) == "minimal/extra.yaml:7: who_disabled.chosen: 'heavy' is not one of none, mild, severe"


# ---------------------------------------------------------------- facts and units


def test_manual_without_facts(tmp_path: Path) -> None:
    root = fixture_manual("minimal", tmp_path, facts=False)
    (issue,) = _errors(root)
    assert str(issue) == "facts.yaml:1: the manual has no 'facts' section (the household facts)"


def test_manual_without_the_household_and_couple_units(tmp_path: Path) -> None:
    root = fixture_manual("minimal", tmp_path, units=False)
    messages = [i.message for i in _errors(root)]
    assert messages == [
        "the manual must define the unit 'household'",
        "the manual must define the unit 'couple'",
    ]


def test_facts_defined_twice(tmp_path: Path) -> None:
    root = _minimal(tmp_path)
    shutil.copy(root / "facts.yaml", root / "more_facts.yaml")
    (issue,) = _errors(root)
    line = (root / "facts.yaml").read_text(encoding="utf-8").splitlines().index("facts:") + 2  # its body
    assert str(issue) == (
        f"minimal/more_facts.yaml:{line}: facts are defined twice (first in minimal/facts.yaml)"
    )


def test_fact_with_a_wrong_type(tmp_path: Path) -> None:
    root = _minimal(tmp_path)
    facts = root / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    age = "    - id: age\n      type: int\n"
    assert age in text
    facts.write_text(text.replace(age, "    - id: age\n      type: integer\n"), encoding="utf-8")
    line = text.splitlines().index("    - id: age") + 2
    issues = _errors(root)
    assert str(issues[0]) == (
        f"minimal/facts.yaml:{line}: facts: person.1.type: "
        "Input should be 'int', 'money', 'bool', 'choice', 'multi_choice' or 'programs'"
    )


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("- just\n- a list\n", 1, "top level must be a mapping"),
        ("domains: []\nprogrammes: []\n", 2, "unknown section 'programmes'"),
        ("questions:\n  id: age\n", 2, "'questions' must be a list"),
        (
            "questions:\n  - id: size\n    type: choice\n    short: {ko: 크기, en: Size}\n"
            "    text: {ko: 크기, en: Size}\n",
            2,
            "needs 'choices'",
        ),
        (
            "parameters:\n  - id: x_rate\n    label: {ko: 비율, en: rate}\n    unit: percent\n"
            "    values:\n      2026-01-01: {a: 1}\n    sources:\n      - {title: t, as_of: 2026-11-01}\n",
            2,
            "a table of values needs 'by'",
        ),
        (
            "computed:\n  - id: twice\n    label: {ko: 두 배, en: twice}\n    per: family\n"
            '    formula: "2 * household_size_count"\n',
            4,
            "per: String should match pattern",
        ),
    ],
)
def test_structural_errors(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    (issue,) = _errors(_with_text(tmp_path, text))
    assert (issue.file, issue.line) == ("minimal/extra.yaml", line)
    assert fragment in issue.message


def test_keyed_table_called_with_the_wrong_kind_of_key(tmp_path: Path) -> None:
    # a table by region called with a number
    root = _with_file(tmp_path, BROKEN / "missing_table_key.yaml")
    text = (root / "missing_table_key.yaml").read_text(encoding="utf-8")
    (root / "missing_table_key.yaml").write_text(
        text.replace("other_city: 200000}", "other_city: 200000, county: 200000}").replace(
            "rent_cap(region)", "rent_cap(household_size_count)"
        ),
        encoding="utf-8",
    )
    (issue,) = _errors(root)
    assert issue.message == (
        "programme 'capped_rent': formula col 17: parameter 'rent_cap' is keyed by words, not numbers"
    )


def test_cases_section_is_ignored(tmp_path: Path) -> None:
    load_manual(_with_text(tmp_path, "cases:\n  - whatever: 1\n"), today=TODAY)


def test_not_utf8(tmp_path: Path) -> None:
    root = _minimal(tmp_path)
    (root / "extra.yaml").write_bytes("questions: []  # 나이\n".encode("euc-kr"))
    (issue,) = _errors(root)
    assert (issue.file, issue.line) == ("minimal/extra.yaml", 1)
    assert "UTF-8" in issue.message


def test_missing_and_empty_directories(tmp_path: Path) -> None:
    (missing,) = _errors(tmp_path / "nowhere")
    assert "manual directory not found" in missing.message
    (tmp_path / "empty").mkdir()
    issues = _errors(tmp_path / "empty")
    assert "no YAML files" in issues[0].message


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
    root = _minimal(tmp_path)
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
    verdict = Screener(manual).screen({"age": 70}, TODAY, ["stale_help"])["stale_help"]
    assert verdict.status == Status.ELIGIBLE


def test_errors_hide_warnings(tmp_path: Path) -> None:
    root = _with_file(tmp_path, WARNINGS / "stale_programme.yaml")
    shutil.copy(BROKEN / "unknown_domain.yaml", root / "unknown_domain.yaml")
    issues = _errors(root)
    assert [i.file for i in issues] == ["minimal/unknown_domain.yaml"]


# ---------------------------------------------------------------- local overlays


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_manual("minimal", tmp_path_factory.mktemp("national"))


@pytest.fixture(scope="module")
def with_district(national: Path) -> Manual:
    manual, warnings = load_manual(national, overlays=[OVERLAYS / "district-a"], today=TODAY)
    assert warnings == []
    return manual


def test_overlay_adds_a_programme_a_parameter_and_a_computed_value(with_district: Manual) -> None:
    lunch = with_district.programs["district_lunch"]
    assert lunch.local == "district-a"
    assert "district_lunch" in with_district.rules
    assert "district_lunch_age" in with_district.parameters
    assert "district_income_line" in with_district.computed_rules
    assert with_district.overlays == ["district-a"]
    assert with_district.summary() == (
        "3 programmes (+2 local from district-a), 8 questions, 3 computed values, 3 parameters, 2 domains"
    )


def test_overlay_programme_uses_national_programmes_and_its_own_parameters(with_district: Manual) -> None:
    screener = Screener(with_district)

    def status(**answers: int) -> Status:
        return screener.screen(answers, TODAY, ["district_lunch"])["district_lunch"].status

    assert status(age=66) == Status.ELIGIBLE  # via eligible(basic_pension) (national)
    assert status(age=40) == Status.INELIGIBLE


def test_overlay_replaces_a_national_programme_and_marks_it_local(
    national: Path, with_district: Manual
) -> None:
    manual, _ = load_manual(national, today=TODAY)
    replaced = with_district.programs["livelihood_benefit"]
    assert replaced.local == "district-a"
    assert replaced.name.ko == "생계급여 (구 확대)"
    assert manual.programs["livelihood_benefit"].local is None
    assert with_district.programs["basic_pension"].local is None
    # over 32% (820,556원), under the district's 40% (1,025,695원)
    answers = {"household_size": 1, "household_income": 1_000_000}
    assert Screener(manual).screen(answers, TODAY)["livelihood_benefit"].status == Status.INELIGIBLE
    assert Screener(with_district).screen(answers, TODAY)["livelihood_benefit"].status == Status.ELIGIBLE
    answers = {"household_size": 1, "household_income": 1_025_696}
    assert Screener(with_district).screen(answers, TODAY)["livelihood_benefit"].status == Status.INELIGIBLE


def test_overlay_programmes_keep_domain_order(with_district: Manual) -> None:
    assert list(with_district.programs) == ["livelihood_benefit", "basic_pension", "district_lunch"]
    assert [p.order for p in with_district.programs.values()] == [0, 1, 2]


def test_overlay_redefining_a_national_question(national: Path) -> None:
    overlay = OVERLAYS / "redefines-question"
    (issue,) = _errors(national, [overlay])
    line = _marked_line(overlay / "questions.yaml", "# ← error")
    assert str(issue) == (
        f"overlays/redefines-question/questions.yaml:{line}: "
        "local overlay cannot redefine national question 'age'"
    )


def test_overlay_redefining_a_national_parameter(national: Path, tmp_path: Path) -> None:
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
    (issue,) = _errors(national, [overlay])
    assert (issue.file, issue.line) == ("local/district-b/parameters.yaml", 2)
    assert "cannot redefine national parameter 'pension_age'" in issue.message


def test_overlay_redefining_national_computed_values_and_units(national: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-e"
    overlay.mkdir(parents=True)
    (overlay / "more.yaml").write_text(
        "computed:\n"
        "  - id: household_size_count\n"
        "    label: {ko: 가구원 수, en: household size}\n"
        '    formula: "count(household) + 1"\n'
        "units:\n"
        "  - id: couple\n"
        "    label: {ko: 부부, en: couple}\n"
        '    where: "relation == self"\n',
        encoding="utf-8",
    )
    computed, unit = _errors(national, [overlay])
    assert (computed.file, computed.line) == ("local/district-e/more.yaml", 2)
    assert "local overlay cannot redefine national" in computed.message
    assert "'household_size_count'" in computed.message
    assert str(unit) == "local/district-e/more.yaml:6: local overlay cannot redefine national unit 'couple'"


def test_overlay_cannot_change_the_facts(national: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-f"
    overlay.mkdir(parents=True)
    (overlay / "facts.yaml").write_text("facts:\n  person: []\n  household: []\n", encoding="utf-8")
    (issue,) = _errors(national, [overlay])
    assert str(issue) == "local/district-f/facts.yaml:2: a local overlay cannot change the household facts"


def test_duplicate_programme_within_one_overlay(national: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-c"
    shutil.copytree(OVERLAYS / "district-a", overlay)
    programs = (overlay / "programs.yaml").read_text(encoding="utf-8")
    (overlay / "more.yaml").write_text(
        programs.split("\n  - id: livelihood_benefit")[0] + "\n", encoding="utf-8"
    )
    (issue,) = _errors(national, [overlay])
    assert (issue.file, issue.line) == ("local/district-c/programs.yaml", 3)
    assert "duplicate program id 'district_lunch' (first at local/district-c/more.yaml:3)" in issue.message


def test_overlay_errors_name_the_overlay_file(national: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "local" / "district-d"
    overlay.mkdir(parents=True)
    shutil.copy(BROKEN / "unknown_name.yaml", overlay / "programs.yaml")
    (issue,) = _errors(national, [overlay])
    assert str(issue) == (
        "local/district-d/programs.yaml:9: programme 'typo_name': formula col 20: unknown name 'incme'"
    )


def test_overlay_formula_may_not_use_another_overlays_names(national: Path, tmp_path: Path) -> None:
    # district-a's parameter is not national: a second district cannot read it unless loaded with it
    overlay = tmp_path / "local" / "district-g"
    overlay.mkdir(parents=True)
    (overlay / "programs.yaml").write_text(
        _programme('"self.age >= district_lunch_age"', "district_g_lunch").replace("income", "daily_life", 1),
        encoding="utf-8",
    )
    (issue,) = _errors(national, [overlay])
    assert issue.message == "programme 'district_g_lunch': formula col 13: unknown name 'district_lunch_age'"
    manual, _ = load_manual(national, overlays=[OVERLAYS / "district-a", overlay], today=TODAY)
    assert manual.programs["district_g_lunch"].local == "district-g"


def test_missing_overlay_directory(national: Path, tmp_path: Path) -> None:
    (issue,) = _errors(national, [tmp_path / "no-such-district"])
    assert "local overlay directory not found" in issue.message


def test_national_load_skips_local_directories(tmp_path: Path) -> None:
    root = _minimal(tmp_path)
    shutil.copytree(OVERLAYS / "redefines-question", root / "local" / "redefines-question")
    manual, _ = load_manual(root, today=TODAY)
    assert manual.questions["age"].short.ko == "나이"
