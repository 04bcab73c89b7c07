"""Telegram Mini App initData, checked as Telegram documents it (HMAC-SHA256 with the secret key
HMAC_SHA256("WebAppData", bot_token) over the sorted key=value lines without hash)."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest

from app.dashboard import initdata

TOKEN = "123456:ABC-test"
NOW = 1_765_000_000


def make(fields: dict[str, str], token: str = TOKEN) -> str:
    """Signed independently of the code under test: the documented recipe, spelled out here."""
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def fields(auth_date: int = NOW, user_id: int = 3001) -> dict[str, str]:
    user = {"id": user_id, "first_name": "Kim", "language_code": "ko"}
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(auth_date),
        "signature": "c2lnbmF0dXJl",  # stays in the data-check-string for the HMAC check
    }


def test_valid_data_names_the_user() -> None:
    user = initdata.validate(make(fields()), TOKEN, max_age_s=600, now=NOW + 5)
    assert (user.telegram_id, user.language_code, user.auth_date) == (3001, "ko", NOW)


def test_the_module_signs_the_same_way() -> None:
    assert (
        initdata.sign(fields(), TOKEN)
        == dict(pair.split("=", 1) for pair in make(fields()).split("&"))["hash"]
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (make(fields(), token="999:other-bot"), "hash"),  # signed for another bot
        (make(fields()).replace("3001", "3002"), "hash"),  # someone else's id swapped in
        (make(fields()) + "&extra=1", "hash"),  # a field added after signing
        (make(fields()).rsplit("&hash=", 1)[0], "hash"),  # no hash at all
        (make(fields(auth_date=NOW - 601)), "stale"),  # older than the configured age
        (make(fields(auth_date=NOW + 3600)), "future"),
        ("", "malformed"),
        ("not a query string", "malformed"),
        (make(fields()) + "&auth_date=1", "malformed"),  # a repeated key
    ],
)
def test_tampered_or_stale_data_is_refused(data: str, reason: str) -> None:
    with pytest.raises(initdata.InvalidInitData) as refused:
        initdata.validate(data, TOKEN, max_age_s=600, now=NOW)
    assert refused.value.reason == reason


def test_data_without_a_user_is_refused() -> None:
    only = {"auth_date": str(NOW), "query_id": "x"}
    with pytest.raises(initdata.InvalidInitData) as refused:
        initdata.validate(make(only), TOKEN, max_age_s=600, now=NOW)
    assert refused.value.reason == "user"
