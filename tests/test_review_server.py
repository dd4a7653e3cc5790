"""The supervisors' review page as a real server process on 127.0.0.1, behind its password, on the demo database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.paths import ROOT
from bot.rasa_runtime.action_server import free_port
from bot.review import REVIEW_USER
from tests.screens import fill_demo

pytestmark = pytest.mark.slow
PASSWORD = "rahasia-uji"


@pytest.fixture(scope="module")
def review_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("review") / "tanya.db"
    fill_demo(database)
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REVIEW_"))}
    environ.update(REVIEW_PASSWORD=PASSWORD, REVIEW_PORT=str(port), DATABASE_PATH=str(database), PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "bot", "review", "--serve"], cwd=ROOT, env=environ)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    assert server.poll() is None, "review --serve exited at start"
    yield url
    server.terminate()
    server.wait(10)


@pytest.mark.parametrize("path", ["/", "/tanya", "/tanya.json", "/tanya/tickets.csv"])
def test_every_page_asks_for_the_password(review_url: str, path: str) -> None:
    assert httpx.get(review_url + path, timeout=10).status_code == 401


def test_the_page_opens_with_the_password(review_url: str) -> None:
    response = httpx.get(review_url + "/", auth=(REVIEW_USER, PASSWORD), timeout=10)
    assert response.status_code == 200
    assert "tinjauan pengawas" in response.text


def test_a_wrong_password_is_refused(review_url: str) -> None:
    assert httpx.get(review_url + "/", auth=(REVIEW_USER, "salah"), timeout=10).status_code == 401


def test_writes_are_refused(review_url: str) -> None:
    response = httpx.post(review_url + "/tanya/tickets", auth=(REVIEW_USER, PASSWORD), data={"id": "1"}, timeout=10)
    assert response.status_code >= 400


def page(review_url: str, path: str) -> str:
    response = httpx.get(review_url + path, auth=(REVIEW_USER, PASSWORD), timeout=10)
    assert response.status_code == 200
    return response.text


def test_the_front_page_lists_open_tickets_longest_waiting_first_with_transcript_links(review_url: str) -> None:
    text = page(review_url, "/")
    links = [text.index(f'<a href="/tiket/{ticket}">#{ticket}</a>') for ticket in (11, 12, 8, 9, 10)]
    assert links == sorted(links)  # complaints of 9 days and 1 day, chats waiting 5 h and 2.5 h, then one answered
    assert "/tiket/1\"" not in text  # closed tickets are not on it
    assert "Paspor hilang di Indonesia" in text  # topic titles, not ids
    assert "WIB" in text
    assert "+00:00" not in text


def test_a_transcript_shows_the_conversation_in_wib(review_url: str) -> None:
    text = page(review_url, "/tiket/4")
    assert "<b>Warga:</b> Paspor saya hilang" in text
    assert "<b>Petugas:</b> Baik, silakan datang" in text
    assert text.count('<span class="when">') == text.count(" WIB</span>") >= 2  # every message, in WIB


def test_technical_tables_are_kept_out_of_the_way(review_url: str) -> None:
    tables = {t["name"]: t["hidden"] for t in httpx.get(review_url + "/tanya.json", auth=(REVIEW_USER, PASSWORD),
                                                         timeout=10).json()["tables"]}
    assert all(tables[name] for name in ("outbox", "processed_updates", "drafts", "relays", "_sqlite_migrations"))
    assert not tables["tickets"]
    assert "Tabel teknis" in page(review_url, "/")


def test_table_views_show_times_in_wib(review_url: str) -> None:
    text = page(review_url, "/tanya/tickets")
    assert "WIB" in text
    assert "+00:00" not in text
