"""A complainant's call-back number reaches the supervisors who handle the complaint, and is stored nowhere raw."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest
import pytest_asyncio

from bot import storage
from bot.assistant import Assistant
from bot.desk import complaints, outbox
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, Person
from bot.settings import Settings
from bot.storage import Store, open_database

RESIDENT = Person(7001, "Budi")
STAFF_CHAT, SUPERVISOR = -100500, 900
CONTACT = "0812-3456-7890 (WA), sore hari"


@pytest_asyncio.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    environ = {"DATABASE_PATH": str(tmp_path / "tanya.db"), "STAFF_CHAT_ID": str(STAFF_CHAT),
               "SUPERVISOR_USER_IDS": str(SUPERVISOR)}
    settings = Settings.load(env_file=tmp_path / "no.env", environ=environ)
    store = Store(open_database(settings.database_path))
    yield Desk(cast(Assistant, None), store, settings)  # the complaint flow asks no model
    store.close()


async def file_complaint(desk: Desk, misconduct: bool) -> list[Outgoing]:
    """Go through the complaint flow as a resident, giving CONTACT for a call back."""
    await complaints.begin(desk, RESIDENT, "id")
    await complaints.choose(desk, RESIDENT, "id", "pengaduan")
    for text in ("Diminta uang tambahan di loket", "Senin pagi", "Loket paspor", CONTACT):
        draft = await complaints.draft_of(desk, RESIDENT)
        assert draft is not None
        await complaints.answer(desk, RESIDENT, "id", draft, text)
    return await complaints.file(desk, RESIDENT, "id", misconduct)


def card_to(sent: list[Outgoing], chat_id: int) -> str:
    return next(message.text for message in sent if message.chat_id == chat_id)


async def test_the_supervisors_card_shows_the_call_back_number(desk: Desk) -> None:
    sent = await file_complaint(desk, misconduct=True)
    assert "<b>Kontak:</b> 081234567890 (WA), sore hari" in card_to(sent, SUPERVISOR)


async def test_the_staff_group_card_keeps_the_number_masked(desk: Desk) -> None:
    sent = await file_complaint(desk, misconduct=False)
    assert "<b>Kontak:</b> [TELEPON] (WA), sore hari" in card_to(sent, STAFF_CHAT)


async def test_the_call_back_number_is_stored_nowhere_raw(desk: Desk, tmp_path: Path) -> None:
    sent = await file_complaint(desk, misconduct=True)
    await outbox.queue(desk, 1, sent)
    db = desk.store.db
    assert [row["contact"] for row in db.table("complaints").rows] == ["[TELEPON] (WA), sore hari"]
    assert storage.get_draft(db, RESIDENT.id) is None
    stored = (tmp_path / "tanya.db").read_bytes() + (tmp_path / "tanya.db-wal").read_bytes()
    for raw in (b"81234567890", b"0812-3456-7890"):
        assert raw not in stored


async def test_a_misconduct_complaint_without_supervisors_is_logged_as_reaching_no_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {"DATABASE_PATH": str(tmp_path / "tanya.db"), "STAFF_CHAT_ID": str(STAFF_CHAT)}
    store = Store(open_database(tmp_path / "tanya.db"))
    desk = Desk(cast(Assistant, None), store, Settings.load(env_file=tmp_path / "no.env", environ=environ))
    with caplog.at_level(logging.ERROR, logger="bot.desk.complaints"):
        sent = await file_complaint(desk, misconduct=True)
    store.close()
    assert [message.chat_id for message in sent] == [RESIDENT.id]
    assert "SUPERVISOR_USER_IDS" in caplog.text
