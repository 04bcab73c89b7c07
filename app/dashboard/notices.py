"""What the desk tells people in Telegram after an action, in the recipient's language: the same news
the chat's actions send (assigned, referred, answered), with a link to the need's page on the desk."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from app.dashboard import texts
from storage.models_district import Referral
from storage.models_needs import Need

if TYPE_CHECKING:
    from app.dashboard.web import Ctx


def _link(ctx: Ctx, need: Need, lang: str) -> str:
    url = f"{ctx.desk.settings.base_url()}/needs/{need.id}"
    return f'<a href="{escape(url)}">{escape(texts.t("notice.open", lang))}</a>'


def assigned(ctx: Ctx, need: Need, lang: str) -> str:
    text = texts.t(
        "notice.assigned",
        lang,
        id=need.id,
        category=texts.label("category", need.category, lang),
        urgency=texts.label("urgency", need.urgency, lang),
        due=need.due_at.astimezone(texts.KST).strftime("%Y-%m-%d"),
    )
    return f"{escape(text)}\n{_link(ctx, need, lang)}"


def referred(ctx: Ctx, need: Need, referral: Referral, lang: str) -> str:
    shared = "\n".join(f"{k}: {v}" for k, v in referral.shared.items())
    text = texts.t(
        "notice.referred",
        lang,
        id=need.id,
        category=texts.label("category", need.category, lang),
        urgency=texts.label("urgency", need.urgency, lang),
    )
    url = f"{ctx.desk.settings.base_url()}/referrals"
    anchor = f'<a href="{escape(url)}">{escape(texts.t("notice.open", lang))}</a>'
    return f"{escape(text)}\n{escape(shared)}\n{anchor}"


def partner_answered(ctx: Ctx, need: Need, lang: str) -> str:
    return f"{escape(texts.t('notice.answered', lang, id=need.id))}\n{_link(ctx, need, lang)}"
