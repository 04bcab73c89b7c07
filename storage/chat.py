"""Per-chat delivery state (storage.models_chat.ChatState), read and written with Core statements.

An update's turn reads the chat's row first (`read`) and writes it last (`record`), in the same
transaction as the update's effect. `record` checks and bumps the row's version, like the
consultation's: of two processes handling the same update only one commits, and the other finds it
applied when its turn is redone. Writing it last keeps SQLite's write lock as short as the rest of
the step does (see storage.steps).

An update is a replay when its id is among the chat's last RECENT applied ones. Not "at or below the
highest applied": two processes may apply two quick updates of one chat in either order, and the
older one must still count. Within one process a chat's updates are applied strictly in order, and
Telegram sends again only what was not confirmed, so RECENT ids cover any replay with room to spare.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage.db import Database, take_write_lock
from storage.models import Base, utcnow
from storage.models_chat import ChatState

# Telegram delivers an update again only while it is unconfirmed, at most 24 hours. After a week
# without updates its ids restart at a random value, which may be lower than a chat's last one: a
# row older than this window is no evidence of a replay.
REPLAY_WINDOW = dt.timedelta(hours=25)
RECENT = 32
RESULTS_SEQ = 0  # shown_seq of a consultation's results (question-log seqs start at 1)

_T = Base.metadata.tables[ChatState.__tablename__]
_READ = select(
    _T.c.chat_id,
    _T.c.last_update_id,
    _T.c.recent_updates,
    _T.c.version,
    _T.c.shown_consultation_id,
    _T.c.shown_seq,
    _T.c.shown_message_id,
    _T.c.rrn_front,
    _T.c.refused_at,
    _T.c.updated_at,
).where(_T.c.chat_id == bindparam("k_chat"))
_INSERT = insert(_T)
_RECORD = (
    update(_T)
    .where(_T.c.chat_id == bindparam("k_chat"), _T.c.version == bindparam("k_version"))
    .values(
        last_update_id=bindparam("v_last"),
        recent_updates=bindparam("v_recent"),
        version=_T.c.version + 1,
        rrn_front=bindparam("v_rrn"),
        refused_at=bindparam("v_refused"),
        updated_at=bindparam("v_now"),
    )
)
_SHOWN = (
    update(_T)
    .where(
        _T.c.chat_id == bindparam("k_chat"),
        # The first message that showed a question is what counts: showing it again changes nothing.
        (_T.c.shown_consultation_id.is_distinct_from(bindparam("v_c")))
        | (_T.c.shown_seq.is_distinct_from(bindparam("v_seq")))
        | (_T.c.shown_message_id.is_(None)),
    )
    .values(
        shown_consultation_id=bindparam("v_c"),
        shown_seq=bindparam("v_seq"),
        shown_message_id=bindparam("v_message"),
    )
)
_FORGET = (
    update(_T)
    .where(_T.c.chat_id == bindparam("k_chat"))
    .values(shown_consultation_id=None, shown_seq=None, shown_message_id=None, rrn_front=False)
)


@dataclass(frozen=True, slots=True)
class ChatRecord:
    chat_id: int
    last_update_id: int
    recent_updates: list[int]
    version: int
    shown_consultation_id: int | None
    shown_seq: int | None
    shown_message_id: int | None
    rrn_front: bool
    refused_at: dt.datetime | None
    updated_at: dt.datetime

    def applied(self, update_id: int, now: dt.datetime | None = None) -> bool:
        """This update was applied already: it is a replay, not to be applied again."""
        if self.updated_at < (now or utcnow()) - REPLAY_WINDOW:
            return False
        recent = self.recent_updates
        # Below the oldest of a full list: applied long ago (its id was pushed out), or so late it
        # cannot be told from that; either way not applied now.
        return update_id in recent or (len(recent) >= RECENT and update_id < min(recent))

    def showed(self, consultation_id: int, seq: int | None) -> int | None:
        """The id of the message that first showed this question (or results), if it is known."""
        if self.shown_consultation_id == consultation_id and self.shown_seq == seq:
            return self.shown_message_id
        return None


def read(s: Session, chat_id: int) -> ChatRecord | None:
    found = s.connection().execute(_READ, {"k_chat": chat_id}).first()
    return None if found is None else ChatRecord(**found._asdict())


def record(
    s: Session,
    chat_id: int,
    update_id: int,
    before: ChatRecord | None,
    *,
    rrn_front: bool = False,
    refused: bool = False,
) -> None:
    """Record update_id as applied, in the caller's transaction.

    `before` is what `read` gave at the start of the turn. Raises StaleDataError when the row changed
    since (another process applied an update of this chat): the turn is then redone from fresh state.
    """
    now = utcnow()
    refused_at = (before.refused_at if before is not None else None) or (now if refused else None)
    connection = s.connection()
    take_write_lock(connection)
    if before is None:
        connection.execute(
            _INSERT,
            {
                "chat_id": chat_id,
                "last_update_id": update_id,
                "recent_updates": [update_id],
                "version": 1,
                "rrn_front": rrn_front,
                "refused_at": refused_at,
                "updated_at": now,
            },
        )  # a concurrent first update of this chat raises IntegrityError: also redone
        return
    stale = before.updated_at < now - REPLAY_WINDOW  # ids may have restarted: the old ones say nothing
    recent = ([] if stale else [u for u in before.recent_updates if u != update_id]) + [update_id]
    params = {
        "k_chat": chat_id,
        "k_version": before.version,
        "v_last": update_id if stale else max(before.last_update_id, update_id),
        "v_recent": sorted(recent)[-RECENT:],
        "v_rrn": rrn_front,
        "v_refused": refused_at,
        "v_now": now,
    }
    if connection.execute(_RECORD, params).rowcount != 1:
        raise StaleDataError(f"chat {chat_id} was changed by another process")


def shown(s: Session, chat_id: int, consultation_id: int, seq: int, message_id: int) -> None:
    """Remember which message showed this question (seq) or results (RESULTS_SEQ), if it is the first."""
    s.connection().execute(
        _SHOWN, {"k_chat": chat_id, "v_c": consultation_id, "v_seq": seq, "v_message": message_id}
    )


def forget(s: Session, chat_id: int) -> None:
    """Drop what the row says about the chat's last messages (the last update id stays: replays)."""
    s.connection().execute(_FORGET, {"k_chat": chat_id})


def purge_before(s: Session, cutoff: dt.datetime) -> int:
    """Delete rows not written since cutoff: past the replay window they protect nothing."""
    result = s.connection().execute(delete(_T).where(_T.c.updated_at < cutoff))
    return int(result.rowcount or 0)


def shown_now(db: Database, chat_id: int, consultation_id: int, seq: int, message_id: int) -> None:
    """`shown` in a transaction of its own, after the message was sent."""
    with db.engine.begin() as connection:
        take_write_lock(connection)
        connection.execute(
            _SHOWN, {"k_chat": chat_id, "v_c": consultation_id, "v_seq": seq, "v_message": message_id}
        )
