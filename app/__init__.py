"""Composition: settings, the command line, building the Telegram application, console mode."""
