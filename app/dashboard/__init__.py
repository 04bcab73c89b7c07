"""The coordinators' desk: the district's needs, households, support list, statistics and exports in a
browser, for the office PC and as a Telegram Mini App (issue 19).

It is served by the webhook process (mounted at /desk next to /telegram) or on its own with
`python bot.py dashboard`. Every page and action calls the same services as the chat (services/), so
the one policy in casework.scope decides what each person sees and may do, and each is written to the
access log. Details: docs/dashboard.md.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.dashboard import pages, signin
from app.dashboard.config import MOUNT, DeskSettings
from app.dashboard.web import Desk, Notify
from app.settings import Settings
from storage.db import Database

STATIC = Path(__file__).resolve().parent / "static"

__all__ = ["MOUNT", "Desk", "DeskSettings", "create_dashboard", "standalone"]


def create_dashboard(
    settings: Settings,
    db: Database,
    *,
    desk_settings: DeskSettings | None = None,
    notify: Notify | None = None,
) -> Starlette:
    """The desk's ASGI app, to be mounted at MOUNT (app.webhook does; `standalone` wraps it)."""
    desk = Desk(settings, desk_settings or DeskSettings(), db, notify)
    page = desk.page
    auth = signin.routes(desk)
    routes = [
        Route("/", page(pages.home)),
        Route("/signin", auth["signin"]),
        Route("/login/{token}", auth["login_page"], methods=["GET"]),
        Route("/login/{token}", auth["login"], methods=["POST"]),
        Route("/tg", auth["webapp_page"]),
        Route("/tg/auth", auth["webapp_auth"], methods=["POST"]),
        Route("/signout", page(pages.sign_out), methods=["POST"]),
        Route("/lang", page(pages.language), methods=["POST"]),
        Route("/needs", page(pages.needs_list)),
        Route("/needs/{need_id:int}", page(pages.need_page)),
        Route("/needs/{need_id:int}/assign", page(pages.assign), methods=["POST"]),
        Route("/needs/{need_id:int}/status", page(pages.status), methods=["POST"]),
        Route("/needs/{need_id:int}/note", page(pages.note), methods=["POST"]),
        Route("/needs/{need_id:int}/review", page(pages.review), methods=["POST"]),
        Route("/needs/{need_id:int}/meeting", page(pages.meeting_mark), methods=["POST"]),
        Route("/needs/{need_id:int}/decision", page(pages.meeting_decision), methods=["POST"]),
        Route("/needs/{need_id:int}/refer", page(pages.refer), methods=["POST"]),
        Route("/households", page(pages.households)),
        Route("/households/{code}", page(pages.household)),
        Route("/allocations", page(pages.allocations), methods=["GET"]),
        Route("/allocations", page(pages.record_allocation), methods=["POST"]),
        Route("/stats", page(pages.stats_page)),
        Route("/stats.json", page(pages.stats_json)),
        Route("/export", page(pages.export_form), methods=["GET"]),
        Route("/export", page(pages.export), methods=["POST"]),
        Route("/referrals", page(pages.referrals)),
        Route("/referrals/{referral_id:int}", page(pages.respond), methods=["POST"]),
        Route("/meeting", page(pages.meeting)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.desk = desk
    return app


def standalone(dashboard: Starlette) -> Starlette:
    """`python bot.py dashboard`: the desk at MOUNT, and / sends people there."""

    async def root(_: object) -> Response:
        return RedirectResponse(f"{MOUNT}/", status_code=303)

    return Starlette(routes=[Route("/", root), Mount(MOUNT, app=dashboard)])
