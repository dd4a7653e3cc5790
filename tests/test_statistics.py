"""/laporan and `python -m bot report` count one period the same way: half-open [since, until) in UTC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot import report, storage
from bot.settings import Settings

FIRST, LAST = dt.date(2026, 10, 1), dt.date(2026, 10, 31)  # Jakarta days
SINCE, UNTIL = report.period(FIRST, LAST)  # 2026-09-30T17:00:00+00:00, 2026-10-31T17:00:00+00:00


def shifted(moment: str, seconds: int) -> str:
    """A timestamp some seconds after (or before) another, as stored."""
    return (dt.datetime.fromisoformat(moment) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


#: Just before the period, its first second, its last second, its end: only the middle two count.
MOMENTS = {shifted(SINCE, -1): False, SINCE: True, shifted(UNTIL, -1): True, UNTIL: False}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    environ = {"DATABASE_PATH": str(tmp_path / "t.db"), "OFFICE_HOURS": "Mon-Fri 08:00-16:00"}
    return Settings.load(tmp_path / "none.env", environ=environ)


@pytest.fixture
def db(settings: Settings) -> Database:
    database = storage.open_database(settings.database_path)
    storage.touch_user(database, 1, "Budi")
    for number, (moment, inside) in enumerate(MOMENTS.items()):
        database.table("messages").insert_all([
            {"user_id": 1, "direction": "in", "text": "x", "created_at": moment},
            {"user_id": 1, "direction": "out", "text": "y", "outcome": "answer", "faq_id": "paspor_biaya", "created_at": moment},
        ])
        helpful, rating = (number % 2, 5 - 2 * (number % 2)) if inside else (1, 1)  # inside: 0/1 and 5/3
        database.table("ratings").insert({"user_id": 1, "faq_id": "paspor_biaya", "helpful": helpful, "created_at": moment})
        database.table("tickets").insert({"user_id": 1, "status": "closed", "reason": "user", "kind": "chat",
                                          "created_at": moment, "first_reply_at": shifted(moment, 600 * (number + 1)),
                                          "closed_at": shifted(moment, 7200), "rating": rating})
        ticket = database.table("tickets").insert({"user_id": 1, "status": "open", "reason": "complaint",
                                                   "kind": "complaint", "created_at": moment}).last_pk
        database.table("complaints").insert({"ticket_id": ticket, "category": "pelayanan", "what": "x", "misconduct": 0,
                                             "created_at": moment})
    return database


def test_a_period_counts_its_first_second_and_not_its_end(db: Database) -> None:
    figures = storage.summary(db, SINCE, UNTIL)
    assert (figures["questions"], figures["answered"], figures["escalated"], figures["complaints"]) == (2, 2, 2, 2)
    assert (figures["helpful_rate"], figures["mean_rating"]) == (0.5, 4.0)
    assert figures["median_first_reply_seconds"] == pytest.approx(1500)  # 20 and 30 minutes


def test_laporan_and_report_agree_on_every_figure(db: Database, settings: Settings) -> None:
    laporan = storage.summary(db, SINCE, UNTIL)
    built = report.build(db, FIRST, LAST, settings)
    rows = report.csv_rows(built)

    def total(section: str) -> int:
        return sum(value for name, _, value in rows if name == section)

    assert laporan["questions"] == total("pertanyaan per hari")
    assert laporan["answered"] == built.outcomes["dijawab asisten"]
    assert laporan["escalated"] == total("eskalasi")
    assert laporan["complaints"] == total("pengaduan")
    weeks = built.figures.helpful_by_week
    assert laporan["helpful_rate"] == sum(h for _, h, _ in weeks) / sum(n for _, _, n in weeks)
    weeks = built.figures.ticket_rating_by_week
    assert laporan["mean_rating"] == sum(r for _, r, _ in weeks) / sum(n for _, _, n in weeks)
    # Both tickets in the period opened outside office hours (midnight and 23:59 WIB).
    outside = built.times["balasan pertama, di luar jam layanan"]
    assert laporan["median_first_reply_seconds"] / 60 == pytest.approx(outside["median"], abs=0.01)
