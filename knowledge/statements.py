"""What a sentence states about the person writing, by question id.

"혼자 사는 노인인데 병원비가 많이 나와요" states a household of one with nobody else; "아들이랑 둘이
사는데 월세가 밀렸어요" a son, two people and a monthly rent; "72살 할머니인데" an age. Each fact comes
from an entry of SENTENCE_FACTS (or the counts, ages and places read below) and is cancelled by a
negation or a wish right after it ("월세 아니에요", "노인 일자리 하고 싶어요"). Two readings of one fact
that disagree drop it. A message about someone else ("친구가 혼자 사는데", "asking for my grandma")
states nothing about the writer. knowledge.understanding uses these facts beside the answer to the
question on screen; a resident's first message is read with `first_message`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from knowledge.answers import problem
from knowledge.model import Question, QuestionType
from knowledge.parsing import (
    MAX_LENGTH,
    ParseError,
    normalize,
    parse_choice,
    parse_int,
    parse_members,
)
from knowledge.shorthand import parse_shorthand

if TYPE_CHECKING:
    from knowledge.manual import Manual

_PEOPLE_TYPES: Final = frozenset((QuestionType.MEMBERS, QuestionType.WHO))

# What a sentence states, beyond the question asked. Each entry: a pattern searched in the text,
# the answers it gives, and whether a negation right after it ("월세 아니에요") cancels it.
_COUNT: Final = {"둘": 2, "셋": 3, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7, "두": 2, "세": 3, "네": 4}
# Cancels what was just named: a negation, or a wish ("노인 일자리 하고 싶어요" is not a job yet).
NEGATED_AFTER: Final = re.compile(
    r"^\S*\s*(?:은|는|이|가|을|를)?\s*(?:아니|아닌|안\s|안해|않|없|못|no\b|not\b|싶|하고\s*싶|려고|려면|할\s*수)"
)

SENTENCE_FACTS: Final[tuple[tuple[str, dict[str, Any], bool], ...]] = (
    (
        # 사시는 (honorific) is said of someone else: "혼자 사시는 아버지"
        r"혼자\s*(?:살아|사는|살고|삽니다|지내)|홀로\s*(?:살아|사는|살고|지내)|독거"
        r"|(?:live|living)\s+(?:alone|by\s+myself)",
        {"household_size": 1, "members": []},
        False,
    ),
    (
        r"한부모\s*(?:예요|이에요|인데|입니다|가정|가족)(?:이에요|인데|입니다|예요)?|싱글\s*(?:맘|대디)"
        r"|혼자\s*(?:아이|애|애들|아이들|자녀|아들|딸)(?:을|를|들을)?\s*(?:키우|기르|돌보)"
        r"|single\s+(?:mom|mother|dad|father|parent)",
        {"single_parent": True},
        True,
    ),
    (
        r"임신\s*(?:중|했|\d+\s*(?:주|개월))|임산부(?:예요|이에요|인데|입니다)|i\s*(?:am|'m)\s*pregnant"
        r"|출산\s*(?:예정|했)|아기를?\s*낳았",
        {"pregnant": True},
        True,
    ),
    (
        r"(?:장애\s*)?등록(?:은|이|을)?\s*(?:안|않|못)\s*(?:했|됐|돼|되|함|받)|장애(?:는|가)?\s*없"
        r"|no\s+(?:registered\s+)?disability|not\s+registered",
        {"disability": "none"},
        False,
    ),
    (r"(?:중증|심한)\s*장애|장애\s*[1-3]\s*급|severe(?:ly)?\s+disab", {"disability": "severe"}, True),
    (r"(?:경증|심하지\s*않은)\s*장애|장애\s*[4-6]\s*급|mild\s+disab", {"disability": "mild"}, True),
    (
        r"월세\s*(?:살|사는|삽니다|방|집|\d|[일이삼사오육칠팔구십백]+\s*만)|월세(?:가|를)?\s*(?:밀|비싸|올라|못\s*내|내고)"
        r"|pay\s+(?:the\s+)?rent|i\s+rent\b|renting",
        {"housing_type": "monthly_rent"},
        True,
    ),
    (r"전세\s*(?:살|사는|삽니다|방|집|사기|보증금)|jeonse", {"housing_type": "jeonse"}, True),
    (r"고시원|쪽방|비닐하우스|컨테이너|여인숙|gosiwon|goshiwon", {"housing_type": "non_housing"}, True),
    (
        r"영구임대|국민임대|임대\s*아파트|공공임대|lh\s*(?:임대|아파트)|public\s+(?:rental|housing)",
        {"housing_type": "public_rental"},
        True,
    ),
    (r"노숙|거리에서\s*(?:자|지내)|homeless", {"housing_type": "homeless"}, True),
    # "일 안 해요" is left to the employment question: not working, looking for work or unable to work?
    (r"직장인|회사원|회사\s*다니|직장\s*다니|i\s+work\s+(?:at|for|in)\b", {"employment": "employed"}, True),
    (r"농사(?:꾼|를|짓|지어)|장사(?:를|해|하)|자영업", {"employment": "self_employed"}, True),
    (
        r"일자리(?:를)?\s*(?:찾고|구하고|알아보)|구직\s*중|looking\s+for\s+(?:a\s+)?(?:job|work)",
        {"employment": "job_seeking"},
        True,
    ),
    (
        r"(?:파트\s*타임|아르바이트|알바|일용직|시간제|공공근로|노인\s*일자리)(?:으로|로)?\s*(?:일|해|하고|합|다녀|나가)"
        r"|(?:i\s+)?work\s+part[-\s]?time|i\s+have\s+a\s+(?:part[-\s]?time\s+)?job",
        {"employment": "employed"},
        True,
    ),
    (
        r"장사(?:를|해|하|합)|가게를?\s*(?:해|하|운영)|자영업|self[-\s]?employed",
        {"employment": "self_employed"},
        True,
    ),
    (
        r"(?:회사|직장|일자리)(?:에서|를|가|도|을)?\s*(?:잘리|잘렸|잘려|짤리|짤렸|짤려|그만|나왔|잃)|잘렸|잘려서|해고|실직|폐업|가게를?\s*접"
        r"|lost\s+(?:my|his|her|our)\s+job|laid\s+off|fired",
        {"crisis": ["job_loss"]},
        True,
    ),
    (
        r"단전|단수|전기(?:가|를)?\s*(?:끊|안\s*들어)|가스(?:가|를)?\s*끊|수도(?:가|를)?\s*끊"
        r"|(?:power|electricity|gas|water)\s+(?:was\s+|is\s+)?cut",
        {"crisis": ["utility_cut"]},
        True,
    ),
    (r"학대|가정\s*폭력|때려요|맞고\s*살|abuse|domestic\s+violence", {"crisis": ["abuse_or_violence"]}, True),
    (r"불이\s*나|화재|수해|침수|fire\s+(?:in|at|burned)|flood", {"crisis": ["disaster"]}, True),
    (
        r"암\s*(?:환자|진단|수술|치료|이에요|이래요)|희귀\s*(?:질환|병)|난치\s*(?:질환|병)|cancer|rare\s+disease",
        {"chronic_or_rare_disease": True},
        True,
    ),
    (
        r"장기\s*요양\s*(?:[1-5]\s*등급|등급)(?:을|이)?\s*(?:받았|있어|있습|나왔)",
        {"long_term_care_grade": True},
        True,
    ),
    (r"대학생|college\s+student|university\s+student", {"student_level": "university"}, True),
)
_COMPILED_FACTS: Final = tuple((re.compile(p, re.IGNORECASE), a, n) for p, a, n in SENTENCE_FACTS)

# "아들이랑 둘이 살아요", "우리 식구는 넷이에요", "we are a family of four": how many live together.
_SIZE_WORDS: Final = re.compile(
    r"(?P<w>둘|셋|넷|다섯|여섯|일곱)(?:이서|이|서)\s*(?:살아|살고|사는|삽니다|지내)"
    r"|식구(?:는|가)?\s*(?P<w2>둘|셋|넷|다섯|여섯|일곱)|(?P<w3>두|세|네|다섯|여섯)\s*식구"
    r"|(?P<d>\d+)\s*(?:식구|인\s*가구|명이서)"
    r"|family\s+of\s+(?P<en>two|three|four|five|six)",
    re.IGNORECASE,
)
_EN_COUNT: Final = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# Who lives with the person: a relation word said with living together.
_LIVES_WITH: Final = re.compile(
    r"(?:랑|하고|와|과|이랑)\s*(?:같이|함께|둘이|셋이|넷이|다섯이)?\s*(?:살|사는|삽니다|지내)"
    r"|(?:함께|같이)\s*(?:살|사는|삽니다)|live\s+with|living\s+with"
    r"|with\s+my\s+(?:wife|husband|son|daughter|kids|children|parents|mother|father|mom|dad)",
    re.IGNORECASE,
)
_AGE: Final = re.compile(
    r"(?<!\d)(?P<n>\d{1,3})\s*(?:세|살)(?!\s*(?:아이|아들|딸|자녀|손자|손녀|애|짜리|넘|이상|이하|미만|초과|가까이|쯤|정도|전후))"
    r"|\bi(?:'m|\s+am)\s+(?P<en>\d{1,3})\b|\b(?P<en2>\d{1,3})\s*(?:years?\s*old|y/?o)\b(?!\s*(?:son|daughter|child|kid|baby|boy|girl))",
    re.IGNORECASE,
)
# Whose age a number is: after these words it is someone else's (애들은 5살, 남편 일흔넷).
_OTHERS_BEFORE: Final = re.compile(
    r"애|아이|아들|딸|자녀|손자|손녀|손주|아기|남편|아내|영감|할멈|부인|집사람|엄마|아빠|어머니|아버지"
    r"|child|son|daughter|kid|baby|mother|father|husband|wife"
)
# An age in words (the writer's): 일흔다섯 살, 나는 일흔이고, 예순셋, 칠십이 세.
_AGE_WORDS: Final = re.compile(
    r"(?P<n>(?:스물|서른|마흔|쉰|예순|일흔|여든|아흔)(?:하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|한|두|세|네)?"
    r"|[이삼사오육칠팔구]십[일이삼사오육칠팔구]?)(?=\s*(?:살|세|이고|이에요|예요|이요|요|인데|입니다|\s|[.,]|$))"
)
_LIVING_IN: Final = re.compile(
    r"(?P<ko>[가-힣]{2,6}?)(?:에서|에)?\s*(?:살아|살고|사는|삽니다|거주)|(?:live|living|lives)\s+in\s+(?P<en>[a-z]+)",
    re.IGNORECASE,
)
BAND_AFTER: Final = re.compile(r"^\s*(?:대|넘|이상|이하|미만|초과|가까이|쯤|정도|여|남짓|s\b|\+)")
# Someone outside the household is the subject: their facts are not the writer's.
_SOMEONE_ELSE: Final = re.compile(
    r"(?:친구|이웃|옆집|앞집|윗집|아랫집|사촌|지인|동네|경로당|동생|형|언니|누나|오빠|어머니|아버지|엄마|아빠"
    r"|할머니|할아버지|할매|할배|시어머니|시아버지|장모|장인)\S{0,6}?(?:가|이|는|은|께서|네)\s"
    r"|\bmy\s+(?:neighbou?r|friend|mother|father|mom|dad|grandma|grandpa|grandmother|grandfather|brother|sister|cousin)"
    r"|asking\s+for|on\s+behalf\s+of",
    re.IGNORECASE,
)


def size_in(text: str) -> int | None:
    folded = normalize(text).casefold()
    if _COMPILED_FACTS[0][0].search(folded):  # 혼자 살아요
        return 1
    return _size_said(folded)


def _size_said(folded: str) -> int | None:
    """둘이 살아요, 식구는 넷, 네 식구예요, 4인 가구, a family of five."""
    size = _SIZE_WORDS.search(folded)
    if size is None:
        return None
    word = size["w"] or size["w2"] or size["w3"]
    return _COUNT[word] if word else int(size["d"]) if size["d"] else _EN_COUNT[size["en"].lower()]


def _members_said(folded: str, size: int | None) -> list[str]:
    """Who lives with the writer, when said with living together or when it agrees with the size."""
    try:
        people = parse_members(folded)
    except ParseError:
        return []
    if _LIVES_WITH.search(folded) or (size is not None and len(people) + 1 == size):
        return people
    return []


def _age_said(folded: str) -> int | None:
    """The writer's age: 72살, I'm 34, 일흔다섯 살, 나는 일흔이고 — not a child's or a spouse's
    (애들은 5살, 남편 일흔넷) and not a band (65세 넘었는데)."""
    for m in _AGE.finditer(folded):
        if not _OTHERS_BEFORE.search(folded[max(0, m.start() - 10) : m.start()]):
            return int(m["n"] or m["en"] or m["en2"])
    for m in _AGE_WORDS.finditer(folded):
        if _OTHERS_BEFORE.search(folded[max(0, m.start() - 8) : m.start()]) or BAND_AFTER.match(
            folded[m.end() :]
        ):
            continue
        try:
            return parse_int(m["n"])
        except ParseError:
            continue
    return None


def _region_said(question: Question, folded: str) -> str | None:
    """수원 살아요, 창원에 사는, live in Busan: a place named with living there."""
    for m in _LIVING_IN.finditer(folded):
        place = m["ko"] or m["en"]
        try:
            return parse_choice(question, place)
        except ParseError:
            continue
    return None


def facts_in(manual: Manual, text: str) -> dict[str, Any]:
    """Every fact the sentence states, by question id; two readings of one fact that disagree drop it."""
    found: dict[str, Any] = {}
    clashing: set[str] = set()

    def add(qid: str, value: Any) -> None:
        question = manual.questions.get(qid)
        if question is None or (question.type not in _PEOPLE_TYPES and problem(question, value) is not None):
            return  # a version 1 fact (지방) or a value the question does not have
        if qid in ("crisis", "welfare_status") and isinstance(value, list):
            merged = list(dict.fromkeys([*found.get(qid, []), *value]))
            found[qid] = merged
        elif qid in found and found[qid] != value:
            clashing.add(qid)
        else:
            found[qid] = value

    folded = normalize(text).casefold()
    for pattern, answers, negatable in _COMPILED_FACTS:
        for m in pattern.finditer(folded):
            if negatable and NEGATED_AFTER.match(folded[m.end() : m.end() + 8]):
                continue
            for qid, value in answers.items():
                add(qid, value)
            break
    if (size := _size_said(folded)) is not None:
        add("household_size", size)
    if "members" not in found and (people := _members_said(folded, found.get("household_size"))):
        add("members", people)
    if (age := _age_said(folded)) is not None:
        add("age", age)
    if "region" in manual.questions and (region := _region_said(manual.questions["region"], folded)):
        add("region", region)
    shorthand = parse_shorthand(text, manual)
    for qid, value in shorthand.answers.items():
        if qid in ("region", "crisis"):  # its 혼자 means 독거 in a staff line, not in a sentence
            add(qid, value)
    for qid in clashing:
        found.pop(qid, None)
    members, size = found.get("members"), found.get("household_size")
    if isinstance(members, list) and isinstance(size, int) and len(members) + 1 != size:
        found.pop("members")
        found.pop("household_size")
    elif isinstance(members, list) and size is None:
        found["household_size"] = len(members) + 1
    if found.get("welfare_status") == []:
        found.pop("welfare_status")
    return found


def first_message(manual: Manual, text: str) -> dict[str, Any]:
    """The facts a resident's opening sentence states, by question id (empty for a plain search, and
    for a message about someone else: "친구가 혼자 사는데", "asking for my grandma")."""
    clean = normalize(text)
    if not clean or len(clean) > MAX_LENGTH or _SOMEONE_ELSE.search(clean):
        return {}
    return facts_in(manual, clean)


_CLAUSE_END: Final = re.compile(r"(?:인데요?|는데요?|이고|이라서|라서|해서|[.,!?;])\s+")


def need_clause(text: str) -> str:
    """The clause that says what is needed: Korean puts it last ("혼자 사는 노인인데 | 병원비가 많이
    나와요"); the whole text when there is one clause."""
    clauses = [c.strip() for c in _CLAUSE_END.split(normalize(text)) if len(c.strip()) >= 3]
    return clauses[-1] if clauses else normalize(text)
