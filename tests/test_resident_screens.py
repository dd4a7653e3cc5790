"""What residents see through the real application and the fake Bot API: answers while waiting for an officer,
leaving the queue, the menu, one-shot rating and survey buttons settled in place, no link previews, the office."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.desk.callbacks import Survey, SurveyScore
from bot.desk.outgoing import Link, Outgoing, from_json, to_json
from bot.desk.residents import COMMANDS
from bot.paths import ROOT
from bot.telegram import RESIDENT_COMMANDS
from tests import test_telegram
from tests.fake_telegram import Call, FakeTelegram
from tests.test_telegram import RESIDENT, STAFF, STAFF_CHAT, RunningBot, buttons, escalate

#: The fake Bot API and the real application polling it, as the end-to-end tests set them up.
fake = test_telegram.fake
running = test_telegram.running


def to_resident(fake: FakeTelegram, start: int) -> list[Call]:
    return [c for c in fake.calls[start:] if c.method == "sendMessage" and c.params["chat_id"] == RESIDENT]


async def closed_ticket(fake: FakeTelegram) -> Call:
    """Escalate, let staff close the ticket, and return the resident's rating message."""
    card = await escalate(fake)
    fake.press(STAFF, STAFF_CHAT, card.result, "close-confirm:1:1", name="Sari")
    return await fake.wait_for_text(RESIDENT, "telah selesai")


async def test_a_clear_question_while_waiting_is_answered_and_relayed(running: RunningBot, fake: FakeTelegram) -> None:
    await escalate(fake)
    mark = len(fake.calls)
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    answer = await fake.wait_for_text(RESIDENT, "Rp650.000", start=mark)
    assert "juga sudah diteruskan ke petugas (tiket #1)" in answer.params["text"]
    await fake.wait_for_text(STAFF_CHAT, "brp biaya bikin paspor", start=mark)


async def test_small_talk_while_waiting_is_only_relayed(running: RunningBot, fake: FakeTelegram) -> None:
    await escalate(fake)
    mark = len(fake.calls)
    fake.user_message(RESIDENT, "baik pak, saya tunggu")
    await fake.wait_for_text(STAFF_CHAT, "saya tunggu", start=mark)
    await asyncio.sleep(1.0)
    assert to_resident(fake, mark) == []


async def test_a_topic_button_while_waiting_answers_without_a_relay(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    mark = len(fake.calls)
    fake.press(RESIDENT, RESIDENT, card.result, "ask:paspor_biaya")
    await fake.wait_for_text(RESIDENT, "Rp650.000", start=mark)
    assert not [c for c in fake.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT]


async def test_batal_leaves_the_queue_and_tells_staff(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    fake.user_message(RESIDENT, "/batal")
    await fake.wait_for_text(RESIDENT, "keluar dari antrean")
    told = await fake.wait_for_text(STAFF_CHAT, "Warga keluar dari antrean")
    assert told.params["reply_parameters"]["message_id"] == card.result["message_id"]
    ticket = running.store.db.table("tickets").get(1)
    assert (ticket["status"], ticket["closed_by"]) == ("closed", RESIDENT)


async def test_batal_with_nothing_under_way_says_so(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "/batal")
    reply = await fake.wait_for_text(RESIDENT, "Tidak ada yang perlu dibatalkan")
    assert "cat:paspor" in buttons(reply)


async def test_menu_shows_categories_location_and_officer(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "/menu")
    menu = await fake.wait_for_text(RESIDENT, "Menu utama")
    assert buttons(menu) == ["cat:paspor", "cat:visa", "cat:izin_tinggal", "cat:layanan", "loc", "officer"]


async def test_a_topic_list_leads_back_to_the_menu_in_place(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "/topik")
    categories = await fake.wait_for_text(RESIDENT, "Pilih kategori")
    fake.press(RESIDENT, RESIDENT, categories.result, "cat:visa")
    topics = await fake.wait_for_text(RESIDENT, "Pilih topik")
    assert buttons(topics)[-1] == "menu:1"
    fake.press(RESIDENT, RESIDENT, topics.result, "menu:1")
    back = await fake.wait_for_edit(RESIDENT, "Menu utama")
    assert back.params["message_id"] == topics.result["message_id"]


def test_every_resident_command_is_in_telegrams_menu_and_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(c.command for c in RESIDENT_COMMANDS) == sorted(COMMANDS)
    assert [name for name in COMMANDS if f"/{name}" not in readme] == []


async def test_rating_an_answer_settles_it_in_place(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    answer = await fake.wait_for_text(RESIDENT, "Rp650.000")
    fake.press(RESIDENT, RESIDENT, answer.result, "rate:paspor_biaya:1")
    settled = await fake.wait_for_edit(RESIDENT, "Terima kasih atas penilaian")
    assert settled.params["message_id"] == answer.result["message_id"]
    assert "Rp650.000" in settled.params["text"]
    assert [b for b in buttons(settled) if b.startswith("rate:")] == []
    assert buttons(settled)[-1] == "menu:0"


async def test_a_second_rating_press_is_refused_and_not_stored(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    answer = await fake.wait_for_text(RESIDENT, "Rp650.000")
    fake.press(RESIDENT, RESIDENT, answer.result, "rate:paspor_biaya:1")
    await fake.wait_for_edit(RESIDENT, "Terima kasih atas penilaian")
    mark = len(fake.calls)
    fake.press(RESIDENT, RESIDENT, answer.result, "rate:paspor_biaya:0")
    refused = await fake.wait_for(lambda c: c.method == "answerCallbackQuery", start=mark)
    assert "sudah tercatat" in refused.params["text"]
    assert [r["helpful"] for r in running.store.db.table("ratings").rows] == [1]


async def test_a_ticket_is_rated_once(running: RunningBot, fake: FakeTelegram) -> None:
    closing = await closed_ticket(fake)
    fake.press(RESIDENT, RESIDENT, closing.result, "rt:1:4")
    settled = await fake.wait_for_edit(RESIDENT, "(4/5)")
    assert settled.params["message_id"] == closing.result["message_id"] and buttons(settled) == []
    mark = len(fake.calls)
    fake.press(RESIDENT, RESIDENT, closing.result, "rt:1:5")
    refused = await fake.wait_for(lambda c: c.method == "answerCallbackQuery", start=mark)
    assert "sudah tercatat" in refused.params["text"]
    assert running.store.db.table("tickets").get(1)["rating"] == 4


async def test_the_survey_is_one_message_answered_in_place(running: RunningBot, fake: FakeTelegram) -> None:
    closing = await closed_ticket(fake)
    fake.press(RESIDENT, RESIDENT, closing.result, "rt:1:5")
    offer = await fake.wait_for_text(RESIDENT, "Survei Kepuasan")
    step: dict[str, Any] = offer.result
    fake.press(RESIDENT, RESIDENT, step, Survey(1, True).data)
    for number in range(9):
        step = (await fake.wait_for_edit(RESIDENT, f"({number + 1}/9)")).result
        fake.press(RESIDENT, RESIDENT, step, SurveyScore(1, number, 3).data)
    await fake.wait_for_edit(RESIDENT, "Terima kasih telah mengisi survei")
    edits = fake.sent(RESIDENT, "editMessageText")
    assert {c.params["message_id"] for c in edits[1:]} == {offer.result["message_id"]}
    assert not [c for c in fake.sent(RESIDENT) if "/9)" in c.params["text"]]


async def test_declining_the_survey_settles_the_offer(running: RunningBot, fake: FakeTelegram) -> None:
    closing = await closed_ticket(fake)
    fake.press(RESIDENT, RESIDENT, closing.result, "rt:1:5")
    offer = await fake.wait_for_text(RESIDENT, "Survei Kepuasan")
    fake.press(RESIDENT, RESIDENT, offer.result, Survey(1, False).data)
    declined = await fake.wait_for_edit(RESIDENT, "Survei tidak diisi")
    assert declined.params["message_id"] == offer.result["message_id"] and buttons(declined) == []


async def test_no_message_shows_a_link_preview(running: RunningBot, fake: FakeTelegram) -> None:
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    answer = await fake.wait_for_text(RESIDENT, "https://www.imigrasi.go.id/")
    fake.press(RESIDENT, RESIDENT, answer.result, "rate:paspor_biaya:1")
    settled = await fake.wait_for_edit(RESIDENT, "Terima kasih atas penilaian")
    assert answer.params["link_preview_options"] == settled.params["link_preview_options"] == {"is_disabled": True}


async def test_the_office_location_comes_with_its_address_and_only_the_official_site(
    running: RunningBot, fake: FakeTelegram
) -> None:
    fake.user_message(RESIDENT, "/lokasi")
    place = await fake.wait_for_text(RESIDENT, "Jl. Pembangunan No. 23")
    urls = [b["url"] for row in place.params["reply_markup"]["inline_keyboard"] for b in row if "url" in b]
    assert urls == ["https://www.imigrasi.go.id/"]


def test_a_stored_edit_with_link_buttons_comes_back_as_written() -> None:
    message = Outgoing(RESIDENT, "Terima kasih", edit=1001, links=(Link("Situs", "https://www.imigrasi.go.id/"),))
    assert from_json(to_json(message)) == message
