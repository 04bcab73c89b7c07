"""What a service refuses with; channels turn these into messages (or HTTP statuses)."""

from __future__ import annotations


class Denied(PermissionError):
    """The policy does not allow this actor to do this (or to see the record at all)."""


class NotFound(LookupError):
    """No such record, or none this actor may know exists (the two are not told apart)."""


class Refused(ValueError):
    """Allowed in principle, but not now: `reason` names why (for a translated message)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
