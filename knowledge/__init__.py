"""The consultation manual and everything that reasons over it.

Pure Python: no Telegram, no database. Reading the manual's YAML is the only I/O.
"""
