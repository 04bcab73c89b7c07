"""What a message says: the answer to the question on screen, and the other facts it states.

People answer as they talk, not as a form wants: "네 혼자 살아요" (household size and who lives with
them at once), "한 육십오만원쯤?", "파트타임으로 일해요", "무릎이 아픈데 등록은 안했어요", "I am 34",
"보증금 오백하고 통장에 삼백 팔백만원쯤". `understand` reads the question's own parser first, then the
same text without the hedges around the figure, then what the whole sentence says; every fact it
takes is said back in one line (the chat shows it, `back` takes it all back), so nothing is guessed
silently. The facts a sentence states are read by knowledge.statements; the amounts in it by
knowledge.amounts.

Deliberately not read: an income without whose it is ("월 80 벌어요" in a first message), an age
band (칠십대, over 65), 수급 alone, and anything negated ("월세 아니에요").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from knowledge import amounts, statements
from knowledge.answers import problem
from knowledge.model import Question, QuestionType
from knowledge.parsing import (
    MAX_LENGTH,
    ParseError,
    ParseResult,
    Problem,
    is_dont_know,
    normalize,
    parse_answer,
    parse_choice,
    parse_int,
    parse_int_list,
    parse_members,
    relations_said,
)
from knowledge.shorthand import NUMBER_SYLLABLES as _NUMBER_SYLLABLES
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
_YES_NO_WORDS: Final = {
    **dict.fromkeys(
        ("네네", "네", "예", "응", "어", "웅", "넵", "넹", "ㅇㅇ", "ㅇ", "yes", "yeah", "yep"), True
    ),
    **dict.fromkeys(("아니요", "아니오", "아뇨", "아니", "아녀", "ㄴㄴ", "ㄴ", "no", "nope"), False),
}
# NFKC, as every message is normalised: ㅇ (compatibility jamo) becomes ᄋ.
_YES_NO_ALTERNATION: Final = "|".join(sorted((normalize(w) for w in _YES_NO_WORDS), key=len, reverse=True))
_LEADING_YES_NO: Final = re.compile(rf"^(?P<w>{_YES_NO_ALTERNATION})(?:[\s,.!~]+|$)", re.IGNORECASE)
# The yes/no questions about who lives here, answered by naming them: "영감이랑 둘이 살아요" (spouse),
# "애들 다 출가했어요" (no children at home), "혼자여" (nobody).
_RELATION_QUESTIONS: Final = {
    "has_spouse": frozenset(("spouse",)),
    "has_children": frozenset(("child", "grandchild")),
    "living_with_parents": frozenset(("parent",)),
}
_NOBODY: Final = re.compile(
    r"혼자|없어요|없음|없습니다|없지|안\s*했|안했|미혼|alone|nobody|\bnone\b|\bno\b", re.I
)
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

_NONE_SAID: Final = re.compile(
    r"^(?:[가-힣a-z]+(?:은|는|이|가|도)?\s+)?(?:하나도\s+|전혀\s+)?(?:없어요|없음|없습니다|없다|없어|없고|none|nothing)"
    r"(?:[\s.!~,].*)?$",
    re.IGNORECASE,
)
_AN_AGE: Final = re.compile(
    r"(?:만\s*)?\d{1,2}\s*(?:살|세|개월|months?|years?\s*old)"
    r"|(?:열|스물|스무)?(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉)\s*살|(?:열|스무)\s*살|돌\s*전|신생아"
)
# "저 포함해서 다섯 명이요", "우리 부부 둘이요", "three of us": a count said among other words.
_LEADING_COUNT: Final = re.compile(
    r"^(?P<n>\d+|한|두|세|네|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|열)\s*(?:명|식구|사람)?\s*(?:이요|요|이에요|예요|입니다)?(?:[\s,.!]|$)"
)
_COUNT_OF_US: Final = re.compile(
    r"(?P<n>(?:\d+|한|두|세|네|다섯|여섯|일곱|여덟)\s*(?:명|식구)|(?:둘|셋|넷|다섯|여섯)(?=이|\b)"
    r"|(?:two|three|four|five|six)(?=\s+of\s+us))",
    re.IGNORECASE,
)
# Spoken endings a staff line does not have: 사별했어요 → 사별, 무자녀예요 → 무자녀.
_WORD_ENDINGS: Final = re.compile(
    r"(?:했어요|했습니다|했어|했고|했는데|이었어요|였어요|이에요|예요|에요|이요|입니다|이고|인데요|인데|요)(?=[\s.,!?~]|$)"
)
_NATIVE_START: Final = re.compile(r"하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|한|두|세|네|서이|너이")
_LEADING_NUMBER: Final = re.compile(
    r"^(?:(?:만\s*나이로?|만으로|올해\s*(?:만으로)?|나이는?|나는?|저는?|저|나|제\s*나이는?|i'?m|i\s+am)\s*)?"
    rf"(?P<n>\d[\d,]*|[{_NUMBER_SYLLABLES}]+(?:\s[{_NUMBER_SYLLABLES}]+)?)(?P<unit>\s*(?:살|세))?"
)
# 만 나이 said beside another age ("올해 팔십인디 만으로는 일흔아홉이여"): the one the question asks.
_FULL_AGE: Final = re.compile(rf"만\s*(?:으로는?|나이로는?|나이는)\s*(?P<n>\d+|[{_NUMBER_SYLLABLES}]+)")
_CHOICE_WORD_END: Final = re.compile(r"(?:이랑|랑|하고|받고|받아요|이요|요|도|은|는|만|와|과)+$")
_COUNTY: Final = re.compile(r"[가-힣]{1,4}군(?:이에요|이요|요|입니다|에\s*살아요|$|\s)")
# Yes/no questions answered in their own words (BOOL_WORDS): one pattern per answer.
BOOL_WORDS: Final[dict[str, dict[bool, re.Pattern[str]]]] = {
    qid: {value: re.compile(spec, re.I) for value, spec in answers.items()}
    for qid, answers in {
        "married": {
            True: r"결혼했|기혼|유부남|유부녀|남편이?\s*있|아내가?\s*있|married",
            False: r"미혼|결혼\s*안|이혼|사별|돌싱|single|divorced|widowed|never married",
        },
        "long_term_care_grade": {
            True: r"[1-5]\s*등급|인지지원\s*등급|등급\s*(?:받았|나왔|있어)|grade\s*[1-5]",
            False: r"등급\s*외|등급\s*없|신청만|결과\s*안\s*나왔|안\s*받았|no\s+grade",
        },
        "chronic_or_rare_disease": {
            True: (
                r"산정\s*특례|희귀|난치|암\s*(?:환자|치료|진단|수술)|파킨슨|루게릭|투석"
                r"|cancer|rare\s+disease"
            ),
            False: (
                r"혈압약만|당뇨(?:랑|와)?\s*(?:고)?혈압\s*정도|(?:고)?혈압\s*정도|그런\s*(?:건|거)\s*없"
                r"|no\s+serious"
            ),
        },
        "living_with_parents": {
            True: (
                r"본가|부모님\s*(?:이랑|하고|과|와)?\s*(?:같이|함께)?\s*(?:살|지내)|부모님\s*댁"
                r"|with\s+(?:my\s+)?parents"
            ),
            False: r"자취|기숙사|나와\s*살|따로\s*(?:살|얻어|나와)|독립|on\s+my\s+own|dorm",
        },
        "single_parent": {
            True: (
                r"혼자\s*(?:애|아이|애들|아이들|자녀|손주|손자|손녀)\S*\s*(?:키우|기르|돌보)|한부모|조손"
                r"|손주\S*\s*키우|싱글\s*맘"
            ),
            False: r"(?:남편|아내|애\s*아빠|애\s*엄마)\S*\s*(?:이랑|하고|와|과)?\s*(?:같이|함께)\s*키워",
        },
        "pregnant": {
            True: r"임신\s*(?:중|했|\d+\s*(?:주|개월))|출산\s*(?:했|예정)|낳았|pregnant",
            False: r"임신\s*(?:안|아니)|not\s+pregnant",
        },
    }.items()
}
_FIGURES: Final = frozenset((QuestionType.INT, QuestionType.MONEY, QuestionType.INT_LIST))
_PEOPLE_TYPES: Final = frozenset((QuestionType.MEMBERS, QuestionType.WHO))
_PEOPLE: Final = frozenset(("members", "household_size"))


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


def _names_two_choices(question: Question, text: str) -> bool:
    if question.type != QuestionType.CHOICE:
        return False
    try:
        parse_choice(question, text)
    except ParseError as err:
        return err.problem == Problem.AMBIGUOUS
    return False


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
    return {normalize(w): yes for w, yes in _YES_NO_WORDS.items()}[m["w"].lower()]


Reading = tuple[ParseResult, dict[str, Any], str | None]


def _reread(question: Question, text: str, lang: Lang | str) -> Reading:
    """What the sentence says for the question asked, when its own parser refused it."""
    also: dict[str, Any] = {}
    qtype = question.type
    if (yes := _leading_yes_no(question, text)) is not None:
        return ParseResult(ok=True, value=yes), also, None
    if (named := _relation_answer(question, text)) is not None:
        return ParseResult(ok=True, value=named), also, None
    if qtype == QuestionType.BOOL and (worded := _said_yes_or_no(question, text)) is not None:
        return ParseResult(ok=True, value=worded), also, None
    if qtype == QuestionType.MULTI_CHOICE and (picked := _choices_named(question, text)) is not None:
        return ParseResult(ok=True, value=picked), also, None
    if question.id == "region" and _COUNTY.search(text):
        return ParseResult(ok=True, value="county"), also, None
    if qtype == QuestionType.MULTI_CHOICE and question.id == "welfare_status":
        rest = _OTHER_BENEFITS.sub(" ", text)
        if rest != text:
            result = parse_answer(question, _strip_hedges(rest.strip()) or "없음", lang)
            if not result.ok:
                result = ParseResult(ok=True, value=[])
            return result, also, "understood.other_benefit"
        if _NOTHING_RECEIVED.match(text):
            return ParseResult(ok=True, value=[]), also, None
    if qtype == QuestionType.MONEY and _NONE_SAID.match(text) and not amounts.figures(text):
        return ParseResult(ok=True, value=0), also, None  # "차 없어요", "없어요 일 안해요"
    if qtype == QuestionType.MONEY and (said := amounts.read(question.id, question.period, text)) is not None:
        also.update(said.parts)
        return parse_answer(question, f"{said.amount}원", lang), also, None
    if qtype == QuestionType.INT and question.id == "household_size":
        # A count said as the answer ("일곱이요 애들이 많아서", "둘이 살아요") or living alone ("아들은
        # 주소만 여기 있고 실제론 나 혼자 살아요") wins over counting the relations named.
        if (lead := _LEADING_COUNT.match(text)) is not None:
            return parse_answer(question, lead["n"], lang), also, None
        told = statements.size_in(text)
        try:
            people: list[str] | None = parse_members(text)
        except ParseError:
            people = None
        if told is not None:
            fits = people is not None and len(people) + 1 == told
            return ParseResult(ok=True, value=told), ({"members": people} if fits else {}), None
        if people is not None:
            return ParseResult(ok=True, value=len(people) + 1), {"members": people}, None
    counts_people = question.unit is not None and question.unit.ko in ("명", "인")
    # Hedges go from around figures only: for a choice the words are the answer ("…찾고 있어요").
    stripped = _strip_hedges(text) if qtype in _FIGURES else text
    if stripped and stripped != text:
        result = parse_answer(question, stripped, lang)
        if result.ok:
            return result, also, None
    if qtype == QuestionType.INT and not counts_people and (n := _leading_number(text)) is not None:
        return parse_answer(question, str(n), lang), also, None
    if qtype == QuestionType.INT_LIST and (ages := _ages_in(text)):
        return parse_answer(question, ", ".join(str(a) for a in ages), lang), also, None
    if qtype == QuestionType.INT and counts_people and (m := _COUNT_OF_US.search(text)) is not None:
        return parse_answer(question, m["n"], lang), also, None
    return ParseResult(ok=False), also, None


def _said_yes_or_no(question: Question, text: str) -> bool | None:
    """A yes/no question answered in its own words: 미혼이요 (married: no), 산정특례 받았어요 (a rare
    disease: yes), 자취해요 (living with parents: no). One reading only; a negation cancels a yes."""
    words = BOOL_WORDS.get(question.id)
    if words is None:
        return None
    folded = normalize(text).casefold()
    said = {value for value, pattern in words.items() if pattern.search(folded)}
    if said == {True} and statements.NEGATED_AFTER.match(folded[_last_end(words[True], folded) :][:8]):
        return None
    return said.pop() if len(said) == 1 else None


def _last_end(pattern: re.Pattern[str], text: str) -> int:
    ends = [m.end() for m in pattern.finditer(text)]
    return ends[-1] if ends else 0


def _choices_named(question: Question, text: str) -> list[str] | None:
    """'주거급여 받고 애 교육급여 받아요', '의료 2종이랑 주거': every choice named in a sentence, word by
    word, unless the next word takes it back (생계는 안 받고)."""
    words = [w for w in re.split(r"[\s,]+", normalize(text)) if w]
    chosen: set[str] = set()
    for i, word in enumerate(words):
        core = _CHOICE_WORD_END.sub("", word)
        try:
            value = parse_choice(question, core) if len(core) >= 2 else None
        except ParseError:
            continue
        after = " ".join(words[i + 1 : i + 2])
        if value is not None and not statements.NEGATED_AFTER.match(after):
            chosen.add(value)
    return [c.value for c in question.choices if c.value in chosen] or None


def _relation_answer(question: Question, text: str) -> bool | None:
    wanted = _RELATION_QUESTIONS.get(question.id)
    if wanted is None:
        return None
    alive, gone = relations_said(text)
    if alive & wanted:
        return True
    if gone & wanted or _NOBODY.search(text):
        return False
    return None


def _leading_number(text: str) -> int | None:
    """The number a reply starts with, whatever follows: "여든하나 먹었어요", "나 칠십칠이여", "쉰여덟입니다.
    허리가…", "78 (만 나이)". Not a band: "칠십 넘었어요", "70대"."""
    full = _FULL_AGE.search(text)
    m = _LEADING_NUMBER.match(full["n"] if full is not None else text)
    if m is None or statements.BAND_AFTER.match(text[m.end() :] if full is None else ""):
        return None
    words = m["n"].replace(",", "").replace(" ", "")  # 여든 하나 → 여든하나
    unit = "살" if m["unit"] else ""
    for end in range(len(words), 0, -1):  # 칠십칠이 → 칠십칠: the longest reading that is a number
        try:
            n = parse_int(words[:end] + (unit if end == len(words) else ""))
        except ParseError:
            continue
        # 칠십둘 or 서른두 (살 missing) mixes two ways of counting, or is cut short: asked again.
        return None if _NATIVE_START.match(words[end:]) else n
    return None


def _ages_in(text: str) -> list[int]:
    """Every age said in a sentence: '큰애 열두살 작은애 아홉살', '딸 9살이랑 아들 다섯살', '열다섯, 열셋'."""
    ages = []
    for m in _AN_AGE.finditer(text):
        try:
            said = parse_int_list(m.group(0))
        except ParseError:
            return []
        around = text[max(0, m.start() - 6) : m.start()] + text[m.end() : m.end() + 8]
        twins = "쌍둥이" in around or "twins" in around
        ages.extend(said * 2 if twins and len(said) == 1 else said)
    return ages


def understand(
    manual: Manual, question: Question, text: str, known: dict[str, Any], lang: Lang | str = Lang.KO
) -> Understood:
    """The answer to `question` in `text`, and the facts it states for questions not yet answered."""
    clean = normalize(text) if isinstance(text, str) else ""
    direct = parse_answer(question, clean, lang)
    if not clean or len(clean) > MAX_LENGTH or (direct.ok and direct.dont_know) or is_dont_know(clean):
        return Understood(direct)
    if not direct.ok and _names_two_choices(question, clean):
        return Understood(direct)  # "회사 다니다가 지금은 쉬어요": the options are shown, one is chosen
    also: dict[str, Any] = {}
    note: str | None = None
    if direct.ok:
        result, from_sentence = direct, False
    else:
        result, also, note = _reread(question, clean, lang)
        from_sentence = result.ok
        if not result.ok:
            result = direct  # the question's own message says what it wants
    facts = statements.facts_in(manual, clean)
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
