"""Every fee stated anywhere in the FAQ is the same amount for the same thing (facts.md, PP 45/2024)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from actions.faq import Faq, visible_text

#: Where a fee is written: "Rp650.000", "Rp 1 juta", "IDR 950,000", "IDR 1 million".
_AMOUNT_RE = re.compile(
    r"(?:Rp|IDR)\s?(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d+))?\s*(juta|million|ribu|thousand)?", re.IGNORECASE
)
_SCALE = {"juta": 1_000_000, "million": 1_000_000, "ribu": 1_000, "thousand": 1_000}
_CLAUSE_SPLIT_RE = re.compile(r"\n|•|;|(?<=[a-z0-9)])\.\s")
_ELECTRONIC = r"(?<!non-)(?<!non )(?:elektronik|electronic|e-paspor|e-passport|epaspor)"
_NON_ELECTRONIC = r"non[- ]?(?:elektronik|electronic)"
_FIVE = r"\b5\s?(?:tahun|th|years?|-year)\b"
_TEN = r"\b10\s?(?:tahun|th|years?|-year)\b"

#: (what, patterns that must all match a clause, the one official amount). Sources: facts.md, PP 45/2024 table,
#: "biaya beban" for lost (Rp1.000.000) and damaged (Rp500.000) passports, overstay Rp1.000.000 a day, VoA Rp500.000.
FEES = [
    ("e-paspor 5 tahun", (_ELECTRONIC, _FIVE), 650_000),
    ("e-paspor 10 tahun", (_ELECTRONIC, _TEN), 950_000),
    ("paspor non-elektronik 5 tahun", (_NON_ELECTRONIC, _FIVE), 350_000),
    ("paspor non-elektronik 10 tahun", (_NON_ELECTRONIC, _TEN), 650_000),
    ("layanan percepatan", (r"percepatan|same-day|express",), 1_000_000),
    ("biaya beban paspor hilang", (r"\b(?:hilang|lost)\b", r"beban|charge|penalty|denda"), 1_000_000),
    ("biaya beban paspor rusak", (r"\b(?:rusak|damaged)\b", r"beban|charge|penalty|denda"), 500_000),
    ("denda overstay per hari", (r"overstay|melebihi izin|past the permitted", r"hari|day"), 1_000_000),
    ("Visa on Arrival", (r"\b(?:voa|visa on arrival|e-voa)\b",), 500_000),
    ("SPLP WNI", (r"\bsplp\b|emergency travel document",), 100_000),
]


def amount(match: re.Match[str]) -> int:
    """The rupiah value of one written amount."""
    whole, decimals, scale = match.groups()
    value = int(re.sub(r"[.,]", "", whole))
    if scale:
        value = int(float(f"{value}.{decimals or 0}") * _SCALE[scale.lower()])
    return value


def clauses(faq: Faq) -> Iterator[tuple[str, str]]:
    """(entry id, clause) for every clause with an amount, in every answer and details text of both languages.

    The clause is prefixed with its entry's id, so "Rp1.000.000 per hari" in overstay_denda counts as an overstay fee.
    """
    for entry in faq.entries.values():
        for text in (entry.answer, entry.answer_en, entry.details, entry.details_en):
            for clause in _CLAUSE_SPLIT_RE.split(visible_text(text)):
                if _AMOUNT_RE.search(clause):
                    yield entry.id, f"{entry.id} {clause.strip()}"


@pytest.mark.parametrize(("what", "patterns", "official"), FEES, ids=[f[0] for f in FEES])
def test_fee_is_the_same_everywhere(faq: Faq, what: str, patterns: tuple[str, ...], official: int) -> None:
    mentions = [
        (entry_id, clause) for entry_id, clause in clauses(faq)
        if all(re.search(p, clause, re.IGNORECASE) for p in patterns)
    ]
    wrong = [
        f"{entry_id}: {clause}" for entry_id, clause in mentions
        if official not in {amount(m) for m in _AMOUNT_RE.finditer(clause)}
    ]
    assert not wrong, f"{what} must be Rp{official:,} everywhere:\n" + "\n".join(wrong)


def test_the_fee_checks_see_the_main_fees(faq: Faq) -> None:
    found = {what for what, patterns, _ in FEES for _, clause in clauses(faq)
             if all(re.search(p, clause, re.IGNORECASE) for p in patterns)}
    assert {"e-paspor 5 tahun", "e-paspor 10 tahun", "layanan percepatan", "denda overstay per hari"} <= found


@pytest.mark.parametrize(("written", "value"), [
    ("Rp650.000", 650_000), ("Rp 1.000.000", 1_000_000), ("IDR 950,000", 950_000), ("Rp1 juta", 1_000_000),
    ("Rp1,5 juta", 1_500_000), ("IDR 1 million", 1_000_000),
])
def test_amounts_are_read_as_written(written: str, value: int) -> None:
    match = _AMOUNT_RE.search(written)
    assert match is not None and amount(match) == value
