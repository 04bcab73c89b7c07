"""What a message says: the answer to the question on screen, and the other facts it states.

People answer as they talk, not as a form wants: "네 혼자 살아요" (household size and who lives with
them at once), "한 육십오만원쯤?", "파트타임으로 일해요", "무릎이 아픈데 등록은 안했어요", "I am 34",
"보증금 오백하고 통장에 삼백 팔백만원쯤". `understand` reads the question's own parser first, then the
same text without the hedges around the figure, then what the whole sentence says; every fact it
takes is said back in one line (the chat shows it, `back` takes it all back), so nothing is guessed
silently. `first_message` reads a resident's opening sentence ("혼자 사는 노인인데 병원비가 많이
나와요") for the facts it states, so the consultation asks only what is still missing.

Deliberately not read: an income without whose it is ("월 80 벌어요" in a first message), an age
band (칠십대, over 65), 수급 alone, and anything negated ("월세 아니에요").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from knowledge.answers import problem
from knowledge.model import Question, QuestionType
from knowledge.parsing import (
    MAX_LENGTH,
    ParseError,
    ParseResult,
    is_dont_know,
    normalize,
    parse_answer,
    parse_int_list,
    parse_members,
    read_money,
)
from knowledge.shorthand import parse_shorthand
from knowledge.text import Lang

if TYPE_CHECKING:
    from knowledge.manual import Manual

# Around a figure: 한 육십오만원쯤?, 대충 80 정도요, 저는 72살이에요, I am 34, about 1.2 million or so.
_HEDGE_START: Final = re.compile(
    r"^(?:음+|어+|그러니까|글쎄요?|아마(?:도)?|한|약|대략|대충|거의|한\s*달에?|매달|올해|지금|현재"
    r"|저는|제가|전|나는|난|저희는?|우리는?|저희\s*집은?|우리\s*집은?|본인은?|나이는?"
    r"|i'm|i am|im|we are|we're|it's|its|it is|she's|she is|he's|he is|they are|they're"
    r"|about|around|roughly|maybe|approximately|approx)"
    r"[\s,]+",
    re.IGNORECASE,
)
_HEDGE_END: Final = re.compile(
    r"[\s,]*(?:쯤|정도|가량|남짓|내외|될\s*걸요|될\s*거예요|될\s*거에요|인\s*것\s*같아요|것\s*같아요|같아요"
    r"|인데요|인데|이에요|예요|에요|이요|요|입니다|이다|벌어요|벌고\s*있어요|받아요|받고\s*있어요|나와요"
    r"|들어와요|돼요|되요|됩니다|있어요|있습니다|살아요|삽니다|이예요|[?？.!~]+"
    r"|or so|i think|maybe|probably|roughly|i guess)$",
    re.IGNORECASE,
)
# The first word answers a yes/no question and the rest says why: "네 혼자 살아요", "아니요 사별했어요".
_LEADING_YES_NO: Final = re.compile(
    r"^(?P<w>네|예|응|어|아니요|아니오|아뇨|아니|yes|yeah|yep|no|nope)(?:[\s,.!~]+|$)", re.IGNORECASE
)
_YES_WORDS: Final = frozenset(("네", "예", "응", "어", "yes", "yeah", "yep"))
# Benefits people name that are no choice of "which 급여 do you receive" (생계·의료·주거·교육, 차상위).
_OTHER_BENEFITS: Final = re.compile(
    r"기초연금|노령연금|국민연금|장애인연금|장애수당|아동수당|부모급여|실업급여|노인일자리|연금"
    r"|basic pension|national pension|pension|child allowance",
    re.IGNORECASE,
)
_NOTHING_RECEIVED: Final = re.compile(
    r"^(?:아무것도|하나도|받는\s*(?:거|것)(?:은|는)?|그런\s*(?:거|것)(?:은|는)?)?\s*(?:없어요|없음|없습니다|안\s*받아요|안받아요"
    r"|안\s*받습니다|못\s*받아요|nothing|none)"
)

# What a sentence states, beyond the question asked. Each entry: a pattern searched in the text,
# the answers it gives, and whether a negation right after it ("월세 아니에요") cancels it.
_COUNT: Final = {"둘": 2, "셋": 3, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7}
# Cancels what was just named: a negation, or a wish ("노인 일자리 하고 싶어요" is not a job yet).
_NEGATED_AFTER: Final = re.compile(
    r"^\S*\s*(?:은|는|이|가|을|를)?\s*(?:아니|아닌|안\s|안해|않|없|못|no\b|not\b|싶|하고\s*싶|려고|려면|할\s*수)"
)

SENTENCE_FACTS: Final[tuple[tuple[str, dict[str, Any], bool], ...]] = (
    (
        # 사시는 (honorific) is said of someone else: "혼자 사시는 아버지"
        r"혼자\s*(?:살아|사는데|사는\s*(?:노인|사람|할머니|할아버지|여자|남자|어르신)|살고|삽니다|지내)"
        r"|홀로\s*(?:살아|사는데|살고|지내)|독거|\bi\s+(?:live|am\s+living)\s+(?:alone|by\s+myself)|i'm\s+living\s+alone",
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
        r"(?:회사|직장|일자리)(?:에서|를|가)?\s*(?:잘리|잘렸|짤리|짤렸|그만|나왔|잃)|잘렸|해고|실직|폐업|가게를?\s*접"
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
    r"(?P<w>둘|셋|넷|다섯|여섯|일곱)(?:이서|이|서)?\s*(?:살|사는|삽니다|지내)"
    r"|식구(?:는|가)?\s*(?P<w2>둘|셋|넷|다섯|여섯|일곱)|(?P<d>\d+)\s*(?:식구|인\s*가구|명이서)"
    r"|family\s+of\s+(?P<en>two|three|four|five|six)",
    re.IGNORECASE,
)
_EN_COUNT: Final = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# Who lives with the person: a relation word said with living together.
_LIVES_WITH: Final = re.compile(
    r"(?:랑|하고|와|과|이랑)\s*(?:같이|함께|둘이|셋이|넷이|다섯이)?\s*(?:살|사는|삽니다|지내)"
    r"|(?:함께|같이)\s*(?:살|사는|삽니다)|live\s+with|living\s+with",
    re.IGNORECASE,
)
_AGE: Final = re.compile(
    r"(?<!\d)(?P<n>\d{1,3})\s*(?:세|살)(?!\s*(?:아이|아들|딸|자녀|손자|손녀|애|짜리|넘|이상|이하|미만|초과|가까이|쯤|정도|전후))"
    r"|\bi(?:'m|\s+am)\s+(?P<en>\d{1,3})\b|\b(?P<en2>\d{1,3})\s*(?:years?\s*old|y/?o)\b(?!\s*(?:son|daughter|child|kid))",
    re.IGNORECASE,
)
_NONE_SAID: Final = re.compile(
    r"^(?:[가-힣a-z]+(?:은|는|이|가|도)?\s+)?(?:하나도\s+|전혀\s+)?(?:없어요|없음|없습니다|없다|없어|없고|none|nothing)"
    r"(?:[\s.!~,].*)?$",
    re.IGNORECASE,
)
_JOIN_UNIT: Final = re.compile(
    r"(\d)\s+(?=(?:million|thousand|billion|mil|만|억|천|원|won)\b)", re.IGNORECASE
)
_CHILD_BEFORE: Final = re.compile(
    r"애|아이|아들|딸|자녀|손자|손녀|손주|아기|child|son|daughter|kid|baby|mother|father"
)
_AN_AGE: Final = re.compile(
    r"(?:만\s*)?\d{1,2}\s*(?:살|세|개월|months?|years?\s*old)"
    r"|(?:열|스물|스무)?(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉)\s*살|(?:열|스무)\s*살|돌\s*전|신생아"
)
# "저 포함해서 다섯 명이요", "우리 부부 둘이요", "three of us": a count said among other words.
_COUNT_OF_US: Final = re.compile(
    r"(?P<n>(?:\d+|한|두|세|네|다섯|여섯|일곱|여덟)\s*(?:명|식구)|(?:둘|셋|넷|다섯|여섯)(?=이|\b)"
    r"|(?:two|three|four|five|six)(?=\s+of\s+us))",
    re.IGNORECASE,
)
# Spoken endings a staff line does not have: 사별했어요 → 사별, 무자녀예요 → 무자녀.
_WORD_ENDINGS: Final = re.compile(
    r"(?:했어요|했습니다|했어|했고|했는데|이었어요|였어요|이에요|예요|에요|이요|입니다|이고|인데요|인데|요)(?=[\s.,!?~]|$)"
)
_PEOPLE_TYPES: Final = frozenset((QuestionType.MEMBERS, QuestionType.WHO))
_PEOPLE: Final = frozenset(("members", "household_size"))
_AMOUNT_WORD: Final = re.compile(r"(?:하고|이랑|랑|와|과|에|에는|이요|요|쯤|정도|이고|고|,)+$")
_MONEY_PARTS: Final = {
    "deposit": re.compile(r"보증금|deposit", re.IGNORECASE),
    "property_financial": re.compile(r"통장|예금|적금|저축|savings|bank", re.IGNORECASE),
    "car_value": re.compile(r"자동차|차|car", re.IGNORECASE),
    "property_housing": re.compile(r"집|주택|house|home", re.IGNORECASE),
}


@dataclass(frozen=True)
class Understood:
    """The reading of one message: `result` for the question asked, `also` for other questions.

    `said_back` names what needs saying back (the question's answer when it was read from a
    sentence rather than a plain figure, and every fact in `also`).
    """

    result: ParseResult
    also: dict[str, Any] = field(default_factory=dict)
    read_from_sentence: bool = False
    note: str | None = None  # a catalogue key to add to the say-back (기초연금 is not one of these)

    @property
    def said_back(self) -> bool:
        return self.result.ok and (self.read_from_sentence or bool(self.also))


def _strip_hedges(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _HEDGE_START.sub("", text, count=1).strip()
        text = _HEDGE_END.sub("", text, count=1).strip()
    return text


def _leading_yes_no(question: Question, text: str) -> bool | None:
    if question.type != QuestionType.BOOL:
        return None
    m = _LEADING_YES_NO.match(text)
    if m is None or not text[m.end() :].strip():
        return None
    return m["w"].lower() in _YES_WORDS


def _sum_of_parts(text: str) -> tuple[int, dict[str, int]] | None:
    """'보증금 오백하고 통장에 삼백 팔백만원쯤' → 800만 (the total said last, its parts in 만원) with
    the parts by kind; '집 2억 예금 천만' → their sum. None when the figures do not add up."""
    amounts: list[tuple[int, bool, str]] = []  # (amount, had a unit, the words before it)
    bare: list[str] = []  # each figure as written
    before: list[str] = []
    text = _JOIN_UNIT.sub(r"\1", text)  # "2.1 million", "80 만원": one figure, not two words
    for word in re.split(r"[\s,]+", text):
        core = _AMOUNT_WORD.sub("", word.strip("?？.!~"))
        try:
            money = read_money(core) if core and re.search(r"\d|[십백천만억]", core) else None
        except ParseError:
            money = None
        if money is None or money.period is not None:
            before.append(word)
            continue
        amounts.append((money.amount, money.has_unit and money.amount >= 10_000, " ".join(before)))
        bare.append(core)
        before = []
    if len(amounts) == 1:
        # One figure in a sentence ("혼자 사는데 한 50만원요"); a bare 150 or 오백 is said for 만원 (nobody
        # lives on 150원 a month) and is taken so, said back for the person to correct.
        amount, had_unit, _ = amounts[0]
        if not had_unit and 0 < amount < 10_000 and re.fullmatch(r"\d+|[일이삼사오육칠팔구십백천]+", bare[0]):
            return amount * 10_000, {}
        return (amount, {}) if had_unit else None
    if not amounts:
        return None
    *parts, (last, last_unit, _) = amounts
    total_bare = sum(a for a, _, _ in parts)
    if last_unit and not any(u for _, u, _ in parts) and total_bare * 10_000 == last:
        scaled = [(a * 10_000, words) for a, _, words in parts]
        return last, _kinds(scaled)
    if all(u for _, u, _ in parts) and total_bare == last:
        return last, _kinds([(a, words) for a, _, words in parts])
    if all(u for _, u, _ in amounts):
        every = [(a, words) for a, _, words in amounts]
        return sum(a for a, _ in every), _kinds(every)
    return None


def _kinds(parts: list[tuple[int, str]]) -> dict[str, int]:
    """Each part named by the words before it (보증금 500만 → deposit), when every part is named once."""
    found: dict[str, int] = {}
    for amount, words in parts:
        kinds = [k for k, pattern in _MONEY_PARTS.items() if pattern.search(words)]
        if len(kinds) != 1 or kinds[0] in found:
            return {}
        found[kinds[0]] = amount
    return found


Reading = tuple[ParseResult, dict[str, Any], str | None]


def _reread(question: Question, text: str, lang: Lang | str) -> Reading:
    """What the sentence says for the question asked, when its own parser refused it."""
    also: dict[str, Any] = {}
    qtype = question.type
    if (yes := _leading_yes_no(question, text)) is not None:
        return ParseResult(ok=True, value=yes), also, None
    if qtype == QuestionType.MULTI_CHOICE and question.id == "welfare_status":
        rest = _OTHER_BENEFITS.sub(" ", text)
        if rest != text:
            result = parse_answer(question, _strip_hedges(rest.strip()) or "없음", lang)
            if not result.ok:
                result = ParseResult(ok=True, value=[])
            return result, also, "understood.other_benefit"
        if _NOTHING_RECEIVED.match(text):
            return ParseResult(ok=True, value=[]), also, None
    if qtype == QuestionType.MONEY and _NONE_SAID.match(text) and _sum_of_parts(text) is None:
        return ParseResult(ok=True, value=0), also, None  # "차 없어요", "없어요 일 안해요"
    if qtype == QuestionType.MONEY and (summed := _sum_of_parts(text)) is not None:
        total, parts = summed
        if question.id == "assets":
            also.update(parts)
        return parse_answer(question, f"{total}원", lang), also, None
    if qtype == QuestionType.INT and question.id == "household_size":
        try:
            people = parse_members(text)
        except ParseError:
            people = None
        if people is not None:
            return ParseResult(ok=True, value=len(people) + 1), {"members": people}, None
    stripped = _strip_hedges(text)
    if stripped and stripped != text:
        result = parse_answer(question, stripped, lang)
        if result.ok:
            return result, also, None
    if qtype == QuestionType.INT_LIST and (ages := _ages_in(text)):
        return parse_answer(question, ", ".join(str(a) for a in ages), lang), also, None
    counts_people = question.unit is not None and question.unit.ko in ("명", "인")
    if qtype == QuestionType.INT and counts_people and (m := _COUNT_OF_US.search(text)) is not None:
        return parse_answer(question, m["n"], lang), also, None
    return ParseResult(ok=False), also, None


def _ages_in(text: str) -> list[int]:
    """Every age said in a sentence: '큰애 열두살 작은애 아홉살', '딸 9살이랑 아들 다섯살', '열다섯, 열셋'."""
    ages = []
    for m in _AN_AGE.finditer(text):
        try:
            ages.extend(parse_int_list(m.group(0)))
        except ParseError:
            return []
    return ages


def _sentence_facts(manual: Manual, text: str) -> dict[str, Any]:
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
            if negatable and _NEGATED_AFTER.match(folded[m.end() : m.end() + 8]):
                continue
            for qid, value in answers.items():
                add(qid, value)
            break
    if (size := _SIZE_WORDS.search(folded)) is not None:
        word = size["w"] or size["w2"]
        n = _COUNT[word] if word else int(size["d"]) if size["d"] else _EN_COUNT[size["en"].lower()]
        add("household_size", n)
    if _LIVES_WITH.search(folded) and "members" not in found:
        try:
            people = parse_members(folded)
        except ParseError:
            people = []
        if people:
            add("members", people)
    said_age = _AGE.search(folded)
    if said_age is not None and _CHILD_BEFORE.search(
        folded[max(0, said_age.start() - 10) : said_age.start()]
    ):
        said_age = None  # "애들은 5살, 8살이에요": the children's ages, not hers
    if said_age is not None:
        age = int(said_age["n"] or said_age["en"] or said_age["en2"])
        question = manual.questions.get("age")
        if question is not None and (question.max is None or age <= question.max):
            add("age", age)
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


def understand(
    manual: Manual, question: Question, text: str, known: dict[str, Any], lang: Lang | str = Lang.KO
) -> Understood:
    """The answer to `question` in `text`, and the facts it states for questions not yet answered."""
    clean = normalize(text) if isinstance(text, str) else ""
    direct = parse_answer(question, clean, lang)
    if not clean or len(clean) > MAX_LENGTH or (direct.ok and direct.dont_know) or is_dont_know(clean):
        return Understood(direct)
    also: dict[str, Any] = {}
    note: str | None = None
    if direct.ok:
        result, from_sentence = direct, False
    else:
        result, also, note = _reread(question, clean, lang)
        from_sentence = result.ok
        if not result.ok:
            result = direct  # the question's own message says what it wants
    facts = _sentence_facts(manual, clean)
    more = facts.get(question.id) if question.type == QuestionType.MULTI_CHOICE and result.ok else None
    if isinstance(more, list) and isinstance(result.value, list) and set(more) - set(result.value):
        # "실직하고 가스도 끊겼어요": the sentence names more than the first reading took
        union = [c.value for c in question.choices if c.value in {*more, *result.value}]
        result, from_sentence = ParseResult(ok=True, value=union), True
    clash = result.ok and question.id in facts and facts[question.id] != result.value
    if clash and question.type != QuestionType.MULTI_CHOICE:
        facts = {}  # the sentence says two things about the question asked: trust neither extra
    if result.ok and question.id in _PEOPLE and result.value is not None:
        # The answer itself says the other half: [child, child] is three people, 1 is nobody else.
        facts = {k: v for k, v in facts.items() if k not in _PEOPLE}
        if question.id == "members":
            also["household_size"] = len(result.value) + 1
        elif result.value == 1:
            also["members"] = []
    for qid, value in facts.items():
        if qid != question.id and qid not in known and qid not in also:
            also[qid] = value
    if not result.ok and question.id in facts:
        result, from_sentence = ParseResult(ok=True, value=facts[question.id]), True
        also.pop(question.id, None)
    if not result.ok and (said := _shorthand_answer(manual, question, clean)) is not None:
        # what a staff line would mean by the same words ("사별", "이혼" → no spouse; "무자녀")
        result, from_sentence = ParseResult(ok=True, value=said), True
    if not result.ok:
        also = {}  # nothing is kept from a message whose answer was refused: it is asked again whole
    return Understood(result, also, from_sentence, note)


def _shorthand_answer(manual: Manual, question: Question, text: str) -> Any:
    answers = parse_shorthand(_WORD_ENDINGS.sub("", text), manual).answers
    value = answers.get(question.id)
    if value is None or question.type not in (QuestionType.BOOL, QuestionType.CHOICE, QuestionType.INT):
        return None  # a list read word by word may be half of what was said ("생계랑 의료" → 의료)
    return value if question.type in _PEOPLE_TYPES or problem(question, value) is None else None


def first_message(manual: Manual, text: str) -> dict[str, Any]:
    """The facts a resident's opening sentence states, by question id (empty for a plain search)."""
    clean = normalize(text)
    if not clean or len(clean) > MAX_LENGTH:
        return {}
    return _sentence_facts(manual, clean)
