"""The performance report from a database with known counts: figures by SQL, valid PNG charts, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from actions.faq import Faq
from bot import report, skm, storage
from bot.settings import Settings
from tests.conftest import command_args

PNG = b"\x89PNG\r\n\x1a\n"


def at(day: int, hour: int, minute: int = 0) -> str:
    """A UTC timestamp in October 2026 (Jakarta = UTC+7)."""
    return f"2026-10-{day:02d}T{hour:02d}:{minute:02d}:00+00:00"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    environ = {"DATABASE_PATH": str(tmp_path / "t.db"), "OFFICE_HOURS": "Mon-Fri 08:00-16:00"}
    settings = Settings.load(tmp_path / "none.env", environ=environ)
    db = storage.open_database(settings.database_path)
    for user in (1, 2, 3):
        storage.touch_user(db, user, f"Warga {user}")
    rows = [  # (day, hour UTC, direction, outcome, faq_id)
        (5, 2, "in", None, None), (5, 2, "out", "answer", "paspor_biaya"),
        (5, 3, "in", None, None), (5, 3, "out", "answer", "paspor_biaya"),
        (6, 2, "in", None, None), (6, 2, "out", "clarify", None),
        (6, 4, "in", None, None), (6, 4, "out", "handoff", None),
        (7, 1, "in", None, None), (7, 1, "out", "answer", "visa_voa"),
        (31, 20, "in", None, None), (31, 20, "out", "answer", "visa_voa"),  # 1 Nov in Jakarta: outside October
    ]
    for day, hour, direction, outcome, faq_id in rows:
        db.table("messages").insert({"user_id": 1, "direction": direction, "text": "x", "outcome": outcome,
                                     "faq_id": faq_id, "created_at": at(day, hour)})
    # Monday 5 Oct 2026, 09:00 Jakarta (02:00 UTC): inside hours; Saturday 10 Oct: outside.
    tickets = [
        (at(5, 2), at(5, 2, 10), at(5, 3), 5, "chat"),
        (at(5, 2), at(5, 2, 30), at(5, 4), 3, "chat"),
        (at(10, 2), at(10, 5), at(10, 6), 2, "chat"),
        (at(12, 2), None, None, None, "complaint"),
    ]
    for created, first, closed, rating, kind in tickets:
        db.table("tickets").insert({"user_id": 2, "status": "closed" if closed else "open", "reason": "user", "kind": kind,
                                    "created_at": created, "first_reply_at": first, "closed_at": closed, "rating": rating})
    db.table("complaints").insert({"ticket_id": 4, "category": "pengaduan", "what": "x", "misconduct": 0,
                                   "created_at": at(12, 2)})
    for rated, helpful in ((at(5, 2), 1), (at(5, 3), 1), (at(6, 2), 0), (at(7, 1), 1)):
        db.table("ratings").insert({"user_id": 3, "faq_id": "paspor_biaya", "helpful": helpful, "created_at": rated})
    for element, score in (("persyaratan", 4), ("prosedur", 3), ("waktu", 3), ("biaya", 4)):
        db.table("skm").insert({"ticket_id": 1, "element": element, "score": score, "created_at": at(5, 3)})
    db.close()
    return settings


def build(settings: Settings) -> report.Report:
    import datetime as dt

    db = storage.open_database(settings.database_path)
    return report.build(db, dt.date(2026, 10, 1), dt.date(2026, 10, 31), settings)


def test_figures_come_from_the_database(settings: Settings) -> None:
    built = build(settings)
    figures = built.figures
    assert figures.questions_per_day == [("2026-10-05", 2), ("2026-10-06", 2), ("2026-10-07", 1)]
    assert built.outcomes == {"dijawab asisten": 3, "belum terjawab": 1, "diteruskan ke petugas": 1}
    assert figures.escalations == 3
    assert figures.top_topics == [("paspor_biaya", 2), ("visa_voa", 1)]
    assert figures.helpful_by_week == [("2026-10-05", 3, 4)]  # weeks by the Jakarta date of their Monday
    assert figures.ticket_rating_by_week == [("2026-10-05", 10, 3)]
    assert figures.complaints == [("pengaduan", 1)]


def test_escalation_times_within_and_outside_office_hours(settings: Settings) -> None:
    times = build(settings).times
    assert times["balasan pertama, dalam jam layanan"] == {"median": 20.0, "p90": 30.0, "n": 2.0}
    assert times["penyelesaian, dalam jam layanan"]["median"] == 90.0
    assert times["balasan pertama, di luar jam layanan"]["median"] == 180.0


def test_skm_index_and_category(settings: Settings) -> None:
    value = build(settings).skm_index
    assert value == pytest.approx((4 + 3 + 3 + 4) / 4 * 25)
    assert skm.category(value) == "B (baik)"
    assert skm.category(90.0) == "A (sangat baik)"
    assert skm.category(70.0) == "C (kurang baik)"
    assert skm.category(40.0) == "D (tidak baik)"


@pytest.mark.slow
def test_report_command_writes_html_pngs_and_csv(settings: Settings, tmp_path: Path) -> None:
    out_dir = tmp_path / "laporan"
    args = command_args(report, "--since", "2026-10-01", "--until", "2026-10-31", "--out", str(out_dir))
    assert report.run(args, settings, io.StringIO()) == 0
    for name in report.CHARTS:
        data = (out_dir / f"{name}.png").read_bytes()
        assert data.startswith(PNG)
        assert len(data) > 2000
        assert f'src="{name}.png"' in (out_dir / "index.html").read_text(encoding="utf-8")
    rows = list(csv.reader((out_dir / "figures.csv").open(encoding="utf-8")))
    assert ["eskalasi", "jumlah", "3"] in rows
    assert ["SKM", "indeks", "87.5"] in rows


def test_default_period_is_last_month() -> None:
    import datetime as dt

    assert report.last_month(dt.date(2026, 11, 28)) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert report.last_month(dt.date(2026, 1, 5)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def test_a_date_that_is_not_one_is_refused_with_the_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        command_args(report, "--since", "kemarin")
    assert exit_.value.code == 2
    assert "TTTT-BB-HH" in capsys.readouterr().err


def test_a_period_that_ends_before_it_starts_is_refused(settings: Settings, tmp_path: Path) -> None:
    args = command_args(report, "--since", "2026-10-10", "--until", "2026-10-01", "--out", str(tmp_path))
    assert report.run(args, settings, io.StringIO()) == 2


def html_page(settings: Settings) -> str:
    """The HTML of the report for October (without drawing its charts)."""
    built = build(settings)
    return report.page(built, report.csv_rows(built))


def test_the_page_fits_a_phone_and_starts_with_the_headline_figures(settings: Settings) -> None:
    page = html_page(settings)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    head = page.index("Angka utama")
    for label in ("Pertanyaan warga", "Dijawab asisten", "Diteruskan ke petugas", "terbuka sekarang",
                  "Balasan pertama petugas, median", "Pengaduan", "Indeks Kepuasan Masyarakat (SKM)",
                  "Kebutuhan belum terjawab teratas", "periode sebelumnya, "):
        assert head < page.index(label) < page.index("Grafik"), label
    assert "<table" not in page  # every figure is in figures.csv


def test_figures_from_fewer_than_five_points_say_so(settings: Settings) -> None:
    lines = dict(report.headline(build(settings).summary, {}))
    assert lines["Nilai layanan petugas"] == "n=3 penilaian, terlalu sedikit"  # not "3.3 dari 5"
    assert lines["Jawaban asisten dinilai membantu"] == "n=4 penilaian, terlalu sedikit"
    assert lines["Indeks Kepuasan Masyarakat (SKM)"] == "n=1 responden, terlalu sedikit"
    assert "87.5" not in html_page(settings)


def test_charts_and_figures_name_topics_by_title_and_days_by_wib_date(settings: Settings, faq: Faq) -> None:
    assert ("topik teratas", faq.entries["paspor_biaya"].title, 2) in report.csv_rows(build(settings))
    assert report.day_label("2026-10-05") == "5 Okt"
