"""The frame every desk page and action runs in: the session cookie, CSRF, the one policy's errors,
the access log, templates, security headers and notifications.

A page is a plain function `(Ctx, **path_params) -> Response` run in a worker thread with its own
database session (SQLAlchemy is synchronous; the event loop, which may also be serving the bot's
webhook, never waits on SQL). Notifications a page queues on the Ctx are sent after the commit.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import anyio
import jinja2
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from app.dashboard import texts
from app.dashboard.config import MOUNT, DeskSettings
from app.settings import Settings
from casework.policy import KST
from casework.scope import Actor
from services import desk as desk_service
from services import reports
from services.errors import Denied, NotFound, Refused
from storage.db import Database

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_FORM = 64 * 1024  # a desk form is a few fields of text
THREADS = 8  # concurrent desk requests doing SQL; more wait their turn instead of starving the bot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Notify = Callable[[int, str], Awaitable[None]]  # Telegram chat id, HTML text


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    # No inline script or style anywhere: every script and stylesheet is a file under /static.
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


# Telegram Web (web.telegram.org/k and /a) shows Mini Apps in an iframe; the phone and desktop apps
# use a web view of their own, which is not framing. Only the Mini App's entry page may be framed.
TELEGRAM_FRAMERS = "https://web.telegram.org"


def secure_headers(response: Response, *, framable: bool = False) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(TELEGRAM_FRAMERS if framable else "'none'")
    if not framable:
        headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    # Sign-in links carry their token in the path: never send a URL of ours to another site. (Not
    # no-referrer: with it Chromium sends "Origin: null" on our own forms, which the CSRF check refuses.)
    headers["Referrer-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def format_day(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return "-"
    if isinstance(moment, dt.datetime):
        return moment.astimezone(KST).strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d")


def format_time(moment: dt.datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(KST).strftime("%Y-%m-%d %H:%M")


def build_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped unless a template says otherwise (none does)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        day=format_day,
        time=format_time,
        mount=MOUNT,
        label=texts.label,
    )
    return env


@dataclass
class Ctx:
    """One request as a page sees it."""

    desk: Desk
    s: Session
    me: desk_service.Current
    path: str
    query: Mapping[str, str]
    form: dict[str, str]
    method: str
    lang: str
    notes: list[tuple[int, str]] = field(default_factory=list)
    # Work for after the commit, outside the request's transaction (an export in its own process).
    after: Callable[[], Response] | None = None

    @property
    def actor(self) -> Any:
        return self.me.actor

    def t(self, key: str, **values: Any) -> str:
        return texts.t(key, self.lang, **values)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        page = self.desk.templates.get_template(template)
        html = page.render(
            t=self.t,
            lang=self.lang,
            me=self.me,
            csrf=self.me.row.csrf,
            path=self.path,
            query=self.query,
            flash=_flash(self),
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def back(self, to: str, ok: str | None = None, err: str | None = None, **extra: Any) -> Response:
        """Post/redirect/get: the message is a catalogue key, never text from the request."""
        query = {k: v for k, v in {"ok": ok, "err": err, **extra}.items() if v is not None}
        url = f"{MOUNT}{safe_path(to)}" + (f"?{urlencode(query)}" if query else "")
        return RedirectResponse(url, status_code=303)

    def tell(self, telegram_id: int, text: str) -> None:
        self.notes.append((telegram_id, text))


_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_\-./]*$")


def safe_path(to: str) -> str:
    """A path inside the desk to go back to; anything else (another site, a scheme, //) goes to /needs."""
    return to if _SAFE_PATH.fullmatch(to) and "//" not in to and ".." not in to else "/needs"


def form_page(path: str) -> str:
    """The page a form was posted from: /needs/12/assign → /needs/12, /referrals/5 → /referrals."""
    parts = path.removeprefix(MOUNT).strip("/").split("/")
    if len(parts) == 3 or (len(parts) == 2 and parts[1].isdigit() and parts[0] != "needs"):
        parts = parts[:-1]
    return "/" + "/".join(parts)


def _flash(ctx: Ctx) -> tuple[str, str] | None:
    for kind in ("ok", "err"):
        key = ctx.query.get(kind)
        if key and texts.has(f"{kind}.{key}"):
            return kind, ctx.t(f"{kind}.{key}")
    return None


Page = Callable[..., Response]


class Desk:
    def __init__(
        self, app_settings: Settings, settings: DeskSettings, db: Database, notify: Notify | None = None
    ) -> None:
        self.app_settings = app_settings
        self.settings = settings
        self.db = db
        self.admin_ids: Collection[int] = frozenset(app_settings.admin_ids)
        token = app_settings.telegram_bot_token
        self.bot_token = token.get_secret_value() if token is not None else None
        self.notify = notify
        self.templates = build_templates()
        self.limiter = anyio.CapacityLimiter(THREADS)
        self.cookie = "__Host-desk" if settings.https() else "desk"

    # --- cookies -----------------------------------------------------------------------------------

    def set_session_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            self.cookie,
            token,
            max_age=int(self.settings.session_hours * 3600),
            path="/",
            secure=self.settings.https(),
            httponly=True,
            samesite="strict",
        )

    def clear_session_cookie(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie, path="/", secure=self.settings.https(), httponly=True, samesite="strict"
        )

    def expected_origin(self, request: Request) -> str:
        if self.settings.url:
            parts = urlsplit(self.settings.url)
            return f"{parts.scheme}://{parts.netloc}"
        return f"{request.url.scheme}://{request.url.netloc}"

    def same_origin(self, request: Request) -> bool:
        """Browsers send Origin with every POST; when it is there it must be ours."""
        origin = request.headers.get("origin")
        if origin is not None and origin != self.expected_origin(request):
            return False
        return request.headers.get("sec-fetch-site") in (None, "same-origin", "none")

    # --- pages -------------------------------------------------------------------------------------

    def page(self, fn: Page) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            started = time.perf_counter()
            form: dict[str, str] = {}
            if request.method == "POST":
                parsed = await read_form(request)
                if parsed is None:
                    return secure_headers(Response(status_code=413))
                form = parsed
            response, notes = await anyio.to_thread.run_sync(
                partial(self._run, fn, request, form), limiter=self.limiter
            )
            for chat_id, text in notes:
                await self._send(chat_id, text)
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            return secure_headers(response)

        endpoint.__name__ = fn.__name__
        return endpoint

    def exporter(self, actor: Actor, fmt: str, reason: str, lang: str) -> Response:
        """The export service in a process of its own (as the bot runs it), then the file, streamed."""
        fd, name = tempfile.mkstemp(prefix="desk-export-", suffix=f".{fmt}")
        os.close(fd)
        path = Path(name)
        url = self.db.url.render_as_string(hide_password=False)
        try:
            reports.export_elsewhere(url, actor, fmt, path, reason, lang)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        media = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
        name = f"needs-{dt.datetime.now(KST):%Y%m%d-%H%M}.{fmt}"
        return FileResponse(
            path, media_type=media, filename=name, background=BackgroundTask(path.unlink, missing_ok=True)
        )

    async def _send(self, chat_id: int, text: str) -> None:
        if self.notify is None:
            log.info("desk: no bot to notify a chat (standalone without TELEGRAM_BOT_TOKEN)")
            return
        try:
            await self.notify(chat_id, text)
        except Exception:  # the change is saved; a blocked bot or a network error must not undo the page
            log.warning("desk: could not notify a chat", exc_info=True)

    def _run(
        self, fn: Page, request: Request, form: dict[str, str]
    ) -> tuple[Response, list[tuple[int, str]]]:
        path = request.url.path
        method = request.method
        with self.db.session() as s:
            token = request.cookies.get(self.cookie)
            me = desk_service.current(s, token, self.admin_ids, self.settings.idle_minutes) if token else None
            if me is None:
                if method == "GET":
                    response: Response = RedirectResponse(f"{MOUNT}/signin", status_code=303)
                else:
                    response = Response(status_code=401)
                if token:
                    self.clear_session_cookie(response)
                return response, []
            lang = me.row.language if me.row.language in ("ko", "en") else "ko"
            ctx = Ctx(self, s, me, path, dict(request.query_params), form, method, lang)
            if method == "POST" and not (
                self.same_origin(request)
                and hmac.compare_digest(form.get("csrf", "").encode(), me.row.csrf.encode())
            ):
                response = ctx.render("error.html", status=403, message=ctx.t("error.csrf"))
                desk_service.log_request(s, me.user, path, method, 403)
                return response, []
            try:
                response = fn(ctx, **request.path_params)
                s.flush()
            except (NotFound, Denied, Refused, StaleDataError) as exc:
                s.rollback()
                ctx.notes.clear()
                ctx.after = None
                response = self._refusal(ctx, exc)
            desk_service.log_request(s, me.user, path, method, response.status_code)
        if ctx.after is not None:
            response = ctx.after()
        return response, ctx.notes

    def _refusal(self, ctx: Ctx, exc: Exception) -> Response:
        if isinstance(exc, Refused) and ctx.method == "POST":
            # Back to the page the form was on, with the reason from the catalogue.
            return ctx.back(ctx.form.get("back") or form_page(ctx.path), err=exc.reason)
        if isinstance(exc, StaleDataError):
            return ctx.render("error.html", status=409, message=ctx.t("error.stale"))
        if isinstance(exc, Refused):
            return ctx.render("error.html", status=400, message=ctx.t("error.refused"))
        # Denied and NotFound look alike from outside: ids are sequential and would leak otherwise.
        return ctx.render("error.html", status=404, message=ctx.t("error.not_found"))


async def read_form(request: Request) -> dict[str, str] | None:
    """An urlencoded body (at most MAX_FORM bytes) as a dict; a repeated key keeps every value, joined
    by commas (checkbox groups)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return None
    out: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        out[key] = f"{out[key]},{value}" if key in out else value
    return out
