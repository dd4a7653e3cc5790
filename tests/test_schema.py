"""The schema as sqlite-utils migrations, and the bridge from databases versioned by PRAGMA user_version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot import storage

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
