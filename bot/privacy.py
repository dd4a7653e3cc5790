"""Mask Indonesian personal identifiers before anything is stored, logged, reported or exported."""

from __future__ import annotations

import re

_SEP = r"[\s.\-]?"
#: Order matters: the most specific patterns first.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[TELEPON]", re.compile(rf"(?<![\w+])(?:\+62|62|0){_SEP}8\d(?:{_SEP}\d){{6,11}}(?!\d)")),
    ("[NIK/KK]", re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{15}}(?!\d)")),
    ("[PASPOR]", re.compile(r"(?<![\w])(?!rp)[a-z]{1,2}\s?\d{7}(?![\w])", re.IGNORECASE)),
    ("[NOMOR]", re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{9,19}}(?!\d)")),
)


def mask(text: str) -> str:
    """Replace NIK, KK, passport, phone, e-mail and account numbers with placeholders."""
    for placeholder, pattern in PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
