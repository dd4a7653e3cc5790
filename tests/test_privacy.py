"""Masking of Indonesian personal identifiers on realistic messages."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from bot import storage
from bot.privacy import mask


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
    "message",
    ["biaya e-paspor Rp650.000 atau Rp 1000000", "berlaku 10 tahun sejak 2022", "tiket #12 pukul 08:00", "PP 45 Tahun 2024"],
)
def test_ordinary_numbers_are_kept(message: str) -> None:
    assert mask(message) == message


def test_storage_keeps_only_the_masked_form() -> None:
    db = Database(memory=True)
    storage.migrate(db)
    storage.touch_user(db, 1, "Budi")
    storage.log_message(db, 1, "in", "NIK saya 3171234567890001, hp 081234567890")
    assert [m["text"] for m in storage.recent_messages(db, 1)] == ["NIK saya [NIK/KK], hp [TELEPON]"]
