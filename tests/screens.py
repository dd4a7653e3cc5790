"""Screenshots of the supervisors' report and review page as a phone shows them (headless Chromium, 412 px wide).

Usage: python -m tests.screens [--out docs/screenshots]

Fills a demo database (invented residents, the last two weeks), writes the report of the last 7 days, starts
`python -m bot review --serve` on 127.0.0.1 and photographs both pages. Needs Debian's `chromium` package.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import json
import mimetypes
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from bot import storage
from bot.paths import ROOT
from bot.rasa_runtime.action_server import free_port
from bot.review import REVIEW_USER

#: A phone's CSS width (Pixel 7 and many Android phones).
PHONE_WIDTH = 412
PASSWORD = "demo-pengawas"
RESIDENTS = ("Siti Rahma", "Budi Santoso", "Dewi Lestari", "Agus Pratama", "Nur Aini", "Rizky Ramadhan")
QUESTIONS = (("brp biaya paspor", "answer", "paspor_biaya"), ("syarat paspor baru apa aja", "answer", "paspor_syarat_baru"),
             ("halo kak", "smalltalk", None), ("visa on arrival brp", "answer", "visa_voa"),
             ("mau perpanjang itas", "answer", "izin_itas"), ("paspor sy ketinggalan di bus", "fallback", None),
             ("jam buka kantor", "answer", "kantor_alamat_jam"), ("mau bicara dgn petugas", "handoff", None))


def chromium() -> str | None:
    """The Chromium executable, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def ago(now: dt.datetime, **delta: float) -> str:
    """A stored timestamp some time before now."""
    return (now - dt.timedelta(**delta)).isoformat(timespec="seconds")


def fill_demo(path: Path) -> None:
    """A database with two weeks of invented traffic: answers, ratings, tickets open and closed, complaints, SKM."""
    db = storage.open_database(path)
    now = dt.datetime.now(dt.timezone.utc)
    for user, name in enumerate(RESIDENTS, start=1):
        storage.touch_user(db, user, name)
    for number in range(90):
        user, (question, outcome, topic) = 1 + number % len(RESIDENTS), QUESTIONS[number % len(QUESTIONS)]
        moment = ago(now, days=13 - number * 13 / 90, hours=1)
        db.table("messages").insert_all([
            {"user_id": user, "direction": "in", "text": question, "created_at": moment},
            {"user_id": user, "direction": "out", "text": "…", "outcome": outcome, "faq_id": topic, "created_at": moment},
        ])
        if outcome == "answer" and number % 3 == 0:
            db.table("ratings").insert({"user_id": user, "faq_id": topic, "helpful": int(number % 4 != 0),
                                        "created_at": moment})
        if outcome == "fallback":
            db.table("unanswered").insert({"user_id": user, "text": question, "reason": outcome, "created_at": moment,
                                           "guesses": json.dumps([["paspor_hilang", 0.41]])})
    tickets = [  # (resident, opened hours ago, first reply after minutes, closed after minutes, rating, topic)
        (1, 150, 12, 40, 5, "paspor_biaya"), (2, 120, 25, 90, 4, "izin_itas"), (3, 98, 8, 30, 5, "visa_voa"),
        (4, 75, 45, 200, 3, None), (5, 50, 15, 60, 4, "paspor_syarat_baru"), (6, 30, 30, 75, 2, None),
        (1, 26, 10, 20, 5, "kantor_alamat_jam"), (2, 5, None, None, None, "paspor_hilang"),
        (3, 2.5, None, None, None, None), (4, 0.7, 6, None, None, "izin_itas"),
    ]
    for user, hours, reply, closed, rating, topic in tickets:
        opened = now - dt.timedelta(hours=hours)
        after = {"first_reply_at": reply, "closed_at": closed}
        times = {k: None if m is None else (opened + dt.timedelta(minutes=m)).isoformat(timespec="seconds")
                 for k, m in after.items()}
        pk = db.table("tickets").insert({
            "user_id": user, "status": "closed" if closed else ("taken" if reply else "open"), "reason": "user",
            "kind": "chat", "topic": topic, "created_at": opened.isoformat(timespec="seconds"), **times, "rating": rating,
            "taken_by_name": "Andi" if reply else None,
        }).last_pk
        db.table("messages").insert_all([
            {"user_id": user, "ticket_id": pk, "direction": "in", "text": "Paspor saya hilang, besok mau berangkat umroh",
             "created_at": opened.isoformat(timespec="seconds")},
            *([{"user_id": user, "ticket_id": pk, "direction": "staff", "text": "Baik, silakan datang ke kantor pukul 08.00 WIB "
                "dengan KTP dan surat keterangan hilang dari kepolisian.", "created_at": times["first_reply_at"]}]
              if reply else []),
        ])
    for user, days, what in ((5, 9, "antrean loket lama sekali"), (6, 1, "petugas tidak ramah")):
        pk = db.table("tickets").insert({"user_id": user, "status": "open", "reason": "complaint", "kind": "complaint",
                                         "topic": "pengaduan", "created_at": ago(now, days=days)}).last_pk
        db.table("complaints").insert({"ticket_id": pk, "category": "pengaduan", "what": what, "misconduct": 0,
                                       "created_at": ago(now, days=days)})
    for ticket in range(1, 7):
        for element, score in zip(("persyaratan", "prosedur", "waktu", "biaya", "perilaku"), (4, 3, 3, 4, 4), strict=True):
            db.table("skm").insert({"ticket_id": ticket, "element": element, "score": score - (ticket == 4),
                                    "created_at": ago(now, days=5)})
    db.close()


def environment(database: Path, port: int) -> dict[str, str]:
    """The environment of a bot command on the demo database (nothing from a real .env that would reach Telegram)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REVIEW_", "DATABASE_"))}
    environ.update(REVIEW_PASSWORD=PASSWORD, REVIEW_PORT=str(port), DATABASE_PATH=str(database), PYTHONPATH=str(ROOT),
                   OFFICE_HOURS="Mon-Thu 08:00-16:00, Fri 08:00-16:30", RASA_TELEMETRY_ENABLED="false")
    return environ


@contextlib.contextmanager
def review_server(database: Path) -> Iterator[str]:
    """`python -m bot review --serve` on the database, as a real process; yields its URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bot", "review", "--serve"], cwd=ROOT,
                              env=environment(database, port))
    try:
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        if server.poll() is not None:
            raise RuntimeError("review --serve exited at start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def write_report(database: Path, folder: Path) -> Path:
    """`python -m bot report` for the last 7 days into the folder; returns its index.html."""
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    subprocess.run([sys.executable, "-m", "bot", "report", "--since", str(today - dt.timedelta(days=6)),
                    "--until", str(today), "--out", str(folder)], cwd=ROOT, env=environment(database, 0), check=True,
                   stdout=subprocess.DEVNULL)
    return folder / "index.html"


def browser(*arguments: str, height: int = 900) -> str:
    """Run headless Chromium at phone width with these arguments; returns what it printed."""
    executable = chromium()
    if executable is None:
        raise RuntimeError("Chromium is not installed: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             f"--user-data-dir={profile}", f"--window-size={PHONE_WIDTH},{height}", "--force-device-scale-factor=1",
             *arguments], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


#: A page showing another inside a frame of a phone's width, reporting the framed page's laid-out size once loaded.
FRAME = """<!doctype html><html><body style="margin:0">
<iframe id="page" src="{src}" style="display:block;border:0;width:{width}px;height:{height}px"></iframe>
<script>document.getElementById("page").addEventListener("load", (event) => {{
const root = event.target.contentDocument.documentElement;
document.body.setAttribute("data-size", root.scrollWidth + "x" + root.scrollHeight); }});</script></body></html>"""


class FrameServer(ThreadingHTTPServer):
    """Pages inside a frame of a phone's width (headless Chromium's own window is at least 500 px wide):
    /_telepon?src=PATH&height=N frames PATH, /laporan/FILE is a file of the written report, any other path is
    the review page, asked with its password."""

    def __init__(self, report: Path, review: str) -> None:
        super().__init__(("127.0.0.1", 0), FrameHandler)
        self.report, self.review = report, review


class FrameHandler(BaseHTTPRequestHandler):
    """Answers FrameServer's three kinds of path."""

    server: FrameServer

    def do_GET(self) -> None:
        """Serve the frame, a report file or a review page."""
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_telepon":
            query = dict(urllib.parse.parse_qsl(url.query))
            page = FRAME.format(src=html.escape(query["src"]), width=PHONE_WIDTH, height=int(query.get("height", 900)))
            self.reply(200, "text/html; charset=utf-8", page.encode())
        elif url.path.startswith("/laporan/"):
            file = self.server.report / Path(url.path).name
            self.reply(200, mimetypes.guess_type(file.name)[0] or "application/octet-stream", file.read_bytes())
        else:
            response = httpx.get(self.server.review + self.path, auth=(REVIEW_USER, PASSWORD), timeout=10)
            self.reply(response.status_code, response.headers.get("content-type", "text/plain"), response.content)

    def reply(self, status: int, content_type: str, body: bytes) -> None:
        """Send one whole response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


@contextlib.contextmanager
def phone_frame(report: Path, review: str) -> Iterator[str]:
    """A FrameServer for the report folder and the review page's URL, in a thread; yields its URL."""
    server = FrameServer(report, review)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def framed(frame: str, path: str, height: int = 900) -> str:
    """The URL of a page inside the phone-width frame."""
    return f"{frame}/_telepon?" + urllib.parse.urlencode({"src": path, "height": height})


def measure(frame: str, path: str) -> tuple[int, int]:
    """Width and height of a page laid out at phone width."""
    dom = browser("--dump-dom", "--virtual-time-budget=10000", framed(frame, path))
    width, height = dom.split('data-size="', 1)[1].split('"', 1)[0].split("x")
    return int(width), int(height)


def screenshot(frame: str, path: str, target: Path) -> Path:
    """A PNG of a whole page at phone width."""
    height = measure(frame, path)[1]
    browser(f"--screenshot={target}", "--virtual-time-budget=10000", framed(frame, path, height), height=height)
    return target


def take_all(out: Path) -> list[Path]:
    """Fill a demo database, then photograph the report and the review page's front page and one transcript."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "demo.db"
        fill_demo(database)
        report = write_report(database, Path(work) / "laporan")
        with review_server(database) as review, phone_frame(report.parent, review) as frame:
            return [screenshot(frame, "/laporan/index.html", out / "laporan.png"),
                    screenshot(frame, "/", out / "tinjauan-depan.png"),
                    screenshot(frame, "/tiket/8", out / "tinjauan-transkrip.png")]


def main() -> int:
    """Take the screenshots into --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder for the PNG files")
    for shot in take_all(Path(parser.parse_args().out)):
        print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
