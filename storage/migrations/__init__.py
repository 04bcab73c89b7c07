"""Alembic migrations; a package so that an installed bokji-bot ships them."""
