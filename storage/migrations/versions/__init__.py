"""Revision scripts, written by hand and reviewed; never generated at runtime."""
