"""Per-chat delivery state and the webhook inbox: what makes every update apply exactly once.

`chat_state` is written in the same transaction as each update's effect: the updates applied last
(a replay after a crash is recognised and not applied again), the question on screen and the
message that first showed it (a typed answer is bound to the question that was on screen when it
was typed), whether the last message ended like the first half of a resident number (so the second
half is masked when it comes in the next message), and whether a group was already told the bot
works in private chats only. It holds no message text.

`update_inbox` holds a webhook update from the moment Telegram is answered 200 until it has been
handled (its text masked, see app.webhook): a process killed in between loses nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


def _json_list() -> JSON:
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class ChatState(Base):
    __tablename__ = "chat_state"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_update_id: Mapped[int] = mapped_column(BigInteger, default=0)  # the highest applied
    # The ids of the last updates applied (storage.chat.RECENT of them): two processes may apply a
    # chat's updates out of order, so "at or below the highest" alone would drop a late one.
    recent_updates: Mapped[list[int]] = mapped_column(_json_list(), default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)  # checked and bumped by every write
    # The question on screen: consultation id and question-log seq (0: the results), and the id of
    # the message that first showed it. No foreign key: retention may delete the consultation.
    shown_consultation_id: Mapped[int | None] = mapped_column(Integer)
    shown_seq: Mapped[int | None] = mapped_column(Integer)
    shown_message_id: Mapped[int | None] = mapped_column(BigInteger)
    rrn_front: Mapped[bool] = mapped_column(Boolean, default=False)
    refused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboxUpdate(Base):
    __tablename__ = "update_inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(
        JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
    )
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
