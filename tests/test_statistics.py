"""/laporan and `python -m bot report` count one period the same way: half-open [since, until) in UTC, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import json
from html import escape
from pathlib import Path

import pytest

from actions.faq import today_in_bengkulu
from bot import report, storage
from bot.desk import supervisors
from bot.desk.core import Desk
from bot.desk.outgoing import Person, Photo, from_json, to_json
from bot.settings import Settings
from bot.storage import Database
from bot.storage.database import insert
from bot.storage.statistics import NO_END, deadline

SUPERVISOR = 77

FIRST, LAST = dt.date(2026, 10, 1), dt.date(2026, 10, 31)  # Jakarta days
SINCE, UNTIL = report.period(FIRST, LAST)  # 2026-09-30T17:00:00+00:00, 2026-10-31T17:00:00+00:00


def shifted(moment: str, seconds: int) -> str:
    """A timestamp some seconds after (or before) another, as stored."""
    return (dt.datetime.fromisoformat(moment) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


#: Just before the period, its first second, its last second, its end: only the middle two count.
MOMENTS = {shifted(SINCE, -1): False, SINCE: True, shifted(UNTIL, -1): True, UNTIL: False}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    environ = {"DATABASE_PATH": str(tmp_path / "t.db"), "OFFICE_HOURS": "Mon-Fri 08:00-16:00",
               "SUPERVISOR_USER_IDS": str(SUPERVISOR)}
    return Settings.load(tmp_path / "none.env", environ=environ)


@pytest.fixture
def db(desk_db: Database) -> Database:
    storage.touch_user(desk_db, 1, "Budi")
    for number, (moment, inside) in enumerate(MOMENTS.items()):
        insert(desk_db, "messages", {"user_id": 1, "direction": "in", "text": "x", "created_at": moment})
        insert(desk_db, "messages", {"user_id": 1, "direction": "out", "text": "y", "outcome": "answer",
                                     "faq_id": "paspor_biaya", "created_at": moment})
        helpful, rating = (number % 2, 5 - 2 * (number % 2)) if inside else (1, 1)  # inside: 0/1 and 5/3
        insert(desk_db, "ratings", {"user_id": 1, "faq_id": "paspor_biaya", "helpful": helpful, "created_at": moment})
        insert(desk_db, "tickets", {"user_id": 1, "status": "closed", "reason": "user", "kind": "chat", "created_at": moment,
                                    "first_reply_at": shifted(moment, 600 * (number + 1)), "closed_at": shifted(moment, 7200),
                                    "rating": rating})
        ticket = insert(desk_db, "tickets", {"user_id": 1, "status": "open", "reason": "complaint", "kind": "complaint",
                                             "created_at": moment})
        insert(desk_db, "complaints", {"ticket_id": ticket, "category": "pelayanan", "what": "x", "misconduct": 0,
                                       "created_at": moment})
    return desk_db


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


def ago(**delta: float) -> str:
    """A stored timestamp some time before now."""
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(**delta)).isoformat(timespec="seconds")


@pytest.fixture
def fresh(desk_db: Database) -> Database:
    storage.touch_user(desk_db, 1, "Budi")
    return desk_db


def chat(db: Database, opened: str, first_reply: str | None = None, kind: str = "chat") -> None:
    insert(db, "tickets", {"user_id": 1, "status": "open", "reason": "user", "kind": kind, "created_at": opened,
                           "first_reply_at": first_reply})


def test_a_ticket_still_waiting_counts_in_first_reply_time_with_its_wait_so_far(fresh: Database) -> None:
    chat(fresh, ago(hours=3, minutes=10), first_reply=ago(hours=3))
    chat(fresh, ago(hours=2))
    figures = storage.summary(fresh, ago(hours=4))
    assert (figures["first_reply_n"], figures["still_waiting"], figures["open_now"]) == (2, 1, 2)
    assert figures["median_first_reply_seconds"] == pytest.approx((600 + 7200) / 2, abs=5)
    assert figures["oldest_wait_seconds"] == pytest.approx(7200, abs=5)


def test_a_ticket_its_resident_left_has_no_resolution_time(fresh: Database) -> None:
    chat(fresh, ago(hours=2))
    chat(fresh, ago(hours=1))
    fresh.execute("UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = 1 WHERE id = 1", [ago(minutes=100)])
    fresh.execute("UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = 77 WHERE id = 2", [ago(minutes=30)])
    times = [row[2] for row in storage.report_figures(fresh, ago(hours=3), NO_END).ticket_times]
    assert times[0] is None
    assert times[1] == pytest.approx(1800, abs=5)
    assert [t["resolution_minutes"] for t in storage.list_tickets(fresh)] == [None, pytest.approx(30, abs=0.2)]


def test_greetings_are_not_unanswered(fresh: Database) -> None:
    for outcome in ("smalltalk", "smalltalk", "clarify"):
        storage.log_message(fresh, 1, "out", "x", outcome=outcome)
    storage.record_unanswered(fresh, 1, "halo kak", "clarify", [("greet", 0.4)])
    storage.record_unanswered(fresh, 1, "paspor sy ketinggalan di bus", "fallback", [("paspor_hilang", 0.3)])
    figures = storage.summary(fresh, ago(hours=1))
    assert figures["unanswered"] == 1
    assert report.labelled(storage.report_figures(fresh, ago(hours=1), NO_END).outcomes) == {
        "sapaan dan obrolan": 2, "belum terjawab": 1}
    assert report.unanswered_needs(figures, {"paspor_hilang": "Paspor hilang"}) == "Paspor hilang (1)"


def test_complaints_unanswered_past_their_working_days_are_overdue(fresh: Database) -> None:
    chat(fresh, ago(days=20), kind="complaint")
    chat(fresh, ago(days=20), first_reply=ago(days=19), kind="complaint")
    chat(fresh, ago(minutes=5), kind="complaint")
    figures = storage.summary(fresh, ago(days=30), response_days=5)
    assert (figures["complaints_open"], figures["complaints_overdue"]) == (3, 1)
    assert figures["open_now"] == 0  # complaints are not chats waiting for an officer


def test_a_deadline_in_working_days_skips_the_weekend() -> None:
    friday = dt.datetime(2026, 10, 9, 3, tzinfo=dt.timezone.utc)  # 10:00 WIB
    assert deadline(friday, 5, range(5)) == dt.date(2026, 10, 16)
    assert deadline(friday, 1, range(5)) == dt.date(2026, 10, 12)


def test_counts_are_compared_with_the_period_before(fresh: Database) -> None:
    for moment in (ago(days=10), ago(days=9), ago(days=2), ago(days=1), ago(hours=1)):
        storage.log_message(fresh, 1, "in", "x")
        fresh.execute("UPDATE messages SET created_at = ? WHERE id = (SELECT MAX(id) FROM messages)", [moment])
    figures = storage.summary(fresh, ago(days=7))
    assert (figures["questions"], figures["previous"]["questions"]) == (3, 2)
    assert ("Pertanyaan warga", "3 (2 periode sebelumnya, +1)") in report.headline(figures, {})


async def test_laporan_shows_the_report_headline_and_captioned_charts(fresh: Database, settings: Settings) -> None:
    chat(fresh, ago(hours=2))
    for helpful in (1, 1, 0, 1, 1, 1):
        insert(fresh, "ratings", {"user_id": 1, "faq_id": "paspor_biaya", "helpful": helpful, "created_at": ago(hours=1)})
    storage.record_unanswered(fresh, 1, "paspor sy ketinggalan", "fallback", [("paspor_hilang", 0.3)])
    desk = Desk(None, storage.Store(fresh), settings)  # type: ignore[arg-type]  # /laporan never asks the assistant
    [message] = await supervisors.weekly_report(desk, Person(SUPERVISOR, "Pengawas"), SUPERVISOR)
    built = report.build(fresh, today_in_bengkulu() - dt.timedelta(days=6), today_in_bengkulu(), settings)
    lines = report.headline(built.summary, built.titles)
    assert ("Jawaban asisten dinilai membantu", "83% (n=6 penilaian)") in lines
    for label, value in lines:
        assert f"{escape(label)}: <b>{escape(value)}</b>" in message.text
    assert [photo.caption for photo in message.photos] == [report.CHARTS[name] for name in supervisors.CHARTS]
    assert from_json(to_json(message)).photos == message.photos  # captions survive the outbox


def test_charts_queued_before_they_had_captions_still_send() -> None:
    stored = {"chat_id": SUPERVISOR, "text": "x", "reply_to": None, "buttons": [], "record": None,
              "photos": [base64.b64encode(b"\x89PNG").decode()]}
    assert from_json(json.dumps(stored)).photos == (Photo(b"\x89PNG", ""),)
