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
    "members.so_far": ("지금까지: 본인, {people}", "So far: you, {people}"),
    "members.none_yet": ("아직 없음", "nobody yet"),
    "members.pop": ("↩ 하나 빼기", "↩ Remove the last"),
    "members.alone": ("🏠 혼자 살아요", "🏠 I live alone"),
    "who.nobody": ("없음", "Nobody"),
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
        "개인정보(주민등록번호·전화번호·계좌번호·이메일·주소)는 저장하지 않아요. 입력하신 내용에서 가렸어요.",
        "Personal data (registration, phone and account numbers, e-mail, addresses) is never stored; "
        "I masked it in what you typed.",
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
    "need.button": ("📝 필요한 도움 기록하기", "📝 Record a need for follow-up"),
    "need.card_button": ("📝 이 제도 신청 도움 요청", "📝 Ask for help with this programme"),
    "need.household": (
        "어느 가구의 필요인가요? 가구 코드(예: H-0042)를 보내 주세요. 이름은 쓰지 마세요.",
        "Which household is this for? Send its code (e.g. H-0042). Never use names.",
    ),
    "need.category": ("어떤 도움이 필요한가요?", "What kind of help is needed?"),
    "need.urgency": ("얼마나 급한가요?", "How urgent is it?"),
    "need.describe": (
        "필요한 도움을 짧게 적어 주세요 ({limit}자 이내). 이름·주민등록번호·전화번호·주소는 적지 마세요.",
        "Describe the need in a sentence or two (at most {limit} characters; no names, "
        "registration or phone numbers, addresses).",
    ),
    "need.consent_yes": ("동의해요", "I agree"),
    "need.consent_no": ("동의하지 않아요", "I do not agree"),
    "need.declined": (
        "알겠어요. 아무것도 저장하지 않았어요. "
        "129(보건복지상담센터)나 동 행정복지센터에 직접 문의하셔도 돼요.",
        "Understood: nothing was saved. You can also call 129 or visit the community centre.",
    ),
    "need.callback": (
        "담당자가 전화로 연락드려도 될까요? 편한 시간을 골라 주세요.",
        "May someone call you back? Pick a time.",
    ),
    "need.cb.am": ("평일 오전", "Weekday mornings"),
    "need.cb.pm": ("평일 오후", "Weekday afternoons"),
    "need.cb.eve": ("저녁 6시 이후", "After 6 pm"),
    "need.cb.none": ("전화는 필요 없어요", "No call needed"),
    "need.saved": (
        "기록했어요 (#{id}). 담당자가 {due}까지 확인할 거예요.",
        "Recorded (#{id}). Someone will look at it by {due}.",
    ),
    "need.saved_note": (
        "기존 기록 #{id}에 메모로 남겼어요.",
        "Added as a note to the existing record #{id}.",
    ),
    "need.duplicate": (
        "이 가구에는 같은 지원이 이미 기록되어 있어요: {items}. 같은 도움이 두 번 가지 않도록 확인해 주세요.",
        "This household already has the same support on record: {items}. Please check to avoid doubling up.",
    ),
    "need.dup_note": ("기존 기록 #{id}에 메모로 남기기", "Add to #{id} as a note"),
    "need.dup_override": ("새로 기록하기 (사유 입력)", "Record anyway (give a reason)"),
    "need.override_reason": (
        "새로 기록하는 사유를 적어 주세요 ({limit}자 이내). 사유는 기록에 남아요.",
        "Why record it anyway (at most {limit} characters)? The reason is kept.",
    ),
    "need.override_only_coordinator": (
        "중복 여부는 코디네이터가 판단해요. 기존 기록에 메모로 남겨 주세요.",
        "Only a coordinator can record a duplicate; add it to the existing record instead.",
    ),
    "need.no_draft": (
        "진행 중인 기록이 없어요. /need 로 시작해 주세요.",
        "No record in progress. Send /need.",
    ),
    "need.urgent_alert": (
        "🔴 긴급 필요가 기록됐어요: #{id} {category}",
        "🔴 Urgent need recorded: #{id} {category}",
    ),
    "needs.head": ("<b>필요 목록</b> · {filter} · {total}건", "<b>Needs</b> · {filter} · {total}"),
    "needs.empty": ("해당하는 기록이 없어요.", "Nothing here."),
    "needs.more": ("다음 ▶", "Next ▶"),
    "needs.prev": ("◀ 이전", "◀ Previous"),
    "needs.f.open": ("진행 중", "Active"),
    "needs.f.unassigned": ("미배정", "Unassigned"),
    "needs.f.overdue": ("기한 지남", "Overdue"),
    "needs.f.urgent": ("긴급", "Urgent"),
    "needs.f.mine": ("내 담당", "Mine"),
    "needs.f.closed": ("종결", "Closed"),
    "need.card": ("<b>필요 #{id}</b> · {category} · {urgency}", "<b>Need #{id}</b> · {category} · {urgency}"),
    "need.status": ("상태: {status}", "Status: {status}"),
    "need.who": ("대상: {who}", "For: {who}"),
    "need.resident": ("주민 본인", "the resident"),
    "need.due": ("기한: {due}{overdue}", "Due: {due}{overdue}"),
    "need.overdue": (" ⏰ 지남", " ⏰ overdue"),
    "need.assignee": ("담당: {who}", "Assigned to: {who}"),
    "need.nobody": ("없음", "nobody"),
    "need.programs": ("관련 제도: {names}", "Programmes: {names}"),
    "need.callback_window": ("전화 요청: {window}", "Call back: {window}"),
    "need.history": ("<b>기록</b>", "<b>History</b>"),
    "need.assign": ("👤 배정", "👤 Assign"),
    "need.note": ("✏️ 메모", "✏️ Note"),
    "need.note_prompt": (
        "메모를 적어 주세요 ({limit}자 이내).",
        "Type the note (at most {limit} characters).",
    ),
    "need.status_note": (
        "사유를 적어 주세요 ({limit}자 이내). 재개·미해결 종결은 사유가 필요해요.",
        "Type the reason (at most {limit} characters).",
    ),
    "need.assign_to": ("누구에게 배정할까요?", "Assign to whom?"),
    "need.assigned": ("#{id}을(를) 배정했어요.", "Need #{id} assigned."),
    "need.assigned_you": (
        "📌 새로 배정된 필요가 있어요: #{id} {category} ({urgency}), 기한 {due}",
        "📌 A need was assigned to you: #{id} {category} ({urgency}), due {due}",
    ),
    "need.changed": ("#{id} 상태를 '{status}'(으)로 바꿨어요.", "Need #{id} is now '{status}'."),
    "need.not_yours": ("이 기록을 볼 권한이 없어요.", "You may not see this record."),
    "need.anonymised": ("이 기록은 보존기간이 지나 익명 처리됐어요.", "This record was anonymised."),
    "need.illegal": ("그 상태로는 바꿀 수 없어요: {why}", "That change is not allowed: {why}"),
    "stats.caption": ("복지 필요 통계 ({date})", "Welfare needs statistics ({date})"),
    "export.usage": ("/export csv 또는 /export xlsx", "/export csv or /export xlsx"),
    "export.reason": (
        "내보내는 사유를 적어 주세요 ({limit}자 이내, 접근 기록에 남아요).",
        "Why are you exporting? (at most {limit} characters, kept in the access log)",
    ),
    "export.caption": ("필요 기록 {n}건 (가명 처리)", "{n} needs (pseudonymous)"),
    "invite.usage": (
        "/invite staff|head|coordinator|admin|partner|reporter [기관코드]",
        "/invite staff|head|coordinator|admin|partner|reporter [ORGCODE]",
    ),
    "invite.link": (
        "초대 링크예요 ({role}, {hours}시간 동안 한 번만 쓸 수 있어요):\n{link}",
        "Invitation link ({role}, single use, valid {hours} hours):\n{link}",
    ),
    "invite.ok": ("환영해요! 이제 '{role}' 권한이 있어요.", "Welcome! You now have the '{role}' role."),
    "invite.bad": (
        "초대 링크를 쓸 수 없어요 ({why}). 관리자에게 새 링크를 받아 주세요.",
        "This invitation cannot be used ({why}). Ask an admin for a new link.",
    ),
    "staff.list": ("<b>담당자 목록</b>", "<b>Staff</b>"),
    "staff.revoke": ("권한 해제: {who}", "Revoke: {who}"),
    "staff.revoked": (
        "권한을 해제했어요. 담당 필요 {needs}건과 가구 {households}곳은 다시 배정해 주세요.",
        "Revoked. {needs} needs and {households} households need a new assignee.",
    ),
    "mydata.head": ("<b>저장된 내 정보</b>", "<b>Your stored data</b>"),
    "mydata.needs": ("도움 요청 {n}건", "{n} requests for help"),
    "mydata.consultations": ("자가진단 {n}회, 답한 질문 {q}개", "{n} self-checks, {q} answers"),
    "mydata.forget_hint": (
        "모두 지우려면 /forget · 무엇을 얼마나 보관하는지: /privacy",
        "Send /forget to delete all of it · what is kept and how long: /privacy",
    ),
    "forget.confirm": (
        "자가진단 기록, 직접 남긴 도움 요청, 쓰다 만 입력을 모두 지울까요? 되돌릴 수 없어요.",
        "Delete your self-checks, the requests you made and any unfinished input? This cannot be undone.",
    ),
    "forget.yes": ("모두 지워 주세요", "Delete everything"),
    "forget.no": ("그만둘래요", "Keep it"),
    "forget.done": ("지웠어요 ({n}건).", "Deleted ({n} records)."),
    "forget.kept": ("지우지 않았어요.", "Nothing was deleted."),
    "visit.usage": (
        "/visit H-0042 메모 — 방문 기록 (담당 가구만)",
        "/visit H-0042 note — record a visit (households you may see)",
    ),
    "visit.done": ("{code} 방문을 기록했어요.", "Visit to {code} recorded."),
    "visit.reminder": (
        "📅 이번 달 방문일이에요. 30일 넘게 방문하지 않은 가구: {codes}",
        "📅 Visiting day. Households not visited for 30 days: {codes}",
    ),
    "digest": (
        "<b>오늘의 필요 현황</b>\n새 기록 {new}건 · 미배정 {unassigned}건 · 기한 지남 {overdue}건",
        "<b>Needs today</b>\n{new} new · {unassigned} unassigned · {overdue} overdue",
    ),
    "private_only": (
        "이 도우미는 1:1 대화에서만 답해요. 개인정보를 지키려고 단체 대화방에서는 쓰지 않아요. "
        "봇과의 개인 대화에서 /start 를 눌러 주세요.",
        "This assistant answers in private chats only: to protect personal data it is not used in "
        "groups. Open a private chat with the bot and send /start.",
    ),
    "typed.early": (
        "질문 {n}이(가) 나오기 전에 보내신 답이라 쓰지 않았어요. 위의 질문 {n}에 답해 주세요.",
        "That message was sent before question {n} appeared, so I did not use it. "
        "Please answer question {n} above.",
    ),
    "typed.unseen": (
        "확인을 위해 이 질문에 다시 답해 주세요. (보내신 답은 쓰지 않았어요)",
        "To be sure, please answer this question again (I did not use what you sent).",
    ),
    "too_long": (
        "너무 길어요 ({n}자). {limit}자 이내로 줄여서 다시 보내 주세요. 이미 저장된 내용은 그대로예요.",
        "That is too long ({n} characters). Please shorten it to {limit} and send it again; "
        "nothing already saved is lost.",
    ),
    "unknown_command": (
        "모르는 명령이에요. /help 로 쓸 수 있는 명령을 볼 수 있어요.",
        "I do not know that command. /help lists the ones you can use.",
    ),
    "empty_text": ("보내신 글에 읽을 수 있는 내용이 없어요.", "There was nothing readable in that message."),
    "not_text": (
        "글로 보내 주세요. 사진·파일·음성 메시지는 읽지도 저장하지도 않아요.",
        "Please send text: photos, files and voice messages are neither read nor stored.",
    ),
    "staff.not_yours": ("이 가구를 볼 권한이 없어요.", "You may not see this household."),
    "consult.denied": (
        "이 상담을 이어 갈 권한이 없어요. /start 로 처음 화면으로 가세요.",
        "You may no longer continue this consultation. Send /start.",
    ),
    "help": (
        "/start 처음 화면 · /cancel 상담 멈추기 · /lang 언어 바꾸기 · /need 도움 요청\n"
        "/mydata 내 정보 · /forget 내 정보 지우기 · /privacy 개인정보 보관 안내\n"
        "궁금한 제도 이름을 그냥 써 보내면 찾아 드려요 (예: 기초연금, 월세 지원).",
        "/start home · /cancel stop · /lang switch language · /need ask for help\n"
        "/mydata your data · /forget delete it · /privacy what is kept and how long\n"
        "Type a programme name to look it up (e.g. basic pension, rent support).",
    ),
}


def t(key: str, lang: Lang | str, **values: Any) -> str:
    ko, en = TEXTS[key]
    text = en if lang == Lang.EN else ko
    return text.format(**values) if values else text


from handlers.texts_district import DISTRICT_TEXTS  # noqa: E402

TEXTS.update(DISTRICT_TEXTS)
