"""The desk's data on a real PostgreSQL server (DATABASE_URL): what differs from SQLite underneath the shared
storage functions (tests/test_storage.py and tests/test_statistics.py run every storage behaviour on both)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from sqlite_utils import Database as SqliteDatabase

from bot import storage
from bot.paths import ROOT
from bot.settings import Settings, SettingsError
from bot.storage.postgres import MIGRATIONS, PostgresDatabase

#: Moments as stored (UTC), around the Jakarta day and week boundaries (17:00 UTC is midnight in Jakarta).
MOMENTS = ("2026-11-29T16:59:59+00:00", "2026-11-29T17:00:00+00:00", "2026-11-30T03:00:00+00:00",
           "2026-12-05T23:30:00+00:00", "2026-12-06T17:00:00+00:00", "2024-02-29T12:00:00+00:00")
#: The SQLite functions the storage SQL uses, as it uses them.
EXPRESSIONS = (
    "date(?, '+7 hours')",
    "date(?, '+7 hours', 'weekday 0', '-6 days')",
    "ROUND((julianday(?) - julianday('2026-11-01T00:00:00+00:00')) * 1440, 1)",
    "julianday(?) < julianday('2026-11-30')",
    "json_extract('[[\"paspor_hilang\", 0.31], [\"visa_kunjungan\", 0.2]]', '$[0][0]') || ?",
)


@pytest.fixture
def pg(desk_db: storage.Database) -> storage.Database:
    assert isinstance(desk_db, PostgresDatabase)
    return desk_db


@pytest.mark.parametrize("desk_location", ["postgresql"], indirect=True)
def test_both_databases_have_the_same_tables_and_columns(pg: storage.Database, tmp_path: Path) -> None:
    sqlite = storage.open_database(tmp_path / "t.db")
    assert isinstance(sqlite, SqliteDatabase)
    in_sqlite = {table.name: {column.name for column in table.columns} for table in sqlite.tables
                 if table.name != storage.MIGRATIONS.migrations_table}
    in_postgresql: dict[str, set[str]] = {}
    for table, column in pg.execute("SELECT table_name, column_name FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() AND table_name != 'tanya_migrations'").fetchall():
        in_postgresql.setdefault(table, set()).add(column)
    assert in_postgresql == in_sqlite


@pytest.mark.parametrize("desk_location", ["postgresql"], indirect=True)
@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_sqlite_functions_mean_the_same_in_postgresql(pg: storage.Database, expression: str) -> None:
    sqlite = SqliteDatabase(memory=True)
    for moment in MOMENTS:
        expected = sqlite.execute(f"SELECT {expression}", [moment]).fetchone()[0]
        assert pg.execute(f"SELECT {expression}", [moment]).fetchone()[0] == expected, moment


@pytest.mark.parametrize("desk_location", ["postgresql"], indirect=True)
def test_a_second_bot_starting_finds_the_schema_in_place(pg: storage.Database, desk_location: str) -> None:
    storage.touch_user(pg, 1, "Budi")
    again = storage.open_database(desk_location)
    assert storage.touch_user(again, 1, "Budi")["display_name"] == "Budi"
    versions = again.execute("SELECT version FROM tanya_migrations ORDER BY version").fetchall()
    assert versions == [(number,) for number in range(1, len(MIGRATIONS) + 1)]
    again.close()


@pytest.mark.parametrize("desk_location", ["postgresql"], indirect=True)
def test_a_failed_transaction_leaves_the_connection_usable(pg: storage.Database) -> None:
    def touch_then_fail() -> None:
        with pg.atomic():
            storage.touch_user(pg, 1, "Budi")
            pg.execute("SELECT * FROM no_such_table")

    with pytest.raises(psycopg2.Error):
        touch_then_fail()
    assert storage.user_language(pg, 1) == "id"  # the user was rolled back with the transaction; queries still run
    assert pg.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


@pytest.mark.parametrize("desk_location", ["postgresql"], indirect=True)
def test_a_bot_starting_replays_only_what_no_live_bot_is_handling(pg: storage.Database, desk_location: str) -> None:
    alive, crashed = storage.open_database(desk_location), storage.open_database(desk_location)
    assert storage.receive_update(alive, 5, '{"update_id": 5}')
    assert storage.receive_update(crashed, 6, '{"update_id": 6}')
    assert not storage.receive_update(pg, 5, '{"update_id": 5}')  # delivered again, to another bot: not its own
    crashed.close()
    deadline = time.monotonic() + 10
    while pg.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 6").fetchone()[0]:
        assert time.monotonic() < deadline, "the closed connection's hold was never released"
        time.sleep(0.05)
    assert storage.unfinished_updates(pg) == ['{"update_id": 6}']  # 5 is being handled by a live bot
    storage.mark_update_done(pg, 6)
    storage.mark_update_done(alive, 5)
    alive.close()
    assert storage.unfinished_updates(pg) == []


@pytest.mark.parametrize("desk_location", ["postgresql"], indirect=True)
def test_after_the_server_dropped_the_connection_the_next_call_connects_again(
    pg: storage.Database, desk_location: str
) -> None:
    storage.set_language(pg, storage.touch_user(pg, 1, "Budi")["id"], "en")
    assert isinstance(pg, PostgresDatabase)
    admin = psycopg2.connect(desk_location)
    try:
        admin.cursor().execute("SELECT pg_terminate_backend(%s)", [pg.conn.get_backend_pid()])
        admin.commit()
    finally:
        admin.close()
    with pytest.raises(psycopg2.OperationalError):
        storage.user_language(pg, 1)  # the call under way fails (the resident gets the apology)
    assert storage.user_language(pg, 1) == "en"


def test_database_url_must_name_postgresql(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="postgresql://"):
        Settings.load(tmp_path / "none.env", environ={"DATABASE_URL": "mysql://tanya@localhost/tanya"})


@pytest.mark.parametrize(("command", "hint"), [(["backup", "copy.db"], "pg_dump"), (["review", "--serve"], "--csv")])
def test_sqlite_only_commands_say_what_to_use_on_postgresql(tmp_path: Path, command: list[str], hint: str) -> None:
    env = {"DATABASE_URL": "postgresql://tanya@127.0.0.1:1/tanya", "REVIEW_PASSWORD": "rahasia", "PATH": "/usr/bin:/bin",
           "DATABASE_PATH": str(tmp_path / "t.db")}
    result = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False)
    assert (result.returncode, hint in result.stderr) == (2, True), result.stderr
    assert not (tmp_path / "t.db").exists()
