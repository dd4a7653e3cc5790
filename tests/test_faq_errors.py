"""FAQ editors' mistakes told in plain Indonesian at their line: YAML slips, Markdown, previews and notice flags."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from actions.faq import FAQ_DIR, LiveFaq, load_faq, yes_or_no
from bot import faq_tools
from bot.assistant import Assistant
from bot.desk import residents
from bot.desk.core import Desk
from bot.desk.outgoing import Person
from bot.paths import ROOT
from bot.settings import Settings
from bot.storage import Store, open_database


@pytest.fixture
def faq_copy(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file; the line number where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def faq_cli(faq_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "TANYA_FAQ_DIR": str(faq_dir), "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "bot", "faq", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  title: Biaya paspor\n", "  title: Biaya paspor: 2026\n", "judul (title) berisi ':' — beri tanda kutip"),
        ("  title: Biaya paspor\n", "   title: Biaya paspor\n", "indentasi tidak rata (3 spasi)"),
        ("    - berapa biaya bikin paspor\n", "   - berapa biaya bikin paspor\n", "indentasi tidak rata (3 spasi)"),
        ("    <b>Tarif resmi paspor", "  <b>Tarif resmi paspor", "indentasi tidak rata (2 spasi)"),
        ("  title: Biaya paspor\n", "\ttitle: Biaya paspor\n", "ada karakter Tab — ganti dengan spasi"),
        ("  title: Biaya paspor\n", '  title: "Biaya paspor\n', 'tanda kutip " dibuka tetapi tidak ditutup'),
        ("  title: Biaya paspor\n", "  title: [Biaya paspor\n", "'[' dibuka tetapi tidak ditutup dengan ']'"),
        ("  title: Biaya paspor\n", "  title: [Baru] Biaya paspor\n", "judul (title) diawali '[' — beri tanda kutip"),
        ("  title: Biaya paspor\n", "  title: @imigrasi biaya\n", "judul (title) diawali '@' — beri tanda kutip"),
    ],
)
def test_a_yaml_slip_is_one_plain_message_at_its_line(faq_copy: Path, old: str, new: str, expected: str) -> None:
    line = edit(faq_copy / "paspor.yml", old, new)
    [problem] = load_faq(faq_copy).problems
    assert problem.line == line
    assert problem.message.startswith(f"format YAML rusak, baris {line}: {expected}"), problem.message


def test_an_example_yaml_reads_as_a_pair_is_reported(faq_copy: Path) -> None:
    line = edit(faq_copy / "paspor.yml", "    - berapa biaya bikin paspor\n", "    - biaya paspor: berapa\n")
    [problem] = load_faq(faq_copy).problems
    assert (problem.line, problem.message) == (
        line, "contoh pertanyaan (examples) berisi ':' — beri tanda kutip, misalnya - \"biaya paspor: berapa\"")


def test_a_field_written_twice_is_reported(faq_copy: Path) -> None:
    line = edit(faq_copy / "paspor.yml", "  title_en: Passport fees\n", "  title: Biaya\n  title_en: Passport fees\n")
    assert [(p.line, p.message) for p in load_faq(faq_copy).problems] == [
        (line, "kolom 'title' ditulis dua kali dalam satu entri — hapus salah satunya")]


@pytest.mark.slow
def test_faq_check_reports_a_colon_in_a_title_once_without_follow_on_errors(faq_copy: Path) -> None:
    line = edit(faq_copy / "paspor.yml", "  title: Biaya paspor\n", "  title: Biaya paspor: terbaru\n")
    result = faq_cli(faq_copy, "check")
    assert result.returncode == 1
    errors = [text for text in result.stdout.splitlines() if text.startswith("KESALAHAN")]
    assert errors == [f"KESALAHAN {faq_copy / 'paspor.yml'}:{line}: format YAML rusak, baris {line}: judul (title) "
                      "berisi ':' — beri tanda kutip, misalnya title: \"Biaya paspor: terbaru\""]


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [("**Tarif** ", "'**Tarif**'"), ("__Tarif__ ", "'__Tarif__'"), ("[M-Paspor](https://www.imigrasi.go.id/) ",
     "'[M-Paspor](https://www.imigrasi.go.id/)'"), ("## Tarif\n    ", "'## Tarif'")],
)
def test_markdown_in_an_answer_is_flagged(tmp_path: Path, faq_copy: Path, markdown: str, shown: str) -> None:
    line = edit(faq_copy / "paspor.yml", "    <b>Tarif resmi paspor</b>", f"    {markdown}<b>Tarif resmi paspor</b>") - 1
    out = io.StringIO()
    settings = Settings.load(tmp_path / "none.env", environ={"DATABASE_PATH": str(tmp_path / "t.db")})
    assert faq_tools.check(settings, out, faq_copy) == 1
    assert (f"KESALAHAN {faq_copy / 'paspor.yml'}:{line}: answer: tanda Markdown {shown} akan tampil apa adanya "
            "di Telegram") in out.getvalue()


@pytest.mark.slow
def test_faq_preview_warns_that_an_invalid_entry_will_not_be_served(faq_copy: Path) -> None:
    edit(faq_copy / "paspor.yml", "<b>Tarif resmi paspor</b>", "**Tarif resmi paspor**")
    result = faq_cli(faq_copy, "preview", "paspor_biaya")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("⚠️ ADA KESALAHAN — TIDAK AKAN TAYANG")
    assert "tanda Markdown '**Tarif resmi paspor**'" in lines[1]
    assert "===== Bahasa Indonesia" in result.stdout


def test_preview_of_an_entry_in_a_file_that_does_not_parse_shows_why(faq_copy: Path) -> None:
    edit(faq_copy / "paspor.yml", "  title: Biaya paspor\n", "  title: Biaya: paspor\n")
    out = io.StringIO()
    assert faq_tools.preview("paspor_biaya", out, faq_copy) == 1
    assert out.getvalue().splitlines()[0].startswith("⚠️ ADA KESALAHAN — TIDAK AKAN TAYANG")
    assert "judul (title) berisi ':'" in out.getvalue()
    assert "Topik 'paspor_biaya' tidak dapat dibaca" in out.getvalue()


NOTICE = """\
- text: "Kuota M-Paspor bulan depan dibuka Senin."
  from: 2000-01-01
  until: 2999-12-31
  topics: [paspor_mpaspor]
  on_start: {flag}
"""


@pytest.mark.parametrize(("flag", "shown"), [("tidak", False), ("no", False), ("false", False), ("ya", True),
                                             ("true", True)])
async def test_on_start_decides_whether_start_shows_the_notice(
    tmp_path: Path, faq_copy: Path, flag: str, shown: bool
) -> None:
    (faq_copy / "pemberitahuan.yml").write_text(NOTICE.format(flag=flag), encoding="utf-8")
    settings = Settings.load(tmp_path / "none.env", environ={"DATABASE_PATH": str(tmp_path / "t.db")})
    store = Store(open_database(settings.database_path))
    desk = Desk(cast(Assistant, None), store, settings, faq=LiveFaq(faq_copy))  # /start asks no model
    [greeting] = await residents.start(desk, Person(7001, "Budi"), "id")
    store.close()
    assert ("Kuota M-Paspor" in greeting.text) is shown


def test_an_unclear_on_start_is_refused(faq_copy: Path) -> None:
    (faq_copy / "pemberitahuan.yml").write_text(NOTICE.format(flag="nanti"), encoding="utf-8")
    faq = load_faq(faq_copy)
    assert faq.notices == []
    assert [p.message for p in faq.problems] == [
        "pemberitahuan: 'on_start' harus 'ya' atau 'tidak' (atau true/false), bukan 'nanti'"]


@pytest.mark.parametrize(("value", "expected"), [(None, False), (True, True), ("Ya", True), ("TIDAK", False),
                                                 ("iya", None), (1, None)])
def test_yes_or_no_reads_the_words_staff_write(value: object, expected: bool | None) -> None:
    assert yes_or_no(value) is expected
