"""The supervisors' performance report: HTML with PNG charts (matplotlib) and the same figures as CSV.

Every number comes from SQLite through storage.report_figures (the figures /laporan shows too); this
module names, arranges and draws them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from actions.faq import load_faq, today_in_bengkulu
from bot import skm, storage
from bot.office_hours import JAKARTA, OfficeHours
from bot.privacy import spreadsheet_safe
from bot.settings import Settings

CHARTS = ("questions_per_day", "outcomes", "top_topics", "satisfaction", "escalation_times", "skm")
#: What the assistant's reply outcomes are called in the report; every other outcome is "not answered".
OUTCOME_LABELS = {"answer": "dijawab asisten", "handoff": "diteruskan ke petugas"}
NOT_ANSWERED = "belum terjawab"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bot report`."""
    parser.add_argument("--since", help="first day (YYYY-MM-DD); default: first day of last month")
    parser.add_argument("--until", help="last day, inclusive (YYYY-MM-DD); default: last day of last month")
    parser.add_argument("--out", default="laporan", help="folder for index.html, the PNG charts and figures.csv")


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month before today's."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    """Build the report for the chosen period into the output folder."""
    default_since, default_until = last_month(today_in_bengkulu())
    try:
        since = dt.date.fromisoformat(args.since) if args.since else default_since
        until = dt.date.fromisoformat(args.until) if args.until else default_until
    except ValueError:
        print("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-10-01.", file=sys.stderr)
        return 2
    if until < since:
        print("--until tidak boleh lebih awal dari --since.", file=sys.stderr)
        return 2
    db = storage.open_database(settings.database_path)
    report = build(db, since, until, settings)
    folder = write(report, Path(args.out))
    print(f"Laporan {since} s.d. {until}: {folder / 'index.html'}", file=out)
    return 0


@dataclass
class Report:
    """The figures of one period, ready to draw and write."""

    since: dt.date
    until: dt.date
    figures: storage.Figures
    outcomes: dict[str, int]
    times: dict[str, dict[str, float | None]]
    skm_index: float | None
    stale: list[tuple[str, str]]


def utc_bound(day: dt.date) -> str:
    """Midnight at the start of a Jakarta day, as the UTC ISO text the database holds."""
    return dt.datetime.combine(day, dt.time(), tzinfo=JAKARTA).astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def period(first: dt.date, last: dt.date) -> tuple[str, str]:
    """The half-open UTC period [since, until) covering Jakarta days first to last, both included."""
    return utc_bound(first), utc_bound(last + dt.timedelta(days=1))


def build(db: Any, since: dt.date, until: dt.date, settings: Settings) -> Report:
    """Query the figures for a period (until inclusive) and summarise the escalation times."""
    figures = storage.report_figures(db, *period(since, until))
    faq = load_faq()
    stale = [(e.id, e.reviewed.isoformat()) for e in faq.stale(today_in_bengkulu(), settings.faq_stale_days)]
    means = {element: float(mean) for element, mean, _ in figures.skm}
    times = escalation_times(figures.ticket_times, settings.office_hours)
    return Report(since, until, figures, labelled(figures.outcomes), times, skm.index(means), stale)


def labelled(outcomes: dict[str, int]) -> dict[str, int]:
    """Reply counts under the report's names for outcomes."""
    result: dict[str, int] = {}
    for outcome, count in outcomes.items():
        label = OUTCOME_LABELS.get(outcome, NOT_ANSWERED)
        result[label] = result.get(label, 0) + count
    return result


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile, or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


Times = dict[str, dict[str, float | None]]


def escalation_times(rows: Sequence[tuple[str, float | None, float | None]], hours: OfficeHours) -> Times:
    """Median and 90th percentile of first-reply and resolution minutes, within and outside office hours."""
    result: Times = {}
    for label, inside in (("dalam jam layanan", True), ("di luar jam layanan", False)):
        chosen = [r for r in rows if hours.is_open(dt.datetime.fromisoformat(r[0])) is inside]
        for measure, column in (("balasan pertama", 1), ("penyelesaian", 2)):
            minutes = [round(float(value) / 60, 2) for r in chosen if (value := r[column]) is not None]
            result[f"{measure}, {label}"] = {
                "median": statistics.median(minutes) if minutes else None,
                "p90": percentile(minutes, 0.9),
                "n": float(len(minutes)),
            }
    return result


def write(report: Report, folder: Path) -> Path:
    """Write the charts, figures.csv and index.html into the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    draw_charts(report, folder)
    rows = csv_rows(report)
    with (folder / "figures.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bagian", "kunci", "nilai"])
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)  # topics come from callbacks too
    (folder / "index.html").write_text(page(report, rows), encoding="utf-8")
    return folder


def csv_rows(report: Report) -> list[tuple[str, str, Any]]:
    """Every figure as (section, key, value)."""
    f = report.figures
    rows: list[tuple[str, str, Any]] = [
        ("periode", "mulai", report.since.isoformat()), ("periode", "sampai", report.until.isoformat()),
    ]
    rows += [("pertanyaan per hari", day, n) for day, n in f.questions_per_day]
    rows += [("hasil", kind, n) for kind, n in sorted(report.outcomes.items())]
    rows.append(("eskalasi", "jumlah", f.escalations))
    rows += [("topik teratas", topic, n) for topic, n in f.top_topics]
    rows += [("jawaban membantu per minggu", week, round(rate, 3)) for week, rate in helpful_by_week(f)]
    rows += [("nilai petugas per minggu", week, round(mean, 2)) for week, mean in rating_by_week(f)]
    for key, values in report.times.items():
        rows += [(f"waktu eskalasi (menit): {key}", stat, None if v is None else round(v, 1)) for stat, v in values.items()]
    rows += [("pengaduan", category, n) for category, n in f.complaints]
    rows += [("SKM unsur", element, round(mean, 2)) for element, mean, _ in f.skm]
    if report.skm_index is not None:
        rows += [("SKM", "indeks", round(report.skm_index, 2)), ("SKM", "mutu", skm.category(report.skm_index))]
    rows += [("FAQ perlu ditinjau", topic, reviewed) for topic, reviewed in report.stale]
    return rows


def draw_charts(report: Report, folder: Path) -> None:
    """Draw every chart as a PNG file (headless Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f, outcomes = report.figures, report.outcomes
    charts: dict[str, tuple[str, Any]] = {
        "questions_per_day": ("Pertanyaan per hari", lambda ax: ax.bar([d[5:] for d, _ in f.questions_per_day],
                                                                       [n for _, n in f.questions_per_day])),
        "outcomes": ("Hasil jawaban asisten",
                     lambda ax: ax.bar(list(outcomes) or ["-"], list(outcomes.values()) or [0])),
        "top_topics": ("Topik teratas", lambda ax: ax.barh([t for t, _ in f.top_topics][::-1] or ["-"],
                                                           [n for _, n in f.top_topics][::-1] or [0])),
        "satisfaction": ("Kepuasan per minggu", lambda ax: satisfaction(ax, f)),
        "escalation_times": ("Waktu eskalasi (menit)", lambda ax: escalation_bars(ax, report.times)),
        "skm": ("SKM per unsur (1-4)",
                lambda ax: ax.barh([e for e, _, _ in f.skm] or ["-"], [m for _, m, _ in f.skm] or [0])),
    }
    for name, (title, draw) in charts.items():
        figure, ax = plt.subplots(figsize=(7, 3.5), dpi=100)
        draw(ax)
        ax.set_title(title)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        figure.tight_layout()
        figure.savefig(folder / f"{name}.png", format="png")
        plt.close(figure)


def helpful_by_week(f: storage.Figures) -> list[tuple[str, float]]:
    """Share of rated answers rated helpful, per week."""
    return [(week, helpful / rated) for week, helpful, rated in f.helpful_by_week]


def rating_by_week(f: storage.Figures) -> list[tuple[str, float]]:
    """Mean 1-5 ticket rating, per week."""
    return [(week, total / rated) for week, total, rated in f.ticket_rating_by_week]


def satisfaction(ax: Any, f: storage.Figures) -> None:
    """Helpful rate (0-1) and mean staff rating scaled to 0-1, per week."""
    helpful, ratings = helpful_by_week(f), rating_by_week(f)
    ax.plot([w for w, _ in helpful], [r for _, r in helpful], marker="o", label="jawaban membantu")
    ax.plot([w for w, _ in ratings], [(m - 1) / 4 for _, m in ratings], marker="s", label="nilai petugas (1-5, diskalakan)")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)


def escalation_bars(ax: Any, times: Times) -> None:
    """Median and 90th-percentile bars per measure."""
    labels = list(times)
    positions = range(len(labels))
    ax.bar([p - 0.2 for p in positions], [times[k]["median"] or 0 for k in labels], width=0.4, label="median")
    ax.bar([p + 0.2 for p in positions], [times[k]["p90"] or 0 for k in labels], width=0.4, label="persentil 90")
    ax.set_xticks(list(positions), [label.replace(", ", "\n") for label in labels])
    ax.legend(fontsize=7)


def page(report: Report, rows: list[tuple[str, str, Any]]) -> str:
    """The HTML report: charts and a table of every figure."""
    index_line = (f"<p>Indeks Kepuasan Masyarakat (SKM): <b>{report.skm_index:.2f}</b>, mutu {skm.category(report.skm_index)}</p>"
                  if report.skm_index is not None else "<p>Belum ada survei SKM pada periode ini.</p>")
    images = "\n".join(f'<figure><img src="{name}.png" alt="{name}"></figure>' for name in CHARTS)
    table = "\n".join(
        f"<tr><td>{html.escape(str(a))}</td><td>{html.escape(str(b))}</td><td>{html.escape(str(c))}</td></tr>" for a, b, c in rows
    )
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Laporan kinerja {report.since} s.d. {report.until}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}} img{{max-width:100%}} td{{padding:2px 8px}}</style></head>
<body><h1>Laporan kinerja Tanya Imigrasi Bengkulu</h1>
<p>Periode {report.since} s.d. {report.until} (WIB). Dihitung dari basis data layanan; data pribadi disamarkan.</p>
{index_line}
{images}
<h2>Angka lengkap</h2><table>{table}</table>
<p>Berkas yang sama: figures.csv</p></body></html>
"""
