"""The schema as sqlite-utils migrations, the bridge from databases versioned by PRAGMA user_version, and the
score checks on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg2
import pytest
from sqlite_utils import Database

from bot import storage
from bot.storage.database import insert
from tests.conftest import count

LEGACY = Path(__file__).parent / "data" / "storage_user_version_3.sql"


def schema(db: Database) -> dict[str, str]:
    """Every table and index of the bot (not the migrations' own table), by name."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '_sqlite_migrations%'")
    return dict(rows.fetchall())


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A database file made by the code before Migrations (user_version 3), with data."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY.read_text(encoding="utf-8"))
    return path


def test_a_new_database_gets_every_migration(tmp_path: Path) -> None:
    db = storage.open_database(tmp_path / "new.db")
    assert storage.MIGRATIONS.pending(db) == []
    assert {"users", "tickets", "messages", "complaints", "processed_updates", "drafts"} <= set(db.table_names())


def test_migrating_again_changes_nothing(tmp_path: Path) -> None:
    db = storage.open_database(tmp_path / "new.db")
    before = schema(db), len(storage.MIGRATIONS.applied(db))
    storage.migrate(db)
    assert (schema(db), len(storage.MIGRATIONS.applied(db))) == before


def test_a_user_version_database_keeps_its_data(legacy: Path) -> None:
    db = storage.open_database(legacy)
    assert storage.user_language(db, 1) == "en"
    assert storage.last_question(db, 1) == "brp biaya paspor"
    assert storage.active_ticket(db, 1)["kind"] == "complaint"
    assert storage.update_done(db, 41)
    storage.save_draft(db, 1, {"what": "loket tutup"})
    assert storage.get_draft(db, 1) == {"what": "loket tutup"}


def test_a_bridged_database_has_the_schema_of_a_new_one(legacy: Path, tmp_path: Path) -> None:
    bridged = storage.open_database(legacy)
    assert storage.MIGRATIONS.pending(bridged) == []
    assert schema(bridged) == schema(storage.open_database(tmp_path / "new.db"))


#: What refusing a row raises, on either database.
REFUSED = (sqlite3.IntegrityError, psycopg2.IntegrityError)


@pytest.fixture
def db(desk_db: storage.Database) -> storage.Database:
    """A desk database, SQLite or PostgreSQL, with a user and a closed ticket #1."""
    storage.touch_user(desk_db, 1, "Budi")
    insert(desk_db, "tickets", {"id": 1, "user_id": 1, "status": "closed", "kind": "chat"})
    return desk_db


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("skm", {"ticket_id": 1, "element": "u1", "score": 1234}),
        ("skm", {"ticket_id": 1, "element": "u1", "score": 0}),
        ("skm", {"ticket_id": 1, "element": "u1", "score": None}),
        ("tickets", {"user_id": 1, "status": "closed", "rating": 6}),
        ("ratings", {"user_id": 1, "faq_id": "paspor_biaya", "helpful": 2}),
    ],
)
def test_an_out_of_range_score_is_refused(db: storage.Database, table: str, row: dict[str, object]) -> None:
    with pytest.raises(REFUSED, match=r"CHECK constraint failed|violates (check|not-null) constraint"):
        insert(db, table, row)


def test_a_score_cannot_be_changed_out_of_range(db: storage.Database) -> None:
    with pytest.raises(REFUSED, match=r"tickets\.rating|tickets_rating"):
        db.execute("UPDATE tickets SET rating = 20850 WHERE id = 1")


def test_scores_in_range_and_a_ticket_without_rating_are_stored(db: storage.Database) -> None:
    insert(db, "skm", {"ticket_id": 1, "element": "u1", "score": 4})
    insert(db, "tickets", {"id": 2, "user_id": 1, "status": "open", "rating": None})
    db.execute("UPDATE tickets SET rating = 5 WHERE id = 1")
    assert (count(db, "skm"), storage.get_ticket(db, 1)["rating"]) == (1, 5)


def test_an_older_database_keeps_its_valid_scores_and_loses_the_forged_ones() -> None:
    db = Database(memory=True)
    storage.MIGRATIONS.apply(db, stop_before="valid_scores")
    storage.touch_user(db, 1, "Budi")
    db.table("tickets").insert_all([{"id": 1, "user_id": 1, "rating": 4}, {"id": 2, "user_id": 1, "rating": 1234}])
    db.table("skm").insert_all({"ticket_id": 1, "element": "u1", "score": score} for score in (3, 1234, 0))
    db.table("ratings").insert_all({"user_id": 1, "faq_id": "paspor_biaya", "helpful": h} for h in (1, 0, 7))
    storage.migrate(db)
    assert [r["rating"] for r in db.table("tickets").rows] == [4, None]
    assert [r["score"] for r in db.table("skm").rows] == [3]
    assert [(r["helpful"], r["message_id"]) for r in db.table("ratings").rows] == [(1, None), (0, None)]


def test_text_an_older_version_stored_unmasked_is_masked_in_every_file_of_the_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = storage.open_database(path)
    storage.touch_user(db, 7, "Budi")
    raw = "NIK saya 3171 2345 6789 0001"
    db.execute("INSERT INTO messages (user_id, direction, text, created_at) VALUES (7, 'in', ?, '2026-01-01')", [raw])
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'mask_again'")  # as stored by a version without it
    db.conn.commit()
    db.conn.close()
    storage.open_database(path).conn.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("old.db*"))
    assert b"6789" not in stored and b"Budi" in stored
