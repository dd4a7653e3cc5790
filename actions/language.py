"""Tell Indonesian from English by their most common words (enough for short chat messages)."""

from __future__ import annotations

import re

ENGLISH = frozenset(
    "the a an is are am was be do does did i my me you your we our can could how what where when "
    "which who why much many need want to of for in on at with and or if it this that there have "
    "has please hello hi thanks thank get apply extend stay lost visa-free long should would will "
    "from by about any".split()
)
INDONESIAN = frozenset(
    "yang dan di ke dari untuk dengan saya apa apakah bagaimana berapa bisa tidak sudah belum "
    "mau ingin ada itu ini kalau atau juga saja kapan dimana mana harus perlu buat urus cara "
    "syarat biaya anak orang lagi dong ya sih kak admin tolong mohon terima kasih halo selamat "
    "paspor hilang rusak".split()
)
_WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)?")


def detect_language(message: str) -> str | None:
    """Return "en" or "id" when the message clearly reads as one of them, else None."""
    words = _WORD_RE.findall(message.lower())
    english = sum(word in ENGLISH for word in words)
    indonesian = sum(word in INDONESIAN for word in words)
    if english > indonesian:
        return "en"
    if indonesian > english:
        return "id"
    return None
