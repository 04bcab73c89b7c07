"""Programme search: typos, 초성, particles, spacing, English, ambiguity and the cutoff.

Behaviour is checked over the eight programmes the manual has had from the start, taken from the
shipped manual so the real names and keywords are tested, and over small hand-made manuals where a
test needs exact control. The labelled query set is checked for format here; its accuracy is a
benchmark (bench/search.py), not a test.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from bench.search import QUERIES, load_queries, synthetic_manual
from knowledge.hangul import initials, is_initials_query, keystrokes
from knowledge.manual import Manual
from knowledge.model import Program
from knowledge.search import DEFAULT_CUTOFF, Hit, SearchIndex, normalize, results_json, words

EIGHT = (
    "livelihood_benefit",
    "basic_pension",
    "single_parent_child_allowance",
    "emergency_welfare",
    "child_allowance",
    "education_benefit",
    "medical_aid",
    "housing_benefit",
)
# DESIGN.md's fixed programme ids.
DESIGN_IDS = frozenset(
    (
        "livelihood_benefit",
        "basic_pension",
        "disability_pension",
        "disability_allowance",
        "emergency_welfare",
        "earned_income_tax_credit",
        "child_tax_credit",
        "single_parent_child_allowance",
        "near_poor_certification",
        "energy_voucher",
        "elderly_customized_care",
        "emergency_safety_alert",
        "disability_activity_support",
        "elderly_free_meals",
        "companionship_checkin",
        "national_employment_support",
        "senior_jobs",
        "youth_future_savings",
        "youth_tomorrow_savings",
        "housing_benefit",
        "youth_rent_support",
        "vulnerable_housing_support",
        "medical_aid",
        "national_health_screening",
        "postnatal_care_voucher",
        "out_of_pocket_ceiling",
        "near_poor_copay_reduction",
        "catastrophic_medical_expense",
        "child_allowance",
        "parental_benefit",
        "first_meeting_voucher",
        "diaper_formula_support",
        "childcare_helper_service",
        "community_care_center",
        "local_children_center",
        "culture_nuri_card",
        "sports_voucher",
        "education_benefit",
        "education_expense_support",
        "national_scholarship",
    )
)
KINDS = {"name", "spacing", "particle", "typo", "chosung", "colloquial", "old_name", "english", "domain"}


@pytest.fixture(scope="module")
def eight(manual: Manual) -> Manual:
    programs = {p: manual.programs[p] for p in EIGHT}
    return Manual(domains=manual.domains, groups=manual.groups, programs=programs)


@pytest.fixture(scope="module")
def index(eight: Manual) -> SearchIndex:
    return SearchIndex.build(eight)


def _program(pid: str, ko: str, en: str, domain: str = "income", **extra: Any) -> Program:
    return Program.model_validate(
        {
            "id": pid,
            "name": {"ko": ko, "en": en},
            "domain": domain,
            "groups": extra.pop("groups", ["low_income"]),
            "summary": {"ko": ko, "en": en},
            "benefit": {"ko": ko, "en": en},
            "rule": {"answer": "age", "ge": 0},
            "apply": {"where": {"ko": "행정복지센터", "en": "Community centre"}},
            "sources": [{"title": "test", "as_of": "2026-01-01"}],
            **extra,
        }
    )


def _tiny(manual: Manual, *programs: Program) -> SearchIndex:
    by_id = {p.id: p for p in programs}
    return SearchIndex.build(Manual(domains=manual.domains, groups=manual.groups, programs=by_id))


def top(index: SearchIndex, query: str) -> Hit:
    hits = index.search(query)
    assert hits, f"nothing found for {query!r}"
    return hits[0]


# ---------------------------------------------------------------- what people type


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("기초연금", "basic_pension"),
        ("생계급여", "livelihood_benefit"),
        ("아동수당", "child_allowance"),
        ("의료급여", "medical_aid"),
    ],
)
def test_exact_name_scores_full_and_is_not_ambiguous(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query)
    assert hits[0] == Hit(expected, 100.0)
    assert not index.is_ambiguous(hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("기초연굼", "basic_pension"),
        ("기쵸연금", "basic_pension"),
        ("생게급여", "livelihood_benefit"),
        ("주거급녀", "housing_benefit"),
        ("아동수담", "child_allowance"),
    ],
)
def test_one_letter_typo_still_finds_the_programme(index: SearchIndex, query: str, expected: str) -> None:
    hit = top(index, query)
    assert hit.program_id == expected
    assert 85 <= hit.score < 100  # confident, yet below an exact name


def test_typo_inside_a_sentence(index: SearchIndex) -> None:
    assert top(index, "우리 엄마 기초연굼 얼마 나와요").program_id == "basic_pension"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ㄱㅊㅇㄱ", "basic_pension"),
        ("ㅅㄱㄱㅇ", "livelihood_benefit"),
        ("ㅇㄷㅅㄷ", "child_allowance"),
        ("ㅈㄱㄱㅇ", "housing_benefit"),
        ("ㄱㅊ ㅇㄱ", "basic_pension"),
    ],
)
def test_initial_consonants(index: SearchIndex, query: str, expected: str) -> None:
    assert top(index, query).program_id == expected


@pytest.mark.parametrize(
    "query",
    [
        "기초연금을 받고 싶어요",
        "기초연금 신청방법",
        "기초연금은 얼마예요?",
        "기초연금신청",
        "기초연금을받고싶어요",
    ],
)
def test_particles_and_filler_are_ignored(index: SearchIndex, query: str) -> None:
    assert top(index, query) == Hit("basic_pension", 100.0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("기초 연금", "basic_pension"),
        ("기 초 연 금", "basic_pension"),
        ("주거 급여", "housing_benefit"),
        ("긴급 복지 지원", "emergency_welfare"),
    ],
)
def test_spacing_does_not_matter(index: SearchIndex, query: str, expected: str) -> None:
    assert top(index, query) == Hit(expected, 100.0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("basic pension", "basic_pension"),
        ("Basic Pension!!", "basic_pension"),
        ("ＢＡＳＩＣ　ＰＥＮＳＩＯＮ", "basic_pension"),
        ("housing benefit", "housing_benefit"),
        ("pension basic", "basic_pension"),
        ("medical aid", "medical_aid"),
    ],
)
def test_english_names(index: SearchIndex, query: str, expected: str) -> None:
    assert top(index, query).program_id == expected


def test_decomposed_hangul_is_normalised(index: SearchIndex) -> None:
    decomposed = unicodedata.normalize("NFD", "기초연금")
    assert decomposed != "기초연금"
    assert index.search(decomposed) == index.search("기초연금")


def test_keywords_and_synonyms_count(index: SearchIndex, eight: Manual) -> None:
    program = eight.programs["livelihood_benefit"]
    assert program.keywords and program.synonyms
    for word in (program.keywords[0], program.synonyms[0]):
        assert top(index, word).program_id == "livelihood_benefit"


def test_domain_words_surface_the_domain(index: SearchIndex, eight: Manual) -> None:
    housing = set(eight.programs_in("housing"))
    for query in ("주거", "housing", "주거 지원"):
        assert top(index, query).program_id in housing
    # 양육 is also inside 아동양육비 (income domain); the childcare programme must still be listed.
    childcare = set(eight.programs_in("childcare"))
    assert childcare & {h.program_id for h in index.search("양육")}
    assert childcare & {h.program_id for h in index.search("childcare")}


# ---------------------------------------------------------------- ambiguity and cutoff


def test_shared_word_is_ambiguous_and_a_full_name_is_not(manual: Manual) -> None:
    index = _tiny(
        manual,
        _program("earned_income_tax_credit", "근로장려금", "Earned income tax credit"),
        _program("child_tax_credit", "자녀장려금", "Child tax credit"),
    )
    shared = index.search("장려금")
    assert {h.program_id for h in shared[:2]} == {"earned_income_tax_credit", "child_tax_credit"}
    assert index.is_ambiguous(shared)
    assert not index.is_ambiguous(index.search("근로장려금"))


def test_domain_word_is_ambiguous_when_the_domain_has_several_programmes(manual: Manual) -> None:
    index = _tiny(
        manual,
        _program("housing_benefit", "주거급여", "Housing benefit", "housing"),
        _program("youth_rent_support", "청년월세 지원", "Youth rent support", "housing", groups=["youth"]),
        _program("basic_pension", "기초연금", "Basic pension", groups=["elderly"]),
    )
    hits = index.search("주거")
    assert {h.program_id for h in hits[:2]} == {"housing_benefit", "youth_rent_support"}
    assert "basic_pension" not in {h.program_id for h in hits}
    assert index.is_ambiguous(hits)


def test_weak_match_is_ambiguous(index: SearchIndex) -> None:
    hits = index.search("기초")  # a fragment: 기초연금 or 기초생활수급?
    assert hits and index.is_ambiguous(hits)


def test_no_hits_is_not_ambiguous(index: SearchIndex) -> None:
    assert not index.is_ambiguous([])


def test_unrelated_text_finds_nothing(index: SearchIndex) -> None:
    assert index.search("오늘 날씨 어때") == []
    assert index.search("!!!") == []
    assert index.search("") == []


def test_cutoff_is_applied_and_configurable(index: SearchIndex) -> None:
    default = index.search("기초", limit=10)
    assert all(h.score >= DEFAULT_CUTOFF for h in default)
    strict = index.search("기초", limit=10, cutoff=84)
    assert strict and all(h.score >= 84 for h in strict)
    assert len(strict) < len(default)
    loose = index.search("기초", limit=10, cutoff=0)
    assert len(loose) >= len(default)


def test_results_json_shape(index: SearchIndex) -> None:
    expected = {"results": [{"id": "basic_pension", "score": 100.0}]}
    assert results_json(index.search("기초연금", limit=1)) == expected
    assert results_json([]) == {"results": []}


def test_limit_and_order(index: SearchIndex) -> None:
    hits = index.search("지원", limit=3, cutoff=0)
    assert len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.search("기초연금", limit=0) == []


def test_works_over_a_large_generated_manual(eight: Manual) -> None:
    big = synthetic_manual(eight, size=400)
    assert len(big.programs) == 400
    index = SearchIndex.build(big)
    hits = index.search("기초연굼")
    assert hits and hits[0].program_id.startswith("basic_pension")


# ---------------------------------------------------------------- normalisation and Hangul


def test_particles_do_not_cut_into_words(index: SearchIndex) -> None:
    clean = index._clean
    assert clean(["기초연금을"]) == ["기초연금"]
    assert clean(["아이가"]) == ["아이"]
    assert clean(["국가"]) == ["국가"]  # 가 is part of the word: a one-syllable stem is never left
    assert clean(["아이"]) == ["아이"]
    assert clean(["생계급여는", "얼마", "나와요"]) == ["생계급여"]
    assert clean(["신청", "방법"]) == []


def test_normalize() -> None:
    assert normalize("  Ｂａｓｉｃ　Pension!! ") == "basic pension"
    assert normalize("기초연금(Basic)·주거") == "기초연금 basic 주거"
    assert words("65세 이상") == ["65", "세", "이상"]


def test_hangul_helpers() -> None:
    assert initials("기초연금") == "ㄱㅊㅇㄱ"
    assert keystrokes("과") == "ㄱㅗㅏ"  # ㅘ is typed as ㅗ + ㅏ
    assert keystrokes("닭") == "ㄷㅏㄹㄱ"
    assert keystrokes("ab") == "ab"
    assert is_initials_query("ㄱㅊ ㅇㄱ")
    assert not is_initials_query("ㄱ")
    assert not is_initials_query("기초ㅇㄱ")


# ---------------------------------------------------------------- the labelled query set


def test_labelled_queries_are_well_formed() -> None:
    queries = load_queries(QUERIES)
    assert len(queries) >= 150
    texts = [q.q for q in queries]
    assert len(texts) == len(set(texts)), "a query is listed twice"
    for query in queries:
        assert query.q.strip()
        assert query.ids, query.q
        assert set(query.ids) <= DESIGN_IDS, f"{query.q!r}: unknown ids {set(query.ids) - DESIGN_IDS}"
        assert query.kind in KINDS, query.q


def test_labelled_queries_cover_every_programme_and_kind() -> None:
    queries = load_queries(QUERIES)
    assert {i for q in queries for i in q.ids} == DESIGN_IDS
    kinds = {q.kind for q in queries}
    assert kinds == KINDS
