"""Staff quick-check shorthand: "72세 1인 월80만 독거 장애없음 월세25만" → answers in DESIGN.md ids.

An official on a home visit types what they already know in one line instead of answering question
by question. Each entry of TOKENS is a pattern for one to a few words and the answers it gives; V
stands for the value captured as `v`, read by the answer question's own parser (so "80만",
"1억 2천", "800k", "3,7" and "없음" mean here what they mean in the questionnaire, range checks
included). Where several entries fit, the one covering more words wins ("소득 80만" over "소득"),
then the earlier one. Nothing is dropped: a word no entry accepts, or one that contradicts an
earlier word ("1인 … 3명"), comes back in `unparsed` as written.

Deliberately not understood: 수급 alone (which 급여? marking the wrong one would screen the
household out of it), 장애 alone (mild or severe), 사망 alone (whose?), and a bare number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from knowledge.household import V1_REGION
from knowledge.model import QuestionType
from knowledge.parsing import normalize, parse_answer

if TYPE_CHECKING:
    from knowledge.manual import Manual


class _Value:
    def __repr__(self) -> str:
        return "V"


V: Final = _Value()

_STUDENT: Final = {"employment": "student"}
# Every syllable a Korean number word is made of (칠십이, 일흔두, 스물셋), Sino and native.
NUMBER_SYLLABLES: Final = (
    "일이삼사오육칠팔구십백열스물서른마흔쉰예순일흔여든아흔하나둘셋넷다섯여섯일곱여덟아홉한두세네"
)
_KOREAN_COUNT = r"(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)"

# (pattern over one or more words, answers). Patterns are matched whole and case-insensitively.
TOKENS: tuple[tuple[str, dict[str, Any]], ...] = (
    # age
    (r"(?:만\s*)?(?P<v>\d+)\s*(?:세|살)", {"age": V}),
    (r"만\s*(?P<v>\d+)", {"age": V}),
    (r"(?:age|aged|나이)\s*(?P<v>.+)", {"age": V}),
    (r"(?P<v>\d+)\s*(?:yo|y/o|years?\s*old|yrs?\s*old)", {"age": V}),
    (r"(?:i\s*am|i'm)\s*(?P<v>\d+)", {"age": V}),
    # 칠십이세, 일흔두 살: the age question's parser reads the words and refuses what it cannot
    (
        r"(?P<v>[" + NUMBER_SYLLABLES + r"]+\s*(?:세|살))",
        {"age": V},
    ),
    # household size
    (r"(?P<v>\d+)\s*인(?:\s*가구)?", {"household_size": V}),
    (r"(?P<v>(?:\d+|" + _KOREAN_COUNT + r")\s*(?:명|식구))", {"household_size": V}),
    (r"(?P<v>\d+)\s*(?:people|persons?|-?person\s*household)", {"household_size": V}),
    (r"(?:가구원|가족|household|hh|family\s*of)\s*(?P<v>.+)", {"household_size": V}),
    # money
    (r"월세\s*(?P<v>.+)", {"housing_type": "monthly_rent", "monthly_rent": V}),
    (r"rent\s*(?P<v>.+)", {"housing_type": "monthly_rent", "monthly_rent": V}),
    (
        r"(?:소득인정액|월소득|월수입|소득|수입|income|monthly\s*income)\s*(?P<v>.+)",
        {"household_income": V},
    ),
    (r"(?:월급|급여|근로소득|알바|wages?|earnings)\s*(?P<v>.+)", {"household_earned_income": V}),
    (r"(?:본인|자기)\s*(?:월\s*)?(?P<v>.+)", {"self_income": V}),
    (
        r"(?:배우자|남편|아내|부인|spouse|husband|wife)\s*(?:월\s*)?(?P<v>.+)",
        {"has_spouse": True, "spouse_income": V},
    ),
    (r"(?:아들|딸|자녀|son|daughter)\s*(?:월\s*)?(?P<v>.+)", {"+child": V}),
    (
        r"(?:자가|자기\s*집|내\s*집|집|주택|home)\s*(?P<v>\d.*|[일이삼사오육칠팔구십백천만억].*)",
        {"housing_type": "owner", "property_housing": V},
    ),
    (r"(?:예금|적금|저축|금융재산|통장|savings)\s*(?P<v>.+)", {"property_financial": V}),
    (r"(?:자동차|차량|차|car)\s*(?P<v>.+)", {"car_value": V}),
    (r"(?:보증금|deposit)\s*(?P<v>.+)", {"deposit": V}),
    (r"(?:부채|빚|대출|debts?)\s*(?P<v>.+)", {"debt": V}),
    (r"(?:작년|전년도?)\s*(?:소득|수입)?\s*(?P<v>.+)", {"income_last_year": V}),
    (r"월\s*(?P<v>.+)", {"household_income": V}),
    (r"(?:재산|자산|assets?|property|wealth)\s*(?P<v>.+)", {"assets": V}),
    (r"(?:의료비|병원비|medical\s*(?:costs?|expenses?|bills?)?)\s*(?P<v>.+)", {"medical_expenses_annual": V}),
    # who lives with whom
    (r"독거(?:노인)?|혼자(?:\s*(?:삶|살아요|사심|거주))?|lives?\s*alone|alone", {"lives_alone": True}),
    (r"부부|배우자(?:\s*있음)?|기혼|spouse|married|with\s*spouse", {"has_spouse": True}),
    (r"배우자\s*없음|미혼|사별|이혼|별거|no\s*spouse|single|widowed|divorced", {"has_spouse": False}),
    (r"부모님?\s*(?:과|와)?\s*(?:함께|같이|동거)|with\s*parents", {"living_with_parents": True}),
    (r"한부모(?:가족|가정)?|조손(?:가족|가정)?|single\s*parent|one[-\s]?parent", {"single_parent": True}),
    (r"임신(?:\s*중)?|임산부|출산|산모|pregnant", {"pregnant": True}),
    (r"(?:자녀|아이|아기|애|손자녀|kids?|children|child)\s*(?P<v>.+)", {"children_ages": V}),
    (r"무자녀|no\s*(?:kids|children)", {"children_ages": [], "has_children": False}),
    (r"(?:자녀|아이|애)\s*\d+\s*명|(?:자녀|아이)\s*있음|has\s*(?:kids|children)", {"has_children": True}),
    # disability
    (r"장애\s*(?:없음|x|무)|비장애|no\s*disability", {"disability": "none"}),
    (
        r"경증(?:\s*장애)?|심하지\s*않은\s*장애|장애\s*[4-6]\s*급|mild(?:\s*disability)?",
        {"disability": "mild"},
    ),
    (r"중증(?:\s*장애)?|심한\s*장애|장애\s*[1-3]\s*급|severe(?:\s*disability)?", {"disability": "severe"}),
    # housing
    (r"월세|monthly\s*rent|renting", {"housing_type": "monthly_rent"}),
    (r"전세|jeonse", {"housing_type": "jeonse"}),
    (r"자가|자기\s*집|내\s*집|own\s*home|owner|homeowner", {"housing_type": "owner"}),
    (
        r"공공임대|영구임대|국민임대|임대\s*아파트|lh|public\s*(?:rental|housing)",
        {"housing_type": "public_rental"},
    ),
    (r"쪽방|고시원|비닐하우스|컨테이너|여인숙|비주택|gosiwon|goshiwon", {"housing_type": "non_housing"}),
    (r"노숙(?:인)?|거리\s*노숙|homeless", {"housing_type": "homeless"}),
    # benefits already held
    (r"생계(?:급여|수급)?(?:자)?|livelihood(?:\s*benefit)?", {"welfare_status": ["livelihood"]}),
    (r"의료(?:급여|수급)?(?:자)?|의료\s*[12]\s*종|medical\s*aid", {"welfare_status": ["medical"]}),
    (r"주거(?:급여|수급)?(?:자)?|housing\s*benefit", {"welfare_status": ["housing"]}),
    (r"교육(?:급여|수급)(?:자)?|education\s*benefit", {"welfare_status": ["education"]}),
    (r"차상위(?:계층)?|near[-\s]?poor", {"welfare_status": ["near_poor"]}),
    (r"비수급|수급\s*(?:없음|아님|x)|no\s*benefits?", {"welfare_status": []}),
    # work and school
    (
        r"실직|해고|폐업|휴업|job\s*loss|laid\s*off|lost\s*(?:a\s*|my\s*|his\s*|her\s*)?job",
        {"crisis": ["job_loss"]},
    ),
    (r"구직(?:\s*중)?|job\s*seek(?:ing|er)|looking\s*for\s*(?:work|a\s*job)", {"employment": "job_seeking"}),
    (r"취업|재직|직장인|근로자|직장|employed|working", {"employment": "employed"}),
    (r"자영업(?:자)?|self[-\s]?employed", {"employment": "self_employed"}),
    (r"무직|not\s*working", {"employment": "not_working"}),
    (r"근로\s*(?:불가|무능력)|unable\s*to\s*work", {"employment": "unable_to_work"}),
    (r"대학생|대학원생|(?:university|college)(?:\s*student)?", {**_STUDENT, "student_level": "university"}),
    (r"고등학생|고교생|high\s*school(?:\s*student)?", {**_STUDENT, "student_level": "high"}),
    (r"중학생|middle\s*school(?:\s*student)?", {**_STUDENT, "student_level": "middle"}),
    (r"초등학생|elementary(?:\s*school)?(?:\s*student)?", {**_STUDENT, "student_level": "elementary"}),
    # crisis
    (
        r"(?:주소득자|가장|소득자)\s*(?:사망|가출|구금|수감)|earner\s*(?:died|lost|left)",
        {"crisis": ["earner_lost"]},
    ),
    (r"큰\s*병|중병|중상|입원|수술|serious\s*illness", {"crisis": ["serious_illness"]}),
    (r"학대|방임|가정\s*폭력|폭력|abuse|domestic\s*violence", {"crisis": ["abuse_or_violence"]}),
    (r"화재|재난|수해|disaster|fire", {"crisis": ["disaster"]}),
    (r"단전|단수|단가스|utility\s*cut|power\s*cut", {"crisis": ["utility_cut"]}),
    # health
    (
        r"장기요양(?:\s*(?:[1-5]\s*등급|등급|인지지원\s*등급))?|요양\s*[1-5]?\s*등급|ltc|long[-\s]?term\s*care",
        {"long_term_care_grade": True},
    ),
    (r"장기요양\s*(?:없음|x|미등급|등급\s*외)|no\s*ltc", {"long_term_care_grade": False}),
    (
        r"희귀(?:질환|병)?|난치(?:성)?(?:질환|병)?|중증\s*질환|중증\s*난치|암|암\s*환자|rare\s*disease|intractable",
        {"chronic_or_rare_disease": True},
    ),
    # region
    (r"서울(?:시|특별시)?|seoul", {"region": "seoul"}),
    (r"인천(?:시|광역시)?|incheon", {"region": "incheon"}),
    (r"경기(?:도)?|경기\s*광주(?:시)?|gyeonggi", {"region": "gyeonggi"}),
    (r"수도권", {"region": "capital_area"}),
    (
        r"(?:부산|대구|광주|대전|울산)(?:시|광역시)?|광역시|busan|daegu|gwangju|daejeon|ulsan",
        {"region": "metro_city"},
    ),
    (r"세종(?:시)?|sejong", {"region": "sejong"}),
    (r"농어촌|[가-힣]+군|county", {"region": "county"}),
    (
        r"강원(?:도)?|충북|충남|충청(?:북도|남도|도)?|전북|전남|전라(?:북도|남도|도)?|경북|경남|경상(?:북도|남도|도)?"
        r"|제주(?:도)?|지방",
        {"region": "other"},
    ),
)

_NEXT_LABEL = re.compile(r"\s(?:월세|rent)\b", re.IGNORECASE)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), answers) for pattern, answers in TOKENS)
_MAX_WORDS = 5
_WORD = re.compile(r"[^\s·/;|]+")
_LIST_ANSWERS = frozenset(("welfare_status", "crisis"))


Span = tuple[int, int]


@dataclass(frozen=True)
class Shorthand:
    answers: dict[str, Any] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)
    words: dict[str, str] = field(default_factory=dict, compare=False)  # answer key → the words it came from


def _spans(text: str) -> list[Span]:
    """Word spans without the commas and full stops that only separate words ("72세, 1인")."""
    spans = []
    for m in _WORD.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in ",.":
            start += 1
        while end > start and text[end - 1] in ",.":
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def _resolve(manual: Manual, answers: dict[str, Any], m: re.Match[str]) -> dict[str, Any] | None:
    """The answers an entry gives for this match, checked against the manual; None if they do not hold."""
    out: dict[str, Any] = {}
    for qid, given in answers.items():
        if qid == "+child":  # a child named with an income: "아들 월400만"
            parsed = parse_answer(manual.questions["household_income"], m["v"], "ko")
            if not parsed.ok or parsed.value is None:
                return None
            out[qid] = parsed.value
            continue
        question = manual.questions.get(qid)
        if question is None:
            if given is V:
                return None
            out[qid] = given  # a version 1 fact the chat no longer asks (lives_alone): taken as is
            continue
        if given is V:
            if _NEXT_LABEL.search(m["v"]):
                return None  # "월 65만 월세 25만": 월세 starts the next entry, it is no period of this one
            parsed = parse_answer(question, m["v"], "ko")
            if not parsed.ok:
                return None
            value = parsed.value
        else:
            value = given
        if question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
            values = value if isinstance(value, list) else [value]
            # A version 1 region (수도권, 지방) says less than a choice but is still a fact: kept as such.
            if any(question.choice(v) is None and not (qid == "region" and v in V1_REGION) for v in values):
                return None
        out[qid] = value
    ages = out.get("children_ages")
    if isinstance(ages, list) and "has_children" not in out and "has_children" in manual.questions:
        out["has_children"] = bool(ages)  # ages given means children, 없음 means none
    return out


def _best(manual: Manual, text: str, spans: list[Span], i: int) -> tuple[int, dict[str, Any]] | None:
    """(words covered, answers) of the entry covering most words from word i; ties go to the earlier."""
    for k in range(min(_MAX_WORDS, len(spans) - i), 0, -1):
        fragment = text[spans[i][0] : spans[i + k - 1][1]]
        for pattern, answers in _COMPILED:
            m = pattern.fullmatch(fragment)
            if m is not None and (resolved := _resolve(manual, answers, m)) is not None:
                return k, resolved
    return None


def _merge(answers: dict[str, Any], new: dict[str, Any], manual: Manual) -> bool:
    """Add `new` unless it contradicts what is already there; lists of benefits and crises grow."""
    if "+child" in new:
        # Each child named with an income is one more person: child1, child2 … in the order written.
        n = 1 + sum(1 for key in answers if key.startswith("child") and key.endswith(".income"))
        answers[f"child{n}.income"] = new["+child"]
        new = {k: v for k, v in new.items() if k != "+child"}
    for qid, value in new.items():
        if qid in answers and qid not in _LIST_ANSWERS and answers[qid] != value:
            return False
    for qid, value in new.items():
        if qid in _LIST_ANSWERS:
            have = set(answers.get(qid, [])) | set(value)
            answers[qid] = [c.value for c in manual.questions[qid].choices if c.value in have]
        else:
            answers[qid] = value
    return True


def parse_shorthand(text: str, manual: Manual) -> Shorthand:
    """Answers for every fragment understood; everything else, as written, in `unparsed`."""
    text = normalize(text)
    spans = _spans(text)
    answers: dict[str, Any] = {}
    words: dict[str, str] = {}
    unparsed: list[str] = []
    pending: Span | None = None  # a run of words not understood, kept together
    i = 0
    while i < len(spans):
        found = _best(manual, text, spans, i)
        before = set(answers)
        if found is not None and _merge(answers, found[1], manual):
            fragment = text[spans[i][0] : spans[i + found[0] - 1][1]]
            words.update(dict.fromkeys(set(answers) - before, fragment))
            if pending is not None:
                unparsed.append(text[pending[0] : pending[1]])
                pending = None
            i += found[0]
            continue
        end = spans[i + found[0] - 1][1] if found is not None else spans[i][1]
        pending = (pending[0] if pending is not None else spans[i][0], end)
        i += found[0] if found is not None else 1
    if pending is not None:
        unparsed.append(text[pending[0] : pending[1]])
    return Shorthand(answers, unparsed, words)
