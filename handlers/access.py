"""The handlers' side of the one policy (casework.scope): look the record up, ask, write the access log.

Every handler that shows or changes a household's data goes through `household_for` (and every
consultation step through `may_use`), on every button and every typed step, with the role as it is
now: a revoked staff member's old buttons and unfinished consultations stop working at once.
"""

from __future__ import annotations

from casework.model import AccessAction
from casework.scope import household_scope, need_scope
from handlers.route import Turn
from storage import needs as needs_repo
from storage import repo, scoping
from storage.models import Household
from storage.models_needs import Need
from storage.steps import ConsultationRow


def household_for(turn: Turn, household: Household | int | None, purpose: str) -> Household | None:
    """The household if the caller may see it now; a refusal is written to the access log."""
    found = repo.household_by_id(turn.session, household) if isinstance(household, int) else household
    if found is None:
        return None
    if household_scope(turn.actor).matches(scoping.household_facts(turn.session, found)):
        return found
    detail = f"{purpose}: not_theirs"
    needs_repo.record_access(
        turn.session, turn.user, AccessAction.DENIED, f"household:{found.id}", detail=detail
    )
    return None


def viewed(turn: Turn, household: Household, what: str) -> None:
    """A household's answers were shown: who, when, which household, what (history, results …)."""
    needs_repo.record_access(
        turn.session, turn.user, AccessAction.VIEW_HOUSEHOLD, f"household:{household.id}", detail=what
    )


def may_use(turn: Turn, c: ConsultationRow, purpose: str) -> bool:
    """This chat's consultation may go on: a self-check always, a household's only while the caller
    may see that household."""
    if c.chat_id != turn.chat_id:
        return False
    return c.household_id is None or household_for(turn, c.household_id, purpose) is not None


def need_visible(turn: Turn, need: Need | None) -> Need | None:
    """The need, if this caller may see it now (the same rule as every list of needs)."""
    if need is None:
        return None
    if need_scope(turn.actor).matches(scoping.need_facts(turn.session, need)):
        return need
    needs_repo.record_access(
        turn.session, turn.user, AccessAction.DENIED, f"need:{need.id}", detail="need: not_theirs"
    )
    return None
