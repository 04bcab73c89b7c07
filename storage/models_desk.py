"""Models for the coordinators' web desk (issue 19): one-time sign-in links and signed-in sessions.

Only sha256 hashes of the tokens are stored, like invitations: a copy of the database signs nobody in.
Imported at the end of storage.models so that the tables are on Base.metadata wherever models are used.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow

TOKEN_HASH_LENGTH = 64  # hex sha256
CSRF_LENGTH = 43  # secrets.token_urlsafe(32)


class DeskLink(Base):
    """A sign-in link the bot sent (or a Mini App start handed over): single use, minutes long."""

    __tablename__ = "desk_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    via: Mapped[str] = mapped_column(String(16))  # "bot" (/desk) or "webapp" (Mini App, opened in a tab)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class DeskSession(Base):
    """A signed-in browser. Ends at expires_at, or after idle minutes without a request, or at sign-out."""

    __tablename__ = "desk_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(CSRF_LENGTH))  # the forms' token: not a credential alone
    via: Mapped[str] = mapped_column(String(16))  # "link" or "webapp"
    language: Mapped[str] = mapped_column(String(2), default="ko")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
