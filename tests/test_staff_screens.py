"""What staff and supervisors see of complaints and tickets (issue 12, outcomes 4 and 5): free-text complaints and
urgent cases, and the staff card, its buttons and replies, through the fake Bot API."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from bot import storage
from bot.assistant import Assistant
from bot.desk import triage
from bot.desk.callbacks import CloseConfirm, Erase
from bot.desk.tickets import shorten, waited
from bot.office_hours import JAKARTA, duration
from tests import test_telegram
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import RESIDENT, STAFF, STAFF_CHAT, SUPERVISOR, RunningBot, buttons, escalate, make_settings

#: The fake Bot API and the real application polling it, as in test_telegram.
fake = test_telegram.fake
running = test_telegram.running

PHOTO = {"photo": [{"file_id": "f1", "file_unique_id": "u1", "width": 90, "height": 90}], "caption": "Contoh formulir"}
STICKER = {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": False,
                       "is_video": False, "type": "regular"}}


@pytest.mark.parametrize("text", [
    "saya mau komplain, petugasnya jutek banget",
    "Petugasnya JUTEK!!!",
    "ptgs nya galak bgt",
    "tadi dimintai uang tambahan sama petugas loket",
    "disuruh bayar 500 ribu lebih tanpa kuitansi",
    "kena pungli pas ambil paspor",
    "saya ditawari calo di depan kantor",
    "cara lapor calo",
    "the officer was rude to me",
    "an officer asked me for extra money",
])
def test_complaints_about_officers_brokers_and_fees_are_recognised(text: str) -> None:
    assert triage.is_complaint(text)


@pytest.mark.parametrize("text", [
    "biaya paspor berapa",
    "apakah ada biaya tambahan untuk percepatan?",
    "kalau diminta uang tambahan itu pungli bukan?",
    "apa itu pungli",
    "bisa pakai calo?",
    "saya sudah lapor ke petugas tapi paspor belum jadi",
    "lapor kehilangan paspor ke polisi dulu?",
    "petugasnya ramah banget, terima kasih",
    "is there an extra fee for express passport",
])
def test_ordinary_questions_are_no_complaint(text: str) -> None:
    assert not triage.is_complaint(text)


@pytest.mark.parametrize(("text", "faq_id", "expected"), [
    ("paspor hilang besok berangkat umroh", None, triage.Urgency.DEPARTURE),
    ("paspor saya rusak, minggu depan mau umroh", None, triage.Urgency.DEPARTURE),
    ("I lost my passport and my flight is tomorrow", None, triage.Urgency.DEPARTURE),
    ("paspor saya hilang di malaysia", None, triage.Urgency.ABROAD),
    ("saya ditahan majikan di arab", None, triage.Urgency.ABROAD),
    ("Paspor hilang di luar negeri", "paspor_hilang_luar_negeri", triage.Urgency.ABROAD),
    ("paspor hilang bagaimana mengurusnya", "paspor_hilang", None),
    ("besok mau bikin paspor untuk umroh", None, None),
    ("urgent bgt nih min, lusa harus berangkat, bisa paspor kilat?", None, None),
    ("paspor expired, berangkat bulan depan", None, None),
    ("syarat paspor pmi apa saja", "paspor_pmi", None),
    ("berapa denda overstay", "overstay_denda", None),
    ("I am a foreigner and was detained in Bengkulu", None, None),
])
def test_urgency_fits_the_case(text: str, faq_id: str | None, expected: triage.Urgency | None) -> None:
    assert triage.urgency(text, faq_id) is expected


def test_a_long_message_is_cut_after_a_whole_word() -> None:
    assert shorten("paspor hilang kemarin sore", 16) == "paspor hilang…"
    assert shorten("pendek", 16) == "pendek"


def test_waiting_time_reads_in_minutes_hours_and_days() -> None:
    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
    assert waited("2026-11-29T11:59:30+00:00", now) == "kurang dari 1 menit"
    assert waited("2026-11-29T10:48:00+00:00", now) == "1 jam 12 menit"
    assert waited("2026-11-27T09:00:00+00:00", now) == "2 hari 3 jam"


async def test_a_complaint_about_an_officer_goes_to_supervisors_only(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "saya mau komplain, petugasnya jutek banget")
    await fake.wait_for_text(RESIDENT, "hanya dibaca oleh pengawas")
    for answer, next_question in (("tadi pagi", "Di mana"), ("loket paspor", "Kontak"), ("-", "nomor tiket")):
        fake.user_message(RESIDENT, answer)
        await fake.wait_for_text(RESIDENT, next_question)
    card = await fake.wait_for_text(SUPERVISOR, "hanya untuk pengawas")
    assert "petugasnya jutek banget" in card.params["text"]
    assert not fake.sent(STAFF_CHAT)


async def test_a_lost_passport_before_departure_gets_urgent_steps_and_the_officer(
    running: RunningBot, fake: FakeTelegram
) -> None:
    fake.user_message(RESIDENT, "paspor hilang besok berangkat umroh")
    steps = await fake.wait_for_text(RESIDENT, "Keberangkatan Anda sudah dekat")
    assert "Surat Keterangan Kehilangan" in steps.params["text"]
    assert buttons(steps) == ["officer"]


async def test_migrant_worker_overstay_and_fee_questions_get_no_urgent_banner(
    running: RunningBot, fake: FakeTelegram
) -> None:
    for question in ("syarat paspor pmi apa saja", "berapa denda overstay", "brp biaya paspor"):
        fake.user_message(RESIDENT, question)
    fake.user_message(RESIDENT, "halo")
    await fake.wait_for_text(RESIDENT, "Halo!")
    told = [c.params["text"] for c in fake.sent(RESIDENT)]
    assert len(told) >= 4
    assert not [t for t in told if "mendesak" in t or "Keberangkatan" in t]


async def test_a_foreigner_is_not_sent_to_the_indonesian_embassy(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "I am a foreigner in Bengkulu, my visa overstayed 3 days, how much is the fine?")
    fake.user_message(RESIDENT, "hello")
    await fake.wait_for(lambda c: len(fake.sent(RESIDENT)) >= 2)
    assert not [c for c in fake.sent(RESIDENT) if "Indonesian embassy" in c.params["text"]]


async def test_the_card_shows_language_topic_title_and_waiting_time(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "how much does a passport cost")
    await fake.wait_for_text(RESIDENT, "IDR 650,000")
    storage.set_language(running.store.db, RESIDENT, "en")
    fake.user_message(RESIDENT, "/petugas")
    text = (await fake.wait_for_text(STAFF_CHAT, "Tiket #1")).params["text"]
    assert "bahasa Inggris" in text
    assert "Topik: Biaya paspor" in text
    assert "Menunggu: kurang dari 1 menit" in text
    assert "di luar jam layanan" not in text


async def test_the_card_says_when_a_ticket_came_outside_office_hours(
    fake: FakeTelegram, tmp_path: Path, assistant: Assistant
) -> None:
    closed_day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[(dt.datetime.now(JAKARTA).weekday() + 3) % 7]
    bot = RunningBot(make_settings(fake, tmp_path, OFFICE_HOURS=f"{closed_day} 08:00-16:00"), assistant)
    await bot.start()
    try:
        assert "(di luar jam layanan)" in (await escalate(fake)).params["text"]
    finally:
        await bot.stop()


async def test_the_pasted_conversation_is_cut_after_a_whole_word(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "paspor " * 60)
    await fake.wait_for(lambda c: bool(fake.sent(RESIDENT)))
    text = (await escalate(fake)).params["text"]
    assert re.search(r"(paspor )+paspor…\n", text)


async def press_on_card(fake: FakeTelegram, card: dict[str, Any], data: str, name: str = "Andi") -> Any:
    """A staff member presses a card button; return the card's edit."""
    mark = len(fake.calls)
    fake.press(STAFF, STAFF_CHAT, card, data, name=name)
    return await fake.wait_for(lambda c: c.method.startswith("editMessage"), start=mark)


async def test_taking_names_the_taker_and_removes_the_take_button(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    edit = await press_on_card(fake, card.result, "take:1")
    assert "Diambil oleh Andi" in edit.params["text"]
    assert buttons(edit) == ["close:1"]
    await fake.wait_for_text(RESIDENT, "Petugas sudah mengambil tiket #1")


async def test_closing_asks_for_confirmation_first(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    asked = await press_on_card(fake, card.result, "close:1")
    assert buttons(asked) == [CloseConfirm(1, True).data, CloseConfirm(1, False).data]
    assert storage.get_ticket(running.store.db, 1)["status"] == "open"
    kept = await press_on_card(fake, card.result, CloseConfirm(1, False).data)
    assert buttons(kept) == ["take:1", "close:1"]
    closed = await press_on_card(fake, card.result, CloseConfirm(1, True).data)
    assert "Ditutup oleh Andi" in closed.params["text"]
    assert buttons(closed) == []
    await fake.wait_for_text(RESIDENT, "telah selesai")


async def test_a_photo_reply_is_copied_to_the_resident(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "", content=PHOTO)
    copied = await fake.wait_for(lambda c: c.method == "copyMessage")
    assert (int(copied.params["chat_id"]), int(copied.params["from_chat_id"])) == (RESIDENT, STAFF_CHAT)
    assert "Contoh formulir" in copied.params["caption"]
    await fake.wait_for(lambda c: storage.get_ticket(running.store.db, 1)["first_reply_at"] is not None)


async def test_a_sticker_reply_is_not_relayed_and_staff_are_told(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "", content=STICKER)
    await fake.wait_for_text(STAFF_CHAT, "tidak diteruskan")
    assert not fake.sent(method="copyMessage")


async def test_a_photo_to_a_resident_who_blocked_the_bot_is_reported(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.blocked.add(RESIDENT)
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "", content=PHOTO)
    report = await fake.wait_for_text(STAFF_CHAT, "tidak terkirim")
    assert "blocked" in report.params["text"]


async def test_a_reply_to_a_resident_who_erased_their_data_is_reported(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.user_message(RESIDENT, "/hapusdata")
    confirm = await fake.wait_for_text(RESIDENT, "Hapus semua percakapan")
    fake.press(RESIDENT, RESIDENT, confirm.result, Erase(True).data)
    await fake.wait_for_text(RESIDENT, "telah dihapus")
    reply = fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Halo, masih ada?")
    notice = await fake.wait_for_text(STAFF_CHAT, "hapusdata")
    assert notice.params["reply_parameters"]["message_id"] == reply
    assert not [c for c in fake.sent(RESIDENT) if "masih ada?" in c.params["text"]]


def test_a_wait_of_whole_hours_or_days_leaves_out_the_zero() -> None:
    assert [duration(seconds) for seconds in (3600, 86400)] == ["1 jam", "1 hari"]
