"""The desk's pages and actions. Each is a function of the request's Ctx; what it may show or change is
decided by the services (and so by casework.scope), never here. Actions redirect back with a message
key (post/redirect/get), so a reload never repeats them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.responses import JSONResponse, RedirectResponse, Response

from app.dashboard import notices, texts
from app.dashboard.config import MOUNT
from app.dashboard.web import Ctx
from casework import allocation as alloc
from casework.model import NeedCategory, NeedStatus, Urgency
from casework.policy import KST
from casework.referral import ReferralStatus, SharedField
from casework.roles import OrgKind, Role
from casework.scope import Act, View, may_export
from casework.workflow import needs_note
from services import desk as desk_service
from services import needs as needs_service
from services import network, reports
from services.errors import Denied, NotFound, Refused
from storage import desk_queries

SHARE = {
    "a": (SharedField.HOUSEHOLD, SharedField.DESCRIPTION, SharedField.PROGRAMS),
    "h": (SharedField.HOUSEHOLD,),
    "m": (),
}
STATUS_GROUPS = ("active", "closed", "all")


def today() -> dt.date:
    return dt.datetime.now(KST).date()


def _int(raw: str | None, default: int | None = None, low: int = 0, high: int = 2**31 - 1) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return default
    return value if low <= value <= high else default


def _enum(kind: Any, raw: str | None) -> Any:
    try:
        return kind(raw) if raw else None
    except ValueError:
        return None


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _code(raw: str | None) -> str:
    return (raw or "").strip().upper()[:16]


def next_meeting(ctx: Ctx) -> dt.date:
    settings = ctx.desk.app_settings
    return needs_service.meeting_day(today(), settings.meeting_nth, settings.meeting_weekday)


@dataclass(frozen=True, slots=True)
class Pager:
    first: int
    last: int
    total: int
    prev: str | None
    next: str | None
    estimated: bool = False  # more than `total` match ("10,000+")


def pager(
    ctx: Ctx, base: str, offset: int, limit: int, shown: int, total: int | None, estimated: bool = False
) -> Pager:
    """Links to the neighbouring pages, keeping every other parameter of the query."""

    def link(to: int) -> str:
        query = {k: v for k, v in ctx.query.items() if k not in ("offset", "ok", "err")}
        if to:
            query["offset"] = str(to)
        return f"{MOUNT}{base}" + (f"?{urlencode(query)}" if query else "")

    more = (offset + limit < total or (estimated and shown >= limit)) if total is not None else shown > limit
    return Pager(
        first=offset + 1 if shown else 0,
        last=offset + min(shown, limit),
        total=total if total is not None else -1,
        prev=link(max(offset - limit, 0)) if offset > 0 else None,
        next=link(offset + limit) if more else None,
        estimated=estimated,
    )


# --- home, language, sign-out ------------------------------------------------------------------------


def home(ctx: Ctx) -> Response:
    if ctx.actor.office:
        return RedirectResponse(f"{MOUNT}/needs", status_code=303)
    if ctx.actor.role == Role.PARTNER:
        return RedirectResponse(f"{MOUNT}/referrals", status_code=303)
    return RedirectResponse(f"{MOUNT}/allocations", status_code=303)


def language(ctx: Ctx) -> Response:
    lang = ctx.form.get("lang")
    if lang in ("ko", "en"):
        ctx.me.row.language = lang
    return ctx.back(ctx.form.get("back", "/needs"))


def sign_out(ctx: Ctx) -> Response:
    desk_service.sign_out(ctx.s, ctx.me.row, ctx.me.user)
    response = RedirectResponse(f"{MOUNT}/signin?bye=1", status_code=303)
    ctx.desk.clear_session_cookie(response)
    return response


# --- needs -------------------------------------------------------------------------------------------


def _needs_filters(ctx: Ctx) -> tuple[needs_service.NeedFilters, dict[str, Any]]:
    q = ctx.query
    status = q.get("status") or "active"
    if status == "active":
        statuses: tuple[NeedStatus, ...] | None = needs_service.ACTIVE
    elif status == "closed":
        statuses = needs_service.CLOSED
    elif status == "all":
        statuses = None
    else:
        one = _enum(NeedStatus, status)
        statuses, status = ((one,), status) if one is not None else (needs_service.ACTIVE, "active")
    assignee = q.get("assignee") or ""
    meeting = _day(q.get("meeting"))
    sort = q.get("sort") if q.get("sort") in ("due", "urgency", "newest") else "due"
    code = _code(q.get("code"))
    filters = needs_service.NeedFilters(
        statuses=statuses,
        category=_enum(NeedCategory, q.get("category")),
        urgency=_enum(Urgency, q.get("urgency")),
        centre_id=_int(q.get("centre")),
        assignee_id=_int(assignee) if assignee not in ("", "none", "me") else None,
        mine=assignee == "me",
        unassigned=assignee == "none",
        overdue=True if q.get("overdue") == "1" else None,
        meeting_on=meeting,
        household_code=code or None,
        reported=True if q.get("reported") == "1" else None,
        order=sort,  # type: ignore[arg-type]  # checked above
    )
    shown = {
        "status": status,
        "category": filters.category.value if filters.category else "",
        "urgency": filters.urgency.value if filters.urgency else "",
        "centre": q.get("centre", ""),
        "assignee": assignee,
        "meeting": meeting.isoformat() if meeting else "",
        "overdue": filters.overdue,
        "reported": filters.reported,
        "code": code,
        "sort": sort,
    }
    return filters, shown


def needs_list(ctx: Ctx) -> Response:
    filters, shown = _needs_filters(ctx)
    limit = ctx.desk.settings.page_size
    offset = _int(ctx.query.get("offset"), 0) or 0
    page = needs_service.list_needs(
        ctx.s, ctx.actor, filters, offset, limit, log_view=f"desk:{shown['status']}"
    )

    def sort_url(order: str) -> str:
        query = {k: v for k, v in ctx.query.items() if k not in ("offset", "sort", "ok", "err")}
        query["sort"] = order
        return f"{MOUNT}/needs?{urlencode(query)}"

    def status_label(value: str) -> str:
        if value in STATUS_GROUPS:
            return ctx.t(f"status.{value}")
        return texts.label("status", value, ctx.lang)

    return ctx.render(
        "needs.html",
        page=page,
        f=shown,
        pager=pager(ctx, "/needs", offset, limit, len(page.items), page.total, page.estimated),
        centres=desk_service.centres(ctx.s, ctx.actor),
        people=desk_service.people(ctx.s, ctx.actor),
        categories=list(NeedCategory),
        urgencies=list(Urgency),
        status_choices=[*STATUS_GROUPS, *(s.value for s in NeedStatus)],
        status_label=status_label,
        next_meeting=next_meeting(ctx).isoformat(),
        sort_url=sort_url,
    )


def need_page(ctx: Ctx, need_id: int) -> Response:
    d = needs_service.need_detail(ctx.s, ctx.actor, need_id)
    if d.view != View.FULL:
        return ctx.render("need_referred.html", need=d.need, d=d)
    acts = {a.value for a in d.acts}
    orgs = desk_queries.organisations_by_id(ctx.s)
    centre = orgs.get(d.need.centre_id) if d.need.centre_id is not None else None
    overdue = d.need.status in needs_service.ACTIVE and d.need.due_at < dt.datetime.now(dt.UTC)
    return ctx.render(
        "need.html",
        need=d.need,
        d=d,
        acts=acts,
        overdue=overdue,
        centre_name=f"{centre.code} {centre.name}" if centre else None,
        orgs=orgs,
        assignable=needs_service.assignable(ctx.s, ctx.actor, need_id) if Act.ASSIGN in d.acts else [],
        partners=network.partners(ctx.s) if Act.REFER in d.acts else [],
        share_options=[(code, texts.share_label(fields, ctx.lang)) for code, fields in SHARE.items()],
        next_meeting=next_meeting(ctx).isoformat(),
    )


def assign(ctx: Ctx, need_id: int) -> Response:
    to = _int(ctx.form.get("to"))
    if to is None:
        raise Refused("bad_form")
    need, assignee = needs_service.assign(ctx.s, ctx.actor, need_id, to)
    ctx.tell(assignee.telegram_id, notices.assigned(ctx, need, assignee.language))
    return ctx.back(f"/needs/{need_id}", ok="assigned")


def status(ctx: Ctx, need_id: int) -> Response:
    to = _enum(NeedStatus, ctx.form.get("to"))
    note = (ctx.form.get("note") or "").strip() or None
    detail = needs_service.need_detail(ctx.s, ctx.actor, need_id)
    if to is None or to not in detail.status_targets:
        raise Refused("illegal")
    if needs_note(detail.need.status, to) and note is None:
        raise Refused("note_required")
    needs_service.change_status(ctx.s, ctx.actor, need_id, to, note)
    return ctx.back(f"/needs/{need_id}", ok="status")


def note(ctx: Ctx, need_id: int) -> Response:
    text = (ctx.form.get("note") or "").strip()
    if not text:
        raise Refused("note_required")
    needs_service.add_note(ctx.s, ctx.actor, need_id, text)
    return ctx.back(f"/needs/{need_id}", ok="note")


def review(ctx: Ctx, need_id: int) -> Response:
    approve = ctx.form.get("approve") == "1"
    text = (ctx.form.get("note") or "").strip() or None
    if not approve and text is None:
        raise Refused("note_required")
    needs_service.review(ctx.s, ctx.actor, need_id, approve, text)
    return ctx.back(f"/needs/{need_id}", ok="reviewed")


def meeting_mark(ctx: Ctx, need_id: int) -> Response:
    day = _day(ctx.form.get("day")) or next_meeting(ctx)
    added = needs_service.mark_for_meeting(ctx.s, ctx.actor, need_id, day)
    return ctx.back(f"/needs/{need_id}", ok="meeting" if added else "meeting_already")


def meeting_decision(ctx: Ctx, need_id: int) -> Response:
    day = _day(ctx.form.get("day"))
    decision = (ctx.form.get("decision") or "").strip()
    if day is None or not decision:
        raise Refused("bad_form")
    needs_service.record_decision(ctx.s, ctx.actor, need_id, day, decision)
    return ctx.back("/meeting", ok="decision", day=day.isoformat())


def refer(ctx: Ctx, need_id: int) -> Response:
    partner = (ctx.form.get("partner") or "").strip()
    fields = SHARE.get(ctx.form.get("share") or "")
    if not partner or fields is None:
        raise Refused("bad_form")
    detail = needs_service.need_detail(ctx.s, ctx.actor, need_id)
    if detail.need.resident_user_id is None:
        if ctx.form.get("consent") != "1":
            raise Refused("consent_required")
        network.record_consent(ctx.s, ctx.actor, need_id, partner, fields, by_resident=False)
    try:
        referral, partner_users = network.refer(ctx.s, ctx.actor, need_id, partner, fields)
    except Refused as exc:
        if exc.reason == "no_consent" and detail.need.resident_user_id is not None:
            raise Refused("resident_consent") from exc
        raise
    for user in partner_users:
        ctx.tell(user.telegram_id, notices.referred(ctx, detail.need, referral, user.language))
    return ctx.back(f"/needs/{need_id}", ok="referred")


# --- households --------------------------------------------------------------------------------------


def households(ctx: Ctx) -> Response:
    q = ctx.query
    limit = ctx.desk.settings.page_size
    offset = _int(q.get("offset"), 0) or 0
    sort: desk_queries.HouseholdOrder = "visit" if q.get("sort") == "visit" else "code"
    unvisited = _int(q.get("unvisited"), None, 1, 3650)
    lines, total, season = desk_service.households(
        ctx.s,
        ctx.actor,
        code=_code(q.get("code")) or None,
        centre_id=_int(q.get("centre")),
        official_id=_int(q.get("official")),
        unvisited_days=unvisited,
        order=sort,
        offset=offset,
        limit=limit,
    )
    shown = {
        "centre": q.get("centre", ""),
        "official": q.get("official", ""),
        "unvisited": unvisited,
        "code": _code(q.get("code")),
        "sort": sort,
    }
    return ctx.render(
        "households.html",
        lines=lines,
        total=total,
        season=alloc.season_label(season, ctx.lang),
        f=shown,
        pager=pager(ctx, "/households", offset, limit, len(lines), total),
        centres=desk_service.centres(ctx.s, ctx.actor),
        people=desk_service.people(ctx.s, ctx.actor),
        orgs=desk_queries.organisations_by_id(ctx.s, OrgKind.CENTRE),
    )


def household(ctx: Ctx, code: str) -> Response:
    if not ctx.actor.office:
        raise Denied("household")
    hv = needs_service.household_view(ctx.s, ctx.actor, _code(code), channel="desk")
    orgs = desk_queries.organisations_by_id(ctx.s, OrgKind.CENTRE)
    centre = orgs.get(hv.household.centre_id) if hv.household.centre_id is not None else None
    return ctx.render("household.html", hv=hv, centre_name=f"{centre.code} {centre.name}" if centre else None)


# --- the shared allocation list ----------------------------------------------------------------------


def _seasons(n: int = 8) -> list[str]:
    out: list[str] = []
    day = today()
    while len(out) < n:
        season = alloc.season_of(day)
        if season not in out:
            out.append(season)
        day -= dt.timedelta(days=30)
    return out


def allocations(ctx: Ctx, draft: dict[str, str] | None = None, duplicates: Any = None) -> Response:
    q = ctx.query
    season = q.get("season") if q.get("season") in _seasons() else None
    limit = ctx.desk.settings.page_size
    offset = _int(q.get("offset"), 0) or 0
    lines = network.allocation_list(ctx.s, ctx.actor, season, limit + 1, offset)
    blank = {
        "code": _code(q.get("code")),
        "kind": "",
        "programme": "",
        "amount": "",
        "given_on": today().isoformat(),
    }
    return ctx.render(
        "allocations.html",
        lines=lines[:limit],
        pager=pager(ctx, "/allocations", offset, limit, len(lines), None),
        f={"season": season or "", "dup": False},
        seasons=_seasons(),
        season_label=lambda s: alloc.season_label(s, ctx.lang),
        kinds=list(alloc.SupportKind),
        draft=draft or blank,
        duplicates=duplicates or [],
        may_override=True,
        status=409 if duplicates else 200,
    )


def record_allocation(ctx: Ctx) -> Response:
    f = ctx.form
    draft = {k: (f.get(k) or "").strip() for k in ("code", "kind", "programme", "amount", "given_on")}
    draft["code"] = _code(draft["code"])
    kind = _enum(alloc.SupportKind, draft["kind"])
    given_on = _day(draft["given_on"])
    amount = _int(draft["amount"].replace(",", "")) if draft["amount"] else None
    if kind is None or given_on is None or (draft["amount"] and amount is None):
        raise Refused("bad_form")
    row, duplicates = network.record_allocation(
        ctx.s,
        ctx.actor,
        code=draft["code"],
        kind=kind,
        programme=draft["programme"] or None,
        amount=amount,
        given_on=given_on,
        override_reason=(f.get("reason") or "").strip() or None,
    )
    if row is None:
        return allocations(ctx, draft, duplicates)
    return ctx.back("/allocations", ok="recorded")


# --- statistics and export ---------------------------------------------------------------------------


def _escape_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no "</script>" can end the element early."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _chart_data(ctx: Ctx) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    q = ctx.query
    months = _int(q.get("months"), 12, 1, 36) or 12
    centres = desk_service.centres(ctx.s, ctx.actor)
    centre = _int(q.get("centre"))
    if centre is not None and centre not in centres:
        centre = None
    stats = reports.statistics(ctx.s, ctx.actor, today(), months, centre)
    extras = desk_service.chart_extras(ctx.s, ctx.actor, centre)
    needs = f"{MOUNT}/needs"
    keep = f"&centre={centre}" if centre is not None else ""

    def rows(items: list[tuple[str, int, str | None]]) -> list[dict[str, Any]]:
        return [{"label": label, "value": value, "href": href} for label, value, href in items]

    charts = [
        {
            "id": "month",
            "title": ctx.t("chart.month"),
            "rows": rows([(m, n, None) for m, n in stats.by_month.items()]),
        },
        {
            "id": "category",
            "title": ctx.t("chart.category"),
            "rows": rows(
                [
                    (texts.label("category", c, ctx.lang), n, f"{needs}?status=all&category={c.value}{keep}")
                    for c, n in stats.by_category.items()
                ]
            ),
        },
        {
            "id": "status",
            "title": ctx.t("chart.status"),
            "rows": rows(
                [
                    (texts.label("status", st, ctx.lang), n, f"{needs}?status={st.value}{keep}")
                    for st, n in stats.by_status.items()
                ]
            ),
        },
    ]
    if len(centres) > 1 and centre is None:
        charts.append(
            {
                "id": "centre",
                "title": ctx.t("chart.centre"),
                "rows": rows(
                    [
                        (
                            centres.get(cid, ctx.t("chart.no_centre"))
                            if cid is not None
                            else ctx.t("chart.no_centre"),
                            total,
                            f"{needs}?status=all&centre={cid}" if cid is not None else None,
                        )
                        for cid, (total, _) in sorted(
                            extras.by_centre.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)
                        )
                    ]
                ),
            }
        )
    charts.append(
        {
            "id": "resolution",
            "title": ctx.t("chart.resolution"),
            "rows": rows(
                [(ctx.t("chart.days", band=band), n, None) for band, n in extras.resolution.items()]
            ),
        }
    )
    shown = {"months": months, "centre": str(centre) if centre is not None else ""}
    summary = {
        "total": stats.total,
        "households": stats.unique_households,
        "overdue": stats.overdue,
        "resolved": stats.resolved,
        "median_days_to_resolution": stats.median_days_to_resolution,
    }
    return stats, {"charts": charts, "summary": summary}, shown


def stats_page(ctx: Ctx) -> Response:
    stats, data, shown = _chart_data(ctx)
    return ctx.render(
        "stats.html",
        stats=stats,
        charts=data["charts"],
        chart_json=_escape_json(data),
        f=shown,
        centres=desk_service.centres(ctx.s, ctx.actor),
        follow_up=sorted(stats.follow_up.items())[:200],
    )


def stats_json(ctx: Ctx) -> Response:
    _, data, _ = _chart_data(ctx)
    return JSONResponse(data)


def export_form(ctx: Ctx) -> Response:
    if not may_export(ctx.actor):
        raise Denied("export")
    return ctx.render("export.html")


def export(ctx: Ctx) -> Response:
    if not may_export(ctx.actor):
        raise Denied("export")
    fmt = ctx.form.get("format")
    reason = (ctx.form.get("reason") or "").strip()
    if fmt not in ("csv", "xlsx") or not reason:
        raise Refused("export_reason")
    ctx.after = lambda: ctx.desk.exporter(ctx.actor, fmt, reason[:200], ctx.lang)
    return Response(status_code=200)  # replaced by the file once the session has committed


# --- partners ----------------------------------------------------------------------------------------


def referrals(ctx: Ctx) -> Response:
    rows = network.partner_queue(ctx.s, ctx.actor, limit=50)
    return ctx.render("referrals.html", referrals=rows)


def respond(ctx: Ctx, referral_id: int) -> Response:
    to = ctx.form.get("to")
    report = (ctx.form.get("report") or "").strip() or None
    if to == "progress":
        if report is None:
            raise Refused("report_required")
        _, need, told = network.report_progress(ctx.s, ctx.actor, referral_id, report)
    else:
        step = _enum(ReferralStatus, to)
        if step not in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED):
            raise Refused("bad_form")
        _, need, told = network.respond(ctx.s, ctx.actor, referral_id, step, report)
    for user in told:
        ctx.tell(user.telegram_id, notices.partner_answered(ctx, need, user.language))
    return ctx.back("/referrals", ok="answered")


# --- case meetings -----------------------------------------------------------------------------------


def meeting(ctx: Ctx) -> Response:
    day = _day(ctx.query.get("day")) or next_meeting(ctx)
    items = needs_service.agenda(ctx.s, ctx.actor, day, today())
    return ctx.render("meeting.html", items=items, meeting_on=day.isoformat())


def not_found(ctx: Ctx) -> Response:
    raise NotFound(ctx.path)
