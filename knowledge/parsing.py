"""Free-text answers → typed values, for every question type in the manual.

People type "80만원", "1억2천", "만 72세", "세 명", "네 있어요", "의료급여, 주거급여" or "800k". The
parsers accept what a resident or a visiting official naturally writes and refuse what they are
not sure of: a wrong value silently screens a household out of a programme, while an error message
costs one more message. `parse_answer` turns every refusal into a sentence in the user's language
that shows the question's example or range.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

from knowledge.model import Question, QuestionType
from knowledge.text import Lang, pick, won

MAX_LENGTH = 200  # longer is not an answer; also keeps int() far from its 4300-digit limit

Period = Literal["month", "year"]


def _words(spec: str) -> tuple[str, ...]:
    """'a|b c|d' → ('a', 'b c', 'd'): word tables stay readable and inside the line limit."""
    return tuple(w.strip() for w in spec.split("|") if w.strip())


def _synonyms(spec: dict[str, str]) -> dict[str, str]:
    """{value: 'word|word'} → {word: value}."""
    return {word: value for value, words in spec.items() for word in _words(words)}


# Words that pick a choice besides its value id, labels and number; matched after normalisation,
# whole or as a part of the answer (서울 강남구 → seoul). shorthand.py reuses them.
CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "disability": _synonyms(
        {
            "none": "없음|없어요|비장애|장애없음|장애 없음|no disability",
            "mild": "경증|경증장애|심하지 않은|4급|5급|6급",
            "severe": "중증|중증장애|심한|심한장애|1급|2급|3급",
        }
    ),
    "housing_type": _synonyms(
        {
            "owner": "자가|자기집|내집|제집|제 집|우리 집이에요|자택|집주인|own|own home|owner|my own house",
            "jeonse": "전세",
            "monthly_rent": "월세|반전세|원룸|rent|renting",
            "public_rental": (
                "공공임대|영구임대|국민임대|임대아파트|임대주택|행복주택|매입임대|lh|public rental"
            ),
            "non_housing": "쪽방|고시원|비닐하우스|컨테이너|여인숙|비주택|gosiwon",
            "homeless": "노숙|거리|집 없음|길에서 자|역에서 자|homeless",
        }
    ),
    "region": _synonyms(
        {
            "seoul": "서울|서울시|서울특별시",
            "gyeonggi": (
                "경기|경기도|경기 광주|경기도 광주|경기 광주시|수원|성남|고양|용인|부천|안산|안양|남양주|화성"
                "|평택|의정부|시흥|파주|김포|광명|gyeonggi"
            ),
            "incheon": "인천|인천시|인천광역시|incheon",
            "metro_city": "광역시|부산|대구|광주|광주광역시|대전|울산|busan|daegu|gwangju|daejeon|ulsan",
            "sejong": "세종|세종시|sejong",
            "other_city": "그 밖의 시|지방 도시|청주|천안|전주|포항|창원|김해|제주시|원주|춘천|another city",
            "county": "군|시골|농어촌|county|rural|가평|양평|연천|강화|옹진",
        }
    ),
    "welfare_status": _synonyms(
        {
            "livelihood": "생계|생계수급|livelihood",
            "medical": "의료|의료수급|medical",
            "housing": "주거|housing",
            "education": "교육|education",
            "near_poor": "차상위|near poor|near-poor",
        }
    ),
    "employment": _synonyms(
        {
            "employed": (
                "직장|회사|근로|재직|취업|회사원|직장인|공장|식당에서 일|경비|청소 일|요양보호사|배달"
                "|알바|아르바이트|일용직|설거지|상하차|편의점|육아휴직|출산휴가|건설 현장|공사장"
                "|part-time|part time"
                "|일 다녀요|일 나가요|일해요|일하고 있어요|출근|i work|working|have a job"
            ),
            "self_employed": (
                "자영업|장사|가게 해요|가게를 해요|가게 운영|사업해요|노점|농사|농사지어요|개인사업자"
                "|운영해요"
                "|미용실 해요|식당 해요|own business|self employed|farmer|farming"
            ),
            "job_seeking": (
                "구직|구직중|일자리 찾는 중|일 찾는 중|일자리 구하는 중|알아보는 중|알아보고 있어요|구하는 중"
                "|찾고 있어요|job seeking|looking for a job|looking for work"
            ),
            "not_working": (
                "무직|일 안 함|일안함|일 안해요|일 안 해요|안해요|놀아요|쉬어요|쉬고 있어요|은퇴|퇴직했어요"
                "|주부|전업주부|살림해요|집에 있어요|not working|retired|housewife|stay at home"
            ),
            "unable_to_work": (
                "근로불가|근로무능력|아파서 일 못|일을 못 해요|일 못해요|일 못 해요|일을 할 수 없"
                "|거동을 못|거동 못"
                "|can't work|cannot work|unable to work"
            ),
            "student": "학생",
        }
    ),
    "student_level": _synonyms(
        {
            "none": "안 다님|안다님|안 다녀요|학생 아님|휴학|졸업|졸업했어요|not a student|graduated",
            "elementary": "초등|초1|초2|초3|초4|초5|초6",
            "middle": "중학|중등|중1|중2|중3",
            "high": "고등|고교|고1|고2|고3",
            "university": "대학|대학원|전문대|college|university",
        }
    ),
    "nationality": _synonyms(
        {
            "korean": "한국|한국인|한국 국적|내국인|귀화|귀화했어요|korean citizen|korean national",
            "marriage_migrant": (
                "결혼이민|결혼이민자|결혼 이민|f-6|f6|married to a korean|married to korean"
                "|한국 남자랑 결혼|한국 사람이랑 결혼|한국 남편|한국 아내|시집왔어요|시집 왔어요"
            ),
            "foreign": "외국인|외국 국적|foreigner|foreign national|외국 사람",
        }
    ),
    "crisis": _synonyms(
        {
            "job_loss": (
                "실직|해고|폐업|휴업|문 닫았|문을 닫았|잘렸|짤렸|일자리도 잃|일자리를 잃|lost my job|laid off"
            ),
            "earner_lost": "사망|가출|구금|교도소|수감|구속|세상을 떠|집 나가서|died|passed away|in prison",
            "serious_illness": (
                "질병|부상|큰 병|암 진단|교통사고|크게 다쳤|뇌출혈|뇌졸중|쓰러져|입원|수술|cancer|accident"
            ),
            "abuse_or_violence": "학대|방임|폭력|때리고|때려요|때립니다|폭행|hits me|beats me|abuse",
            "disaster": "화재|재난|홍수|침수|잠겨서|태풍|지진|불이 나|불이 났|flood|fire",
            "utility_cut": "단전|단수|단가스|끊겼|끊겨|끊기고|cut off",
        }
    ),
}


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_NUMBER = "not_number"
    NOT_MONEY = "not_money"
    NEGATIVE = "negative"
    NOT_BOOL = "not_bool"
    NO_CHOICE = "no_choice"
    AMBIGUOUS = "ambiguous"
    NOT_LIST = "not_list"


class ParseError(ValueError):
    """Why an answer was not understood; `fragment` is the part at fault, `options` the candidates."""

    def __init__(self, problem: Problem, fragment: str = "", options: Iterable[str] = ()) -> None:
        self.problem = problem
        self.fragment = fragment
        self.options = tuple(options)
        super().__init__(f"{problem.value}: {fragment!r}" if fragment else problem.value)


@dataclass(frozen=True, slots=True)
class ParseResult:
    ok: bool
    value: Any = None
    dont_know: bool = False
    error: str | None = None


# ---------------------------------------------------------------------------------------------
# Normalisation


def normalize(text: str) -> str:
    """NFKC (fullwidth digits, ①, compatibility jamo), no invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    for dash in "‐‑‒–—−":
        text = text.replace(dash, "-")
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def _fold(text: str) -> str:
    return normalize(text).casefold()


def _compact(text: str) -> str:
    """For word tables: case, spaces and trailing punctuation do not matter."""
    return re.sub(r"[\s.!~,]+", "", _fold(text))


def _table(spec: str) -> frozenset[str]:
    return frozenset(_compact(w) for w in _words(spec))


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so 월평균 is tried before 월."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ---------------------------------------------------------------------------------------------
# Don't know

# compacted forms (no spaces, case or trailing punctuation), as `is_dont_know` compares them
DONT_KNOW = _table(
    "모름|몰라|몰라요|모릅니다|모르겠다|모르겠어|모르겠어요|모르겠음|모르겠습니다|모르겠네요"
    "|모르겠는데|모르겠는데요|모르는데|모르는데요|잘모름|잘몰라요|잘모르겠어요|잘모르겠음"
    "|잘모르겠습니다|정확히모름|정확히몰라요|정확히모르겠어요|기억안나요|기억안남|기억이안나요"
    "|글쎄|글쎄요|미상|불명|확인불가|알수없음|알수없어요"
    "|don't know|dont know|do not know|i don't know|i dont know|i do not know|not sure"
    "|i'm not sure|im not sure|unsure|unknown|idk|no idea|dunno|?"
)


def is_dont_know(text: str) -> bool:
    """모름, 잘 모르겠어요, don't know, ? … also after a short label without digits (나이 모름)."""
    compact = _compact(text)
    if not compact:
        return False
    if compact in DONT_KNOW or set(compact) == {"?"}:
        return True
    words = _fold(text).split()
    for k in (1, 2):
        label, tail = "".join(words[:k]), _compact(" ".join(words[k:]))
        if tail != "?" and tail in DONT_KNOW and len(label) <= 12 and not re.search(r"\d", label):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Shared suffix handling

# Sentence endings after a number: 72세요, 3명이요, 80만원입니다.
_POLITE_END = re.compile(r"\s*(?:이에요|예요|이요|입니다|이야|이다|요|임|다)\s*[.!~]*$")


def _strip_polite(text: str) -> str:
    return _POLITE_END.sub("", text).strip()


def _in_table(folded: str, table: frozenset[str]) -> bool:
    return _compact(folded) in table or _compact(_strip_polite(folded)) in table


# ---------------------------------------------------------------------------------------------
# Integers

_NATIVE_ALONE = {
    "하나": 1,
    "둘": 2,
    "셋": 3,
    "넷": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
}
# 한/두/세/네 count only with a counter after them: a bare 네 is "yes", a bare 세 is the unit.
_NATIVE_BEFORE_COUNTER = {
    "한": 1,
    "두": 2,
    "세": 3,
    "석": 3,
    "네": 4,
    **{k: v for k, v in _NATIVE_ALONE.items() if v >= 5},
}
_ENGLISH_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ENGLISH_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_COUNTERS = r"(?:명|살|사람|분|식구|인)"
_INT_UNITS = (
    r"(?:세|살|명|인\s*가구|인|가구|사람|분|식구"
    r"|years?\s*old|years?|yrs?|y/?o|people|persons?|members?)"
)
_INT_PREFIX = r"(?:(?:age|나이는?|만\s*나이|총|모두|전부|다해서|가족은?|식구는?|가구원은?)\s*)?"
_INT_RE = re.compile(rf"^{_INT_PREFIX}(?:만\s*)?(?P<n>\d+)\s*{_INT_UNITS}?$")
_MONTHS_RE = re.compile(rf"^{_INT_PREFIX}(?:만\s*)?(?P<n>\d+)\s*(?:개월|달|months?|mos?)$")
_NATIVE_RE = re.compile(
    rf"^{_INT_PREFIX}(?:(?P<alone>{_alternation(_NATIVE_ALONE)})\s*{_COUNTERS}?"
    rf"|(?P<attr>{_alternation(_NATIVE_BEFORE_COUNTER)})\s*{_COUNTERS})$"
)
_ENGLISH_RE = re.compile(rf"^{_INT_PREFIX}(?P<w>{_alternation(_ENGLISH_NUMBERS)})\s*{_INT_UNITS}?$")
_ENGLISH_TENS_RE = re.compile(
    rf"^{_INT_PREFIX}(?P<t>{_alternation(_ENGLISH_TENS)})(?:[\s-]+(?P<o>{_alternation(_ENGLISH_NUMBERS)}))?"
    rf"\s*{_INT_UNITS}?$"
)
# Numbers written in Korean words: 칠십이(세), 백 세, 일흔두 살, 스물셋, 서른 명.
_NATIVE_TENS = {
    "열": 10, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90,
}  # fmt: skip
_SINO_RE = re.compile(
    r"(?:(?P<h>[이삼사오육칠팔구]?)백)?(?:(?P<t>[이삼사오육칠팔구]?)십)?(?P<o>[일이삼사오육칠팔구]?)"
)
_KOREAN_WORDS_RE = re.compile(rf"^{_INT_PREFIX}(?:만\s*)?(?P<w>[가-힣]+(?:\s[가-힣]+)*)$")
_UNIT_END_RE = re.compile(rf"\s*(?P<u>{_INT_UNITS})$")
_ALONE = _table("혼자|혼자요|혼자 살아요|저 혼자|나 혼자|alone|just me|only me|me alone")


def parse_int(text: str, *, people: bool = False) -> int:
    """72, 72세, 만 72세, 72살, 만72, 3명, 1인, 세 명, 다섯, 18개월 (→ 1), three people, 칠십이 세,
    일흔두 살, 삼인 가구.

    With `people` (a count of people), 혼자 / alone is 1.
    """
    folded = _strip_polite(_fold(text))
    if not folded:
        raise ParseError(Problem.EMPTY)
    if folded.startswith(("-", "마이너스", "minus")):
        raise ParseError(Problem.NEGATIVE, text)
    if people and _compact(folded) in _ALONE:
        return 1
    if (m := _INT_RE.match(folded)) is not None:
        return int(m["n"])
    if (m := _MONTHS_RE.match(folded)) is not None:
        return int(m["n"]) // 12
    if (m := _NATIVE_RE.match(folded)) is not None:
        return _NATIVE_ALONE[m["alone"]] if m["alone"] else _NATIVE_BEFORE_COUNTER[m["attr"]]
    if (m := _ENGLISH_RE.match(folded)) is not None:
        return _ENGLISH_NUMBERS[m["w"]]
    if (m := _ENGLISH_TENS_RE.match(folded)) is not None and _ENGLISH_NUMBERS.get(m["o"] or "zero", 10) < 10:
        return _ENGLISH_TENS[m["t"]] + _ENGLISH_NUMBERS[m["o"] or "zero"]
    if (n := _korean_words(_fold(text))) is not None:
        return n
    raise ParseError(Problem.NOT_NUMBER, text)


def _korean_words(folded: str) -> int | None:
    """칠십이, 칠십이세, 백 세, 일흔둘, 일흔두 살, 스무 명; None when unreadable or ambiguous.

    Read with and without a polite ending, because 이 may be either: 칠십이요 is 72 (칠십이 + 요) or
    70 (칠십 + 이요). When the readings differ the resident is asked again, never guessed for.
    """
    found: set[int | None] = set()
    for variant in {_strip_polite(folded), re.sub(r"\s*요[.!~]*$", "", folded), folded}:
        if (m := _KOREAN_WORDS_RE.match(variant)) is None:
            continue
        # The last word may be the number's end or its unit (스물세 is 23 before a counter, 세 is 歲).
        readings: list[tuple[str, str | None]] = [(m["w"], None)]
        if (end := _UNIT_END_RE.search(m["w"])) is not None and end.start() > 0:
            readings.append((m["w"][: end.start()], end["u"]))
        for words, unit in readings:
            words = words.replace(" ", "")
            # Sino-Korean numbers take 세, 인 (칠십 세, 삼인 가구) and, as people say it, 살 or 명;
            # native ones a counter (일흔 살, 스무 명).
            if unit is None or unit in ("세", "살", "명") or unit.startswith("인"):
                found.add(_sino_words(words, alone=unit is not None and unit.startswith("인")))
            if unit is None or re.fullmatch(_COUNTERS, unit):
                found.add(_native_words(words, counter=unit is not None))
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _sino_words(words: str, *, alone: bool = False) -> int | None:
    """십 / 백 must appear: a lone 이, 사, 오 or 구 is a particle or a word, not a number, except
    `alone`, before 인 (삼인 가구)."""
    m = _SINO_RE.fullmatch(words)
    if m is None or not words or ("십" not in words and "백" not in words and not alone):
        return None
    hundreds = (_SINO.get(m["h"], 1) if m["h"] is not None else 0) * 100
    tens = (_SINO.get(m["t"], 1) if m["t"] is not None else 0) * 10
    return hundreds + tens + _SINO.get(m["o"], 0)


def _native_words(words: str, *, counter: bool) -> int | None:
    """일흔둘, 스물세 (before a counter), 스무 (before a counter only), 서른."""
    ones = _NATIVE_BEFORE_COUNTER if counter else _NATIVE_ALONE
    tens = {**_NATIVE_TENS, **({"스무": 20} if counter else {})}
    for word, value in tens.items():
        if words == word:
            return value
        if words.startswith(word) and words[len(word) :] in ones and word != "스무":
            return value + ones[words[len(word) :]]
    return None


# ---------------------------------------------------------------------------------------------
# Money

_NONE_AMOUNT = _table(
    "없음|없어요|없습니다|없다|없어|무|무소득|소득없음|수입없음|재산없음|한푼도없음"
    "|none|nothing|zero|nil|no income"
)
_MONTH_WORDS = _words(
    "월|매월|매달|한달|한 달|월평균|월세|월급|월소득|월수입|/월"
    "|per month|a month|monthly|/month|/mo|each month"
)
_YEAR_WORDS = _words(
    "연|연간|년|일년|1년|한해|한 해|연봉|연소득|연수입|/년|1년 동안|일년 동안"
    "|per year|a year|yearly|annually|annual|/year|/yr|each year"
)
_PLAIN_WORDS = _words(
    "약|대략|대충|거의|평균|총|합계|모두|합쳐서|전부|소득|수입|재산|의료비|병원비"
    "|income|rent|assets|about|around|approx.|approx|approximately|roughly|~"
)
_CURRENCY_WORDS = _words("원|won|krw|₩")
_TRAIL_WORDS = _words("정도|쯤|가량|내외|안팎|남짓|이요|요|입니다|이에요|예요|임|이다|or so")
_PREFIX_RE = re.compile(
    rf"^(?:{_alternation((*_MONTH_WORDS, *_YEAR_WORDS, *_PLAIN_WORDS, *_CURRENCY_WORDS))})"
    r"(?:\s+|(?=[\d₩~]))"
)
_SUFFIX_RE = re.compile(
    rf"\s*(?:{_alternation((*_MONTH_WORDS, *_YEAR_WORDS, *_CURRENCY_WORDS, *_TRAIL_WORDS))})$"
)
_PERIOD_OF: dict[str, Period] = {**dict.fromkeys(_MONTH_WORDS, "month"), **dict.fromkeys(_YEAR_WORDS, "year")}

_MONEY_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<small>[십백천])|(?P<big>[만억조])|(?P<sino>[일이삼사오육칠팔구])"
    r"|(?P<en>thousand|million|billion|mil|mn|bn|k|m|b)(?![a-z]))"
)
_SMALL = {"십": 10, "백": 100, "천": 1000}
_BIG = {"만": 10**4, "억": 10**8, "조": 10**12}
_SINO = {d: i for i, d in enumerate("일이삼사오육칠팔구", start=1)}
_ENGLISH_MULT = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mil": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
}


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    period: Period | None  # what the text said (월 80만 → month); None when it said nothing
    has_unit: bool  # 만 / 천 / k / 원 / KRW … was written; a bare "80" for an income means 80만원


def _strip_money_words(text: str) -> tuple[str, Period | None, bool]:
    periods: set[Period] = set()
    has_unit = False
    changed = True
    while changed and text:
        changed = False
        for found in (_PREFIX_RE.match(text), _SUFFIX_RE.search(text)):
            if found is None or (found.start() == 0 and found.end() == len(text)):
                continue  # the word is the whole text: nothing would be left to read as a number
            word = found.group(0).strip()
            if word in _PERIOD_OF:
                periods.add(_PERIOD_OF[word])
            has_unit |= word in _CURRENCY_WORDS
            text = (text[found.end() :] if found.start() == 0 else text[: found.start()]).strip()
            changed = True
            break
    if len(periods) > 1:
        raise ParseError(Problem.NOT_MONEY, text)
    return text, (periods.pop() if periods else None), has_unit


def _amount(text: str, original: str) -> tuple[Decimal, bool]:
    """1억 2천만 / 3천5백만 / 2.5백만 / 천만 / 오십만 / 800,000 / 800k → (amount, a unit was written)."""
    tokens = []
    pos = 0
    while pos < len(text):
        m = _MONEY_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ParseError(Problem.NOT_MONEY, original)
        tokens.append(m)
        pos = m.end()
    total = group = Decimal(0)
    pending: Decimal | None = None
    last_small: int | None = None
    last_big: int | None = None
    english = korean = False
    for i, m in enumerate(tokens):
        if english:
            raise ParseError(Problem.NOT_MONEY, original)  # "800k 5": nothing may follow k / million
        if m["num"] is not None or m["sino"] is not None:
            if pending is not None:
                raise ParseError(Problem.NOT_MONEY, original)  # "80 90": which one?
            if m["sino"] is not None:
                # 오십만: a Sino-Korean digit counts only in front of a unit (a bare 이 is a particle)
                after = tokens[i + 1] if i + 1 < len(tokens) else None
                if after is None or (after["small"] is None and after["big"] is None):
                    raise ParseError(Problem.NOT_MONEY, original)
                pending = Decimal(_SINO[m["sino"]])
            else:
                pending = Decimal(m["num"].replace(",", ""))
        elif m["small"] is not None:
            unit = _SMALL[m["small"]]
            if last_small is not None and unit >= last_small:
                raise ParseError(Problem.NOT_MONEY, original)  # 5백3천
            group += (pending if pending is not None else Decimal(1)) * unit
            # 오백 or 팔십 alone is not a unit: said for 오백만원 as often as for 500원, so it is asked
            pending, last_small = None, unit
        elif m["big"] is not None:
            unit = _BIG[m["big"]]
            if last_big is not None and unit >= last_big:
                raise ParseError(Problem.NOT_MONEY, original)  # 5만3억
            bare = group == 0 and pending is None and last_small is None  # 만원, 억
            total += (Decimal(1) if bare else group + (pending or 0)) * unit
            group, pending, last_small, last_big, korean = Decimal(0), None, None, unit, True
        else:
            if pending is None or korean:
                raise ParseError(Problem.NOT_MONEY, original)
            total += pending * _ENGLISH_MULT[m["en"]]
            pending, english = None, True
    tail = group + (pending or 0)
    if last_big == _BIG["억"] and last_small is None and 0 < tail < 10 and tokens[-1]["num"] is not None:
        tail *= 10**7  # 2억5 is said for 2억 5천만 (2.5억)
    elif last_big == _BIG["억"] and 0 < tail < _BIG["만"]:
        tail *= _BIG["만"]  # 1억2천 and 1억 5000 are said for 1억 2천만 and 1억 5천만, never 1억 2천원
    return total + tail, english or korean


def read_money(text: str) -> Money:
    """The amount with what the text said about its period and unit. Raises ParseError."""
    folded = _fold(text)
    if not folded:
        raise ParseError(Problem.EMPTY)
    if _in_table(folded, _NONE_AMOUNT):
        return Money(0, None, True)
    core, period, has_unit = _strip_money_words(folded)
    if core.startswith(("-", "마이너스", "minus")):
        raise ParseError(Problem.NEGATIVE, text)
    if not re.search(r"\d|[십백천만억조]", core):
        raise ParseError(Problem.NOT_MONEY, text)
    amount, unit_in_number = _amount(core, text)
    # Not quantize(): it raises once the amount has more digits than the context's precision (28).
    whole = int(amount.to_integral_value(rounding=ROUND_HALF_UP))
    return Money(whole, period, has_unit or unit_in_number)


def parse_money(text: str) -> int:
    """80만원, 1억 2천만원, 1억2천, 3천5백만, 월 80만원, 약 50만, 없음 (0), 800k, KRW 800,000."""
    return read_money(text).amount


# ---------------------------------------------------------------------------------------------
# Yes / no

_YES = _table(
    "네|예|응|어|엉|ㅇ|ㅇㅇ|넵|넹|네네|예예|그래|그래요|그렇다|그렇습니다|그렇죠|그럼|그럼요"
    "|물론|물론이죠|맞아|맞아요|맞음|맞습니다|맞다|있어|있어요|있음|있습니다|있다|있죠|예스"
    "|o|yes|y|yeah|yep|yup|sure|true|1|ok|okay|correct"
)
_NO = _table(
    "아니요|아니오|아뇨|아니|아니에요|아닙니다|아님|아니다|없어|없어요|없음|없습니다|없다|없죠"
    "|ㄴ|ㄴㄴ|노|x|no|n|nope|nah|false|0|none|not really"
)


def parse_bool(text: str) -> bool:
    """네 / 예 / 있어요 / yes / 1 → True; 아니요 / 없음 / no / 0 → False. "네, 있어요" is one yes."""
    folded = _fold(text)
    whole = _compact(folded)
    if not whole:
        raise ParseError(Problem.EMPTY)
    if whole in _YES:
        return True
    if whole in _NO:
        return False
    words = [w for w in (_compact(p) for p in re.split(r"[\s,.!~]+", folded)) if w]
    said = {w in _YES for w in words if w in _YES or w in _NO}
    if len(said) == 1 and all(w in _YES or w in _NO for w in words):
        return said.pop()
    raise ParseError(Problem.NOT_BOOL, text)


# ---------------------------------------------------------------------------------------------
# Choices

_NEGATION = re.compile(r"아니|않|안\s|없|\bnot\b|\bno\b|n't|\bnon")
_NUMBER_PICK = re.compile(r"^(?P<n>\d+)\s*(?:번|\.|\))?$")
_NONE_CHOICES = _table(
    "없음|없어요|없습니다|해당없음|해당사항없음|없다|아니요|아니오|아뇨|아니|업어요|업음|없슴|없어여|엄써요"
    "|ㄴㄴ없음|ㄴㄴ|none|no|nothing|n/a|na|none of these"
)


def _labels(question: Question) -> list[tuple[str, str]]:
    """(normalised name, value) for the ids and the labels in both languages: what people are shown."""
    return [
        (_fold(name), choice.value)
        for choice in question.choices
        for name in (choice.value, choice.value.replace("_", " "), choice.label.ko, choice.label.en)
    ]


def _synonym_keys(question: Question) -> list[tuple[str, str]]:
    return [
        (_fold(name), value)
        for name, value in CHOICE_SYNONYMS.get(question.id, {}).items()
        if question.choice(value) is not None
    ]


def _contains(haystack: str, needle: str) -> bool:
    """Korean words take particles, so any part counts; English has spaces: 'no' is not in 'none'."""
    if needle.isascii():
        return re.search(rf"(?<![a-z]){re.escape(needle)}(?![a-z])", haystack) is not None
    return needle in haystack


def parse_choice(question: Question, text: str) -> str:
    """A choice's value from its id, Korean or English label, 1-based number or a unique part of one."""
    folded = _fold(text).strip(" .!~")
    compact = _compact(folded)
    if not compact:
        raise ParseError(Problem.EMPTY)
    if (m := _NUMBER_PICK.match(folded)) is not None:
        n = int(m["n"])
        if 1 <= n <= len(question.choices):
            return question.choices[n - 1].value
        raise ParseError(Problem.NO_CHOICE, text)
    labels = _labels(question)
    keys = labels + _synonym_keys(question)
    exact = {value for name, value in keys if _compact(name) == compact}
    if len(exact) == 1:
        return exact.pop()
    if not exact and compact in _NO and question.choice("none") is not None:
        return "none"  # "아니요" to 등록된 장애가 있으신가요? means none
    if compact in _YES or compact in _NO:
        raise ParseError(Problem.NO_CHOICE, text)  # "no" must not pick "No place to live"
    # a part of a label (고시 → 쪽방·고시원 등 비주택); not of synonyms, or 장애 would hit 장애 없음
    inside = {value for name, value in labels if len(compact) >= 2 and _contains(name, folded)}
    # names written in the answer (서울 강남구 → 서울), unless negated: 월세 아니에요 is not monthly_rent
    named = [
        (name, value)
        for name, value in keys
        if len(_compact(name)) >= 2
        and _contains(folded, name)
        and not _NEGATION.search(folded.replace(name, " "))
    ]
    # 경기 광주 names 경기, 광주 and 경기 광주: the longest says what was meant
    named = [(n, v) for n, v in named if not any(n != other and n in other for other, _ in named)]
    candidates = inside | {value for _, value in named}
    if len(candidates) == 1:
        return candidates.pop()
    if len(candidates) > 1:
        raise ParseError(Problem.AMBIGUOUS, text, candidates)
    raise ParseError(Problem.NO_CHOICE, text)


_MULTI_SPLIT = re.compile(r"\s*(?:[,、;/+&]|\s및\s|\sand\s|\s그리고\s)\s*")
_PARTICLE_END = re.compile(r"(?:이랑|랑|하고|와|과|도|이나|나)$")


def parse_multi_choice(question: Question, text: str) -> list[str]:
    """'의료급여, 주거급여', '1 3', '생계 및 의료', 'medical and housing'; 없음 / none → []."""
    folded = _fold(text)
    if not _compact(folded):
        raise ParseError(Problem.EMPTY)
    if _in_table(folded, _NONE_CHOICES):
        return []
    chosen: set[str] = set()
    for part in (p for p in _MULTI_SPLIT.split(folded) if p.strip()):
        chosen.update(_pick_part(question, part))
    return [c.value for c in question.choices if c.value in chosen]  # the manual's order


def _pick_word(question: Question, word: str) -> str:
    try:
        return parse_choice(question, word)
    except ParseError:
        stripped = _PARTICLE_END.sub("", word)  # 의료급여랑 → 의료급여
        if not stripped or stripped == word:
            raise
        return parse_choice(question, stripped)


def _pick_part(question: Question, part: str) -> list[str]:
    """One comma-separated part: a whole label ('Medical aid'), else each of its words."""
    try:
        return [_pick_word(question, part)]
    except ParseError:
        words = part.split()
        if len(words) < 2:
            raise
    return [_pick_word(question, word) for word in words]


# ---------------------------------------------------------------------------------------------
# Lists of ages

_LIST_PREFIX = re.compile(
    r"^(?:자녀|자녀들|아이|아이들|애들|애|아기|손자녀|children|child|kids?|ages?)\s*(?:은|는|가|이)?\s*"
)
# A child's age in native words before 살: 세 살, 열두 살, 스무 살.
_NATIVE_AGES = {
    **_NATIVE_BEFORE_COUNTER,
    **{
        tens + ones: base + n
        for tens, base in _NATIVE_TENS.items()
        if base <= 20  # children's ages
        for ones, n in _NATIVE_BEFORE_COUNTER.items()
    },
    "열": 10,
    "스무": 20,
}
_LIST_ITEM = re.compile(
    r"(?:만\s*)?(?P<n>\d+)(?:\s*(?P<unit>개월|달|months?|세|살|years?\s*old|years?|yrs?|y/?o))?"
    rf"|(?P<native>{_alternation(_NATIVE_AGES)})\s*살"
    r"|(?P<baby>돌\s*전|신생아)"
)
_LIST_SEP = re.compile(r"\s*(?:[,、;/·&+]|및|그리고|이랑|랑|하고|이고|와|과|and)\s*|\s+")
_NONE_LIST = _table("없음|없어요|없습니다|자녀없음|아이없음|무자녀|none|no children|no kids")
_MONTH_UNITS = frozenset(("개월", "달", "month", "months"))


def parse_int_list(text: str) -> list[int]:
    """'3, 7', '3살 7살', '3세와 7세', '세 살', '0' or '6개월' for a baby; 없음 / none → []."""
    if _in_table(_fold(text), _NONE_LIST):
        return []
    body = _LIST_PREFIX.sub("", _strip_polite(_fold(text)), count=1)
    body = re.sub(r"[\s,、;/·&+]+$", "", body)  # "3, 7," still means 3 and 7
    if not body:
        raise ParseError(Problem.EMPTY)
    if body.startswith(("-", "마이너스", "minus")):
        raise ParseError(Problem.NEGATIVE, text)
    values: list[int] = []
    pos = 0
    while pos < len(body):
        m = _LIST_ITEM.match(body, pos)
        if m is None:
            raise ParseError(Problem.NOT_LIST, text)
        values.append(_list_item(m))
        pos = m.end()
        if pos < len(body):
            sep = _LIST_SEP.match(body, pos)
            if sep is None or sep.end() == pos or sep.end() == len(body):
                raise ParseError(Problem.NOT_LIST, text)
            pos = sep.end()
    return values


def _list_item(m: re.Match[str]) -> int:
    if m["baby"]:
        return 0
    if m["native"]:
        return _NATIVE_AGES[m["native"]]
    return int(m["n"]) // 12 if m["unit"] in _MONTH_UNITS else int(m["n"])


# ---------------------------------------------------------------------------------------------
# Messages: (Korean, English); {example} is " (예: …)" / ", for example …" or empty.

MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("답을 입력해 주세요.{example}", "Please type an answer{example}."),
    "too_long": (
        "답이 너무 길어요. {limit}자 안으로 짧게 입력해 주세요.",
        "That answer is too long; please keep it under {limit} characters.",
    ),
    "int": ("숫자로 입력해 주세요.{example}", "Please type a number{example}."),
    "money": ("금액을 숫자로 입력해 주세요.{example}", "Please type an amount{example}."),
    "bool": ("'네' 또는 '아니요'로 답해 주세요.", "Please answer yes or no."),
    "choice": ("보기 중에서 하나를 골라 주세요: {options}.", "Please choose one of: {options}."),
    "multi_choice": (
        "해당하는 것을 모두 쉼표로 나눠 골라 주세요: {options}. 없으면 '없음'.",
        'Choose all that apply, separated by commas: {options}. If none, send "none".',
    ),
    "not_an_option": ("'{fragment}'은(는) 보기에 없어요. ", "'{fragment}' is not one of the options. "),
    "int_list": (
        "나이를 숫자로, 여러 명이면 쉼표로 나눠 입력해 주세요.{example}",
        "Please type the ages as numbers separated by commas{example}.",
    ),
    "ambiguous": (
        "'{fragment}'에 맞는 보기가 여러 개예요: {options}. 번호나 이름으로 하나만 골라 주세요.",
        "'{fragment}' matches several options: {options}. Please pick one by number or name.",
    ),
    "dont_know_hint": (" 모르시면 '모름'이라고 보내 주세요.", " If you don't know, send \"don't know\"."),
    "range": ("{lo}에서 {hi} 사이로 입력해 주세요.", "Please enter {what} from {lo} to {hi}."),
    "range_each": ("나이는 각각 {lo}에서 {hi} 사이로 입력해 주세요.", "Each age must be from {lo} to {hi}."),
    "at_least": ("{lo} 이상으로 입력해 주세요.", "Please enter at least {lo}."),
    "at_most": ("{hi} 이하로 입력해 주세요.", "Please enter at most {hi}."),
    "per_month": (
        "한 달 금액으로 입력해 주세요. 연 {given}이면 월 {converted}이에요.",
        "Please give the amount per month: {given} a year is {converted} a month.",
    ),
    "per_year": (
        "1년 동안의 금액으로 입력해 주세요. 월 {given}이면 연 {converted}이에요.",
        "Please give the amount for a whole year: {given} a month is {converted} a year.",
    ),
    "contradiction": (
        "앞에서 하신 답과 맞지 않아요. 다시 한 번 확인해 주세요. 앞의 답을 고치려면 '뒤로'를 누르세요.",
        "That does not fit an earlier answer. Please check it again, or press Back to change that one.",
    ),
    "members": (
        "함께 사는 분을 알려 주세요. 예) 배우자, 아들 1명 / 혼자 살아요",
        'Please say who lives with you, e.g. "my wife and one son" or "I live alone".',
    ),
    "who": (
        "해당하는 분을 버튼으로 골라 주세요. 없으면 '없음'.",
        "Please choose them on the buttons, or none.",
    ),
    "tiny_amount": (
        "{given}이 맞나요? {guess}이라면 '{n}만원'처럼 단위와 함께 써 주세요.",
        "Is {given} right? If you meant {guess} ({n}만원), please write {full}; if you meant {given},"
        " write {n} won.",
    ),
}


def message(key: str, lang: Lang | str, **values: Any) -> str:
    ko, en = MESSAGES[key]
    return pick(lang, ko, en).format(**values)


def _show(question: Question, value: int, lang: Lang | str, unit: bool = True) -> str:
    if question.type == QuestionType.MONEY:
        return won(value, lang)
    name = question.unit.get(lang) if question.unit and unit else ""
    if not name:
        return str(value)
    return f"{value} {name}" if lang == Lang.EN else f"{value}{name}"


def _range_message(question: Question, lang: Lang | str, each: bool = False) -> str:
    # Korean repeats the unit (0세에서 120세), English says it once (from 0 to 120 years)
    lo = None if question.min is None else _show(question, question.min, lang, unit=lang != Lang.EN)
    hi = None if question.max is None else _show(question, question.max, lang)
    what = "an amount" if question.type == QuestionType.MONEY else "a number"
    if lo is not None and hi is not None:
        return message("range_each" if each else "range", lang, lo=lo, hi=hi, what=what)
    if hi is not None:
        return message("at_most", lang, hi=hi)
    return message("at_least", lang, lo=lo if lo is not None else _show(question, 0, lang))


def _example(question: Question, lang: Lang | str) -> str:
    if question.example is None:
        return ""
    return pick(lang, f" (예: {question.example.ko})", f", for example {question.example.en}")


def _options(question: Question, lang: Lang | str, only: Iterable[str] | None = None) -> str:
    wanted = None if only is None else set(only)
    return ", ".join(
        f"{i}. {c.label.get(lang)}"
        for i, c in enumerate(question.choices, start=1)
        if wanted is None or c.value in wanted
    )


def _not_understood(question: Question, err: ParseError, lang: Lang | str) -> str:
    example, options = _example(question, lang), _options(question, lang)
    hint = message("dont_know_hint", lang)
    if err.problem == Problem.EMPTY:
        return message("empty", lang, example=example)
    if err.problem == Problem.TOO_LONG:
        return message("too_long", lang, limit=MAX_LENGTH) + hint
    if err.problem == Problem.NEGATIVE:
        return _range_message(question, lang, each=question.type == QuestionType.INT_LIST)
    if err.problem == Problem.AMBIGUOUS:
        only = _options(question, lang, err.options)
        return message("ambiguous", lang, fragment=err.fragment, options=only)
    lead = ""
    if question.type == QuestionType.MULTI_CHOICE and err.fragment:
        lead = message("not_an_option", lang, fragment=err.fragment)
    return lead + message(question.type.value, lang, example=example, options=options) + hint


# ---------------------------------------------------------------------------------------------
# One answer to one question


# No count or amount the manual asks for comes near this (1,000조원); anything above is refused
# whatever the question's own bounds, so JSON, the database and the engine's arithmetic never see it.
MAX_VALUE = 10**15


def _in_range(question: Question, value: int) -> bool:
    if not 0 <= value <= MAX_VALUE:
        return False
    return (question.min is None or value >= question.min) and (question.max is None or value <= question.max)


def _money_problem(question: Question, money: Money, lang: Lang | str) -> str | None:
    wanted = question.period if question.period in ("month", "year") else None
    given = won(money.amount, lang)
    if wanted == "month" and money.period == "year":
        return message("per_month", lang, given=given, converted=won(round(money.amount / 12), lang))
    if wanted == "year" and money.period == "month":
        return message("per_year", lang, given=given, converted=won(money.amount * 12, lang))
    if not money.has_unit and 0 < money.amount < 10_000:
        # nobody lives on 80 won a month: "80" is 80만원 typed without its unit
        return message(
            "tiny_amount",
            lang,
            given=given,
            guess=won(money.amount * 10_000, lang),
            n=money.amount,
            full=f"{money.amount * 10_000:,}",
        )
    return None


def _parse_typed(question: Question, text: str, lang: Lang | str) -> tuple[Any, str | None]:
    """(value, None) or (None, error message). Raises ParseError for what it cannot read."""
    qtype = question.type
    if qtype == QuestionType.INT:
        people = question.unit is not None and question.unit.ko in ("명", "인")
        number = parse_int(text, people=people)
        return (number, None) if _in_range(question, number) else (None, _range_message(question, lang))
    if qtype == QuestionType.MONEY:
        money = read_money(text)
        if not _in_range(question, money.amount):
            return None, _range_message(question, lang)
        problem = _money_problem(question, money, lang)
        return (None, problem) if problem else (money.amount, None)
    if qtype == QuestionType.BOOL:
        return parse_bool(text), None
    if qtype == QuestionType.CHOICE:
        return parse_choice(question, text), None
    if qtype == QuestionType.MULTI_CHOICE:
        return parse_multi_choice(question, text), None
    if qtype == QuestionType.MEMBERS:
        return parse_members(text), None
    if qtype == QuestionType.WHO:
        raise ParseError(Problem.NO_CHOICE, text)  # answered by parse_who, which knows who is listed
    ages = parse_int_list(text)
    if all(_in_range(question, n) for n in ages):
        return ages, None
    return None, _range_message(question, lang, each=True)


def parse_answer(question: Question, text: str, lang: Lang | str = Lang.KO) -> ParseResult:
    """Never raises: a value, a don't-know (ok, value None), or an error message in `lang`."""
    if not isinstance(text, str):
        return ParseResult(ok=False, error=message("empty", lang, example=_example(question, lang)))
    clean = normalize(text)
    try:
        if not clean:
            raise ParseError(Problem.EMPTY)
        if len(clean) > MAX_LENGTH:
            raise ParseError(Problem.TOO_LONG)
        if is_dont_know(clean):
            return ParseResult(ok=True, value=None, dont_know=True)
        value, error = _parse_typed(question, clean, lang)
    except ParseError as err:
        return ParseResult(ok=False, error=_not_understood(question, err, lang))
    if error is not None:
        return ParseResult(ok=False, error=error)
    return ParseResult(ok=True, value=value)


# ---------------------------------------------------------------------------------------------
# Who lives in the household; which of them

RELATION_WORDS: dict[str, str] = _synonyms(
    {
        "spouse": (
            "배우자|남편|아내|부인|와이프|마누라|집사람|안사람|영감|할아범|할멈|바깥양반|husband|wife|spouse|partner"
        ),
        "child": "자녀|자식|아들|딸|아이|애|아기|애기|son|daughter|child|children|kid|kids|baby",
        "parent": "부모|부모님|어머니|아버지|엄마|아빠|어머님|아버님|mother|father|mom|dad|parent|parents",
        "grandchild": "손자|손녀|손녀딸|손주|손자녀|grandson|granddaughter|grandchild|grandchildren",
        "grandparent": "할머니|할아버지|조부모|grandmother|grandfather|grandma|grandpa|grandparent",
        "sibling": "형제자매|형제|자매|남매|형|누나|언니|오빠|동생|남동생|여동생|brother|sister|sibling",
        "other": (
            "친구|지인|동거인|룸메이트|사위|며느리|삼촌|외삼촌|이모|고모|숙모|조카|올케|시누이|처제|처남"
            "|friend|roommate|other|uncle|aunt|nephew|niece|son-in-law|daughter-in-law"
        ),
    }
)
_PAIRS = frozenset(("부모", "부모님", "parents"))  # "부모님과 살아요": both parents
_ALONE_WORDS = _table(
    "혼자|혼자살아요|혼자 살아요|혼자 삽니다|혼자요|독거|없음|없어요|alone|live alone|nobody|none"
    "|just me|only me|me alone|by myself|i live alone|i live by myself|it's just me"
)
_COUNT = re.compile(
    r"(?P<n>\d+|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|하나|둘|셋|넷|one|two|three|four|five)\s*(?:명|분|사람|people)?"
)
_COUNT_WORDS = {
    "한": 1,
    "하나": 1,
    "두": 2,
    "둘": 2,
    "세": 3,
    "셋": 3,
    "네": 4,
    "넷": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}
_RELATION_RE = re.compile(_alternation(RELATION_WORDS), re.IGNORECASE)
_COUNT_BEFORE = re.compile(r"(?P<n>\d+|두|세|네|다섯|two|three|four|five)\s*$", re.IGNORECASE)
MAX_MEMBERS = 19
# "애들 다 출가했어요", "자식들은 서울 살아요", "아들 하나는 장가가서": living elsewhere.
_ELSEWHERE = re.compile(
    r"^[^.,]{0,10}?(?:출가|장가|시집|결혼해서|분가|독립|따로|멀리|외국|해외|데려갔|나가\s*살"
    r"|(?:서울|부산|대구|인천|광주|대전|울산|지방|시골|다른\s*데|딴\s*데)(?:에서|에)?\s*(?:살|있|지내))"
)
_GONE = re.compile(
    r"^\S{0,2}\s*(?:은|는|이|가)?\s*(?:(?:몇\s*해|몇\s*년|\d+\s*년|작년|재작년|오래)\s*(?:전에|에)?\s*)?"
    r"(?:병으로\s*)?(?:먼저\s*)?"
    r"(?:갔|가셨|보내|보냈|돌아가|세상\s*떠|떠나|떠난|떠났|죽|사별|이혼|따로|없|passed|died|lives?\s+apart)"
)


def relations_said(text: str) -> tuple[set[str], set[str]]:
    """(relations said to live here, relations said to be gone or elsewhere): "남편은 몇 해 전에 갔고
    딸이랑 살아요" → ({child}, {spouse})."""
    folded = _strip_polite(_fold(text))
    alive: set[str] = set()
    gone: set[str] = set()
    for m in _RELATION_RE.finditer(folded):
        relation = RELATION_WORDS[m.group(0).lower()]
        after = folded[m.end() : m.end() + 20]
        none = folded[max(0, m.start() - 1) : m.start()] == "무"  # 무자녀
        (gone if none or _GONE.match(after) or _ELSEWHERE.match(after) else alive).add(relation)
    return alive, gone


def parse_members(text: str) -> list[str]:
    """'배우자, 아들 둘', '아내랑 딸', '혼자 살아요' → relations, one per person (혼자 → [])."""
    folded = _strip_polite(_fold(text))
    if _in_table(folded, _ALONE_WORDS):
        return []
    found: list[str] = []
    for m in _RELATION_RE.finditer(folded):
        relation = RELATION_WORDS[m.group(0).lower()]
        after = folded[m.end() : m.end() + 8].lstrip()
        if _GONE.match(folded[m.end() : m.end() + 20]):
            continue  # "영감은 먼저 갔고", "남편은 몇 해 전에 갔고", "아들은 따로 살아요": not living here
        before = _COUNT_BEFORE.search(folded[max(0, m.start() - 8) : m.start()])
        count_m = _COUNT.match(after)
        if count_m is not None and count_m.group(0).strip():
            raw = count_m["n"]
        elif before is not None:
            raw = before["n"]
        else:
            raw = None
        if raw is not None:
            n = int(raw) if raw.isdigit() else _COUNT_WORDS.get(raw.lower(), 1)
        else:
            n = 2 if m.group(0) in _PAIRS else 1
        if relation == "spouse":
            n = 0 if "spouse" in found else 1  # "남편이랑 … 남편이 잘려서": one husband, named twice
        if raw is None and "쌍둥이" in folded[max(0, m.start() - 5) : m.start()]:
            n = 2  # 쌍둥이 아들: two sons
        found.extend([relation] * n)
        if folded[m.end() : m.end() + 3].lstrip().startswith("내외"):
            found.append("other")  # 아들 내외: the son and his wife
    if not found:
        if re.search(r"혼자|alone", folded):
            return []
        raise ParseError(Problem.NO_CHOICE, text)
    if len(found) > MAX_MEMBERS:
        raise ParseError(Problem.TOO_LONG, text)
    return found


_PERSON_NUMBER = re.compile(r"\s*(?P<n>[1-9])(?!\d)(?!\s*(?:명|살|세))")


def parse_who(text: str, people: list[tuple[str, str]]) -> list[str]:
    """Which of the people listed (handle, relation) a text names: '배우자', '아들', '없음' → handles."""
    folded = _strip_polite(_fold(text))
    if _in_table(folded, _ALONE_WORDS | _NONE_CHOICES) or _in_table(
        _fold(text), _ALONE_WORDS | _NONE_CHOICES
    ):
        return []
    chosen: list[str] = []
    for m in _RELATION_RE.finditer(folded):
        relation = RELATION_WORDS[m.group(0).lower()]
        handles = [h for h, r in people if r == relation and h not in chosen]
        if not handles:
            raise ParseError(Problem.NO_CHOICE, m.group(0))
        # "자녀 2", as the buttons name them, is that one person.
        numbered = _PERSON_NUMBER.match(folded, m.end())
        if numbered is not None and f"{relation}{numbered['n']}" in handles:
            chosen.append(f"{relation}{numbered['n']}")
            continue
        # "아들" with two sons listed is ambiguous: name every one, the person corrects it on the buttons.
        chosen.extend(handles)
    if not chosen:
        raise ParseError(Problem.NO_CHOICE, text)
    return chosen


def parse_who_answer(text: str, people: list[tuple[str, str]], lang: Lang | str = Lang.KO) -> ParseResult:
    """parse_answer for a who question, which needs the people listed to read a name."""
    clean = normalize(text) if isinstance(text, str) else ""
    if clean and is_dont_know(clean):
        return ParseResult(ok=True, value=None, dont_know=True)
    try:
        if not clean:
            raise ParseError(Problem.EMPTY)
        if len(clean) > MAX_LENGTH:
            raise ParseError(Problem.TOO_LONG)
        return ParseResult(ok=True, value=parse_who(clean, people))
    except ParseError:
        return ParseResult(ok=False, error=message("who", lang))
