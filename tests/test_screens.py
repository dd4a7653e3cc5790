"""The report and the review page in a real browser (headless Chromium) at a phone's 412 px: nothing wider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import screens

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(screens.chromium() is None, reason="Chromium is not installed (apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def frame(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo database's report and review page (a real `review --serve`), inside a phone-width frame."""
    folder = tmp_path_factory.mktemp("screens")
    screens.fill_demo(folder / "tanya.db")
    report = screens.write_report(folder / "tanya.db", folder / "laporan")
    with screens.review_server(folder / "tanya.db") as review, screens.phone_frame(report.parent, review) as url:
        yield url


def test_the_report_is_as_wide_as_a_phone(frame: str) -> None:
    width, height = screens.measure(frame, "/laporan/index.html")
    assert width == screens.PHONE_WIDTH
    assert height > 2500  # the headline figures and seven charts, one under the other


@pytest.mark.parametrize("path", ["/", "/tiket/8", "/tanya/tickets"])
def test_the_review_pages_are_as_wide_as_a_phone(frame: str, path: str) -> None:
    assert screens.measure(frame, path)[0] == screens.PHONE_WIDTH


def test_chromium_shows_the_open_tickets_with_wib_times(frame: str) -> None:
    dom = screens.browser("--dump-dom", "--virtual-time-budget=5000", f"{frame}/")
    assert '<a href="/tiket/8">#8</a>' in dom
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d WIB", dom)


def test_a_screenshot_is_the_page_at_phone_width(frame: str, tmp_path: Path) -> None:
    shot = screens.screenshot(frame, "/", tmp_path / "depan.png")
    header = shot.read_bytes()[:24]
    assert header.startswith(b"\x89PNG")
    assert int.from_bytes(header[16:20], "big") == screens.PHONE_WIDTH
