"""Signing in without passwords: a one-time link from the bot, or the Telegram Mini App.

The link (`/desk` in the bot) opens a confirmation page; only its POST uses the link up, so a link
previewer or a mail scanner that fetches the URL signs nobody in and burns nothing. The POST must
carry the value the confirmation page set in a cookie (so another site cannot sign a browser into
someone else's account with a link of its own).

The Mini App's page reads Telegram's initData from its URL fragment (`#tgWebAppData=…`, which is how
Telegram hands it to every Mini App; no script is loaded from Telegram) and POSTs it as JSON; the server
checks the HMAC with the bot token (app.dashboard.initdata). Inside Telegram's phone and desktop apps
the page is top-level and the session cookie is set at once; inside Telegram Web the page is framed,
where a SameSite=Strict cookie is never sent, so the server hands back a one-minute link instead and the
page opens it in a new tab.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app.dashboard import initdata, texts
from app.dashboard.config import MOUNT
from app.dashboard.web import Desk, secure_headers
from services import desk as desk_service
from services.errors import Denied, Refused

log = logging.getLogger(__name__)
PRE_COOKIE = "desk_pre"
FRAMED_LINK_MINUTES = 1.0
MAX_JSON = 16 * 1024


def _lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "ko").lower().startswith("en") else "ko"


def _plain(desk: Desk, request: Request, template: str, status: int = 200, **values: Any) -> Response:
    lang = _lang(request)
    html = desk.templates.get_template(template).render(
        t=lambda key, **kw: texts.t(key, lang, **kw), lang=lang, **values
    )
    return secure_headers(HTMLResponse(html, status_code=status), framable=template == "tg.html")


def routes(desk: Desk) -> dict[str, Any]:
    async def signin(request: Request) -> Response:
        message = None
        if request.query_params.get("bye"):
            message = texts.t("signin.bye", _lang(request))
        return _plain(desk, request, "signin.html", message=message)

    async def login_page(request: Request) -> Response:
        token = request.path_params["token"]
        live = await anyio.to_thread.run_sync(_link_is_live, desk, token, limiter=desk.limiter)
        if not live:
            return _plain(
                desk, request, "signin.html", 410, message=texts.t("signin.expired", _lang(request))
            )
        pre = secrets.token_urlsafe(16)
        response = _plain(desk, request, "login.html", action=f"{MOUNT}/login/{token}", pre=pre)
        response.set_cookie(
            PRE_COOKIE,
            pre,
            max_age=600,
            path=f"{MOUNT}/login",
            secure=desk.settings.https(),
            httponly=True,
            samesite="strict",
        )
        return response

    async def login(request: Request) -> Response:
        from app.dashboard.web import read_form

        form = await read_form(request) or {}
        pre = request.cookies.get(PRE_COOKIE, "")
        if not desk.same_origin(request) or not pre or not hmac.compare_digest(pre, form.get("pre", "")):
            return _plain(desk, request, "signin.html", 403, message=texts.t("error.csrf", _lang(request)))
        token = request.path_params["token"]
        try:
            signed = await anyio.to_thread.run_sync(_redeem, desk, token, limiter=desk.limiter)
        except Refused:
            return _plain(
                desk, request, "signin.html", 410, message=texts.t("signin.expired", _lang(request))
            )
        except Denied:
            return _plain(desk, request, "signin.html", 403, message=texts.t("signin.denied", _lang(request)))
        response = RedirectResponse(f"{MOUNT}/", status_code=303)
        desk.set_session_cookie(response, signed.session.token)
        response.delete_cookie(PRE_COOKIE, path=f"{MOUNT}/login")
        return secure_headers(response)

    async def webapp_page(request: Request) -> Response:
        return _plain(desk, request, "tg.html")

    async def webapp_auth(request: Request) -> Response:
        if (
            request.headers.get("content-type", "").split(";")[0].strip() != "application/json"
            or not desk.same_origin(request)
            or desk.bot_token is None
        ):
            return secure_headers(JSONResponse({"error": "refused"}, status_code=403))
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_JSON:
                return secure_headers(JSONResponse({"error": "too large"}, status_code=413))
        try:
            import json

            data = json.loads(body)
            raw = str(data["initData"])
            framed = bool(data.get("framed"))
            user = initdata.validate(raw, desk.bot_token, desk.settings.initdata_max_age_s)
        except initdata.InvalidInitData as exc:
            log.info("desk: Mini App data refused (%s)", exc.reason)
            return secure_headers(JSONResponse({"error": exc.reason}, status_code=403))
        except (ValueError, KeyError, TypeError):
            return secure_headers(JSONResponse({"error": "malformed"}, status_code=400))
        try:
            if framed:
                token = await anyio.to_thread.run_sync(
                    _framed_link, desk, user.telegram_id, limiter=desk.limiter
                )
                return secure_headers(JSONResponse({"link": f"{MOUNT}/login/{token}"}))
            signed = await anyio.to_thread.run_sync(_webapp, desk, user.telegram_id, limiter=desk.limiter)
        except Denied:
            return secure_headers(JSONResponse({"error": "denied"}, status_code=403))
        response = JSONResponse({"next": f"{MOUNT}/"})
        desk.set_session_cookie(response, signed.session.token)
        return secure_headers(response)

    return {
        "signin": signin,
        "login_page": login_page,
        "login": login,
        "webapp_page": webapp_page,
        "webapp_auth": webapp_auth,
    }


def _link_is_live(desk: Desk, token: str) -> bool:
    from storage import desk as desk_repo

    with desk.db.session() as s:
        return desk_repo.link_is_live(s, token)


def _redeem(desk: Desk, token: str) -> desk_service.SignedIn:
    # A refusal (unknown user, revoked role) must not keep the link usable: commit the redemption
    # in its own transaction first.
    from storage import desk as desk_repo

    with desk.db.session() as s:
        redeemed = desk_repo.redeem_link(s, token)
    if redeemed is None:
        raise Refused("link")
    user_id, via = redeemed
    with desk.db.session() as s:
        return desk_service.open_session(
            s, user_id, desk.admin_ids, desk.settings.session_hours, f"link ({via})"
        )


def _webapp(desk: Desk, telegram_id: int) -> desk_service.SignedIn:
    with desk.db.session() as s:
        return desk_service.sign_in_with_webapp(s, telegram_id, desk.admin_ids, desk.settings.session_hours)


def _framed_link(desk: Desk, telegram_id: int) -> str:
    with desk.db.session() as s:
        return desk_service.issue_link(s, telegram_id, desk.admin_ids, FRAMED_LINK_MINUTES, via="webapp")
