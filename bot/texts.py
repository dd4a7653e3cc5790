"""The front ends' view of the text catalogue in actions/texts: one lookup for the bot and the actions."""

from __future__ import annotations

from actions.texts import text

__all__ = ["SPEAKERS", "text"]

#: How staff cards and transcripts name who wrote a message, by its direction.
SPEAKERS = {direction: text("id", f"speaker_{direction}") for direction in ("in", "out", "staff", "system")}
