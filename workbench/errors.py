"""The one error family the user sees as a plain sentence (CLI line, app notification)."""

from __future__ import annotations


class WorkbenchError(Exception):
    """A failure whose message says what went wrong and what to do about it."""
