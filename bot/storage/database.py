"""What the storage functions need of a database, whichever it is: SQLite through sqlite-utils (the default) or
PostgreSQL (bot.storage.postgres) for several bots sharing one service desk.

The storage SQL is written once, in what both understand: `?` parameters, ON CONFLICT upserts, and the few SQLite
functions (julianday, date with modifiers, json_extract) that bot.storage.postgres defines in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol


class Cursor(Protocol):
    """The part of a DB-API cursor the storage functions read."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Database(Protocol):
    """The part of sqlite-utils' Database the storage functions use (bot.storage.postgres has the same)."""

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        """Run one statement; outside atomic() a write is committed at once."""

    def atomic(self) -> AbstractContextManager[Any]:
        """A transaction (a savepoint when nested)."""

    def close(self) -> None:
        """Close the connection."""


def insert(db: Database, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row in one statement and return its id (0 for tables without one).

    For the writes of every message: sqlite-utils' Table.insert and Table.update first read the table's schema
    (sqlite_master), which was a tenth of the bot's work in the load test's profile. Column names come from code.
    """
    columns, marks = ", ".join(row), ", ".join("?" * len(row))
    return int(db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())).lastrowid or 0)


def rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of a SELECT as dicts (sqlite-utils' query() would wrap each read in a savepoint of its own)."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def first(db: Database, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    """The first row of a query as a dict, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None


def now() -> str:
    """The current UTC time as ISO text (what every timestamp column holds)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def open_database(location: str | Path) -> Database:
    """Open the service desk's database with the current schema: a postgresql:// URL, or a SQLite file's path."""
    if str(location).startswith(("postgresql://", "postgres://")):
        from bot.storage.postgres import open_postgres

        return open_postgres(str(location))
    from bot.storage.schema import open_sqlite

    return open_sqlite(location)
