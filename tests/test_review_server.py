"""The supervisors' review page as a real server process on 127.0.0.1, behind its password."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from bot import storage
from bot.paths import ROOT
from bot.rasa_runtime.action_server import free_port
from bot.review import REVIEW_USER

pytestmark = pytest.mark.slow
PASSWORD = "rahasia-uji"


@pytest.fixture(scope="module")
def review_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("review") / "tanya.db"
    storage.open_database(database).close()
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
