"""Staff keep the FAQ right: check, preview, notices, live reload, unanswered questions, one-step add."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from actions import dialogue
from actions.faq import FAQ_DIR, LiveFaq, load_faq
from bot import faq_tools, storage
from bot.learning import AddError, add_example, group_unanswered
from bot.normalize import Normalizer
from bot.settings import Settings
from bot.training import fingerprint


@pytest.fixture
def faq_copy(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, target)
    return target


def settings_for(tmp_path: Path) -> Settings:
    return Settings.load(tmp_path / "none.env", environ={"DATABASE_PATH": str(tmp_path / "t.db")})


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_passes_on_current_content(tmp_path: Path) -> None:
    out = io.StringIO()
    assert faq_tools.check(settings_for(tmp_path), out) == 0
    assert "0 kesalahan" in out.getvalue()


def test_check_reports_file_line_and_exits_nonzero(tmp_path: Path, faq_copy: Path) -> None:
    edit(faq_copy / "paspor.yml", "    - https://www.imigrasi.go.id/",
         "    - https://imigrasibengkulu.id/biaya")
    out = io.StringIO()
    assert faq_tools.check(settings_for(tmp_path), out, faq_copy) == 1
    lines = (faq_copy / "paspor.yml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "imigrasibengkulu.id" in text)
    expected = f"KESALAHAN {faq_copy / 'paspor.yml'}:{line}: tautan 'https://imigrasibengkulu.id/biaya' bukan situs resmi"
    assert expected in out.getvalue()


def test_check_lists_stale_entries(tmp_path: Path, faq_copy: Path) -> None:
    edit(faq_copy / "visa.yml", "reviewed: 2026-11-29", "reviewed: 2025-01-15")
    out = io.StringIO()
    assert faq_tools.check(settings_for(tmp_path), out, faq_copy) == 0
    assert "PERLU DITINJAU" in out.getvalue()
    assert "visa_voa terakhir diperiksa 2025-01-15" in out.getvalue()


def test_preview_shows_both_languages_and_buttons() -> None:
    out = io.StringIO()
    assert faq_tools.preview("paspor_biaya", out) == 0
    text = out.getvalue()
    assert "===== Bahasa Indonesia (1 pesan Telegram) =====" in text
    assert "===== English (1 pesan Telegram) =====" in text
    assert "Rp950.000" in text
    assert "<b>" not in text
    assert "[👍 Membantu]  [👎 Tidak membantu]" in text


def test_preview_of_unknown_topic_fails() -> None:
    assert faq_tools.preview("paspor_murah", io.StringIO()) == 1


NOTICE = """\
- text: "Aplikasi <b>M-Paspor</b> sedang gangguan. Silakan coba lagi nanti."
  from: 2026-11-01
  until: 2026-12-31
  topics: [paspor_mpaspor]
  on_start: true
"""


def test_notice_is_shown_above_its_topics_while_valid(faq_copy: Path) -> None:
    (faq_copy / "pemberitahuan.yml").write_text(NOTICE, encoding="utf-8")
    faq = load_faq(faq_copy)
    assert faq.problems == []
    entry = faq.entries["paspor_mpaspor"]
    shown = dialogue.answer(entry, "id", faq.notices_for(entry.id, dt.date(2026, 11, 28))).text
    assert shown.startswith("📢 Aplikasi <b>M-Paspor</b> sedang gangguan.")
    assert faq.notices_for(entry.id, dt.date(2027, 1, 1)) == []
    assert faq.notices_for("paspor_biaya", dt.date(2026, 11, 28)) == []
    assert len(faq.notices_for(None, dt.date(2026, 11, 28))) == 1


def test_broken_notice_is_reported_with_line(faq_copy: Path) -> None:
    broken = NOTICE.replace("until: 2026-12-31", "until: 2026-10-01").replace("[paspor_mpaspor]", "[paspor_gratis]")
    (faq_copy / "pemberitahuan.yml").write_text(NOTICE + broken, encoding="utf-8")
    messages = [str(p) for p in load_faq(faq_copy).problems]
    assert any("pemberitahuan.yml:6: pemberitahuan: tanggal 'until' lebih awal dari 'from'" in m for m in messages), messages
    assert any("topik 'paspor_gratis' tidak ada di katalog" in m for m in messages)


def test_live_faq_serves_an_edit_and_keeps_old_content_when_the_edit_is_broken(faq_copy: Path) -> None:
    live = LiveFaq(faq_copy, check_every=0)
    assert "Rp950.000" in live.current().entries["paspor_biaya"].answer
    edit(faq_copy / "paspor.yml", "10 tahun: <b>Rp950.000</b>", "10 tahun: <b>Rp975.000</b>")
    assert "Rp975.000" in live.current().entries["paspor_biaya"].answer
    time.sleep(0.01)
    edit(faq_copy / "paspor.yml", "  title: Biaya paspor\n", "  title: [Biaya paspor\n")
    assert "Rp975.000" in live.current().entries["paspor_biaya"].answer
    assert any("format YAML rusak" in p.message for p in live.last_problems)


def test_answer_edit_does_not_change_the_model_but_an_example_does(faq_copy: Path) -> None:
    before = fingerprint(load_faq(faq_copy))
    edit(faq_copy / "paspor.yml", "10 tahun: <b>Rp950.000</b>", "10 tahun: <b>Rp975.000</b>")
    assert fingerprint(load_faq(faq_copy)) == before
    add_example("paspor_biaya", "harga paspor sekarang berapa ya", faq_copy)
    assert fingerprint(load_faq(faq_copy)) != before


def test_adding_an_example_keeps_formatting_and_comments(faq_copy: Path) -> None:
    original = (faq_copy / "visa.yml").read_text(encoding="utf-8")
    add_example("visa_golden", "golden visa: berapa lama prosesnya?", faq_copy)
    updated = (faq_copy / "visa.yml").read_text(encoding="utf-8")
    added = [line for line in updated.splitlines() if line not in original.splitlines()]
    assert added == ["    - 'golden visa: berapa lama prosesnya?'"]
    assert updated.replace("    - 'golden visa: berapa lama prosesnya?'\n", "") == original
    assert "golden visa: berapa lama prosesnya?" in load_faq(faq_copy).entries["visa_golden"].examples


def test_an_example_of_another_topic_is_refused(faq_copy: Path) -> None:
    with pytest.raises(AddError, match="sudah menjadi contoh topik 'paspor_biaya'"):
        add_example("paspor_jenis", "berapa biaya bikin paspor", faq_copy)


def fill_unanswered(db: Database) -> None:
    storage.migrate(db)
    storage.touch_user(db, 1, "Budi")
    for text, guess in [
        ("paspor saya ditahan travel umroh", "paspor_hilang"),
        ("paspor ditahan oleh travel umroh gimana", "paspor_hilang"),
        ("travel umroh menahan paspor saya", "paspor_pengambilan"),
        ("apakah imigrasi buka loket di bandara fatmawati", "kantor_alamat_jam"),
        ("nik saya 3171234567890001 kenapa ditolak", "paspor_syarat_baru"),
    ]:
        storage.record_unanswered(db, 1, text, "clarify", [(guess, 0.2)])


def test_unanswered_are_grouped_by_wording_most_common_first() -> None:
    db = Database(memory=True)
    fill_unanswered(db)
    groups = group_unanswered(storage.open_unanswered(db), Normalizer.load())
    assert [len(g.ids) for g in groups] == [3, 1, 1]
    assert groups[0].top_guess == "paspor_hilang"
    assert any("[NIK/KK]" in g.texts[0] for g in groups)


def unanswered_args(add: str | None = None, topic: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(faq_command="unanswered", add=add, topic=topic)


def test_unanswered_command_lists_and_adds_in_one_step(tmp_path: Path, faq_copy: Path) -> None:
    settings = settings_for(tmp_path)
    db = storage.open_database(settings.database_path)
    fill_unanswered(db)
    out = io.StringIO()
    assert faq_tools.run(unanswered_args(), settings, out, faq_copy) == 0
    key, listed = out.getvalue().splitlines()[0].split(" ", 1)
    assert listed == "[3x] paspor saya ditahan travel umroh (tebakan model: paspor_hilang)"
    assert faq_tools.run(unanswered_args(key, "paspor_pengambilan"), settings, io.StringIO(), faq_copy) == 0
    assert "paspor saya ditahan travel umroh" in load_faq(faq_copy).entries["paspor_pengambilan"].examples
    assert len(storage.open_unanswered(db)) == 2


def test_group_keys_stay_the_same_after_another_group_is_added() -> None:
    db = Database(memory=True)
    fill_unanswered(db)
    before = {g.texts[0]: g.key for g in group_unanswered(storage.open_unanswered(db), Normalizer.load())}
    storage.mark_added(db, group_unanswered(storage.open_unanswered(db), Normalizer.load())[1].ids, "kantor_alamat_jam")
    after = {g.texts[0]: g.key for g in group_unanswered(storage.open_unanswered(db), Normalizer.load())}
    assert len(after) == 2 and all(before[text] == key for text, key in after.items())


def test_an_unknown_group_key_is_refused_without_adding(tmp_path: Path, faq_copy: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_for(tmp_path)
    fill_unanswered(storage.open_database(settings.database_path))
    assert faq_tools.run(unanswered_args("1", "paspor_pengambilan"), settings, io.StringIO(), faq_copy) == 2
    assert "Kelompok '1' tidak ada" in capsys.readouterr().err
    assert (faq_copy / "paspor.yml").read_text() == (FAQ_DIR / "paspor.yml").read_text()


def test_reload_command_validates(tmp_path: Path, faq_copy: Path) -> None:
    out = io.StringIO()
    assert faq_tools.reload(out, faq_copy) == 0
    assert "tanpa restart" in out.getvalue()
    edit(faq_copy / "layanan.yml", "- id: calo_pungli", "- id: calo")
    out = io.StringIO()
    assert faq_tools.reload(out, faq_copy) == 1
    assert "tetap memakai isi terakhir yang valid" in out.getvalue()
