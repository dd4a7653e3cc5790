"""Text preparation for the topic model: Indonesian stems and the question sentences of long messages."""

from __future__ import annotations

import functools
import re

_WORD_RE = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")
#: Words that mark a sentence as the question of a long message.
_QUESTION_WORDS = frozenset(
    "apa apakah apa-apa berapa bagaimana gimana kapan dimana mana bisa bisakah boleh bolehkah perlu harus "
    "kenapa mengapa siapa adakah mohon tolong cara syarat how what when where can could should do does is "
    "are which why may need tanya info".split()
)


@functools.lru_cache(maxsize=1)
def _stemmer() -> object:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Indonesian stem of one word: perpanjangan, memperpanjang, diperpanjang -> panjang."""
    if not word.isalpha() or len(word) <= 3:
        return word
    return str(_stemmer().stem(word)) or word  # type: ignore[attr-defined]


def words(text: str) -> list[str]:
    """The lower-case words of a text."""
    return _WORD_RE.findall(text.lower())


def stems(text: str) -> list[str]:
    """The stems of a text's words, in order."""
    return [stem(w) for w in words(text)]


def question_part(text: str, min_words: int = 25) -> str:
    """For a long message, the sentences that ask something (else the last two); short messages as they are."""
    if len(words(text)) < min_words:
        return text
    sentences = [s for s in _SENTENCE_RE.split(text) if words(s)]
    asking = [s for s in sentences if "?" in s or _QUESTION_WORDS.intersection(words(s))]
    return " ".join(asking or sentences[-2:])
