"""The service desk without any channel: real assistant, real SQLite, typed messages in and out."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot import storage
from bot.assistant import Assistant
from bot.console import chat
from bot.desk import callbacks as cb
from bot.desk import outbox, residents, tickets
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, Person
from bot.settings import Settings
from bot.storage import Store, open_database

RESIDENT = Person(7001, "Budi")
STAFF_CHAT = -100500


def settings_for(tmp_path: Path, **extra: str) -> Settings:
    environ = {"DATABASE_PATH": str(tmp_path / "tanya.db"), "STAFF_CHAT_ID": str(STAFF_CHAT),
               "OFFICE_HOURS": "Mon-Sun 00:00-23:59", **extra}
    return Settings.load(env_file=tmp_path / "no.env", environ=environ)


@pytest_asyncio.fixture
async def desk(tmp_path: Path, assistant: Assistant) -> AsyncIterator[Desk]:
    settings = settings_for(tmp_path)
    store = Store(open_database(settings.database_path))
    yield Desk(assistant, store, settings)
    store.close()


def callbacks_of(outgoing: Outgoing) -> list[cb.Callback]:
    return [button.callback for row in outgoing.buttons for button in row]


async def test_a_question_gets_the_answer_with_rating_buttons_and_is_logged(desk: Desk) -> None:
    [answer] = await residents.message(desk, RESIDENT, "brp biaya bikin paspor")
    assert "Rp650.000" in answer.text
    assert cb.RateAnswer("paspor_biaya", True) in callbacks_of(answer)
    logged = [m["direction"] for m in storage.recent_messages(desk.store.db, RESIDENT.id)]
    assert logged == ["in", "out"]


async def test_a_topic_button_answers_that_topic(desk: Desk) -> None:
    [answer] = await residents.press(desk, RESIDENT, cb.Ask("paspor_biaya"))
    assert "Rp650.000" in answer.text


async def test_a_forged_topic_button_is_ignored(desk: Desk) -> None:
    assert await residents.press(desk, RESIDENT, cb.Ask("restart")) == []


async def test_officer_request_posts_a_card_then_tells_the_resident(desk: Desk) -> None:
    card, told = await residents.command(desk, RESIDENT, "petugas")
    assert card.chat_id == STAFF_CHAT and card.record is not None
    assert told.chat_id == RESIDENT.id and "tiket #1" in told.text


async def test_english_speakers_get_commands_in_english(desk: Desk) -> None:
    await residents.press(desk, RESIDENT, cb.Language("en"))
    [help_text] = await residents.command(desk, RESIDENT, "bantuan")
    assert "officer" in help_text.text.lower()


async def test_commands_and_buttons_count_toward_the_rate_limit(tmp_path: Path, assistant: Assistant) -> None:
    settings = settings_for(tmp_path, RATE_LIMIT_PER_MINUTE="2")
    store = Store(open_database(settings.database_path))
    desk = Desk(assistant, store, settings)
    await residents.command(desk, RESIDENT, "topik")
    await residents.press(desk, RESIDENT, cb.Category("visa"))
    [warning] = await residents.command(desk, RESIDENT, "topik")
    store.close()
    assert "terlalu banyak" in warning.text


async def test_a_complaint_draft_survives_a_restart(tmp_path: Path, assistant: Assistant) -> None:
    settings = settings_for(tmp_path)
    before = Desk(assistant, Store(open_database(settings.database_path)), settings)
    await residents.command(before, RESIDENT, "pengaduan")
    await residents.press(before, RESIDENT, cb.ComplaintKind("pengaduan"))
    await residents.message(before, RESIDENT, "Antrean tidak tertib")
    before.store.close()
    after = Desk(assistant, Store(open_database(settings.database_path)), settings)
    for answer in ("Senin pagi", "Loket paspor", "-"):
        await residents.message(after, RESIDENT, answer)
    sent = await residents.press(after, RESIDENT, cb.Misconduct(False))
    ticket = storage.get_ticket(after.store.db, 1)
    after.store.close()
    assert ticket is not None and ticket["reason"] == "complaint"
    assert "Antrean tidak tertib" in sent[0].text and "Loket paspor" in sent[0].text


@pytest.mark.parametrize("data", [
    "skm:1:0:1234", "skm:1:3:", "skms:1:0:1234", "skms:1:9:4", "rt:1:9", "rt:0:5", "erase:yes", "ask:", "lang:fr",
    "take:1; DROP TABLE", "more:paspor_biaya:de", "x" * 64,
])
def test_forged_button_data_is_no_button_of_ours(data: str) -> None:
    assert cb.parse(data, cb.RESIDENT_KINDS + cb.STAFF_KINDS) is None


def test_every_button_kind_reads_back_what_it_wrote() -> None:
    pressed = [cb.Ask("paspor_biaya"), cb.Details("paspor_biaya", "en"), cb.Officer(), cb.RateAnswer("visa_voa", False),
               cb.RateTicket(12, 5), cb.Erase(True), cb.Survey(3, False), cb.SurveyScore(3, 8, 0), cb.Take(7)]
    assert [cb.parse(p.data, cb.RESIDENT_KINDS + cb.STAFF_KINDS) for p in pressed] == pressed


async def test_the_console_shows_what_residents_get_and_presses_buttons_by_number(
    tmp_path: Path, assistant: Assistant
) -> None:
    out = io.StringIO()
    await chat(assistant, settings_for(tmp_path), io.StringIO("/topik\n2\n"), out)
    shown = out.getvalue()
    assert "[2] Visa untuk orang asing" in shown
    assert "Visa on Arrival" in shown


async def test_the_console_writes_out_link_buttons(tmp_path: Path, assistant: Assistant) -> None:
    out = io.StringIO()
    await chat(assistant, settings_for(tmp_path), io.StringIO("/lokasi\n"), out)
    assert "https://www.imigrasi.go.id/" in out.getvalue()


async def test_a_message_cut_off_while_sending_is_not_sent_again_but_the_rest_is(desk: Desk) -> None:
    first, second = Outgoing(STAFF_CHAT, "relay"), Outgoing(RESIDENT.id, "answer")
    [(row, _), _] = await outbox.queue(desk, 41, [first, second])
    await outbox.sending(desk, row)
    assert await outbox.restart(desk) == [(row + 1, second)]
    assert await outbox.unsent(desk, 41) == [(row + 1, second)]


async def test_a_message_telegram_did_not_confirm_in_time_is_not_sent_again(desk: Desk) -> None:
    [(row, _)] = await outbox.queue(desk, 45, [Outgoing(STAFF_CHAT, "card")])
    await outbox.sending(desk, row)
    await outbox.uncertain(desk, row)
    assert await outbox.restart(desk) == [] and await outbox.unsent(desk, 45) == []


async def test_a_card_cut_off_while_sending_is_not_posted_again_at_start_up(desk: Desk) -> None:
    ticket, _ = storage.escalate(desk.store.db, RESIDENT.id, "user")
    [(row, _)] = await outbox.queue(desk, 46, [await tickets.card(desk, ticket, RESIDENT.name)])
    await outbox.sending(desk, row)
    await outbox.restart(desk)
    assert await outbox.missing_cards(desk) == []


async def test_a_message_queued_twice_is_claimed_for_sending_once(desk: Desk) -> None:
    [(row, _)] = await outbox.queue(desk, 44, [Outgoing(STAFF_CHAT, "card")])
    assert await outbox.sending(desk, row)
    assert not await outbox.sending(desk, row)


async def test_an_update_that_stored_nothing_is_computed_again(desk: Desk) -> None:
    assert await outbox.unsent(desk, 42) is None


async def test_stored_messages_keep_no_raw_identity_number(desk: Desk) -> None:
    await outbox.queue(desk, 43, [Outgoing(STAFF_CHAT, "NIK saya 3171234567890001")])
    [row] = storage.outgoing_of(desk.store.db, 43)
    assert "3171234567890001" not in row["message"]


async def test_a_ticket_left_without_card_gets_one_at_start_up(desk: Desk) -> None:
    await residents.message(desk, RESIDENT, "brp biaya paspor")
    ticket, _ = storage.escalate(desk.store.db, RESIDENT.id, "user")
    [card] = await outbox.missing_cards(desk)
    assert card.chat_id == STAFF_CHAT and f"#{ticket['id']}" in card.text and "biaya paspor" in card.text


async def test_a_live_officer_chat_relays_every_message_beyond_the_rate_limit(
    tmp_path: Path, assistant: Assistant
) -> None:
    settings = settings_for(tmp_path, RATE_LIMIT_PER_MINUTE="2")
    desk = Desk(assistant, Store(open_database(settings.database_path)), settings)
    [card, _] = await residents.command(desk, RESIDENT, "petugas")
    assert card.record is not None
    await tickets.delivered(desk, card.record, STAFF_CHAT, [900])
    relayed = [await residents.message(desk, RESIDENT, f"pesan {n}") for n in range(5)]
    desk.store.close()
    assert [sent[0].chat_id for sent in relayed] == [STAFF_CHAT] * 5
