"""The desk's markup: HTML with only <b> and <i>, which Telegram shows as formatting and the console strips."""

from __future__ import annotations

import html
import re

_ALLOWED_TAG_RE = re.compile(r"&lt;(/?)(b|i)&gt;")


def to_html(markup: str) -> str:
    """Escape everything, then restore the FAQ's own <b>/<i> tags: nothing else can format the text."""
    return _ALLOWED_TAG_RE.sub(r"<\1\2>", html.escape(markup, quote=False))


def escape(text: str) -> str:
    """Escape text typed by a person so it shows literally."""
    return html.escape(text, quote=False)
