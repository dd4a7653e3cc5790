"""`python -m bot review` lists escalations in the supervisors' own time zone (WIB)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot import review, storage
from bot.settings import Settings
from tests.conftest import command_args


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A desk with one ticket opened at 01:00 WIB on 2 October (18:00 UTC on 1 October)."""
    settings = Settings.load(tmp_path / "none.env", environ={"DATABASE_PATH": str(tmp_path / "tanya.db")})
    db = storage.open_database(settings.database_path)
    ticket = storage.create_ticket(db, 1, "user", "paspor_biaya")
    db.execute("UPDATE tickets SET created_at = '2026-10-01T18:00:00+00:00' WHERE id = ?", [ticket["id"]])
    return settings


def listed(settings: Settings, *argv: str) -> list[str]:
    out = io.StringIO()
    assert review.run(command_args(review, *argv), settings, out) == 0
    return out.getvalue().splitlines()


def test_the_list_shows_when_a_ticket_opened_in_wib(settings: Settings) -> None:
    assert "02-10-2026 01:00 WIB" in listed(settings)[1]


def test_since_and_until_are_days_in_wib(settings: Settings) -> None:
    assert listed(settings, "--since", "2026-10-02")[-1] == "1 eskalasi"
    assert listed(settings, "--until", "2026-10-02")[-1] == "0 eskalasi"


def test_a_date_that_is_not_one_is_refused_with_the_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        command_args(review, "--since", "kemarin")
    assert "TTTT-BB-HH" in capsys.readouterr().err
