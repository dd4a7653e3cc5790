"""End to end: the real python-telegram-bot application, real model and action server, real SQLite,
against a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import io
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlite_utils import Database

from bot import review, storage
from bot.assistant import Assistant
from bot.desk.callbacks import Erase, Survey, SurveyScore
from bot.rasa_runtime.action_server import free_port
from bot.settings import Settings
from bot.storage import Store, open_database
from bot.telegram import SEND_TIMEOUT, WEBHOOK_PATH, build_application, receive_updates, start, stop
from tests.conftest import command_args
from tests.fake_telegram import FakeTelegram

STAFF_CHAT = -1001234
STAFF, OTHER_STAFF, OUTSIDER, SUPERVISOR = 5001, 5004, 5002, 5003
RESIDENT = 7001


def make_settings(fake: FakeTelegram, tmp_path: Path, **extra: str) -> Settings:
    environ = {
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url, "STAFF_CHAT_ID": str(STAFF_CHAT),
        "SUPERVISOR_USER_IDS": str(SUPERVISOR), "OFFICE_HOURS": "Mon-Sun 00:00-23:59",
        "DATABASE_PATH": str(tmp_path / "tanya.db"), "REVIEW_PASSWORD": "rahasia-uji", **extra,
    }
    return Settings.load(env_file=tmp_path / "no.env", environ=environ)


class RunningBot:
    """The real application polling the fake server, started and stopped like `python -m bot run`."""

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        self.settings = settings
        self.store = Store(open_database(settings.database_path))
        self.application = build_application(settings, assistant, self.store)

    async def start(self) -> None:
        await start(self.application, self.settings)

    async def stop(self) -> None:
        await stop(self.application)
        self.store.close()


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(members={STAFF: "member", OTHER_STAFF: "administrator"})
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def running(fake: FakeTelegram, tmp_path: Path, assistant: Assistant) -> AsyncIterator[RunningBot]:
    bot = RunningBot(make_settings(fake, tmp_path), assistant)
    await bot.start()
    yield bot
    await bot.stop()


def buttons(call: Any) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def escalate(fake: FakeTelegram, user: int = RESIDENT) -> Any:
    """The resident asks for an officer; return the staff card call."""
    mark = len(fake.calls)
    fake.user_message(user, "/petugas")
    card = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT, start=mark)
    await fake.wait_for_text(user, "tiket #", start=mark)
    return card


async def test_start_greets_with_privacy_notice_categories_and_menu(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "/start")
    call = await fake.wait_for_text(RESIDENT, "Privasi")
    assert "Jangan kirim NIK" in call.params["text"]
    assert buttons(call) == ["cat:paspor", "cat:visa", "cat:izin_tinggal", "cat:layanan"]
    commands = fake.sent(method="setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == [
        "start", "topik", "bantuan", "petugas", "bahasa", "pengaduan", "batal", "menu", "lokasi", "datasaya", "hapusdata",
    ]


async def test_question_gets_answer_with_link_and_rating_buttons(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    call = await fake.wait_for_text(RESIDENT, "Rp650.000")
    assert call.params["parse_mode"] == "HTML"
    assert "https://www.imigrasi.go.id/" in call.params["text"]
    assert buttons(call)[0] == "more:paspor_biaya:id"
    assert buttons(call)[-4:] == ["rate:paspor_biaya:1", "rate:paspor_biaya:0", "officer", "menu:0"]


async def test_details_button_sends_the_rest_of_the_answer(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    answer = await fake.wait_for_text(RESIDENT, "Rp650.000")
    mark = len(fake.calls)
    fake.press(RESIDENT, RESIDENT, answer.result, "more:paspor_biaya:id")
    details = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == RESIDENT, start=mark)
    assert "PP 28" in details.params["text"]


async def test_details_come_in_the_language_of_the_answer(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "how much does a passport cost")
    answer = await fake.wait_for_text(RESIDENT, "IDR 650,000")
    assert buttons(answer)[0] == "more:paspor_biaya:en"
    mark = len(fake.calls)
    fake.press(RESIDENT, RESIDENT, answer.result, "more:paspor_biaya:en")
    details = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == RESIDENT, start=mark)
    assert "PP 28/2019" in details.params["text"]


async def test_a_second_unclear_message_offers_topics_and_officer_without_a_ticket(
    running: RunningBot, fake: FakeTelegram
) -> None:
    fake.user_message(RESIDENT, "qwerty zxcv")
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == RESIDENT)
    fake.user_message(RESIDENT, "asdf hjkl")
    menu = await fake.wait_for_text(RESIDENT, "/topik")
    assert "officer" in buttons(menu)
    assert any(b.startswith("ask:") for b in buttons(menu))
    assert storage.list_tickets(running.store.db) == []


async def test_browsing_topics_by_category(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "/topik")
    menu = await fake.wait_for_text(RESIDENT, "Pilih kategori")
    fake.press(RESIDENT, RESIDENT, menu.result, "cat:visa")
    topics = await fake.wait_for_text(RESIDENT, "Pilih topik")
    assert "ask:visa_voa" in buttons(topics)
    fake.press(RESIDENT, RESIDENT, topics.result, "ask:visa_voa")
    await fake.wait_for_text(RESIDENT, "Visa on Arrival")


async def test_not_helpful_rating_is_recorded_and_offers_officer(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "alamat kantor imigrasi bengkulu dimana")
    answer = await fake.wait_for_text(RESIDENT, "Jl. Pembangunan")
    fake.press(RESIDENT, RESIDENT, answer.result, "rate:kantor_alamat_jam:0")
    offer = await fake.wait_for_edit(RESIDENT, "belum membantu")
    assert "officer" in buttons(offer) and not [b for b in buttons(offer) if b.startswith("rate:")]
    rows = list(running.store.db.table("ratings").rows)
    assert [(r["faq_id"], r["helpful"]) for r in rows] == [("kantor_alamat_jam", 0)]


async def test_urgent_situation_gets_safe_route_and_officer(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "paspor saya hilang di malaysia")
    urgent = await fake.wait_for_text(RESIDENT, "mungkin mendesak")
    assert "KBRI" in urgent.params["text"]
    assert buttons(urgent) == ["officer"]


async def test_escalation_relay_close_and_rating(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "Rp650.000")
    card = await escalate(fake)
    assert "Tiket #1" in card.params["text"]
    assert "Budi" in card.params["text"]
    assert "brp biaya paspor" in card.params["text"]
    assert "Biaya paspor" in card.params["text"]
    assert buttons(card) == ["take:1", "close:1"]
    card_id = card.result["message_id"]

    fake.group_reply(STAFF_CHAT, STAFF, card_id, "Selamat siang, biaya e-paspor 10 tahun Rp950.000 <ya> & jelas")
    relayed = await fake.wait_for_text(RESIDENT, "Petugas:")
    assert "Rp950.000 &lt;ya&gt; &amp; jelas" in relayed.params["text"]

    mark = len(fake.calls)
    fake.user_message(RESIDENT, "terima kasih, kalau 5 tahun?")
    to_staff = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT, start=mark)
    assert "kalau 5 tahun?" in to_staff.params["text"]
    assert to_staff.params["reply_parameters"]["message_id"] == card_id
    fake.group_reply(STAFF_CHAT, STAFF, to_staff.result["message_id"], "5 tahun Rp650.000")
    await fake.wait_for_text(RESIDENT, "5 tahun Rp650.000")

    mark = len(fake.calls)
    fake.press(OUTSIDER, STAFF_CHAT, card.result, "close:1", name="Bukan Petugas")
    refused = await fake.wait_for(lambda c: c.method == "answerCallbackQuery", start=mark)
    assert "hanya petugas" in refused.params["text"]
    assert storage.get_ticket(running.store.db, 1)["status"] == "taken"

    fake.press(STAFF, STAFF_CHAT, card.result, "close-confirm:1:1", name="Petugas Sari")
    closing = await fake.wait_for_text(RESIDENT, "telah selesai")
    assert buttons(closing) == [f"rt:1:{n}" for n in range(1, 6)]
    fake.press(RESIDENT, RESIDENT, closing.result, "rt:1:5")
    await fake.wait_for_edit(RESIDENT, "(5/5)")

    ticket = storage.get_ticket(running.store.db, 1)
    assert (ticket["status"], ticket["rating"], ticket["taken_by"], ticket["closed_by"]) == ("closed", 5, STAFF, STAFF)
    assert ticket["first_reply_at"] and ticket["taken_at"] and ticket["closed_at"]

    mark = len(fake.calls)
    fake.user_message(RESIDENT, "syarat paspor anak apa aja")
    await fake.wait_for_text(RESIDENT, "Paspor anak", start=mark)
    assert not [c for c in fake.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT]


async def test_two_staff_taking_at_once_one_wins(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    mark = len(fake.calls)
    fake.press(STAFF, STAFF_CHAT, card.result, "take:1", name="Sari")
    fake.press(OTHER_STAFF, STAFF_CHAT, card.result, "take:1", name="Andi")

    def answers() -> list[str]:
        return sorted(c.params.get("text", "") for c in fake.calls[mark:] if c.method == "answerCallbackQuery")

    await fake.wait_for(lambda c: len(answers()) >= 2, start=mark)
    texts = answers()
    assert texts[0] == "Tiket #1 Anda tangani."
    assert texts[1].startswith("Tiket #1 sudah ditangani")


async def test_escalation_survives_a_restart(fake: FakeTelegram, tmp_path: Path, assistant: Assistant) -> None:
    settings = make_settings(fake, tmp_path)
    first = RunningBot(settings, assistant)
    await first.start()
    card = await escalate(fake)
    await first.stop()

    second = RunningBot(settings, assistant)
    await second.start()
    try:
        fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Halo, saya petugas setelah restart")
        await fake.wait_for_text(RESIDENT, "setelah restart")
        mark = len(fake.calls)
        fake.user_message(RESIDENT, "baik pak")
        relay = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT, start=mark)
        assert "baik pak" in relay.params["text"]
        assert storage.list_tickets(second.store.db) and len(storage.list_tickets(second.store.db)) == 1
    finally:
        await second.stop()


async def test_undeliverable_staff_reply_is_reported_in_the_thread(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.blocked.add(RESIDENT)
    mark = len(fake.calls)
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Halo?")
    report = await fake.wait_for(
        lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT and "tidak terkirim" in c.params["text"],
        start=mark,
    )
    assert "blocked" in report.params["text"]


async def test_stickers_photos_and_edits_never_crash(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_update(RESIDENT, {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                                            "is_animated": False, "is_video": False, "type": "regular"}})
    await fake.wait_for_text(RESIDENT, "hanya dapat membaca pesan teks")
    mark = len(fake.calls)
    resident = {"id": RESIDENT, "is_bot": False, "first_name": "B"}
    fake.push({"edited_message": {"message_id": 1, "date": 1, "edit_date": 2, "text": "biaya paspor",
                                  "chat": {"id": RESIDENT, "type": "private"}, "from": resident}})
    fake.user_message(RESIDENT, "halo")
    greeting = await fake.wait_for(lambda c: c.method == "sendMessage", start=mark)
    assert "Halo!" in greeting.params["text"]


async def test_supervisor_report_and_refusal(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "Rp650.000")
    fake.user_message(SUPERVISOR, "/laporan")
    report = await fake.wait_for_text(SUPERVISOR, "Laporan 7 hari")
    assert "Pertanyaan warga: <b>1 (" in report.params["text"]
    assert "Dijawab asisten: <b>1 (" in report.params["text"]
    fake.user_message(OUTSIDER, "/laporan")
    await fake.wait_for_text(OUTSIDER, "hanya untuk pengawas")


def filled_database(path: Path) -> Database:
    db = open_database(path)
    for user in (1, 2, 3):
        storage.touch_user(db, user, f"Warga {user}")
        storage.log_message(db, user, "in", f"pertanyaan {user}")
    for user in (1, 2, 3):
        storage.create_ticket(db, user, "user", "paspor_biaya")
    storage.record_staff_reply(db, 1, STAFF, "Sari", "jawaban")
    storage.close_ticket(db, 1, STAFF)
    storage.rate_ticket(db, 1, 1, 2)
    storage.take_ticket(db, 2, OTHER_STAFF, "Andi")
    storage.rate_answer(db, 3, "paspor_biaya", helpful=False)
    return db


def test_review_lists_filters_shows_and_exports(tmp_path: Path, fake: FakeTelegram) -> None:
    filled_database(tmp_path / "tanya.db").close()
    settings = make_settings(fake, tmp_path)
    out = io.StringIO()
    assert review.run(command_args(review, "--status", "open"), settings, out) == 0
    assert out.getvalue().splitlines()[-1] == "2 eskalasi"
    out = io.StringIO()
    review.run(command_args(review, "--staff", str(STAFF), "--rating", "2"), settings, out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "1 eskalasi"
    assert lines[1].startswith("1 | closed | Warga 1 | paspor_biaya")
    out = io.StringIO()
    review.run(command_args(review, "--show", "1"), settings, out)
    assert "Warga: pertanyaan 1" in out.getvalue()
    assert "Petugas: jawaban" in out.getvalue()
    review.run(command_args(review, "--csv", str(tmp_path / "x.csv")), settings, io.StringIO())
    assert (tmp_path / "x.csv").read_text().splitlines()[0].startswith("id,status,user_id")
    assert len((tmp_path / "x.csv").read_text().splitlines()) == 4


async def test_review_page_needs_password_and_serves_ready_made_queries(tmp_path: Path, fake: FakeTelegram) -> None:
    filled_database(tmp_path / "tanya.db").close()
    app = review.datasette_app(make_settings(fake, tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/tanya/open_by_wait.json")).status_code == 401
        auth = {"Authorization": "Basic " + base64.b64encode(b"pengawas:rahasia-uji").decode()}
        rows = (await client.get("/tanya/open_by_wait.json?_shape=objects", headers=auth)).json()["rows"]
        assert sorted(r["tiket"] for r in rows) == [2, 3]
        closed = (await client.get("/tanya/closed_this_week.json?_shape=objects", headers=auth)).json()["rows"]
        assert [(r["tiket"], r["nilai"]) for r in closed] == [(1, 2)]
        low = (await client.get("/tanya/low_ratings.json?_shape=objects", headers=auth)).json()["rows"]
        assert sorted((r["jenis"], r["nomor"]) for r in low) == [("jawaban", 1), ("tiket", 1)]
        write = await client.post("/tanya/-/query", headers=auth, data={"sql": "DELETE FROM tickets"})
        assert write.status_code != 200 or storage.list_tickets(Database(tmp_path / "tanya.db"))


async def complain(fake: FakeTelegram, misconduct: bool) -> None:
    mark = len(fake.calls)
    fake.user_message(RESIDENT, "/pengaduan")
    menu = await fake.wait_for_text(RESIDENT, "SP4N-LAPOR", start=mark)
    assert buttons(menu) == ["cp:pengaduan", "cp:informasi", "cp:aspirasi"]
    fake.press(RESIDENT, RESIDENT, menu.result, "cp:pengaduan")
    await fake.wait_for_text(RESIDENT, "Ceritakan apa yang terjadi", start=mark)
    for answer, next_question in (
        ("Ada orang menawarkan paspor cepat bayar 2 juta, NIK saya 3171234567890001", "Kapan"),
        ("3 November 2026 pukul 10", "Di mana"),
        ("depan kantor imigrasi", "Kontak"),
        ("-", "perilaku petugas"),
    ):
        fake.user_message(RESIDENT, answer)
        question = await fake.wait_for_text(RESIDENT, next_question, start=mark)
    fake.press(RESIDENT, RESIDENT, question.result, "cm:1" if misconduct else "cm:0")
    done = await fake.wait_for_text(RESIDENT, "nomor tiket", start=mark)
    assert "5 hari kerja" in done.params["text"]
    assert "lapor.go.id" in done.params["text"]


async def test_complaint_goes_to_the_staff_group_and_counts_separately(running: RunningBot, fake: FakeTelegram) -> None:
    await complain(fake, misconduct=False)
    card = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT)
    assert "Tiket #1: Pengaduan" in card.params["text"]
    assert "bayar 2 juta" in card.params["text"]
    assert "[NIK/KK]" in card.params["text"]
    assert "3171234567890001" not in card.params["text"]
    ticket = storage.get_ticket(running.store.db, 1)
    assert (ticket["kind"], ticket["reason"]) == ("complaint", "complaint")
    stored = running.store.db.table("complaints").get(1)
    assert "[NIK/KK]" in stored["what"]
    assert stored["misconduct"] == 0


async def test_misconduct_complaint_goes_only_to_supervisors(running: RunningBot, fake: FakeTelegram) -> None:
    await complain(fake, misconduct=True)
    card = await fake.wait_for_text(SUPERVISOR, "hanya untuk pengawas")
    assert not fake.sent(STAFF_CHAT)
    fake.user_message(RESIDENT, "tolong ditindaklanjuti")
    relay = await fake.wait_for_text(SUPERVISOR, "tolong ditindaklanjuti")
    assert relay.params["reply_parameters"]["message_id"] == card.result["message_id"]


async def test_asking_for_an_officer_after_a_complaint_reaches_staff(running: RunningBot, fake: FakeTelegram) -> None:
    await complain(fake, misconduct=True)
    card = await escalate(fake)
    assert "Tiket #2</b> (diminta warga)" in card.params["text"]
    assert "tiket #2" in fake.sent(RESIDENT)[-1].params["text"].lower()


async def test_survey_after_closing_feeds_the_skm_index(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.press(STAFF, STAFF_CHAT, card.result, "close-confirm:1:1", name="Sari")
    closing = await fake.wait_for_text(RESIDENT, "telah selesai")
    fake.press(RESIDENT, RESIDENT, closing.result, "rt:1:4")
    offer = await fake.wait_for_text(RESIDENT, "Survei Kepuasan")
    assert buttons(offer) == [Survey(1, True).data, Survey(1, False).data]
    fake.press(RESIDENT, RESIDENT, offer.result, Survey(1, True).data)
    for number in range(9):
        mark = len(fake.calls)
        question = await fake.wait_for_edit(RESIDENT, f"({number + 1}/9)", start=max(0, mark - 3))
        score = 0 if number == 8 else 4 - number % 2
        fake.press(RESIDENT, RESIDENT, question.result, SurveyScore(1, number, score).data)
    await fake.wait_for_edit(RESIDENT, "Terima kasih telah mengisi survei")
    scores = {r["element"]: r["score"] for r in running.store.db.table("skm").rows}
    assert len(scores) == 8
    assert "sarana" not in scores
    assert scores["persyaratan"] == 4
    assert scores["prosedur"] == 3


async def test_supervisor_report_includes_charts(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "Rp650.000")
    fake.user_message(SUPERVISOR, "/laporan")
    await fake.wait_for(lambda c: len(fake.sent(SUPERVISOR, "sendPhoto")) >= 3)
    photos = fake.sent(SUPERVISOR, "sendPhoto")
    assert all(p.params["photo_bytes"].startswith(b"\x89PNG") for p in photos)
    assert next(p.params["caption"] for p in photos) == "Pertanyaan warga per hari (tanggal WIB)"


async def test_rate_limit_answers_politely_and_records_everything(
    fake: FakeTelegram, tmp_path: Path, assistant: Assistant
) -> None:
    bot = RunningBot(make_settings(fake, tmp_path, RATE_LIMIT_PER_MINUTE="3"), assistant)
    await bot.start()
    try:
        for number in range(5):
            fake.user_message(RESIDENT, f"halo {number}")
            await asyncio.sleep(0.3)
        await fake.wait_for_text(RESIDENT, "terlalu banyak pesan")
        await asyncio.sleep(0.5)
        replies = fake.sent(RESIDENT)
        assert sum("terlalu banyak pesan" in c.params["text"] for c in replies) == 1
        assert len(replies) == 4
        stored = [r["text"] for r in bot.store.db.table("messages").rows_where("direction = 'in'")]
        assert stored == [f"halo {n}" for n in range(5)]
    finally:
        await bot.stop()


async def test_staff_member_who_left_the_group_cannot_act(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.members[STAFF] = "left"
    mark = len(fake.calls)
    fake.press(STAFF, STAFF_CHAT, card.result, "close:1", name="Mantan Petugas")
    refused = await fake.wait_for(lambda c: c.method == "answerCallbackQuery", start=mark)
    assert "hanya petugas" in refused.params["text"]
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "balasan dari luar")
    await fake.wait_for(lambda c: c.method == "sendMessage" and "hanya petugas" in c.params["text"], start=mark)
    assert not [c for c in fake.sent(RESIDENT) if "balasan dari luar" in c.params["text"]]
    assert storage.get_ticket(running.store.db, 1)["status"] == "open"


async def test_malformed_update_is_logged_and_the_bot_continues(running: RunningBot, fake: FakeTelegram) -> None:
    fake.push({"message": {"message_id": 5, "text": "tanpa chat"}})
    fake.push({"callback_query": {"id": "x"}})
    fake.user_message(RESIDENT, "halo")
    await fake.wait_for_text(RESIDENT, "Halo!")


async def test_database_failure_is_reported_to_the_user(
    running: RunningBot, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(storage, "log_message", broken)
    fake.user_message(RESIDENT, "brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "terjadi gangguan")
    monkeypatch.undo()
    fake.user_message(RESIDENT, "brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "Rp650.000")


async def test_an_update_that_met_a_busy_database_is_answered_when_it_is_free(
    running: RunningBot, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_message = storage.log_message

    def locked_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(storage, "log_message", log_message)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(storage, "log_message", locked_once)
    fake.user_message(RESIDENT, "brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "Rp650.000")
    assert not [c for c in fake.sent(chat_id=RESIDENT) if "terjadi gangguan" in c.params["text"]]


async def test_residents_see_and_erase_their_data(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "nik saya 3171234567890001 mau bikin paspor")
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == RESIDENT)
    fake.user_message(RESIDENT, "/datasaya")
    shown = await fake.wait_for_text(RESIDENT, "Data Anda yang kami simpan")
    assert "[NIK/KK]" in shown.params["text"]
    assert "3171234567890001" not in shown.params["text"]
    fake.user_message(RESIDENT, "/hapusdata")
    confirm = await fake.wait_for_text(RESIDENT, "Hapus semua percakapan")
    fake.press(RESIDENT, RESIDENT, confirm.result, Erase(True).data)
    await fake.wait_for_text(RESIDENT, "telah dihapus")
    assert storage.user_data_summary(running.store.db, RESIDENT)["user"] is None


async def test_language_switch_answers_in_english(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "/bahasa")
    menu = await fake.wait_for_text(RESIDENT, "Pilih bahasa")
    fake.press(RESIDENT, RESIDENT, menu.result, "lang:en")
    await fake.wait_for_text(RESIDENT, "Language changed to English")
    fake.user_message(RESIDENT, "berapa biaya paspor")
    await fake.wait_for_text(RESIDENT, "Official passport fees")


async def test_outside_office_hours_says_when_to_expect_a_reply(
    fake: FakeTelegram, tmp_path: Path, assistant: Assistant
) -> None:
    import datetime as dt

    from bot.office_hours import JAKARTA

    now = dt.datetime.now(JAKARTA)
    closed_day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[(now.weekday() + 2) % 7]
    bot = RunningBot(make_settings(fake, tmp_path, OFFICE_HOURS=f"{closed_day} 08:00-16:00"), assistant)
    await bot.start()
    try:
        fake.user_message(RESIDENT, "/petugas")
        notice = await fake.wait_for_text(RESIDENT, "di luar jam layanan")
        assert "08:00 WIB" in notice.params["text"]
    finally:
        await bot.stop()


async def test_flood_control_is_waited_out_and_the_answer_arrives(running: RunningBot, fake: FakeTelegram) -> None:
    fake.flood = 1
    fake.user_message(RESIDENT, "brp biaya paspor")

    def tries() -> list[Any]:
        return [c for c in fake.sent(RESIDENT) if "Rp650.000" in c.params["text"]]

    await fake.wait_for(lambda _: len(tries()) == 2)
    await asyncio.sleep(0.5)
    # the refused try (429, retry after 1 s), then the delivered retry, and nothing more
    assert [c.result is not None for c in tries()] == [False, True]


async def test_webhook_accepts_only_updates_carrying_the_secret(
    fake: FakeTelegram, tmp_path: Path, assistant: Assistant
) -> None:
    port = free_port()
    settings = make_settings(fake, tmp_path, WEBHOOK_URL="https://tanya.example", WEBHOOK_SECRET="rahasia_webhook-1",
                             WEBHOOK_PORT=str(port))
    bot = RunningBot(settings, assistant)
    await bot.application.initialize()
    await bot.application.start()
    await receive_updates(bot.application, settings)

    def update(number: int, text: str) -> dict[str, Any]:
        chat = {"id": RESIDENT, "type": "private", "first_name": "Budi"}
        return {"update_id": number, "message": {"message_id": number, "date": 0, "text": text, "chat": chat,
                                                 "from": {"id": RESIDENT, "is_bot": False, "first_name": "Budi"}}}

    url = f"http://127.0.0.1:{port}/{WEBHOOK_PATH}"
    async with httpx.AsyncClient() as client:
        forged = await client.post(url, json=update(1, "forged without secret"))
        wrong = await client.post(url, json=update(2, "forged with a guess"),
                                  headers={"X-Telegram-Bot-Api-Secret-Token": "tebakan"})
        genuine = await client.post(url, json=update(3, "brp biaya bikin paspor"),
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "rahasia_webhook-1"})
    await fake.wait_for_text(RESIDENT, "Rp650.000")
    await bot.stop()
    assert (forged.status_code, wrong.status_code, genuine.status_code) == (403, 403, 200)
    logged = storage.recent_messages(Database(settings.database_path), RESIDENT)
    assert [m["text"] for m in logged if m["direction"] == "in"] == ["brp biaya bikin paspor"]


async def test_an_answer_is_rated_once_however_often_its_button_is_pressed(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    answer = await fake.wait_for_text(RESIDENT, "Rp650.000")
    for _ in range(5):
        fake.press(RESIDENT, RESIDENT, answer.result, "rate:paspor_biaya:1")
    await fake.wait_for_edit(RESIDENT, "Terima kasih atas penilaian")
    await asyncio.sleep(1.0)
    assert running.store.db.table("ratings").count == 1
    assert len([c for c in fake.sent(RESIDENT, "editMessageText") if "Terima kasih atas penilaian" in c.params["text"]]) == 1


async def test_notes_and_replies_between_staff_stay_in_the_staff_group(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    note = fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "#catatan cek dulu ke loket paspor")
    fake.group_reply(STAFF_CHAT, OTHER_STAFF, note, "oke, saya cek", name="Andi")
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Mohon tunggu sebentar")
    await fake.wait_for_text(RESIDENT, "Mohon tunggu sebentar")
    told = [c.params["text"] for c in fake.sent(RESIDENT)]
    assert not any("cek dulu" in t or "saya cek" in t for t in told)


async def test_a_muted_member_who_left_the_group_is_not_staff(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.members[OUTSIDER] = "restricted"  # the fake reports is_member as false: muted, then gone
    mark = len(fake.calls)
    fake.press(OUTSIDER, STAFF_CHAT, card.result, "take:1", name="Mantan")
    refused = await fake.wait_for(lambda c: c.method == "answerCallbackQuery", start=mark)
    assert "hanya petugas" in refused.params.get("text", "")
    assert storage.get_ticket(running.store.db, 1)["status"] == "open"


@pytest.mark.slow
async def test_a_card_telegram_confirms_too_late_is_not_sent_again_and_replies_to_it_arrive(
    running: RunningBot, fake: FakeTelegram
) -> None:
    fake.slow = (lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT, SEND_TIMEOUT + 2)
    fake.user_message(RESIDENT, "/petugas")
    card = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT)
    await asyncio.sleep(SEND_TIMEOUT + 3)
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Halo, dengan petugas Sari")
    await fake.wait_for_text(RESIDENT, "dengan petugas Sari")
    assert len([c for c in fake.sent(STAFF_CHAT) if "Tiket #" in c.params["text"]]) == 1
