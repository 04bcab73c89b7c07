from __future__ import annotations

from storage import drafts
from storage.db import Database

CHAT = 9_000_000_777


def test_a_draft_is_found_in_the_turn_that_set_it_and_in_later_ones(db: Database) -> None:
    with db.session() as s:
        assert drafts.get_draft(s, CHAT) is None
        drafts.set_draft(s, CHAT, "need", {"step": "category"})
        found = drafts.get_draft(s, CHAT)  # not yet flushed when asked
        assert found is not None and found.data == {"step": "category"}
        drafts.set_draft(s, CHAT, "need", {"step": "urgency"})
    with db.session() as s:
        found = drafts.get_draft(s, CHAT)
        assert found is not None and (found.kind, found.data) == ("need", {"step": "urgency"})
        drafts.clear_draft(s, CHAT)
        assert drafts.get_draft(s, CHAT) is None  # cleared in this turn: gone at once
    with db.session() as s:
        assert drafts.get_draft(s, CHAT) is None
        assert drafts.get_draft(s, CHAT + 1) is None
