"""Supervisor review: list and filter escalations, show a transcript, export CSV, serve Datasette."""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import hmac
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any, TextIO

from bot import storage
from bot.office_hours import day_argument, jakarta, utc_bound
from bot.privacy import mask, spreadsheet_safe
from bot.settings import Settings
from bot.texts import SPEAKERS

LIST_COLUMNS = ("id", "status", "display_name", "topic", "created_at", "taken_by_name", "first_reply_minutes",
                "resolution_minutes", "rating")
REVIEW_USER = "pengawas"
#: Ready-made queries of the review page, with Indonesian column names; the page shows times in WIB, topic titles and
#: waiting times in words (bot.review_site), the JSON and CSV exports keep the stored values.
QUERIES = {
    "open_by_wait": {
        "title": "Tiket terbuka, yang paling lama menunggu di atas",
        "sql": (
            "SELECT t.id AS tiket, CASE t.kind WHEN 'complaint' THEN 'pengaduan' ELSE 'obrolan' END AS jenis, "
            "u.display_name AS warga, t.topic AS topik, t.created_at AS dibuka, "
            "CASE t.status WHEN 'taken' THEN 'diambil ' || COALESCE(t.taken_by_name, '') ELSE 'menunggu petugas' END AS status, "
            "CASE WHEN t.first_reply_at IS NULL THEN ROUND((julianday('now') - julianday(t.created_at)) * 86400) END AS menunggu "
            "FROM tickets t LEFT JOIN users u ON u.id = t.user_id WHERE t.status IN ('open', 'taken') "
            "ORDER BY t.first_reply_at IS NOT NULL, t.created_at"
        ),
        "hide_sql": True,
    },
    "closed_this_week": {
        "title": "Ditutup 7 hari terakhir, dengan waktu penanganan",
        # Built from constant fragments only (the resolution time as the report computes it), no values.
        "sql": (
            "SELECT t.id AS tiket, u.display_name AS warga, t.topic AS topik, t.taken_by_name AS petugas, "  # noqa: S608
            "t.created_at AS dibuka, t.closed_at AS ditutup, "
            "ROUND((julianday(t.first_reply_at) - julianday(t.created_at)) * 1440, 1) AS \"balasan pertama (menit)\", "
            f"ROUND({storage.RESOLUTION_MINUTES.format(t='t.')}, 1) AS \"penyelesaian (menit)\", t.rating AS nilai "
            "FROM tickets t LEFT JOIN users u ON u.id = t.user_id "
            "WHERE t.status = 'closed' AND julianday(t.closed_at) >= julianday('now', '-7 days') ORDER BY t.closed_at DESC"
        ),
        "hide_sql": True,
    },
    "low_ratings": {
        "title": "Penilaian rendah (tiket 1-2, jawaban tidak membantu)",
        "sql": (
            "SELECT 'tiket' AS jenis, id AS nomor, rating AS nilai, COALESCE(taken_by_name, '') AS keterangan, "
            "closed_at AS waktu FROM tickets WHERE rating <= 2 "
            "UNION ALL SELECT 'jawaban', id, helpful, faq_id, created_at FROM ratings WHERE helpful = 0 "
            "ORDER BY waktu DESC"
        ),
        "hide_sql": True,
    },
    "unanswered": {
        "title": "Pertanyaan yang belum terjawab asisten, terbaru di atas",
        "sql": (
            "SELECT created_at AS waktu, text AS pertanyaan, json_extract(guesses, '$[0][0]') AS topik, "
            "COALESCE(added_to, '') AS \"sudah ditambahkan ke\" FROM unanswered ORDER BY id DESC"
        ),
        "hide_sql": True,
    },
    "complaints": {
        "title": "Pengaduan, terbaru di atas",
        "sql": (
            "SELECT t.id AS tiket, c.category AS kategori, c.what AS apa, t.created_at AS dibuka, "
            "t.first_reply_at AS \"dibalas pertama\", t.status AS status FROM complaints c JOIN tickets t ON t.id = c.ticket_id "
            "ORDER BY t.id DESC"
        ),
        "hide_sql": True,
    },
}
#: Tables only the software needs: hidden from the page's lists (still reachable by name).
TECHNICAL_TABLES = ("outbox", "processed_updates", "drafts", "relays", storage.MIGRATIONS.migrations_table)
#: What the page calls the tables supervisors read.
TABLE_TITLES = {"tickets": "Semua tiket", "messages": "Pesan", "users": "Warga", "ratings": "Penilaian jawaban",
                "complaints": "Pengaduan (tabel)", "skm": "Survei kepuasan (SKM)", "unanswered": "Belum terjawab (tabel)"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `python -m bot review`."""
    p.add_argument("--status", choices=["open", "taken", "closed"], help="open includes taken tickets")
    p.add_argument("--since", type=day_argument, help="created on or after this day, in WIB (YYYY-MM-DD)")
    p.add_argument("--until", type=day_argument, help="created before this day, in WIB (YYYY-MM-DD)")
    p.add_argument("--staff", type=int, help="handled by this staff user id")
    p.add_argument("--rating", type=int, choices=range(1, 6), help="rated exactly this (1-5)")
    p.add_argument("--show", type=int, metavar="TICKET", help="print one ticket's transcript")
    p.add_argument("--csv", metavar="FILE", help="export the filtered list as CSV ('-' for standard output)")
    p.add_argument("--serve", action="store_true", help="serve the database read-only with Datasette")


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    """Carry out one review request."""
    if args.serve:
        return serve(settings)
    db = storage.open_database(settings.database)
    if args.show is not None:
        return show(db, args.show, out)
    since, until = (utc_bound(day) if day else None for day in (args.since, args.until))
    tickets = storage.list_tickets(db, args.status, since, until, args.staff, args.rating)
    if args.csv:
        write_csv(tickets, args.csv, out)
        return 0
    print(" | ".join(LIST_COLUMNS), file=out)
    for ticket in tickets:
        print(" | ".join(one_line(jakarta(ticket[c]) + " WIB" if c == "created_at" else ticket[c]) for c in LIST_COLUMNS),
              file=out)
    print(f"{len(tickets)} eskalasi", file=out)
    return 0


def show(db: Any, ticket_id: int, out: TextIO) -> int:
    """Print one ticket with its transcript."""
    ticket = storage.get_ticket(db, ticket_id)
    if ticket is None:
        print(f"Tiket #{ticket_id} tidak ditemukan.", file=sys.stderr)
        return 1
    print(f"Tiket #{ticket_id} ({ticket['status']}), dibuat {jakarta(ticket['created_at'])} WIB", file=out)
    for message in storage.ticket_transcript(db, ticket_id):
        speaker = SPEAKERS.get(message["direction"], "Sistem")
        print(f"[{jakarta(message['created_at'])}] {speaker}: {one_line(message['text'])}", file=out)
    return 0


def one_line(value: Any) -> str:
    """A stored value for one line of terminal output: masked (older rows too), no control characters or breaks."""
    return "" if value is None else " ".join(mask(str(value)).split())


def write_csv(tickets: list[dict[str, Any]], target: str, out: TextIO) -> None:
    """Write tickets as CSV to a file, or to standard output for '-': text masked, formulas neutralised."""
    columns = list(tickets[0]) if tickets else list(LIST_COLUMNS)
    with contextlib.ExitStack() as stack:
        handle = out if target == "-" else stack.enter_context(Path(target).open("w", newline="", encoding="utf-8"))
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(mask(v) if isinstance(v, str) else v) for k, v in t.items()} for t in tickets)


def datasette_app(settings: Settings) -> Any:
    """The review page: Datasette over the database, opening on the open tickets, behind a password."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from bot import review_site

    if not pm.is_registered(review_site):
        pm.register(review_site, name="tanya-review")
    storage.open_database(settings.database_path).close()  # create/upgrade the schema first
    tables: dict[str, dict[str, Any]] = {name: {"hidden": True} for name in TECHNICAL_TABLES}
    tables.update({name: {"title": title} for name, title in TABLE_TITLES.items()})
    metadata = {
        "title": "Tanya Imigrasi Bengkulu: tinjauan pengawas",
        "databases": {settings.database_path.stem: {"queries": QUERIES, "tables": tables}},
    }
    datasette = Datasette([str(settings.database_path)], metadata=metadata, settings={"allow_download": False})
    return password_protected(datasette.app(), settings.review_password)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def password_protected(app: AsgiApp, password: str) -> AsgiApp:
    """Wrap an ASGI app in HTTP Basic authentication (user 'pengawas')."""
    expected = "Basic " + base64.b64encode(f"{REVIEW_USER}:{password}".encode()).decode()

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"").decode("latin-1")
            if not hmac.compare_digest(given, expected):
                await send({"type": "http.response.start", "status": 401, "headers": [
                    (b"www-authenticate", b'Basic realm="Tanya Imigrasi"'), (b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"Login diperlukan."})
                return
        await app(scope, receive, send)

    return guarded


def serve(settings: Settings) -> int:
    """Serve the review page on 127.0.0.1 until Ctrl-C."""
    if not settings.review_password:
        print("REVIEW_PASSWORD belum diatur: halaman tinjauan tidak dijalankan tanpa kata sandi.", file=sys.stderr)
        return 2
    if settings.database_url:
        print("Halaman tinjauan (Datasette) membaca berkas SQLite; dengan DATABASE_URL gunakan `python -m bot review` "
              "(daftar, --show, --csv) atau alat PostgreSQL.", file=sys.stderr)
        return 2
    import uvicorn

    print(f"Halaman tinjauan: http://127.0.0.1:{settings.review_port}/ (pengguna: {REVIEW_USER})", file=sys.stderr)
    # ws="none": the page needs no websockets, and uvicorn 0.54 cannot import the locked websockets 10.4.
    uvicorn.run(datasette_app(settings), host="127.0.0.1", port=settings.review_port, log_level="warning", ws="none")
    return 0
