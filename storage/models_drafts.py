"""Multi-step input in progress (a need being described, a note or reason being typed).

One row per chat: the next text message that chat sends is read as this input. Kept apart from
consultations so a staff member can note something about a need in the middle of a consultation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import ENUM_LENGTH, Base, UTCDateTime, utcnow


class ChatDraft(Base):
    __tablename__ = "chat_drafts"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    data: Mapped[dict[str, Any]] = mapped_column(
        JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql"), default=dict
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
