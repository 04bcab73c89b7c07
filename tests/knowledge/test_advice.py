"""What a resident can act on (knowledge.advice): what matters most, one merged checklist, plain reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from knowledge import advice
from knowledge.manual import Manual
from knowledge.model import Term
from knowledge.screener import Screener, Status, Verdict
from knowledge.text import Text

AS_OF = dt.date(2026, 12, 5)
# A 78-year-old living alone on a small pension, renting in Seoul, nothing else known.
ELDERLY: dict[str, Any] = {
    "age": 78,
    "household_size": 1,
    "lives_alone": True,
    "household_income": 700000,
    "housing_type": "monthly_rent",
    "monthly_rent": 250000,
    "region": "seoul",
}


def _verdict(pid: str, status: Status, **kw: Any) -> Verdict:
    return Verdict(pid, status, (), **kw)


def test_matters_most_puts_money_first_then_settled_before_open(manual: Manual) -> None:
    verdicts = {
        "culture_nuri_card": _verdict("culture_nuri_card", Status.ELIGIBLE),
        "elderly_customized_care": _verdict("elderly_customized_care", Status.ELIGIBLE),
        "basic_pension": _verdict("basic_pension", Status.UNKNOWN),
        "housing_benefit": _verdict("housing_benefit", Status.ELIGIBLE),
        "livelihood_benefit": _verdict("livelihood_benefit", Status.ELIGIBLE, receiving=True),
        "medical_aid": _verdict("medical_aid", Status.INELIGIBLE),
        "out_of_pocket_ceiling": _verdict("out_of_pocket_ceiling", Status.UNKNOWN, instead="medical_aid"),
    }
    top = [v.program for v in advice.matters_most(manual, verdicts, 3)]
    # money (income, housing, health) before services; eligible before open within each; received and
    # replaced ones are no advice
    assert top == ["housing_benefit", "basic_pension", "elderly_customized_care"]
    assert [v.program for v in advice.matters_most(manual, verdicts, 9)] == [*top, "culture_nuri_card"]


def test_matters_most_for_an_elderly_person_names_the_pension(manual: Manual, screener: Screener) -> None:
    verdicts = screener.screen(ELDERLY, AS_OF)
    top = advice.matters_most(manual, verdicts)
    assert len(top) == 3
    assert "basic_pension" in [v.program for v in top]
    assert all(v.status != Status.INELIGIBLE for v in top)


def test_headline_is_the_first_sentence_cut_before_an_aside() -> None:
    assert (
        advice.headline("2026년 월 최대 349,700원. 부부가 함께 받으면 각각 20% 줄어요.")
        == "2026년 월 최대 349,700원."
    )
    long = (
        "세 들어 살면 지역·가구원 수별 기준임대료 안에서 실제 월세를 드려요(예: 서울 1인 341,000원, "
        "4인 527,000원 — 해마다 올라서 올해 금액은 센터에서 확인해요)"
    )
    cut = advice.headline(long)
    assert cut == "세 들어 살면 지역·가구원 수별 기준임대료 안에서 실제 월세를 드려요…"
    assert len(advice.headline("가" * 300)) <= advice.HEADLINE_LIMIT


def test_documents_are_merged_once_with_the_programmes_that_need_them(manual: Manual) -> None:
    ids = ["livelihood_benefit", "basic_pension", "housing_benefit", "energy_voucher"]
    docs = advice.merged_documents(manual, ids)
    texts = [d.text.ko for d in docs]
    assert len(texts) == len(set(texts))
    by_text = {d.text.ko: d.programs for d in docs}
    assert by_text["신분증"] == tuple(ids)  # asked by all four, listed first
    assert texts[0] == "신분증"
    # "임대차계약서 (세 들어 사는 경우)" and "임대차계약서" are one document; the general wording stays
    leases = [t for t in texts if t.startswith("임대차계약서")]
    assert len(leases) == 1
    assert set(by_text[leases[0]]) >= {"livelihood_benefit", "basic_pension"}


def test_a_document_pair_is_split_only_when_both_languages_split() -> None:
    both = Text(ko="신분증, 통장 사본", en="ID card and bank book copy")
    assert [p.ko for p in advice._parts(both)] == ["신분증", "통장 사본"]
    assert [p.en for p in advice._parts(both)] == ["ID card", "Bank book copy"]
    one = Text(ko="신분증, 통장 사본", en="Identification")
    assert advice._parts(one) == [one]


def test_an_open_verdict_says_what_would_settle_it_in_plain_words(manual: Manual, screener: Screener) -> None:
    v = screener.screen(ELDERLY, AS_OF)["basic_pension"]
    assert v.status == Status.UNKNOWN
    said = advice.settled_by(manual, v, "ko")
    assert said and all("." not in s and "_" not in s for s in said)  # labels, not fact paths
    assert set(said) <= {q.short.ko for q in manual.questions.values()}


def test_why_not_lists_only_what_failed_as_a_sentence(manual: Manual, screener: Screener) -> None:
    v = screener.screen({**ELDERLY, "age": 40}, AS_OF)["basic_pension"]
    assert v.status == Status.INELIGIBLE
    reasons = advice.why_not(v, "ko")
    assert reasons and all("✓" not in r for r in reasons)
    assert any("40세" in r for r in reasons)
    assert advice.plain("장애 정도: 없음 — 기준: 심한 장애", "ko") == "장애 정도: 없음 (필요: 심한 장애)"
    assert advice.plain("Disability: none — needs severe", "en") == "Disability: none (needs severe)"


def test_terms_found_in_texts_in_glossary_order(manual: Manual) -> None:
    found = advice.terms_in(manual.glossary, ["가구 소득인정액이 기준 중위소득 32% 이하"])
    assert [t.id for t in found] == ["median_income", "recognised_income"]
    assert (
        advice.terms_in(manual.glossary, ["Recognised income within the threshold"])[0].id
        == "recognised_income"
    )
    glossary = {"x": Term(id="x", term=Text(ko="바우처", en="voucher"), plain=Text(ko="쿠폰", en="coupon"))}
    assert advice.terms_in(glossary, ["아무 말"]) == []


def test_the_shipped_glossary_explains_the_terms_the_issue_names(manual: Manual) -> None:
    words = {w for term in manual.glossary.values() for w in term.words()}
    assert {"기준 중위소득", "소득인정액", "부양의무자", "차상위"} <= words
