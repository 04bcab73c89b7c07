"""The desk over HTTP (in-process): sign-in by link and by Mini App, sessions that end, CSRF, the one
policy on every page, the chat's actions through the same services, escaping, exports, the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.dashboard import initdata
from casework.model import AccessAction, EventKind, NeedStatus
from storage import repo
from storage.db import Database
from storage.models import User
from storage.models_desk import DeskLink, DeskSession
from storage.models_district import Allocation, MeetingItem, Referral
from storage.models_needs import AccessLog, Need, NeedEvent
from tests.dashboard.conftest import BOT_TOKEN, csrf_of, link_for, sign_in
from tests.dashboard.seed import (
    COORD_C1,
    COORD_HQ,
    HEAD_C1,
    PARTNER,
    RESIDENT,
    SCRIPT,
    STAFF_C1,
    STAFF_C2,
    District,
)


def _actions(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(str(r.action), r.target) for r in s.scalars(select(AccessLog).order_by(AccessLog.id))]


def _post(client: TestClient, path: str, page: str, **data: str) -> Any:
    csrf = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf": csrf, **data}, follow_redirects=False)


# --- signing in ---------------------------------------------------------------------------------------


def test_signed_out_pages_lead_to_the_sign_in_explanation(client: TestClient) -> None:
    for path in ("/desk/", "/desk/needs", "/desk/needs/1", "/desk/stats.json"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/desk/signin"
    assert client.post("/desk/needs/1/assign", data={"to": "1"}).status_code == 401
    page = client.get("/desk/signin")
    assert "/desk" in page.text and page.headers["x-frame-options"] == "DENY"


def test_a_link_signs_in_once_and_sets_a_strict_http_only_cookie(client: TestClient, db: Database) -> None:
    token = link_for(db, COORD_C1)
    with db.session() as s:  # only the hash is stored
        assert s.scalar(select(func.count()).where(DeskLink.token_hash == token)) == 0
    # Opening the link (a previewer, a mail scanner) uses nothing up.
    for _ in range(2):
        assert client.get(f"/desk/login/{token}").status_code == 200
    page = client.get(f"/desk/login/{token}")
    pre = page.text.split('name="pre" value="')[1].split('"')[0]
    done = client.post(f"/desk/login/{token}", data={"pre": pre}, follow_redirects=False)
    assert done.status_code == 303
    cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith("desk="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert client.get("/desk/needs").status_code == 200
    # Used: a second browser gets nowhere with it.
    other = TestClient(client.app, base_url="http://testserver")
    assert other.get(f"/desk/login/{token}").status_code == 410
    assert other.post(f"/desk/login/{token}", data={"pre": pre}, cookies={"desk_pre": pre}).status_code == 410
    assert ("desk_sign_in", f"user:{_uid(db, COORD_C1)}") in _actions(db)


def _uid(db: Database, telegram_id: int) -> int:
    with db.session() as s:
        user = repo.get_user(s, telegram_id)
        assert user is not None
        return user.id


def test_a_link_expires_in_minutes(client: TestClient, db: Database) -> None:
    token = link_for(db, COORD_C1)
    with db.session() as s:
        s.execute(update(DeskLink).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert client.get(f"/desk/login/{token}").status_code == 410


def test_the_confirmation_must_come_from_the_page_that_showed_it(client: TestClient, db: Database) -> None:
    token = link_for(db, COORD_C1)
    client.get(f"/desk/login/{token}")
    # Another site posting someone's link (login CSRF): no matching value, or a foreign Origin.
    assert client.post(f"/desk/login/{token}", data={"pre": "guess"}).status_code == 403
    pre = client.cookies.get("desk_pre")
    assert pre
    foreign = client.post(
        f"/desk/login/{token}", data={"pre": pre}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    with db.session() as s:  # still unused
        assert s.scalars(select(DeskLink.used_at)).one() is None


def test_residents_and_reporters_get_no_desk(client: TestClient, db: Database) -> None:
    from services.errors import Denied

    for telegram_id in (RESIDENT, 999_999):
        try:
            link_for(db, telegram_id)
        except Denied:
            continue
        raise AssertionError("a link was issued to someone without a desk role")


def test_revoking_someone_ends_their_desk_at_the_next_request(client: TestClient, db: Database) -> None:
    sign_in(client, db, COORD_C1)
    with db.session() as s:
        user = repo.get_user(s, COORD_C1)
        assert user is not None
        user.active = False
    response = client.get("/desk/needs", follow_redirects=False)
    assert response.headers["location"] == "/desk/signin"
    with db.session() as s:
        assert s.scalar(select(func.count(DeskSession.id))) == 0


def test_sessions_end_when_idle_and_at_the_end_of_the_day(client: TestClient, db: Database) -> None:
    sign_in(client, db, COORD_C1)
    now = dt.datetime.now(dt.UTC)
    with db.session() as s:
        s.execute(update(DeskSession).values(seen_at=now - dt.timedelta(minutes=31)))
    assert client.get("/desk/needs", follow_redirects=False).status_code == 303
    sign_in(client, db, COORD_C1)
    with db.session() as s:
        s.execute(update(DeskSession).values(expires_at=now - dt.timedelta(seconds=1)))
    assert client.get("/desk/needs", follow_redirects=False).status_code == 303


def test_the_mini_app_signs_in_with_valid_init_data_only(client: TestClient, db: Database) -> None:
    def init(telegram_id: int, age: int = 0, token: str = BOT_TOKEN) -> str:
        user = json.dumps({"id": telegram_id, "language_code": "ko"}, separators=(",", ":"))
        fields = {"auth_date": str(int(time.time()) - age), "user": user, "query_id": "q"}
        return urlencode({**fields, "hash": initdata.sign(fields, token)})

    def auth(data: str, framed: bool = False, **headers: str) -> Any:
        return client.post(
            "/desk/tg/auth",
            content=json.dumps({"initData": data, "framed": framed}),
            headers={"Content-Type": "application/json", **headers},
        )

    page = client.get("/desk/tg")
    assert "frame-ancestors https://web.telegram.org" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers  # Telegram Web frames the Mini App
    assert auth(init(COORD_C1, token="999:other")).status_code == 403
    assert auth(init(COORD_C1, age=3600)).json() == {"error": "stale"}
    assert auth(init(COORD_C1).replace("3001", "3004")).status_code == 403  # tampered
    assert auth(init(RESIDENT)).json() == {"error": "denied"}
    assert auth(init(COORD_C1), Origin="https://evil.example").status_code == 403
    form = client.post("/desk/tg/auth", data={"initData": init(COORD_C1)})  # a cross-site form
    assert form.status_code == 403
    assert client.get("/desk/needs", follow_redirects=False).status_code == 303
    # Framed (Telegram Web): a one-minute link to open in a tab, no cookie in the frame.
    framed = auth(init(COORD_C1), framed=True)
    assert framed.json()["link"].startswith("/desk/login/") and "set-cookie" not in framed.headers
    ok = auth(init(COORD_C1))
    assert ok.json() == {"next": "/desk/"}
    assert client.get("/desk/needs").status_code == 200
    assert any(a == "desk_sign_in" for a, _ in _actions(db))


# --- every page through the one policy ----------------------------------------------------------------


def test_a_centre_sees_its_own_needs_and_households_only(
    client: TestClient, db: Database, district: District
) -> None:
    sign_in(client, db, COORD_C1)
    html = client.get("/desk/needs").text
    for need_id in district.c1_needs:
        assert f'/desk/needs/{need_id}"' in html
    for need_id in district.c2_needs:
        assert f'/desk/needs/{need_id}"' not in html
        assert client.get(f"/desk/needs/{need_id}").status_code == 404
    assert client.get("/desk/needs/999999").status_code == 404  # the same answer as "not yours"
    assert client.get("/desk/households/H-0003").status_code == 404
    households = client.get("/desk/households").text
    assert "H-0001" in households and "H-0003" not in households
    stats = client.get("/desk/stats.json").json()
    assert stats["summary"]["total"] == len(district.c1_needs)
    # Asking for the other centre's figures gives the caller's own.
    assert client.get(f"/desk/stats.json?centre={district.centre2}").json()["summary"]["total"] == len(
        district.c1_needs
    )


def test_headquarters_sees_the_district_and_filters_by_centre(
    client: TestClient, db: Database, district: District
) -> None:
    sign_in(client, db, COORD_HQ)
    everything = client.get("/desk/needs?status=all").text
    assert all(f'/desk/needs/{n}"' in everything for n in district.c1_needs + district.c2_needs)
    only_c2 = client.get(f"/desk/needs?centre={district.centre2}").text
    assert all(f'/desk/needs/{n}"' in only_c2 for n in district.c2_needs)
    assert not any(f'/desk/needs/{n}"' in only_c2 for n in district.c1_needs)
    charts = {c["id"]: c for c in client.get("/desk/stats.json").json()["charts"]}
    assert {"month", "category", "status", "centre", "resolution"} == set(charts)
    by_centre = {r["label"]: r["value"] for r in charts["centre"]["rows"]}
    assert by_centre["C1 역삼1동 행정복지센터"] == len(district.c1_needs)


def test_staff_see_their_caseload_and_no_statistics(
    client: TestClient, db: Database, district: District
) -> None:
    sign_in(client, db, STAFF_C2)
    html = client.get("/desk/needs").text
    assert all(f'/desk/needs/{n}"' in html for n in district.c2_needs)
    assert client.get(f"/desk/needs/{district.c1_needs[0]}").status_code == 404
    for path in ("/desk/stats", "/desk/export", "/desk/meeting"):
        assert client.get(path).status_code == 404
    page = client.get(f"/desk/needs/{district.c2_needs[0]}").text
    assert "/assign" not in page  # staff do not assign


def test_filters_sort_search_and_paging(client: TestClient, db: Database, district: District) -> None:
    sign_in(client, db, COORD_C1)
    urgent = client.get("/desk/needs?urgency=urgent").text
    assert f'/desk/needs/{district.c1_needs[0]}"' in urgent and urgent.count('data-test="need-link"') == 1
    overdue = client.get("/desk/needs?overdue=1").text
    assert overdue.count('data-test="need-link"') == 2  # logged 3 and 20 days ago, due in 1 and 14
    by_code = client.get("/desk/needs?code=h-0002").text
    assert by_code.count('data-test="need-link"') == 2
    assert client.get("/desk/needs?code=H-0003").text.count('data-test="need-link"') == 0
    newest = client.get("/desk/needs?sort=newest").text
    order = [
        int(x.split('"')[0]) for x in newest.split('href="/desk/needs/')[1:] if x.split('"')[0].isdigit()
    ]
    assert order == sorted(district.c1_needs, key=lambda n: {1: 3, 2: 1, 3: 20, 4: 2}[n])  # days ago
    # Bad values are ignored, never an error.
    assert client.get("/desk/needs?urgency=nope&offset=-5&centre=x&status=zzz").status_code == 200


def test_paging_is_in_sql(client: TestClient, db: Database, district: District, desk_settings: Any) -> None:
    sign_in(client, db, COORD_HQ)
    first = client.get("/desk/needs?status=all").text
    assert "1–6 / 6" in first and 'rel="next"' not in first
    # With a page of 5 the sixth is on page two.
    outer = client.app
    assert isinstance(outer, Starlette)
    desk = outer.routes[1].app.state.desk  # type: ignore[attr-defined]  # the Mount's app
    desk.settings = desk_settings.model_copy(update={"page_size": 5})
    page1 = client.get("/desk/needs?status=all").text
    assert page1.count('data-test="need-link"') == 5 and "offset=5" in page1
    page2 = client.get("/desk/needs?status=all&offset=5").text
    assert page2.count('data-test="need-link"') == 1 and "6–6 / 6" in page2


def test_a_long_list_says_how_many_at_least(
    client: TestClient, db: Database, district: District, monkeypatch: Any
) -> None:
    from services import needs as needs_service

    sign_in(client, db, COORD_HQ)
    monkeypatch.setattr(needs_service, "TOTAL_LIMIT", 4)
    page = client.get("/desk/needs?status=all").text
    assert 'data-test="total">4건 이상<' in page and "/ 4건 이상" in page


def test_everything_shown_is_escaped(client: TestClient, db: Database, district: District) -> None:
    sign_in(client, db, COORD_C1)
    html = client.get(f"/desk/needs/{district.script_need}").text
    assert SCRIPT not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    with db.session() as s:
        need = s.get(Need, district.c1_needs[0])
        assert need is not None
    # A partner's name on a chart cannot end the JSON's script element.
    sign_in(client, db, COORD_HQ)
    from storage.models_district import Organisation

    with db.session() as s:
        s.execute(update(Organisation).where(Organisation.code == "C2").values(name="</script><b>x"))
    stats = client.get("/desk/stats").text
    assert "</script><b>x" not in stats and "\\u003c/script\\u003e\\u003cb\\u003ex" in stats


def test_every_page_sends_the_security_headers(client: TestClient, db: Database) -> None:
    sign_in(client, db, COORD_C1)
    for path in ("/desk/needs", "/desk/stats", "/desk/signin", "/desk/households"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin" and headers["cache-control"] == "no-store"
    html = client.get("/desk/stats").text
    # No inline script: only files, and the chart data as inert JSON.
    assert html.count("<script") == html.count('<script src="/desk/static/') + html.count(
        '<script type="application/json"'
    )


# --- the chat's actions ---------------------------------------------------------------------------------


def test_forms_need_the_session_csrf_token_and_our_origin(
    client: TestClient, db: Database, district: District
) -> None:
    sign_in(client, db, COORD_C1)
    need = district.c1_needs[0]
    staff = str(district.users[STAFF_C1])
    assert client.post(f"/desk/needs/{need}/assign", data={"to": staff}).status_code == 403
    assert client.post(f"/desk/needs/{need}/assign", data={"to": staff, "csrf": "x" * 43}).status_code == 403
    csrf = csrf_of(client.get(f"/desk/needs/{need}").text)
    foreign = client.post(
        f"/desk/needs/{need}/assign",
        data={"to": staff, "csrf": csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    with db.session() as s:
        assert s.get(Need, need).assignee_id is None  # type: ignore[union-attr]
    assert ("desk", f"/desk/needs/{need}/assign") in _actions(db)  # refused attempts are logged too


def test_assign_status_note_meeting_through_the_services(
    client: TestClient, db: Database, district: District, sent: list[tuple[int, str]]
) -> None:
    sign_in(client, db, COORD_C1)
    need = district.c1_needs[1]
    page = f"/desk/needs/{need}"
    staff = district.users[STAFF_C1]
    done = _post(client, f"/desk/needs/{need}/assign", page, to=str(staff))
    assert done.headers["location"] == f"{page}?ok=assigned"
    assert sent and sent[-1][0] == STAFF_C1 and f"/desk/needs/{need}" in sent[-1][1]
    # Someone of another centre cannot be given it.
    other = _post(client, f"/desk/needs/{need}/assign", page, to=str(district.users[STAFF_C2]))
    assert other.headers["location"] == f"{page}?err=not_assignable"
    assert _post(client, f"/desk/needs/{need}/status", page, to="in_progress").status_code == 303
    # Giving up needs a reason, as in the chat.
    refused = _post(client, f"/desk/needs/{need}/status", page, to="closed_unresolved")
    assert refused.headers["location"] == f"{page}?err=note_required"
    assert _post(client, f"/desk/needs/{need}/note", page, note="주 1회 안부 전화").status_code == 303
    assert _post(client, f"/desk/needs/{need}/meeting", page).headers["location"].endswith("ok=meeting")
    assert (
        _post(client, f"/desk/needs/{need}/meeting", page).headers["location"].endswith("ok=meeting_already")
    )
    with db.session() as s:
        row = s.get(Need, need)
        assert row is not None and row.assignee_id == staff and row.status == NeedStatus.IN_PROGRESS
        kinds = [e.kind for e in s.scalars(select(NeedEvent).where(NeedEvent.need_id == need))]
        assert kinds[1:] == [EventKind.ASSIGNED, EventKind.STATUS, EventKind.NOTE, EventKind.MEETING]
        day = s.scalars(select(MeetingItem.meeting_on)).one()
    agenda = client.get(f"/desk/meeting?day={day}").text
    assert f'/desk/needs/{need}"' in agenda
    decided = _post(
        client,
        f"/desk/needs/{need}/decision",
        f"/desk/meeting?day={day}",
        day=str(day),
        decision="복지관 연계",
    )
    assert decided.status_code == 303
    assert "복지관 연계" in client.get(f"/desk/meeting?day={day}").text
    shown = client.get(f"{page}?ok=assigned").text
    assert "담당자를 배정했습니다" in shown and "주 1회 안부 전화" in shown


def test_refer_with_consent_and_the_partner_answers_on_the_desk(
    client: TestClient, db: Database, district: District, sent: list[tuple[int, str]]
) -> None:
    sign_in(client, db, COORD_C1)
    need = district.c1_needs[0]
    page = f"/desk/needs/{need}"
    no_consent = _post(client, f"/desk/needs/{need}/refer", page, partner="P1", share="h")
    assert no_consent.headers["location"].endswith("err=consent_required")
    done = _post(client, f"/desk/needs/{need}/refer", page, partner="P1", share="h", consent="1")
    assert done.headers["location"].endswith("ok=referred")
    assert sent[-1][0] == PARTNER and "H-0001" in sent[-1][1] and "병원" not in sent[-1][1]
    # The partner: its queue, only what was shared, and no needs table.
    client.cookies.clear()
    sign_in(client, db, PARTNER)
    assert client.get("/desk/", follow_redirects=False).headers["location"] == "/desk/referrals"
    queue = client.get("/desk/referrals").text
    assert "H-0001" in queue and "병원 동행" not in queue
    assert client.get("/desk/needs").status_code == 404
    referred = client.get(f"/desk/needs/{need}").text
    assert "병원 동행" not in referred and "H-0001" in referred
    with db.session() as s:
        referral_id = s.scalars(select(Referral.id)).one()
    accepted = _post(client, f"/desk/referrals/{referral_id}", "/desk/referrals", to="accepted")
    assert accepted.headers["location"].endswith("ok=answered")
    with db.session() as s:
        assert s.get(Referral, referral_id).status == "accepted"  # type: ignore[union-attr]
        kinds = list(s.scalars(select(NeedEvent.kind).where(NeedEvent.need_id == need)))
        assert kinds.count(EventKind.REFERRAL) == 2  # sent, accepted


def test_the_allocation_list_warns_of_duplicates_and_keeps_the_reason(
    client: TestClient, db: Database
) -> None:
    sign_in(client, db, COORD_C1)
    today = dt.date.today().isoformat()
    form = {"code": "H-0001", "kind": "kimjang", "amount": "30,000", "given_on": today}
    assert (
        _post(client, "/desk/allocations", "/desk/allocations", **form)
        .headers["location"]
        .endswith("ok=recorded")
    )
    again = _post(client, "/desk/allocations", "/desk/allocations", **form)
    assert again.status_code == 409 and 'data-test="duplicate-warning"' in again.text
    assert 'name="reason"' in again.text
    forced = _post(client, "/desk/allocations", "/desk/allocations", **form, reason="두 번째 김장 나눔")
    assert forced.status_code == 303
    with db.session() as s:
        rows = list(s.scalars(select(Allocation).order_by(Allocation.id)))
        assert [r.override_reason for r in rows] == [None, "두 번째 김장 나눔"] and rows[0].amount == 30_000
    listing = client.get("/desk/allocations").text
    assert listing.count('class="dup"') == 2
    # Another centre's household is refused like an unknown one.
    other = _post(client, "/desk/allocations", "/desk/allocations", **{**form, "code": "H-0003"})
    assert other.status_code == 404


def test_export_streams_the_callers_needs_and_logs_why(
    client: TestClient, db: Database, district: District
) -> None:
    sign_in(client, db, COORD_C1)
    assert (
        _post(client, "/desk/export", "/desk/export", format="csv")
        .headers["location"]
        .endswith("err=export_reason")
    )
    response = _post(client, "/desk/export", "/desk/export", format="csv", reason="월간 보고")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(district.c1_needs)
    with db.session() as s:
        logged = s.scalars(select(AccessLog).where(AccessLog.action == AccessAction.EXPORT)).one()
        assert logged.reason == "월간 보고" and logged.actor_id == district.users[COORD_C1]
    # Staff cannot export.
    client.cookies.clear()
    sign_in(client, db, STAFF_C1)
    assert client.get("/desk/export").status_code == 404


def test_the_head_reviews_what_staff_logged(client: TestClient, db: Database, district: District) -> None:
    from services import network

    with db.session() as s:
        network.set_review(s, None, "C1", True)
        s.execute(update(Need).where(Need.id == district.c1_needs[1]).values(status=NeedStatus.REVIEW))
    sign_in(client, db, HEAD_C1)
    page = f"/desk/needs/{district.c1_needs[1]}"
    assert "/review" in client.get(page).text
    assert (
        _post(client, f"{page}/review", page, approve="0").headers["location"].endswith("err=note_required")
    )
    assert _post(client, f"{page}/review", page, approve="1").headers["location"].endswith("ok=reviewed")
    with db.session() as s:
        assert s.get(Need, district.c1_needs[1]).status == NeedStatus.OPEN  # type: ignore[union-attr]


def test_language_is_kept_for_the_session(client: TestClient, db: Database) -> None:
    sign_in(client, db, COORD_C1)
    assert "요청 목록" in client.get("/desk/needs").text
    assert _post(client, "/desk/lang", "/desk/needs", lang="en", back="/needs").status_code == 303
    assert "Needs" in client.get("/desk/needs").text and "요청 목록" not in client.get("/desk/needs").text
    # Only paths inside the desk are followed back.
    away = _post(client, "/desk/lang", "/desk/needs", lang="ko", back="//evil.example/x")
    assert away.headers["location"] == "/desk/needs"


def test_sign_out_ends_the_session_on_the_server(client: TestClient, db: Database) -> None:
    sign_in(client, db, COORD_C1)
    cookie = client.cookies.get("desk")
    out = _post(client, "/desk/signout", "/desk/needs")
    assert out.headers["location"] == "/desk/signin?bye=1"
    client.cookies.set("desk", cookie or "")
    assert client.get("/desk/needs", follow_redirects=False).status_code == 303
    assert ("desk_sign_out", f"user:{_uid(db, COORD_C1)}") in _actions(db)


def test_every_request_is_in_the_access_log(client: TestClient, db: Database, district: District) -> None:
    sign_in(client, db, STAFF_C1)  # the services log no views for staff; the desk logs every request
    client.get("/desk/needs")
    client.get(f"/desk/needs/{district.c1_needs[0]}")
    client.get("/desk/households/H-0001")
    with db.session() as s:
        rows = s.execute(
            select(AccessLog.target, AccessLog.detail).where(AccessLog.action == AccessAction.DESK)
        ).all()
    assert ("/desk/needs", "GET 200") in rows
    assert (f"/desk/needs/{district.c1_needs[0]}", "GET 200") in rows
    assert ("/desk/households/H-0001", "GET 200") in rows
    with db.session() as s:
        assert s.get(User, district.users[STAFF_C1]) is not None
