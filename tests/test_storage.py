"""Storage functions on an in-memory database, one behaviour each."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from bot import storage


@pytest.fixture
def db() -> Database:
    database = Database(memory=True)
    storage.migrate(database)
    for user in (1, 2):
        storage.touch_user(database, user, f"Warga {user}")
    return database


def test_migrate_is_repeatable(db: Database) -> None:
    storage.migrate(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == storage.SCHEMA_VERSION
    assert {"users", "tickets", "messages", "relays", "ratings"} <= set(db.table_names())


def test_a_user_has_one_active_ticket(db: Database) -> None:
    first = storage.create_ticket(db, 1, "user", None)
    assert storage.create_ticket(db, 1, "button", None)["id"] == first["id"]


def test_queue_position_counts_waiting_tickets(db: Database) -> None:
    storage.create_ticket(db, 1, "user", None)
    second = storage.create_ticket(db, 2, "user", None)
    assert storage.queue_position(db, second["id"]) == 2
    storage.take_ticket(db, 1, 9, "Sari")
    assert storage.queue_position(db, second["id"]) == 1


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
    storage.record_staff_reply(db, ticket, 9, "Sari", "halo")
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
    figures = storage.summary(db, "2000-01-01")
    assert (figures["questions"], figures["answered"], figures["escalated"]) == (2, 1, 1)
    assert figures["helpful_rate"] == 0.5
    assert figures["median_first_reply_seconds"] is None


def test_recent_messages_are_oldest_first_and_limited(db: Database) -> None:
    for number in range(10):
        storage.log_message(db, 1, "in", str(number))
    assert [m["text"] for m in storage.recent_messages(db, 1, limit=3)] == ["7", "8", "9"]


def test_language_defaults_to_indonesian(db: Database) -> None:
    assert storage.user_language(db, 1) == "id"
    storage.set_language(db, 1, "en")
    assert storage.user_language(db, 1) == "en"
