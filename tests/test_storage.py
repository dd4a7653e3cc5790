"""Storage functions, one behaviour each, on a SQLite file and on a real PostgreSQL server (each test twice)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import psycopg2
import pytest

from bot import storage
from bot.storage import Database
from tests.conftest import count

#: What a failed statement raises, on either database.
DATABASE_ERRORS = (sqlite3.Error, psycopg2.Error)


@pytest.fixture
def db(desk_db: Database) -> Database:
    for user in (1, 2):
        storage.touch_user(desk_db, user, f"Warga {user}")
    return desk_db


def test_a_user_has_one_active_ticket(db: Database) -> None:
    first = storage.create_ticket(db, 1, "user", None)
    assert storage.create_ticket(db, 1, "button", None)["id"] == first["id"]


def test_asking_for_an_officer_after_filing_a_complaint_opens_a_chat_ticket(db: Database) -> None:
    complaint = storage.create_complaint(db, 1, {"category": "pengaduan", "what": "calo di depan kantor"})
    ticket, existed = storage.escalate(db, 1, "user")
    assert (existed, ticket["kind"]) == (False, storage.CHAT)
    assert ticket["id"] != complaint["id"]
    assert storage.active_ticket(db, 1, storage.COMPLAINT)["id"] == complaint["id"]


def test_queue_position_counts_waiting_tickets(db: Database) -> None:
    storage.create_ticket(db, 1, "user", None)
    second = storage.create_ticket(db, 2, "user", None)
    assert storage.queue_position(db, second["id"]) == 2
    storage.take_ticket(db, 1, 9, "Sari")
    assert storage.queue_position(db, second["id"]) == 1


def test_filed_complaints_take_no_place_in_the_queue(db: Database) -> None:
    storage.create_complaint(db, 1, {"category": "pengaduan", "what": "antre lama"})
    ticket = storage.create_ticket(db, 2, "user", None)
    assert storage.queue_position(db, ticket["id"]) == 1


def test_only_one_staff_member_takes_a_ticket(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    assert storage.take_ticket(db, ticket["id"], 9, "Sari")
    assert not storage.take_ticket(db, ticket["id"], 8, "Andi")
    assert storage.get_ticket(db, ticket["id"])["taken_by_name"] == "Sari"


def test_closing_twice_reports_the_second(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    assert storage.close_ticket(db, ticket["id"], 9)
    assert not storage.close_ticket(db, ticket["id"], 9)
    assert storage.active_ticket(db, 1) is None


def test_only_the_ticket_owner_rates_a_closed_ticket(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    assert not storage.rate_ticket(db, ticket["id"], 1, 4)  # still open
    storage.close_ticket(db, ticket["id"], 9)
    assert not storage.rate_ticket(db, ticket["id"], 2, 1)  # someone else
    assert storage.rate_ticket(db, ticket["id"], 1, 4)


def test_first_staff_reply_takes_and_times_the_ticket(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    storage.record_staff_reply(db, ticket["id"], 9, "Sari", "halo")
    stored = storage.get_ticket(db, ticket["id"])
    assert (stored["status"], stored["taken_by"]) == ("taken", 9)
    assert stored["first_reply_at"]


def test_relays_find_their_ticket(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    storage.set_card(db, ticket["id"], -100, 55)
    storage.add_relay(db, -100, 60, ticket["id"])
    assert storage.ticket_for_message(db, -100, [None, 60])["id"] == ticket["id"]
    assert storage.ticket_for_message(db, -100, [61]) is None
    assert storage.ticket_for_message(db, -999, [55]) is None


def test_summary_counts_by_sql(db: Database) -> None:
    storage.log_message(db, 1, "in", "a")
    storage.log_message(db, 1, "out", "b", outcome="answer", faq_id="paspor_biaya")
    storage.log_message(db, 2, "in", "c")
    storage.log_message(db, 2, "out", "d", outcome="clarify")
    storage.rate_answer(db, 1, "paspor_biaya", helpful=True)
    storage.rate_answer(db, 2, "paspor_biaya", helpful=False)
    storage.create_ticket(db, 2, "assistant", None)
    storage.create_complaint(db, 1, {"category": "pelayanan", "what": "antre lama"})
    figures = storage.summary(db, "2000-01-01")
    assert (figures["questions"], figures["answered"], figures["escalated"], figures["complaints"]) == (2, 1, 1, 1)
    assert figures["helpful_rate"] == 0.5
    assert (figures["still_waiting"], figures["open_now"]) == (1, 1)  # the chat, not the complaint


def test_recent_messages_are_oldest_first_and_limited(db: Database) -> None:
    for number in range(10):
        storage.log_message(db, 1, "in", str(number))
    assert [m["text"] for m in storage.recent_messages(db, 1, limit=3)] == ["7", "8", "9"]


def test_language_defaults_to_indonesian(db: Database) -> None:
    assert storage.user_language(db, 1) == "id"
    storage.set_language(db, 1, "en")
    assert storage.user_language(db, 1) == "en"


def test_a_draft_is_kept_masked_until_dropped(db: Database) -> None:
    storage.save_draft(db, 1, {"step": 2, "what": "NIK 3171234567890001 ditolak", "misconduct": True})
    assert storage.get_draft(db, 1) == {"step": 2, "what": "NIK [NIK/KK] ditolak", "misconduct": True}
    storage.drop_draft(db, 1)
    assert storage.get_draft(db, 1) is None


def test_sending_a_complaint_drops_its_draft(db: Database) -> None:
    storage.save_draft(db, 1, {"category": "pelayanan"})
    storage.create_complaint(db, 1, {"category": "pelayanan", "what": "antre lama"})
    assert storage.get_draft(db, 1) is None


def test_erasing_a_user_drops_their_draft(db: Database) -> None:
    storage.save_draft(db, 1, {"what": "antre lama"})
    storage.erase_user(db, 1)
    assert storage.get_draft(db, 1) is None


def test_retention_drops_old_drafts_only(db: Database) -> None:
    storage.save_draft(db, 1, {"what": "lama"})
    storage.save_draft(db, 2, {"what": "baru"})
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)).isoformat(timespec="seconds")
    db.execute("UPDATE drafts SET updated_at = ? WHERE user_id = ?", [old, 1])
    assert storage.apply_retention(db, 180)["drafts"] == 1
    assert (storage.get_draft(db, 1), storage.get_draft(db, 2)) == (None, {"what": "baru"})


def lose_table(db: Database, table: str) -> None:
    """Make every write to a table fail, as a full disk or a lost table would."""
    db.execute(f"DROP TABLE {table}")


def test_a_staff_reply_that_cannot_be_logged_changes_nothing(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    lose_table(db, "messages")
    with pytest.raises(DATABASE_ERRORS):
        storage.record_staff_reply(db, ticket["id"], 9, "Sari", "halo")
    stored = storage.get_ticket(db, ticket["id"])
    assert (stored["status"], stored["first_reply_at"]) == ("open", None)


def test_a_complaint_without_its_details_opens_no_ticket(db: Database) -> None:
    storage.save_draft(db, 1, {"category": "pelayanan"})
    lose_table(db, "complaints")
    with pytest.raises(DATABASE_ERRORS):
        storage.create_complaint(db, 1, {"category": "pelayanan", "what": "antre lama"})
    assert storage.active_ticket(db, 1) is None
    assert storage.get_draft(db, 1) == {"category": "pelayanan"}


def test_two_bots_asking_for_an_officer_at_once_open_one_ticket_per_resident(
    db: Database, desk_location: str | Path
) -> None:
    bots = [storage.open_database(desk_location) for _ in range(2)]
    residents = range(1, 31)
    for resident in residents:
        storage.touch_user(db, resident, f"Warga {resident}")
    start = threading.Barrier(len(bots))

    def escalate_everyone(bot: Database) -> None:
        start.wait()
        for resident in residents:
            storage.escalate(bot, resident, "user")

    threads = [threading.Thread(target=escalate_everyone, args=(bot,)) for bot in bots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for bot in bots:
        bot.close()
    counts = db.execute("SELECT user_id, COUNT(*) FROM tickets GROUP BY user_id ORDER BY user_id").fetchall()
    assert [tuple(row) for row in counts] == [(resident, 1) for resident in residents]


def test_a_card_waiting_in_the_outbox_is_not_missing_and_a_refused_one_is(db: Database) -> None:
    ticket = storage.create_ticket(db, 1, "user", None)
    [row] = storage.queue_outgoing(db, 50, [storage.Queued(-100, "{}", ticket["id"], "card")])
    assert storage.tickets_without_card(db) == []  # another bot sharing the desk is about to send it
    storage.mark_failed(db, row)
    assert [t["id"] for t in storage.tickets_without_card(db)] == [ticket["id"]]


async def test_the_store_runs_calls_on_its_database_thread(tmp_path: Path) -> None:
    def thread_name(database: Database, prefix: str) -> str:
        return prefix + threading.current_thread().name

    store = storage.Store(storage.open_database(tmp_path / "t.db"))
    assert (await store(thread_name, "on ")).startswith("on storage")
    assert (await store(storage.touch_user, 3, "Ani"))["display_name"] == "Ani"
    store.close()


def test_an_answer_message_is_rated_once(db: Database) -> None:
    assert storage.rate_answer(db, 1, "paspor_biaya", helpful=True, message_id=70)
    again = [storage.rate_answer(db, 1, "paspor_biaya", helpful=False, message_id=70) for _ in range(100)]
    assert not any(again)
    assert [helpful for (helpful,) in db.execute("SELECT helpful FROM ratings").fetchall()] == [1]


def test_each_answer_message_gets_its_own_rating(db: Database) -> None:
    assert storage.rate_answer(db, 1, "paspor_biaya", helpful=True, message_id=70)
    assert storage.rate_answer(db, 1, "paspor_biaya", helpful=False, message_id=71)
    assert storage.rate_answer(db, 2, "paspor_biaya", helpful=True, message_id=70)
    assert count(db, "ratings") == 3
