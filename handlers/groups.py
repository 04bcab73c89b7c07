"""Which roles a command or a button is offered to at all. What each may see and do to a record is
decided by the one policy, casework.scope."""

from __future__ import annotations

from storage.models import Role

EVERYONE = frozenset(Role)
# The district's own offices.
STAFF = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN})
HEADS = frozenset({Role.HEAD, Role.COORDINATOR, Role.ADMIN})
COORDINATORS = frozenset({Role.COORDINATOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
PARTNERS = frozenset({Role.PARTNER})
REPORTERS = frozenset({Role.REPORTER, Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN})
SUPPORT = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN, Role.PARTNER})
