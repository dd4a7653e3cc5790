"""The chat dictionary and the language guess, without Rasa."""

from __future__ import annotations

import pytest

from actions.language import detect_language
from bot.normalize import Normalizer

NORMALIZE = Normalizer.load()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("brp biaya bikin pspor", "berapa biaya buat paspor"),
        ("Gmn  cara   perpanjang KITAS?", "bagaimana cara perpanjang itas?"),
        ("paspor yg udh expired", "paspor yang sudah habis"),
        ("/paspor_biaya", "/paspor_biaya"),
        ("pas\u200bpor", "paspor"),
    ],
)
def test_normalizer_rewrites_chat_forms(message: str, expected: str) -> None:
    assert NORMALIZE(message) == expected


def test_normalizer_keeps_unknown_words_and_scripts() -> None:
    assert NORMALIZE("جواز السفر Пасспорт") == "جواز السفر пасспорт"


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("how much is the passport fee", "en"),
        ("berapa biaya paspor", "id"),
        ("bagaimana cara perpanjang itas", "id"),
        ("can i extend my voa", "en"),
        ("kitas", None),
        ("😀", None),
    ],
)
def test_language_guess(message: str, language: str | None) -> None:
    assert detect_language(message) == language
