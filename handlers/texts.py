"""The chat's wording: the catalogue (catalogue/chat.yaml), Korean first and English second."""

from __future__ import annotations

from catalogue import has, t

__all__ = ["has", "t"]
