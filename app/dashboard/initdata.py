"""Telegram Mini App sign-in: validate `initData` exactly as Telegram documents it.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app

    data_check_string = "\\n".join(f"{key}={value}" for every received field except hash, sorted by key)
    secret_key        = HMAC_SHA256(key="WebAppData", message=bot_token)
    valid             = hex(HMAC_SHA256(key=secret_key, message=data_check_string)) == hash

Values are compared URL-decoded, as received by the Mini App. The `signature` field (Ed25519, for
third parties without the token) stays in the data-check-string: only `hash` is left out. On top of the
signature, auth_date must be recent (the data is a bearer credential for as long as it is accepted) and
not in the future beyond a little clock skew.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_LENGTH = 8192  # real initData is well under 2 kB
CLOCK_SKEW_S = 30


class InvalidInitData(ValueError):
    """Why the data is refused: 'malformed', 'hash', 'stale', 'future' or 'user'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class WebAppUser:
    telegram_id: int
    language_code: str | None
    auth_date: int


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode("utf-8"), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram would put on these fields (tests and the local harness make initData with it)."""
    return hmac.new(
        secret_key(bot_token), data_check_string(fields).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def validate(init_data: str, bot_token: str, max_age_s: float, now: float | None = None) -> WebAppUser:
    """The Telegram user the data was issued to, or InvalidInitData."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InvalidInitData("malformed")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InvalidInitData("malformed") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("malformed")  # a repeated key: which one was signed?
    given = fields.get("hash", "")
    expected = sign(fields, bot_token)
    if not hmac.compare_digest(given.encode("ascii", "replace"), expected.encode("ascii")):
        raise InvalidInitData("hash")
    try:
        auth_date = int(fields["auth_date"])
    except (KeyError, ValueError) as exc:
        raise InvalidInitData("malformed") from exc
    now = time.time() if now is None else now
    if auth_date > now + CLOCK_SKEW_S:
        raise InvalidInitData("future")
    if now - auth_date > max_age_s:
        raise InvalidInitData("stale")
    try:
        user = json.loads(fields["user"])
        telegram_id = int(user["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInitData("user") from exc
    language = user.get("language_code")
    return WebAppUser(telegram_id, language if isinstance(language, str) else None, auth_date)
