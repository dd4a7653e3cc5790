"""Every FAQ answer passes the content rules, and the validator catches each kind of mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from actions.faq import MAX_ANSWER_CHARS, Faq, link_problem, load_faq, markup_problems, visible_text

ENTRY_IDS = sorted(load_faq().entries)
VALID_ENTRY = """\
- id: paspor_biaya
  title: Biaya paspor
  title_en: Passport fees
  answer: |
    <b>Tarif</b> paspor elektronik 5 tahun Rp650.000.
  answer_en: |
    E-passport 5 years IDR 650,000.
  links:
    - https://www.imigrasi.go.id/
  legal: PP 45/2024
  reviewed: 2025-01-01
  examples: [satu, dua, tiga, empat, lima, enam, tujuh, delapan]
"""


def test_current_content_has_no_problems(faq: Faq) -> None:
    assert [str(p) for p in faq.problems] == []


@pytest.mark.parametrize("faq_id", ENTRY_IDS)
def test_answer_follows_content_rules(faq: Faq, faq_id: str) -> None:
    entry = faq.entries[faq_id]
    for markup in filter(None, (entry.answer, entry.answer_en)):
        assert len(visible_text(markup)) <= MAX_ANSWER_CHARS
        assert markup_problems(markup) == []
    assert entry.links
    assert all(link_problem(url) is None for url in entry.links)
    assert entry.reviewed <= dt.date.today()
    assert len(entry.examples) >= 8


@pytest.mark.parametrize(
    "url",
    ["https://imigrasibengkulu.id/biaya", "http://www.imigrasi.go.id/", "https://imigrasi.go.id.example.com/", "ftp://x.go.id"],
)
def test_lookalike_and_insecure_links_are_refused(url: str) -> None:
    assert link_problem(url) is not None


@pytest.mark.parametrize("url", ["https://www.imigrasi.go.id/", "https://evisa.imigrasi.go.id/x?y=1"])
def test_official_links_pass(url: str) -> None:
    assert link_problem(url) is None


def problems_for(tmp_path: Path, text: str, name: str = "paspor.yml") -> list[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    faq = load_faq(tmp_path, today=dt.date(2026, 1, 1))
    return [str(p) for p in faq.problems if "belum punya entri" not in p.message]


def test_valid_entry_has_no_problem(tmp_path: Path) -> None:
    assert problems_for(tmp_path, VALID_ENTRY) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("https://www.imigrasi.go.id/", "https://imigrasibengkulu.id/"), "paspor.yml:9: tautan"),
        (("id: paspor_biaya", "id: paspor_murah"), "paspor.yml:1: id 'paspor_murah' tidak ada di katalog"),
        (("<b>Tarif</b>", "<b>Tarif"), "paspor.yml:4: answer: <b> dibuka tetapi tidak ditutup"),
        (("<b>Tarif</b>", "<script>x</script>"), "paspor.yml:4: answer: markup '<script>' tidak dikenal"),
        (("reviewed: 2025-01-01", "reviewed: 2027-05-01"), "paspor.yml:11: tanggal 'reviewed' 2027-05-01 ada di masa depan"),
        (("reviewed: 2025-01-01", "reviewed: kemarin"), "paspor.yml:11: tanggal 'reviewed' harus berformat"),
        (("  title: Biaya paspor\n", ""), "paspor.yml:1: kolom wajib 'title' tidak ada"),
        (("  answer_en: |\n    E-passport 5 years IDR 650,000.\n", ""), "paspor.yml:1: kolom 'answer_en' wajib diisi"),
        (("[satu, dua, tiga, empat, lima, enam, tujuh, delapan]", "[satu]"), "paspor.yml:12: contoh pertanyaan terlalu sedikit"),
        (("    <b>Tarif</b>", "    " + "a" * (MAX_ANSWER_CHARS + 1)), "paspor.yml:4: answer terlalu panjang"),
    ],
)
def test_each_broken_rule_is_reported_with_file_and_line(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    problems = problems_for(tmp_path, VALID_ENTRY.replace(*change))
    assert any(expected in p for p in problems), problems


def test_malformed_yaml_is_reported_with_line(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, VALID_ENTRY.replace("  title: Biaya paspor", "  title: [Biaya paspor"))
    assert any("paspor.yml:" in p and "format YAML rusak" in p for p in problems), problems


def test_duplicate_id_and_shared_example_are_reported(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, VALID_ENTRY + VALID_ENTRY)
    assert any("paspor.yml:13: id 'paspor_biaya' ganda" in p for p in problems), problems


def test_example_of_two_topics_is_reported(tmp_path: Path) -> None:
    other = VALID_ENTRY.replace("paspor_biaya", "paspor_jenis").replace("  title_en: Passport fees\n", "")
    other = other.replace("  answer_en: |\n    E-passport 5 years IDR 650,000.\n", "")
    problems = problems_for(tmp_path, VALID_ENTRY + other)
    assert any("contoh 'satu' juga menjadi contoh topik 'paspor_biaya'" in p for p in problems), problems


def test_missing_catalogue_topic_is_reported(tmp_path: Path) -> None:
    (tmp_path / "paspor.yml").write_text(VALID_ENTRY, encoding="utf-8")
    messages = [p.message for p in load_faq(tmp_path).problems]
    assert "topik katalog 'visa_voa' belum punya entri di faq/" in messages


def test_entry_in_wrong_category_file_is_reported(tmp_path: Path) -> None:
    assert any("pindahkan ke faq/paspor.yml" in p for p in problems_for(tmp_path, VALID_ENTRY, name="visa.yml"))
