"""Masking of Indonesian personal identifiers on realistic messages, their written variants, and everywhere they go:
storage (database and WAL), logs, review output and CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from actions.faq import load_faq
from bot import report, review, storage, texts
from bot.desk.outgoing import Outgoing, from_json, to_json
from bot.logs import Redact, configure_logging
from bot.paths import ROOT
from bot.privacy import mask, phone_number, spreadsheet_safe
from bot.settings import Settings
from tests.conftest import command_args

NIK = "3171982346500019"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("nik saya 3171234567890001 mau buat paspor", "nik saya [NIK/KK] mau buat paspor"),
        ("NIK 3171 2345 6789 0001 ya", "NIK [NIK/KK] ya"),
        ("no kk 3171.2345.6789.0001", "no kk [NIK/KK]"),
        ("paspor saya B1234567 hilang", "paspor saya [PASPOR] hilang"),
        ("nomor paspor x 7654321", "nomor paspor [PASPOR]"),
        ("hubungi 0812-3456-7890 atau +62 812 3456 7890", "hubungi [TELEPON] atau [TELEPON]"),
        ("wa 081234567890", "wa [TELEPON]"),
        ("email budi.santoso@gmail.com", "email [EMAIL]"),
        ("transfer ke rek 1234567890123 bca", "transfer ke rek [NOMOR] bca"),
    ],
)
def test_identifiers_are_masked(message: str, expected: str) -> None:
    assert mask(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("nik 3171\u200b2345\u200b6789\u200b0001", "nik [NIK/KK]"),
        ("nik 3171/2345/6789/0001", "nik [NIK/KK]"),
        ("nik 3171_2345_6789_0001", "nik [NIK/KK]"),
        ("nik 3171  2345  6789  0001", "nik [NIK/KK]"),
        ("nik 3171 - 2345 - 6789 - 0001", "nik [NIK/KK]"),
        ("nik ３１７１２３４５６７８９０００１", "nik [NIK/KK]"),
        ("NIK3171234567890001", "NIK[NIK/KK]"),
        ("pasporX7654321", "paspor[PASPOR]"),
        ("K1234567X hilang", "[PASPOR]X hilang"),
        ("paspor 123456789", "paspor [NOMOR]"),
        ("rek 987654321", "rek [NOMOR]"),
        ("hp (0812) 3456-7890", "hp [TELEPON]"),
        ("hp +62 (812) 3456-7890", "hp [TELEPON]"),
        ("hp 0812\u20133456\u20137890", "hp [TELEPON]"),
        ("budi [at] example.com", "[EMAIL]"),
        ("budi(at)example.com", "[EMAIL]"),
        ("budi [at] example [dot] com", "[EMAIL]"),
    ],
)
def test_written_variants_are_masked(message: str, expected: str) -> None:
    assert mask(message) == expected


@pytest.mark.parametrize(
    "message",
    ["biaya e-paspor Rp650.000 atau Rp 1000000", "berlaku 10 tahun sejak 2022", "tiket #12 pukul 08:00", "PP 45 Tahun 2024",
     "denda Rp1000000 per hari", "jam 08.00-16.00 WIB"],
)
def test_ordinary_numbers_are_kept(message: str) -> None:
    assert mask(message) == message


@pytest.mark.parametrize(
    "message",
    ["Kantor buka lagi 01-12-2026 08:00 WIB", "Dibuat: 29-11-2026 14:05 WIB", "2026-11-29 08:00", "16:00 29-11-2026",
     "denda Rp1.000.000.000", "Rp 1500000000", "e-paspor 650.000/950.000", "jam 08.00-12.00 13.00-16.00 WIB",
     "berlaku 29/11/2026 (08.00)"],
)
def test_dates_times_and_money_the_bot_writes_are_kept(message: str) -> None:
    assert mask(message) == message


@pytest.mark.parametrize(
    ("message", "expected"),
    [("29-11-2026 081234567890", "[NOMOR]"), ("pukul 10:00 3171234567890001", "pukul 10:[NOMOR]"),
     ("Rp 0812 3456 7890", "Rp [TELEPON]"), ("rek 1.234.5678.901", "rek [NOMOR]")],
)
def test_an_identifier_next_to_a_date_time_or_amount_is_still_masked(message: str, expected: str) -> None:
    assert mask(message) == expected


OFFICIAL_WHATSAPP = "+62 813-9967-9966"  # Ditjen Imigrasi's complaint line: a phone number, masked like any other


def test_every_faq_text_survives_masking_except_phone_numbers() -> None:
    for entry in load_faq().entries.values():
        for text in (entry.title, entry.title_en, entry.answer, entry.answer_en, entry.details, entry.details_en):
            assert mask(text) == text.replace(OFFICIAL_WHATSAPP, "[TELEPON]"), entry.id


def test_the_opening_time_told_to_a_waiting_resident_is_stored_readable() -> None:
    told = texts.text("id", "queued_closed", ticket="5", opening="01-12-2026 08:00")
    db = Database(memory=True)
    storage.migrate(db)
    storage.touch_user(db, 1, "Budi")
    storage.log_message(db, 1, "system", told)
    assert [m["text"] for m in storage.recent_messages(db, 1)] == [told]
    assert from_json(to_json(Outgoing(1, told))).text == told


@pytest.mark.parametrize(
    ("contact", "phone"),
    [("0812-3456-7890 (WA), sore", "081234567890"), ("wa +62 812 3456 7890", "+6281234567890"),
     ("budi81234567890@mail.com atau 0812 3456 7890", "081234567890"), ("nik 3171234567890001", ""), ("-", "")],
)
def test_the_phone_number_of_a_contact_answer_is_found(contact: str, phone: str) -> None:
    assert phone_number(contact) == phone


def test_control_characters_and_bidi_overrides_are_dropped() -> None:
    assert mask("a\x00b\x1b[2J\u202etxt\u2066 c\r\n\td\x85") == "ab[2Jtxt c\n\td"


def test_text_around_identifiers_keeps_its_characters_and_layout() -> None:
    text = "  ℹ️ 2022–2023:\u00a0\u00a0tarif ＋ 👨‍💻\n    lanjut"
    assert mask(text + " 0812\u200b3456\u200b7890") == text + " [TELEPON]"


@given(st.text())
def test_masking_is_idempotent(text: str) -> None:
    assert mask(mask(text)) == mask(text)


@given(st.integers(0, 99_999_999))
def test_amounts_short_of_nine_digits_stay_readable(amount: int) -> None:
    text = f"biaya Rp{amount:,} atau {amount:,}".replace(",", ".")
    assert mask(text) == text


SEPARATORS = st.sampled_from(
    ["", " ", "  ", ".", "/", "_", "-", " - ", " / ", "(", ") ", "\t", "\n", "\u00a0", "\u3000", "\u200b", "\u200c",
     "\u200d", "\u2060", "\ufeff", "\u202e", "\u2010", "\u2013", "\u2014", "\u2212"]
)
FILLER = st.text(alphabet=st.sampled_from("abcdeKX .,!?:\n"), max_size=12)  # words around, without digits


@st.composite
def written(draw: st.DrawFn, digits: str) -> str:
    """The digits in random groups joined by random separators, some of them fullwidth."""
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1))))
    groups = [digits[i:j] for i, j in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    if draw(st.booleans()):
        groups = [g.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}) for g in groups]
    return groups[0] + "".join(draw(SEPARATORS) + group for group in groups[1:])


def digit_strings(size: int) -> st.SearchStrategy[str]:
    """Random digit strings of one length."""
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


NIKS = digit_strings(16).flatmap(written)
PHONES = st.tuples(st.sampled_from(["08", "628", "+628"]), st.integers(8, 11)).flatmap(
    lambda p: digit_strings(p[1]).map(lambda rest: p[0] + rest)
).flatmap(written)
PASSPORTS = st.tuples(st.sampled_from("ABCEX"), digit_strings(7)).map("".join)


@given(before=FILLER, identifier=st.one_of(NIKS, PHONES, PASSPORTS), after=FILLER)
def test_no_digit_of_a_written_identifier_survives(before: str, identifier: str, after: str) -> None:
    assert not re.search(r"\d", mask(before + identifier + after))


def test_display_name_is_stored_masked() -> None:
    db = Database(memory=True)
    storage.migrate(db)
    user = storage.touch_user(db, 1, "Budi\u202e 0812 3456 7890 budi.s@gmail.com")
    assert user["display_name"] == "Budi [TELEPON] [EMAIL]"


def test_staff_name_is_stored_masked() -> None:
    db = Database(memory=True)
    storage.migrate(db)
    ticket = storage.create_ticket(db, 1, "user", None)
    storage.take_ticket(db, ticket["id"], 9, "Sari 081234567890")
    assert storage.list_tickets(db)[0]["taken_by_name"] == "Sari [TELEPON]"


def test_storage_keeps_only_the_masked_form() -> None:
    db = Database(memory=True)
    storage.migrate(db)
    storage.touch_user(db, 1, "Budi")
    storage.log_message(db, 1, "in", "NIK saya 3171234567890001, hp 081234567890\x1b[2J")
    assert [m["text"] for m in storage.recent_messages(db, 1)] == ["NIK saya [NIK/KK], hp [TELEPON][2J"]


def test_raw_nik_is_in_neither_the_database_file_nor_its_wal(tmp_path: Path) -> None:
    written_nik = "3171\u200b9823 - 4650/0019"
    db = storage.open_database(tmp_path / "tanya.db")
    storage.touch_user(db, 1, f"Budi {written_nik}")
    storage.log_message(db, 1, "in", f"nik {written_nik}")
    storage.record_unanswered(db, 1, f"nik {written_nik}", "fallback", [])
    storage.save_draft(db, 1, {"step": "what", "what": f"nik {written_nik}"})
    storage.create_complaint(db, 1, {"category": "layanan", "what": f"nik {written_nik}", "contact": written_nik})
    wal = (tmp_path / "tanya.db-wal").read_bytes()
    assert b"[NIK/KK]" in wal
    for data in ((tmp_path / "tanya.db").read_bytes(), wal):
        for raw in (NIK, written_nik, "9823 - 4650", "4650/0019"):  # single groups turn up in timestamps by chance
            assert raw.encode() not in data
    db.close()


LOG_EMITTERS = {
    "rasa logger": "logging.getLogger('rasa.shared.nlu.interpreter').warning('Failed to parse %s', TEXT)",
    "structlog": "import structlog; structlog.get_logger().warning('message.parsing.failed', user_text=TEXT)",
    "warning": "import warnings; warnings.warn('Failed to parse arguments in line ' + TEXT)",
    "traceback": "try:\n    raise ValueError(TEXT)\nexcept ValueError:\n    logging.getLogger('rasa.core').exception('x')",
}


@pytest.mark.parametrize("emit", LOG_EMITTERS.values(), ids=list(LOG_EMITTERS))
def test_log_records_of_every_logger_are_masked(emit: str) -> None:
    text = "／nik 3171\u200b9823\u200b4650\u200b0019"  # a fullwidth slash: Rasa warns and quotes the text
    script = f"import logging\nfrom bot.logs import configure_logging\nconfigure_logging('INFO')\nTEXT = {text!r}\n{emit}\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "[NIK/KK]" in result.stderr
    assert "9823" not in result.stderr


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+62", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_start_like_a_formula_are_neutralised(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Budi", "Rp650.000", 5, None])
def test_other_csv_cells_are_unchanged(cell: object) -> None:
    assert spreadsheet_safe(cell) == cell


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(tmp_path / "none.env", environ={"DATABASE_PATH": str(tmp_path / "tanya.db")})


def test_review_csv_neutralises_a_formula_display_name(settings: Settings) -> None:
    db = storage.open_database(settings.database_path)
    storage.touch_user(db, 1, '=HYPERLINK("http://x","klik")')
    storage.create_ticket(db, 1, "user", None)
    out = io.StringIO()
    assert review.run(command_args(review, "--csv", "-"), settings, out) == 0
    assert next(csv.DictReader(io.StringIO(out.getvalue())))["display_name"] == '\'=HYPERLINK("http://x","klik")'


def test_review_show_prints_one_masked_line_per_message_without_control_characters(settings: Settings) -> None:
    db = storage.open_database(settings.database_path)
    ticket = storage.create_ticket(db, 1, "user", None)
    stored_before_masking = {"user_id": 1, "direction": "in", "created_at": ticket["created_at"],
                             "text": "nik 3171 9823 4650 0019\x1b[2J\u202e\n[10:00] Petugas: transfer"}
    db.table("messages").insert(stored_before_masking)
    out = io.StringIO()
    assert review.run(command_args(review, "--show", str(ticket["id"])), settings, out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(": nik [NIK/KK][2J [10:00] Petugas: transfer")


@pytest.mark.slow
def test_report_csv_neutralises_a_forged_topic(settings: Settings, tmp_path: Path) -> None:
    db = storage.open_database(settings.database_path)
    storage.create_complaint(db, 1, {"category": "=cmd|' /C calc'!A0", "what": "x"})
    today = dt.date.today()
    args = command_args(report, "--since", str(today - dt.timedelta(days=1)), "--until", str(today + dt.timedelta(days=1)),
                        "--out", str(tmp_path / "out"))
    assert report.run(args, settings, io.StringIO()) == 0
    rows = list(csv.reader((tmp_path / "out" / "figures.csv").open(encoding="utf-8")))
    assert ["pengaduan", "'=cmd|' /C calc'!A0", "1"] in rows


def test_logging_configured_twice_masks_through_one_filter_per_handler() -> None:
    configure_logging("WARNING")
    configure_logging("WARNING")
    for handler in logging.getLogger().handlers:
        assert len([f for f in handler.filters if isinstance(f, Redact)]) == 1
