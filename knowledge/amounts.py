"""Amounts said in a sentence, the way an official reads them.

"보증금 오백하고 통장에 삼백 팔백만원쯤" is 800만원 (a total said last), "월급 250에 아내 알바 80" is 330만원
(parts with no total), "보증금 500에 월 30" is a deposit of 500만원 and a rent of 30만원, "한 달에 200씩
벌었으니까 2400 정도" is 2,400만원 a year, "알바로 한 달 100씩 6개월" is 600만원, "1년에 2400" asked per
month is 200만원. A bare figure under 10,000 is said for 만원 (nobody lives on 150원 a month). The
chat says back whatever is read here, so the person can correct it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Literal

from knowledge.parsing import ParseError, read_money

Period = Literal["month", "year"]

_PARTICLES: Final = re.compile(r"(?:하고|이랑|랑|와|과|에|에는|이요|요|쯤|정도|이고|고|짜리|씩|,)+$")
_JOIN_UNIT: Final = re.compile(r"(\d)\s+(?=(?:million|thousand|billion|mil|만|억|천|원|won)\b)", re.I)
_AFTER_EOK: Final = re.compile(r"억\s+(?=[\d일이삼사오육칠팔구천백])")
_WORDS: Final = re.compile(r"\s+|,(?!\d{3})")  # 2,100,000 stays one figure
_SMALL_WORDS: Final = re.compile(r"[\d일이삼사오육칠팔구십백천]+")  # 300, 오백, 5천: no 만 or 억
_TOTAL_BEFORE: Final = re.compile(
    r"니까|그러니|니\s*$|합치면|합치믄|합하면|합쳐서|모두|전부|다\s*해서|총|so\b|total|altogether|in all",
    re.I,
)
_TIMES: Final = re.compile(
    r"(?P<each>\d+)\s*(?:만\s*원?|만원)?\s*씩\s*(?P<n>\d+)\s*(?:개월|달|months?)", re.I
)
_NUMBER_AFTER: Final = r"\s*(?:\d|[일이삼사오육칠팔구십백천])"
_YEARLY: Final = re.compile(
    rf"(?:1|일|한)\s*년에?|한\s*해|연봉|연간|연소득|연수입|작년에|연(?={_NUMBER_AFTER})"
    r"|per\s+year|a\s+year|yearly|annual(?:ly)?|/\s*year",
    re.I,
)
_MONTHLY: Final = re.compile(
    rf"매달|매월|한\s*달에?|달마다|월급|월평균|월(?={_NUMBER_AFTER})|per\s+month|a\s+month|monthly|/\s*month",
    re.I,
)
# The words that name what a figure is, for the questions whose subject people name.
SUBJECTS: Final = {
    "monthly_rent": re.compile(r"월세|(?:^|\s)월$|rent|monthly", re.I),
    "deposit": re.compile(r"보증금|전세금|deposit", re.I),
    "property_financial": re.compile(r"통장|예금|적금|저축|savings|bank", re.I),
    "car_value": re.compile(r"자동차|차(?:는|가)?$|car", re.I),
    "property_housing": re.compile(r"집|주택|house|home", re.I),
    "debt": re.compile(r"빚|대출|부채|debt|loan", re.I),
}
# The parts of property an assets total is made of, kept as facts of their own.
PARTS: Final = ("deposit", "property_financial", "car_value", "property_housing")


@dataclass(frozen=True)
class Figure:
    amount: int  # in won, a bare small figure already read as 만원
    before: str  # the words since the previous figure
    after: str = ""  # the words up to the next figure
    unit: bool = False  # 만 / 억 / 원 … was written


@dataclass(frozen=True)
class Reading:
    amount: int
    parts: dict[str, int]  # assets: the parts named (보증금 → deposit)


def figures(text: str) -> list[Figure]:
    found: list[Figure] = []
    words: list[str] = []
    text = _AFTER_EOK.sub("억", _JOIN_UNIT.sub(r"\1", text))  # 일억 오천: one figure
    for word in (w for w in _WORDS.split(text) if w):
        core = _PARTICLES.sub("", word.strip("?？.!~"))
        try:
            money = read_money(core) if core and re.search(r"\d|[십백천만억]", core) else None
        except ParseError:
            money = None
        if money is None or money.period is not None:
            words.append(word)
            continue
        amount = money.amount
        if not (money.has_unit and amount >= 10_000) and 0 < amount < 10_000 and _SMALL_WORDS.fullmatch(core):
            amount *= 10_000
        if found:
            found[-1] = replace(found[-1], after=" ".join(words))
        found.append(Figure(amount, " ".join(words), unit=money.has_unit and money.amount >= 10_000))
        words = []
    if found:
        found[-1] = replace(found[-1], after=" ".join(words))
    return found


def read(question_id: str, period: str | None, text: str) -> Reading | None:
    """The amount a sentence gives for the question, in the question's period; None if unsure."""
    if (times := _TIMES.search(text)) is not None:
        each = int(times["each"]) * (10_000 if int(times["each"]) < 10_000 else 1)
        return Reading(each * int(times["n"]), {})  # 100씩 6개월: the whole, not per month
    found = figures(text)
    if not found:
        return None
    chosen = _chosen(question_id, text, found)
    if chosen is not None:
        figure, context = chosen
        return Reading(_per(period, context, figure.amount), {})
    *parts, last = found
    adds_up = sum(f.amount for f in parts) == last.amount
    if parts and last.unit and not any(f.unit for f in parts) and not adds_up:
        return None  # "보증금 오백 통장 삼백 구백만원": the parts and the total disagree; asked again
    if len(found) == 1 or adds_up:
        kinds = _kinds(parts) if question_id == "assets" else {}
        return Reading(_per(period, text if len(found) == 1 else last.before, last.amount), kinds)
    kinds = _kinds(found) if question_id == "assets" else {}
    return Reading(_per(period, text, sum(f.amount for f in found)), kinds)


def _chosen(question_id: str, text: str, found: list[Figure]) -> tuple[Figure, str] | None:
    """One figure out of several: the one named by the question's subject, the second of 'X에 Y' for
    a rent (the first for a deposit), or a total said last ("…벌었으니까 2400")."""
    if len(found) < 2:
        return None
    subject = SUBJECTS.get(question_id)
    named = [f for f in found if subject is not None and subject.search(f.before.strip())]
    if len(named) == 1:
        return named[0], f"{named[0].before} {named[0].after}"
    if len(found) == 2 and question_id in ("deposit", "monthly_rent") and re.search(r"\d에\s", text):
        pick = found[0] if question_id == "deposit" else found[1]
        return pick, ""
    last = found[-1]
    if _TOTAL_BEFORE.search(last.before):
        return last, last.before
    return None


def _per(period: str | None, context: str, amount: int) -> int:
    """A yearly figure for a monthly question is divided by 12, a monthly one for a yearly question
    multiplied, as an official does."""
    yearly, monthly = _YEARLY.search(context), _MONTHLY.search(context)
    if period == "month" and yearly and not monthly:
        return round(amount / 12)
    if period == "year" and monthly and not yearly:
        return amount * 12
    return amount


def _kinds(parts: list[Figure]) -> dict[str, int]:
    """Each part named by the words before it (보증금 500만 → deposit), when every part is named once."""
    kinds: dict[str, int] = {}
    for figure in parts:
        named = [k for k in PARTS if SUBJECTS[k].search(figure.before)]
        if len(named) != 1 or named[0] in kinds:
            return {}
        kinds[named[0]] = figure.amount
    return kinds
