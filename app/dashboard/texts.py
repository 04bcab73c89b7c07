"""Every word the desk shows, Korean first and English second, in one catalogue. Labels of the domain's
values (categories, statuses, roles …) come from the domain's own label functions, so the desk and the
chat never name a status differently."""

from __future__ import annotations

from typing import Any

from casework import allocation as alloc
from casework.model import EventKind, NeedCategory, NeedStatus, Urgency
from casework.model import label as casework_label
from casework.policy import KST as KST
from casework.referral import ReferralStatus, SharedField, referral_label
from casework.roles import Role, role_label

TEXTS: dict[str, tuple[str, str]] = {
    "app.name": ("복지 데스크", "Welfare desk"),
    "app.title": ("업무", "Desk"),
    "lang.other": ("English", "한국어"),
    "signout": ("로그아웃", "Sign out"),
    "system": ("시스템", "system"),
    "won": ("원", " KRW"),
    "nav.needs": ("요청", "Needs"),
    "nav.households": ("가구", "Households"),
    "nav.allocations": ("지원 기록", "Support list"),
    "nav.meeting": ("사례회의", "Case meeting"),
    "nav.stats": ("통계", "Statistics"),
    "nav.export": ("내보내기", "Export"),
    "nav.referrals": ("의뢰받은 요청", "Referrals"),
    # sign-in
    "signin.how": (
        "이 화면은 텔레그램에서 받은 로그인 링크나 미니앱으로만 열 수 있습니다. 비밀번호는 없습니다.",
        "This desk opens only from a sign-in link or the Mini App in Telegram. There are no passwords.",
    ),
    "signin.step_tg": (
        "휴대전화: 봇에게 /desk 를 보내고 ‘데스크 열기’를 누르세요.",
        "On a phone: send /desk to the bot and press ‘Open the desk’.",
    ),
    "signin.step_pc": (
        "사무실 PC: 봇에게 /desk 를 보내고, 받은 일회용 링크를 PC의 브라우저에서 여세요 "
        "(몇 분 안에, 한 번만).",
        "On an office PC: send /desk to the bot and open the one-time link it sends in the PC's browser "
        "(within minutes, once).",
    ),
    "signin.note": (
        "일정 시간 사용하지 않거나 근무 시간이 끝나면 자동으로 로그아웃됩니다.",
        "You are signed out after a while without use, and at the end of the working day.",
    ),
    "signin.bye": ("로그아웃했습니다.", "You are signed out."),
    "signin.expired": (
        "링크가 만료되었거나 이미 사용되었습니다. 봇에게 /desk 를 다시 보내세요.",
        "The link has expired or was used already. Send /desk to the bot again.",
    ),
    "signin.denied": (
        "데스크는 담당 공무원·센터장·조정 담당·협력기관만 사용할 수 있습니다.",
        "The desk is for officials, heads of centre, coordinators and partners only.",
    ),
    "login.confirm": (
        "이 컴퓨터에서 복지 데스크에 로그인할까요? 공용 PC라면 끝난 뒤 꼭 로그아웃하세요.",
        "Sign in to the welfare desk on this computer? On a shared PC, sign out when you are done.",
    ),
    "login.button": ("로그인", "Sign in"),
    "login.note": ("이 링크는 한 번만 쓸 수 있습니다.", "This link works once."),
    "tg.wait": ("텔레그램 계정을 확인하는 중…", "Checking your Telegram account…"),
    "tg.framed": (
        "텔레그램 웹에서는 데스크를 새 탭에서 엽니다:",
        "In Telegram Web the desk opens in a new tab:",
    ),
    "tg.open": ("데스크 열기", "Open the desk"),
    "tg.error": (
        "로그인할 수 없습니다. 미니앱을 닫고 봇의 /desk 에서 다시 여세요.",
        "Could not sign you in. Close the Mini App and open it again from /desk in the bot.",
    ),
    # errors and messages
    "error.title": ("열 수 없습니다", "Cannot open this"),
    "error.home": ("처음으로", "Back to the start"),
    "error.not_found": (
        "찾을 수 없거나 볼 권한이 없는 항목입니다.",
        "Not found, or not yours to see.",
    ),
    "error.csrf": (
        "양식이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
        "The form has expired. Reload the page and try again.",
    ),
    "error.stale": (
        "다른 사람이 방금 이 요청을 바꿨습니다. 새로 고쳐서 확인하세요.",
        "Someone else changed this need just now. Reload to see it.",
    ),
    "error.refused": ("요청을 처리할 수 없습니다.", "This request cannot be handled."),
    "ok.assigned": ("담당자를 배정했습니다. 담당자에게 알렸습니다.", "Assigned; the assignee was told."),
    "ok.status": ("상태를 바꿨습니다.", "Status changed."),
    "ok.note": ("메모를 남겼습니다.", "Note added."),
    "ok.reviewed": ("검토를 기록했습니다.", "Review recorded."),
    "ok.meeting": ("다음 사례회의 안건에 올렸습니다.", "Put on the next case meeting's agenda."),
    "ok.meeting_already": ("이미 그 회의 안건에 있습니다.", "Already on that meeting's agenda."),
    "ok.decision": ("회의 결정을 기록했습니다.", "Decision recorded."),
    "ok.referred": ("협력기관에 연계했습니다. 기관에 알렸습니다.", "Referred; the partner was told."),
    "ok.recorded": ("지원 기록을 저장했습니다.", "Support recorded."),
    "ok.answered": ("회신을 기록했습니다.", "Answer recorded."),
    "err.bad_form": ("입력값을 확인하세요.", "Check what you entered."),
    "err.illegal": ("지금 상태에서는 할 수 없는 변경입니다.", "Not possible from the current status."),
    "err.note_required": ("이 변경에는 사유(메모)가 필요합니다.", "This change needs a note saying why."),
    "err.not_assignable": ("그 사람에게는 배정할 수 없습니다.", "This need cannot go to that person."),
    "err.anonymised": ("익명화된 요청은 바꿀 수 없습니다.", "An anonymised need cannot be changed."),
    "err.consent_required": (
        "가구의 동의를 확인해야 연계할 수 있습니다.",
        "Confirm the household agreed before referring.",
    ),
    "err.resident_consent": (
        "주민 본인의 요청은 주민이 직접 동의해야 합니다. "
        "텔레그램의 요청 카드에서 연계하면 주민에게 동의를 묻습니다.",
        "A resident's own request needs the resident's own consent: refer from the need's card in "
        "Telegram, which asks them.",
    ),
    "err.no_consent": ("기록된 동의가 없습니다.", "No consent is recorded."),
    "err.already_referred": ("이미 그 기관에 연계되어 있습니다.", "Already referred to that partner."),
    "err.not_on_agenda": ("그 회의 안건에 없는 요청입니다.", "Not on that meeting's agenda."),
    "err.bad_allocation": (
        "지원 내용을 확인하세요 (금액, 제도 id).",
        "Check the support (amount, programme id).",
    ),
    "err.export_reason": ("내보내는 이유를 적어 주세요.", "Say why you export."),
    "err.report_required": ("회신 내용을 적어 주세요.", "Write what you report."),
    "err.not_allowed": ("지금은 할 수 없습니다.", "Not possible now."),
    "err.bad_page": ("페이지를 확인하세요.", "Check the page."),
    "err.closed": ("종결된 요청입니다.", "The need is closed."),
    # filters and columns
    "f.all": ("전체", "All"),
    "f.anyone": ("누구나", "Anyone"),
    "f.apply": ("적용", "Apply"),
    "f.reset": ("초기화", "Reset"),
    "f.centre": ("센터", "Centre"),
    "f.status": ("상태", "Status"),
    "f.category": ("분야", "Category"),
    "f.urgency": ("긴급도", "Urgency"),
    "f.assignee": ("담당자", "Assignee"),
    "f.unassigned": ("미배정", "Unassigned"),
    "f.mine": ("내 담당", "Mine"),
    "f.meeting": ("사례회의", "Case meeting"),
    "f.next_meeting": ("{day} 회의 안건", "On the {day} agenda"),
    "f.overdue": ("기한 초과", "Overdue"),
    "f.reported": ("위기 신고만", "Crisis reports only"),
    "f.code": ("가구 코드", "Household code"),
    "f.sort": ("정렬", "Sort"),
    "f.unvisited": ("30일 넘게 방문 없음", "No visit in 30 days"),
    "status.active": ("진행 중 전체", "All active"),
    "status.closed": ("종결 전체", "All closed"),
    "status.all": ("모든 상태", "Any status"),
    "sort.due": ("기한 순", "Due date"),
    "sort.urgency": ("긴급도 순", "Urgency"),
    "sort.newest": ("최근 등록 순", "Newest"),
    "hsort.code": ("가구 코드 순", "Household code"),
    "hsort.visit": ("방문 오래된 순", "Longest without a visit"),
    "col.household": ("가구", "Household"),
    "col.category": ("분야", "Category"),
    "col.urgency": ("긴급도", "Urgency"),
    "col.status": ("상태", "Status"),
    "col.due": ("기한", "Due"),
    "col.assignee": ("담당자", "Assignee"),
    "col.centre": ("센터", "Centre"),
    "col.logged": ("등록", "Logged"),
    "col.official": ("담당 공무원", "Official"),
    "col.last_visit": ("최근 방문", "Last visit"),
    "col.active_needs": ("진행 중 요청", "Active needs"),
    "col.needs": ("전체 요청", "All needs"),
    "col.support": ("지원 ({season})", "Support ({season})"),
    "col.partner": ("기관", "Partner"),
    "col.shared": ("공유한 정보", "Shared"),
    "col.report": ("회신", "Report"),
    "col.when": ("일시", "When"),
    "col.who": ("누가", "Who"),
    "col.what": ("무엇을", "What"),
    "col.note": ("메모", "Note"),
    "col.kind": ("지원 종류", "Kind"),
    "col.programme": ("제도 id", "Programme id"),
    "col.amount": ("금액(원)", "Amount (KRW)"),
    "col.given_on": ("지원일", "Given on"),
    "col.season": ("시기", "Season"),
    "col.org": ("기록 기관", "Recorded by"),
    "paging": ("페이지", "Pages"),
    "paging.prev": ("이전", "Previous"),
    "paging.next": ("다음", "Next"),
    "paging.range": ("{first}–{last} / {total}", "{first}–{last} of {total}"),
    # needs
    "needs.title": ("요청 목록", "Needs"),
    "needs.total": ("{n:,}건", "{n:,}"),
    "needs.empty": ("조건에 맞는 요청이 없습니다.", "No needs match."),
    "need.title": ("요청 #{id}", "Need #{id}"),
    "need.report": ("위기 신고", "Crisis report"),
    "need.resident": ("주민 본인 요청", "Resident's own request"),
    "need.nobody": ("없음", "nobody"),
    "need.callback": ("연락 요청", "Call-back"),
    "need.relay_open": ("봇으로 연락 동의", "agreed to be written to through the bot"),
    "need.programs": ("관련 제도", "Programmes"),
    "need.description": ("내용", "Description"),
    "need.actions": ("처리", "Actions"),
    "need.referrals": ("기관 연계", "Referrals"),
    "need.meetings": ("사례회의", "Case meetings"),
    "need.allocations": ("지원 기록", "Support recorded"),
    "need.messages": ("주민과 주고받은 메시지", "Messages with the resident"),
    "need.history": ("처리 이력", "History"),
    "need.referred_view": (
        "협력기관에는 동의받은 정보만 보입니다.",
        "A partner sees only what the consent covers.",
    ),
    "msg.out": ("담당자 → 주민", "official → resident"),
    "msg.in": ("주민 → 담당자", "resident → official"),
    "meeting.pending": ("결정 전", "not decided yet"),
    "act.assign": ("담당자", "Assign to"),
    "act.assign_do": ("배정", "Assign"),
    "act.status": ("상태 변경", "Change status to"),
    "act.status_do": ("변경", "Change"),
    "act.note_optional": ("메모(선택)", "Note (optional)"),
    "act.note": ("메모", "Note"),
    "act.note_do": ("메모 남기기", "Add note"),
    "act.approve": ("승인 (접수)", "Approve"),
    "act.turn_down": ("반려 (메모 필수)", "Turn down (note required)"),
    "act.meeting": ("{day} 사례회의에 상정", "Put on the {day} case meeting"),
    "act.refer": ("협력기관 연계", "Refer to"),
    "act.refer_fields": ("기관과 공유할 정보", "What the partner may see"),
    "act.refer_consent": (
        "가구가 이 기관에 위 정보를 공유하는 데 동의했습니다.",
        "The household agreed to share this with the partner.",
    ),
    "act.refer_resident": (
        "주민 본인의 요청입니다. 이미 동의한 범위에서만 연계됩니다.",
        "A resident's own request: it is referred only within a consent they already gave.",
    ),
    "act.refer_do": ("연계", "Refer"),
    "share.none": ("번호·분야·긴급도만", "only number, category and urgency"),
    # households
    "households.title": ("가구", "Households"),
    "households.total": ("{n:,}가구", "{n:,}"),
    "households.empty": ("조건에 맞는 가구가 없습니다.", "No households match."),
    "household.title": ("가구 {code}", "Household {code}"),
    "household.visits": ("최근 방문", "Recent visits"),
    "household.allocations": ("받은 지원", "Support received"),
    "household.record": ("지원 기록하기", "Record support"),
    "household.needs": ("요청", "Needs"),
    # allocations
    "allocations.title": ("공동 지원 기록", "Shared support list"),
    "allocations.empty": ("기록이 없습니다.", "Nothing recorded."),
    "alloc.record": ("지원 기록", "Record support"),
    "alloc.save": ("저장", "Save"),
    "alloc.duplicate": (
        "같은 시기에 같은 지원을 이미 받은 가구입니다",
        "This household already got the same support this season",
    ),
    "alloc.override_how": (
        "그래도 기록하려면 사유를 적고 다시 저장하세요. 사유는 기록에 남습니다.",
        "To record it anyway, give a reason and save again; the reason is kept.",
    ),
    "alloc.override_no": (
        "중복 기록은 조정 담당만 할 수 있습니다.",
        "Only coordinators may record a duplicate.",
    ),
    "alloc.reason": ("중복 기록 사유", "Reason for recording again"),
    "alloc.dup": ("중복", "duplicate"),
    "alloc.only_dup": ("중복만", "Duplicates only"),
    # statistics
    "stats.title": ("통계", "Statistics"),
    "stats.months": ("개월", "Months"),
    "stats.total": ("전체 요청", "Needs"),
    "stats.households": ("가구·주민", "Households and residents"),
    "stats.median": ("해결까지 일수(중앙값)", "Median days to resolution"),
    "stats.as_table": ("표로 보기", "Show as a table"),
    "stats.as_chart": ("그래프로 보기", "Show as a chart"),
    "stats.follow_up": ("담당자별 후속 조치", "Follow-up per official"),
    "stats.active": ("진행 중", "Active"),
    "stats.resolved": ("해결", "Resolved"),
    "chart.month": ("월별 등록", "Logged per month"),
    "chart.category": ("분야별", "By category"),
    "chart.status": ("상태별", "By status"),
    "chart.centre": ("센터별", "By centre"),
    "chart.no_centre": ("센터 없음", "No centre"),
    "chart.resolution": ("해결까지 걸린 일수", "Days to resolution"),
    "chart.days": ("{band}일", "{band} days"),
    # export
    "export.title": ("내보내기", "Export"),
    "export.what": (
        "볼 수 있는 범위의 요청을 가구 코드로만 내보냅니다 (이름·전화번호 없음).",
        "Exports the needs you may see, by household code only (no names, no phone numbers).",
    ),
    "export.format": ("형식", "Format"),
    "export.reason": ("이유 (접근 기록에 남습니다)", "Reason (kept in the access log)"),
    "export.do": ("내려받기", "Download"),
    "export.logged": (
        "모든 내보내기는 누가, 언제, 왜 했는지 기록됩니다.",
        "Every export is logged: who, when, why.",
    ),
    # partners
    "referrals.title": ("의뢰받은 요청", "Referrals to us"),
    "referrals.empty": ("진행 중인 의뢰가 없습니다.", "No open referrals."),
    "referral.head": ("요청 #{id} · {status}", "Need #{id} · {status}"),
    "referral.accept": ("수락", "Accept"),
    "referral.decline": ("거절", "Decline"),
    "referral.report": ("진행 상황", "Progress"),
    "referral.progress": ("진행 상황 회신", "Report progress"),
    "referral.done": ("완료 회신", "Report done"),
    # meetings
    "meeting.title": ("사례회의", "Case meeting"),
    "meeting.head": ("{day} 사례회의 안건 {n}건", "Case meeting {day}: {n} needs"),
    "meeting.day": ("회의일", "Meeting day"),
    "meeting.days_open": ("경과 일수", "Days open"),
    "meeting.decision": ("결정", "Decision"),
    "meeting.record": ("기록", "Record"),
    "meeting.empty": ("안건이 없습니다.", "Nothing on the agenda."),
    # notifications sent through the bot
    "notice.open": ("데스크에서 보기", "Open on the desk"),
    "notice.assigned": (
        "요청 #{id}이(가) 배정되었습니다: {category} · {urgency} · 기한 {due}",
        "Need #{id} was assigned to you: {category} · {urgency} · due {due}",
    ),
    "notice.referred": (
        "새 연계 요청 #{id}: {category} · {urgency}",
        "New referral, need #{id}: {category} · {urgency}",
    ),
    "notice.answered": ("요청 #{id}에 협력기관이 회신했습니다.", "A partner answered on need #{id}."),
    # the bot's /desk command
    "bot.desk": (
        "복지 데스크 (웹)\n• 휴대전화: 아래 ‘데스크 열기’\n• 사무실 PC: 아래 링크를 PC 브라우저에서 여세요. "
        "{minutes}분 동안 한 번만 쓸 수 있습니다.\n{link}",
        "The welfare desk (web)\n• On a phone: ‘Open the desk’ below\n• On an office PC: open the link below "
        "in the PC's browser. It works once, for {minutes} minutes.\n{link}",
    ),
    "bot.desk_open": ("데스크 열기", "Open the desk"),
    "bot.desk_denied": (
        "데스크는 담당 공무원·센터장·조정 담당·협력기관용입니다.",
        "The desk is for officials, heads of centre, coordinators and partners.",
    ),
}

_LABELS: dict[str, Any] = {
    "category": lambda v, lang: casework_label(NeedCategory(v), lang),
    "urgency": lambda v, lang: casework_label(Urgency(v), lang),
    "status": lambda v, lang: casework_label(NeedStatus(v), lang),
    "event": lambda v, lang: casework_label(EventKind(v), lang),
    "role": lambda v, lang: role_label(Role(v), lang),
    "support": lambda v, lang: alloc.kind_label(alloc.SupportKind(v), lang),
    "referral": lambda v, lang: referral_label(ReferralStatus(v), lang),
    "field": lambda v, lang: referral_label(SharedField(v), lang),
}


def has(key: str) -> bool:
    return key in TEXTS


def t(key: str, lang: str = "ko", **values: Any) -> str:
    ko, en = TEXTS[key]
    text = en if lang == "en" else ko
    return text.format(**values) if values else text


def label(kind: str, value: Any, lang: str = "ko") -> str:
    """The domain's own label for a value of this kind (category, status, role …)."""
    return str(_LABELS[kind](value, lang))


def share_label(fields: tuple[SharedField, ...], lang: str) -> str:
    if not fields:
        return t("share.none", lang)
    return ", ".join(label("field", f, lang) for f in fields)
