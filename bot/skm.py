"""The public-satisfaction survey (SKM) of PermenPANRB 14/2017: nine elements scored 1-4, index 25-100."""

from __future__ import annotations

from collections.abc import Mapping

#: The nine elements, in the regulation's order (what residents read: text keys skm_element_<element>).
ELEMENTS = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "pengaduan", "sarana")
#: The scores (what residents read: text keys skm_score_<score>).
SCORES = (1, 2, 3, 4)
#: Service quality categories by index (PermenPANRB 14/2017, appendix).
CATEGORIES = ((88.31, "A (sangat baik)"), (76.61, "B (baik)"), (65.0, "C (kurang baik)"), (25.0, "D (tidak baik)"))


def index(element_means: Mapping[str, float]) -> float | None:
    """The SKM index (25-100): the mean of the answered elements' mean scores, times 25."""
    answered = [element_means[e] for e in ELEMENTS if e in element_means]
    return sum(answered) / len(answered) * 25 if answered else None


def category(value: float) -> str:
    """The quality category of an index value."""
    return next(name for floor, name in CATEGORIES if value >= floor - 0.005) if value >= 25 else CATEGORIES[-1][1]
