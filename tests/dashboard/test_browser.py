"""The desk in a real browser (headless Chromium from Debian, driven by Playwright): a coordinator of
centre C1 signs in on an "office PC" with the one-time link the bot sent, filters the needs table,
opens a need, assigns it, and the change is in the bot's database; a need and a household of centre
C2 are refused; the statistics draw their charts from JSON, with no inline script (the CSP would block
it). Screenshots of the main pages go to out/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.dashboard import create_dashboard, standalone
from app.dashboard.config import DeskSettings
from app.settings import Settings
from casework.model import AccessAction, EventKind
from storage.db import Database
from storage.models_needs import AccessLog, Need, NeedEvent
from tests.dashboard.browser import SCREENSHOTS, browser, free_port, serving
from tests.dashboard.conftest import link_for
from tests.dashboard.seed import COORD_C1, COORD_HQ, STAFF_C1, District


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_coordinator_works_the_desk_in_chromium(
    db: Database, district: District, app_settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    desk_settings = DeskSettings(_env_file=None, url=f"http://127.0.0.1:{port}/desk")
    sent: list[tuple[int, str]] = []

    async def notify(chat_id: int, text: str) -> None:
        sent.append((chat_id, text))

    app = standalone(create_dashboard(app_settings, db, desk_settings=desk_settings, notify=notify))
    csp_errors: list[str] = []
    with serving(app, port) as base, browser(tmp_path / "chromium-profile") as context:
        page = context.new_page()
        page.on(
            "console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None
        )
        page.on("pageerror", lambda e: csp_errors.append(str(e)))

        # Signed out: every page leads to the sign-in explanation.
        page.goto(f"{base}/desk/needs")
        assert page.url.endswith("/desk/signin")

        # The link the bot sent, opened on the office PC: a confirmation, then the needs table.
        token = link_for(db, COORD_C1)
        page.goto(f"{base}/desk/login/{token}")
        _shot(page, "00-sign-in")
        page.click("[data-test=sign-in]")
        page.wait_for_url(f"{base}/desk/needs")
        rows = page.locator("[data-test=needs] tbody tr")
        assert rows.count() == len(district.c1_needs)  # C1's needs only, none of C2's
        assert "#3001" in page.inner_text("[data-test=who]") or str(
            district.users[COORD_C1]
        ) in page.inner_text("[data-test=who]")
        # The description that tries to run a script is shown as text on its page (checked below).
        _shot(page, "01-needs")

        # Filter: urgent only (the select applies itself), then unassigned ones.
        page.select_option("select[name=urgency]", "urgent")
        page.wait_for_url("**urgency=urgent**")
        assert page.locator("[data-test=needs] tbody tr").count() == 1
        page.select_option("[data-test=assignee-filter]", "none")
        page.wait_for_url("**assignee=none**")
        assert page.locator("[data-test=needs] tbody tr").count() == 1
        urgent_id = district.c1_needs[0]

        # Open it and assign it to the centre's staff member.
        page.click("[data-test=need-link]")
        page.wait_for_url(f"{base}/desk/needs/{urgent_id}")
        staff_id = district.users[STAFF_C1]
        page.select_option("[data-test=assign-to]", str(staff_id))
        page.click("[data-test=assign]")
        page.wait_for_url(f"**/desk/needs/{urgent_id}?ok=assigned")
        assert page.inner_text("[data-test=assignee]") == f"#{staff_id}"
        _shot(page, "02-need-assigned")

        # The bot's data: the need is assigned, with an event, and the assignee was told.
        with db.session() as s:
            need = s.get(Need, urgent_id)
            assert need is not None and need.assignee_id == staff_id and need.status == "assigned"
            kinds = [e.kind for e in s.scalars(select(NeedEvent).where(NeedEvent.need_id == urgent_id))]
            assert EventKind.ASSIGNED in kinds
            actions = {row.action for row in s.scalars(select(AccessLog))}
            assert {AccessAction.DESK_SIGN_IN, AccessAction.DESK, AccessAction.VIEW_NEED} <= actions
        assert [chat for chat, _ in sent] == [STAFF_C1]

        # A script in a description is text, never run.
        page.goto(f"{base}/desk/needs/{district.script_need}")
        assert "<script>" in page.inner_text("[data-test=description]")

        # Centre C2's need and household: refused like things that do not exist.
        response = page.goto(f"{base}/desk/needs/{district.c2_needs[0]}")
        assert response is not None and response.status == 404
        assert page.locator("[data-test=error]").count() == 1
        _shot(page, "03-refused")
        response = page.goto(f"{base}/desk/households/H-0003")
        assert response is not None and response.status == 404

        page.goto(f"{base}/desk/households")
        assert page.locator("[data-test=households] tbody tr").count() == 2
        _shot(page, "04-households")
        page.goto(f"{base}/desk/allocations")
        _shot(page, "05-allocations")

        # Statistics: the charts are drawn by the page's script from its JSON.
        page.goto(f"{base}/desk/stats")
        page.wait_for_selector("#plot-category svg rect.bar", state="attached")
        assert page.locator("#plot-category svg rect.bar").count() == 11  # every category, zeros too
        assert page.inner_text("[data-test=kpi-total]") == str(len(district.c1_needs))
        page.hover("#plot-category svg rect.bar >> nth=4")  # health: a tooltip with its share
        _shot(page, "06-stats")
        page.click("button[data-toggle=status]")
        assert page.locator("#table-status").is_visible()

        # English on request, for the whole session.
        page.click("header form[action$='/lang'] button")
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().startswith("Statistics")
        page.goto(f"{base}/desk/needs")
        _shot(page, "07-needs-en")

        # Signing out ends the session on the server.
        page.click("header form[action$='/signout'] button")
        page.wait_for_url("**/desk/signin?bye=1")
        page.goto(f"{base}/desk/needs")
        assert page.url.endswith("/desk/signin")

        # Headquarters sees both centres (a fresh browser profile: nothing carried over).
        context.clear_cookies()
        page.goto(f"{base}/desk/login/{link_for(db, COORD_HQ)}")
        page.click("[data-test=sign-in]")
        page.wait_for_url(f"{base}/desk/needs")
        assert page.locator("[data-test=needs] tbody tr").count() == len(district.c1_needs) + len(
            district.c2_needs
        )
        page.goto(f"{base}/desk/stats")
        page.wait_for_selector("#plot-centre svg rect.bar", state="attached")
        _shot(page, "08-stats-headquarters")
    assert csp_errors == []
