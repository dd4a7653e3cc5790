"""The public-satisfaction survey (SKM) of PermenPANRB 14/2017: nine elements scored 1-4, index 25-100."""

from __future__ import annotations

from collections.abc import Mapping

#: The nine elements, in the regulation's order, with the question residents see.
ELEMENTS: dict[str, str] = {
    "persyaratan": "Kesesuaian persyaratan pelayanan",
    "prosedur": "Kemudahan prosedur pelayanan",
    "waktu": "Kecepatan waktu pelayanan",
    "biaya": "Kewajaran biaya/tarif",
    "produk": "Kesesuaian hasil pelayanan",
    "kompetensi": "Kompetensi petugas",
    "perilaku": "Kesopanan dan keramahan petugas",
    "pengaduan": "Penanganan pengaduan, saran dan masukan",
    "sarana": "Kualitas sarana dan prasarana",
}
SCORES = {1: "Tidak baik", 2: "Kurang baik", 3: "Baik", 4: "Sangat baik"}
#: Service quality categories by index (PermenPANRB 14/2017, appendix).
CATEGORIES = ((88.31, "A (sangat baik)"), (76.61, "B (baik)"), (65.0, "C (kurang baik)"), (25.0, "D (tidak baik)"))


def index(element_means: Mapping[str, float]) -> float | None:
    """The SKM index (25-100): the mean of the answered elements' mean scores, times 25."""
    answered = [element_means[e] for e in ELEMENTS if e in element_means]
    return sum(answered) / len(answered) * 25 if answered else None


def category(value: float) -> str:
    """The quality category of an index value."""
    return next(name for floor, name in CATEGORIES if value >= floor - 0.005) if value >= 25 else CATEGORIES[-1][1]
