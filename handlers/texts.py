"""Fixed interface wording in Korean and English. Manual content has its own translations."""

from __future__ import annotations

from typing import Any

from knowledge.text import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "greeting": (
        "안녕하세요. 동 행정복지센터 <b>복지 안내 도우미</b>예요.\n"
        "몇 가지 질문에 답하시면 받을 수 있는 복지 제도와 신청 방법을 알려 드려요.\n"
        "안내일 뿐 결정은 아니에요. 최종 결정은 신청 후 조사로 정해져요.",
        "Hello. I am the <b>welfare guide</b> of your community centre (동 행정복지센터).\n"
        "Answer a few questions and I will show which support you may get and how to apply.\n"
        "This is guidance, not a decision: the office decides after you apply.",
    ),
    "menu.self": ("📝 자가진단", "📝 Self-check"),
    "menu.browse": ("📚 분야별 안내", "📚 Browse by domain"),
    "menu.records": ("🗂 상담 기록", "🗂 Consultation records"),
    "menu.lang": ("🌐 English", "🌐 한국어"),
    "menu.resume": ("▶ 하던 상담 이어서", "▶ Continue my consultation"),
    "scope.ask": ("어떤 분야를 알아볼까요?", "Which area would you like to check?"),
    "scope.all": ("전체 (모든 분야)", "Everything"),
    "nav.back": ("◀ 이전", "◀ Back"),
    "nav.skip": ("건너뛰기/모름", "Skip / don't know"),
    "nav.restart": ("⟲ 처음부터", "⟲ Start over"),
    "nav.help": ("❔ 도움말", "❔ Help"),
    "multi.done": ("✔ 선택 완료", "✔ Done"),
    "multi.none": ("해당 없음", "None of these"),
    "yes": ("예", "Yes"),
    "no": ("아니요", "No"),
    "question.head": ("질문 {n}", "Question {n}"),
    "question.typed": ("숫자로 답해 주세요. 예: {example}", "Please type your answer, e.g. {example}"),
    "question.multi": (
        "해당하는 것을 모두 누른 뒤 '선택 완료'를 눌러 주세요.",
        "Tap all that apply, then 'Done'.",
    ),
    "question.way_out": (
        "답을 알아듣기 어려워요. 모르시면 '건너뛰기/모름'을, 설명이 필요하면 '도움말'을 눌러 주세요.",
        "I could not understand the answer. Tap 'Skip / don't know' or 'Help'.",
    ),
    "help.none": ("이 질문에는 따로 설명이 없어요.", "There is no extra help for this question."),
    "results.head": (
        "<b>상담 결과</b> ({date} 기준, 답한 질문 {n}개)",
        "<b>Results</b> (as of {date}, {n} answers)",
    ),
    "results.eligible": ("✅ <b>받을 수 있어요</b>", "✅ <b>You may be eligible</b>"),
    "results.unknown": ("❓ <b>확인이 필요해요</b>", "❓ <b>Needs checking</b>"),
    "results.ineligible": ("❌ <b>해당하지 않아요</b>", "❌ <b>Not eligible</b>"),
    "results.settle": ("더 알면 정해져요: {questions}", "Would be settled by: {questions}"),
    "results.none": ("해당하는 제도가 없어요.", "No programme in this group."),
    "results.footer": (
        "제도 이름을 누르면 신청 방법과 준비물을 볼 수 있어요. 안내일 뿐 결정은 아니에요.",
        "Tap a programme for how to apply and what to bring. This is guidance, not a decision.",
    ),
    "verify": ("⚠ 금액·기준은 변동될 수 있으니 확인하세요.", "⚠ Figures may change: please check."),
    "card.benefit": ("💰 <b>지원 내용</b>", "💰 <b>What it gives</b>"),
    "card.who": ("👤 <b>대상</b>", "👤 <b>Who can get it</b>"),
    "card.verdict": ("📋 <b>이번 상담에서</b>", "📋 <b>In this consultation</b>"),
    "card.apply": ("🏢 <b>신청</b>", "🏢 <b>How to apply</b>"),
    "card.docs": ("📄 <b>준비물</b>", "📄 <b>What to bring</b>"),
    "card.phone": ("☎ 문의 {phone}", "☎ Ask: {phone}"),
    "card.source": ("출처: {title} ({date} 확인)", "Source: {title} (checked {date})"),
    "card.check": ("🔎 내가 받을 수 있는지 확인", "🔎 Check if I can get it"),
    "card.local": ("🏘 우리 동네 사업", "🏘 Local programme"),
    "browse.ask": ("분야를 골라 주세요.", "Choose a domain."),
    "browse.list": ("<b>{domain}</b> 분야의 제도예요.", "Programmes in <b>{domain}</b>."),
    "cancelled": (
        "상담을 멈췄어요. 다시 하려면 /start 를 눌러 주세요.",
        "Consultation stopped. Send /start to begin again.",
    ),
    "nothing_to_cancel": ("진행 중인 상담이 없어요.", "There is no consultation in progress."),
    "stale": (
        "지난 질문의 버튼이에요. 아래 새 질문에 답해 주세요.",
        "That button belongs to an earlier question.",
    ),
    "bad_button": (
        "이 버튼은 쓸 수 없어요. /start 로 다시 시작해 주세요.",
        "This button cannot be used. Send /start.",
    ),
    "denied": ("이 기능은 담당 공무원만 쓸 수 있어요.", "This is for registered staff only."),
    "error": (
        "죄송해요, 처리 중에 문제가 생겼어요. 지금까지의 답은 저장되어 있어요. "
        "다시 시도하거나 /start 를 눌러 주세요.",
        "Sorry, something went wrong. Your answers so far are saved. Try again or send /start.",
    ),
    "lang.set": ("이제 한국어로 안내할게요.", "I will use English from now on."),
    "search.none": (
        "'{query}'에 맞는 제도를 찾지 못했어요. 다른 말로 써 보시거나 '분야별 안내'를 눌러 주세요.",
        "Nothing matched '{query}'. Try other words or browse by domain.",
    ),
    "search.head": ("'{query}' 검색 결과예요.", "Results for '{query}'."),
    "search.maybe": ("혹시 이것을 찾으셨나요?", "Did you mean one of these?"),
    "pii.masked": (
        "개인정보(주민등록번호·전화번호)는 저장하지 않아요. 입력하신 내용에서 가렸어요.",
        "Personal numbers are never stored; I masked them in what you typed.",
    ),
    "staff.ask_household": (
        "어느 가구를 상담할까요? 가구 코드(예: H-0042)를 보내거나 아래에서 골라 주세요. 이름은 쓰지 마세요.",
        "Which household? Send its code (e.g. H-0042) or pick one below. Never use names.",
    ),
    "staff.new_household": ("➕ 새 가구 코드 만들기", "➕ New household code"),
    "staff.household": ("<b>가구 {code}</b>", "<b>Household {code}</b>"),
    "staff.no_history": ("이전 상담이 없어요.", "No earlier consultations."),
    "staff.history": ("이전 상담 {n}건:", "{n} earlier consultation(s):"),
    "staff.asked": ("질문 {n}개", "{n} questions"),
    "staff.state.asking": ("진행 중", "in progress"),
    "staff.state.results": ("결과 안내함", "results shown"),
    "staff.state.cancelled": ("중단", "stopped"),
    "staff.start": ("▶ 이 가구 상담 시작", "▶ Consult for this household"),
    "staff.reuse": ("♻ 지난 답 {n}개 다시 쓰기 ({date})", "♻ Reuse {n} answers from {date}"),
    "staff.fresh": ("▶ 처음부터 새로 묻기", "▶ Ask everything afresh"),
    "staff.bad_code": (
        "가구 코드는 H-0042 처럼 H와 숫자 4~6자리예요.",
        "A household code looks like H-0042 (H and 4 to 6 digits).",
    ),
    "staff.unknown_household": (
        "{code} 가구가 없어요. 새로 만들려면 아래 버튼을 누르세요.",
        "No household {code}. Use the button below to create one.",
    ),
    "check.usage": (
        "한 줄로 적으면 바로 판정해요. 예: /check 72세 1인 월80만 독거 장애없음 월세25만",
        "One line of shorthand gives verdicts at once, e.g. /check 72 1-person income 800k alone rent 250k",
    ),
    "check.head": ("<b>빠른 확인</b> ({date} 기준)", "<b>Quick check</b> (as of {date})"),
    "check.understood": ("알아들은 것: {answers}", "Understood: {answers}"),
    "check.unparsed": ("⚠ 알아듣지 못한 부분: {parts}", "⚠ Not understood: {parts}"),
    "check.missing": ("아래 질문에 답하면 더 정해져요.", "Answer one of these to settle more."),
    "help": (
        "/start 처음 화면 · /cancel 상담 멈추기 · /lang 언어 바꾸기\n"
        "궁금한 제도 이름을 그냥 써 보내면 찾아 드려요 (예: 기초연금, 월세 지원).",
        "/start home · /cancel stop · /lang switch language\n"
        "Type a programme name to look it up (e.g. basic pension, rent support).",
    ),
}


def t(key: str, lang: Lang | str, **values: Any) -> str:
    ko, en = TEXTS[key]
    text = en if lang == Lang.EN else ko
    return text.format(**values) if values else text
