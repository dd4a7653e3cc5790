"""The supervisors' performance report: HTML with PNG charts (matplotlib) and the same figures as CSV.

Every number comes from SQLite through bot.storage (report_figures, and summary for the headline figures
/laporan shows too); this module names, arranges and draws them. A figure from fewer than MIN_SAMPLE data
points is not shown as a value: it says how few there are.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import logging
import statistics
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from actions.faq import Faq, load_faq, today_in_bengkulu
from bot import skm, storage
from bot.office_hours import OfficeHours, day_argument, duration, utc_bound
from bot.privacy import spreadsheet_safe
from bot.settings import Settings

#: The charts, each with the caption it carries in the report and in /laporan.
CHARTS = {
    "questions_per_day": "Pertanyaan warga per hari (tanggal WIB)",
    "outcomes": "Balasan asisten menurut hasilnya",
    "top_topics": "Topik yang paling sering dijawab asisten",
    "helpful": "Jawaban asisten yang dinilai membantu, per minggu (%)",
    "staff_rating": "Nilai layanan petugas per minggu (1-5)",
    "escalation_times": "Waktu penanganan eskalasi (median)",
    "skm": "Survei Kepuasan Masyarakat per unsur (1-4)",
}
#: What the assistant's reply outcomes are called in the report.
OUTCOME_LABELS = {"answer": "dijawab asisten", "handoff": "diteruskan ke petugas", "clarify": "belum terjawab",
                  "fallback": "belum terjawab", "smalltalk": "sapaan dan obrolan"}
OTHER_OUTCOME = "lainnya (perintah, menu)"
#: Fewer data points than this: the figure is not shown as a value (one rating of 5 is not "5.0/5").
MIN_SAMPLE = 5
TOO_FEW = "terlalu sedikit"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bot report`."""
    parser.add_argument("--since", type=day_argument, help="first day (YYYY-MM-DD); default: first day of last month")
    parser.add_argument("--until", type=day_argument,
                        help="last day, inclusive (YYYY-MM-DD); default: last day of last month")
    parser.add_argument("--out", default="laporan", help="folder for index.html, the PNG charts and figures.csv")


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month before today's."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    """Build the report for the chosen period into the output folder."""
    default_since, default_until = last_month(today_in_bengkulu())
    since = args.since or default_since
    until = args.until or default_until
    if until < since:
        print("--until tidak boleh lebih awal dari --since.", file=sys.stderr)
        return 2
    db = storage.open_database(settings.database)
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
    #: The headline figures, as /laporan shows them.
    summary: dict[str, Any]
    outcomes: dict[str, int]
    times: dict[str, dict[str, float | None]]
    skm_index: float | None
    stale: list[tuple[str, str]]
    #: FAQ topic titles by id.
    titles: dict[str, str]


def period(first: dt.date, last: dt.date) -> tuple[str, str]:
    """The half-open UTC period [since, until) covering Jakarta days first to last, both included."""
    return utc_bound(first), utc_bound(last + dt.timedelta(days=1))


def summary(db: Any, since: str, until: str | None, settings: Settings) -> dict[str, Any]:
    """The headline figures of [since, until) with the complaint deadline of the settings (/laporan's and the report's)."""
    return storage.summary(db, since, until, settings.complaint_response_days, frozenset(settings.office_hours.hours))


def build(db: Any, since: dt.date, until: dt.date, settings: Settings) -> Report:
    """Query the figures for a period (until inclusive) and summarise the escalation times."""
    figures = storage.report_figures(db, *period(since, until))
    faq = load_faq()
    stale = [(e.id, e.reviewed.isoformat()) for e in faq.stale(today_in_bengkulu(), settings.faq_stale_days)]
    times = escalation_times(figures.ticket_times, settings.office_hours)
    return Report(since, until, figures, summary(db, *period(since, until), settings), labelled(figures.outcomes), times,
                  figures.skm_index, stale, topic_titles(faq))


def topic_titles(faq: Faq) -> dict[str, str]:
    """The Indonesian title of every FAQ topic, by id."""
    return {topic: entry.title for topic, entry in faq.entries.items()}


def labelled(outcomes: dict[str, int]) -> dict[str, int]:
    """Reply counts under the report's names for outcomes."""
    result: dict[str, int] = {}
    for outcome, count in outcomes.items():
        label = OUTCOME_LABELS.get(outcome, OTHER_OUTCOME)
        result[label] = result.get(label, 0) + count
    return result


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile, or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


Times = dict[str, dict[str, float | None]]


def escalation_times(rows: Sequence[tuple[str, float | None, float | None, int]], hours: OfficeHours) -> Times:
    """Median and 90th percentile of first-reply (still-waiting chats with their wait so far) and resolution minutes
    (none for a chat its resident left), within and outside office hours."""
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


def sampled(value: Callable[[], str], n: int, unit: str) -> str:
    """A figure from n data points: the value with its n, or how few points there are (fewer than MIN_SAMPLE)."""
    if n == 0:
        return f"belum ada {unit}"
    if n < MIN_SAMPLE:
        return f"n={n} {unit}, {TOO_FEW}"
    return f"{value()} (n={n} {unit})"


def change(now: int, before: int) -> str:
    """A count with its change against the previous period."""
    return f"{now} ({before} periode sebelumnya, {now - before:+d})"


def unanswered_needs(summary: Mapping[str, Any], titles: Mapping[str, str], limit: int = 3) -> str:
    """The FAQ topics closest to the most messages left unanswered (greetings and other small talk are no topic)."""
    needs = [f"{titles[guess]} ({n})" for guess, n in summary["unanswered_top"] if guess in titles][:limit]
    return ", ".join(needs) or "-"


def headline(summary: Mapping[str, Any], titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """The headline figures as (label, value) lines: what the report starts with and what /laporan says."""
    s, before = summary, summary["previous"]
    answered_share = f" ({s['answered'] / s['questions']:.0%} dari pertanyaan)" if s["questions"] else ""
    oldest = f", terlama menunggu {duration(s['oldest_wait_seconds'])}" if s["oldest_wait_seconds"] is not None else ""
    median_wait = s["median_first_reply_seconds"]
    index = s["skm_index"]
    return [
        ("Pertanyaan warga", change(s["questions"], before["questions"])),
        ("Dijawab asisten", change(s["answered"], before["answered"]) + answered_share),
        ("Diteruskan ke petugas", change(s["escalated"], before["escalated"])),
        ("Belum terjawab (tanpa sapaan dan obrolan)", str(s["unanswered"])),
        ("Kebutuhan belum terjawab teratas (topik terdekat)", unanswered_needs(s, titles)),
        ("Obrolan dengan petugas terbuka sekarang", f"{s['open_now']} tiket{oldest}"),
        ("Balasan pertama petugas, median",
         sampled(lambda: duration(median_wait), s["first_reply_n"], "tiket")
         + f"; termasuk {s['still_waiting']} tiket yang masih menunggu, dihitung dengan lama tunggu sejauh ini"),
        ("Pengaduan", f"{s['complaints']} masuk; {s['complaints_open']} terbuka, "
                      f"{s['complaints_overdue']} melewati batas {s['response_days']} hari kerja"),
        ("Indeks Kepuasan Masyarakat (SKM)",
         sampled(lambda: f"{index:.1f}, mutu {skm.category(index)}", s["skm_respondents"], "responden")),
        ("Jawaban asisten dinilai membantu", sampled(lambda: f"{s['helpful_rate']:.0%}", s["helpful_n"], "penilaian")),
        ("Nilai layanan petugas", sampled(lambda: f"{s['mean_rating']:.1f} dari 5", s["rating_n"], "penilaian")),
    ]


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
    rows += [("ringkasan", label, value) for label, value in headline(report.summary, report.titles)]
    rows += [("pertanyaan per hari", day, n) for day, n in f.questions_per_day]
    rows += [("hasil", kind, n) for kind, n in sorted(report.outcomes.items())]
    rows.append(("eskalasi", "jumlah", f.escalations))
    rows += [("topik teratas", report.titles.get(topic, topic), n) for topic, n in f.top_topics]
    rows += [("belum terjawab, topik terdekat", report.titles[guess], n) for guess, n in f.unanswered if guess in report.titles]
    rows += [("jawaban membantu per minggu (mulai Senin)", week, f"{helpful}/{rated}")
             for week, helpful, rated in f.helpful_by_week]
    rows += [("nilai petugas per minggu (mulai Senin)", week, f"{total}/{rated}")
             for week, total, rated in f.ticket_rating_by_week]
    for key, values in report.times.items():
        rows += [(f"waktu eskalasi (menit): {key}", stat, None if v is None else round(v, 1)) for stat, v in values.items()]
    rows += [("pengaduan", category, n) for category, n in f.complaints]
    rows += [("SKM unsur", element, round(mean, 2)) for element, mean, _ in f.skm]
    rows.append(("SKM", "responden", f.skm_respondents))
    if report.skm_index is not None:
        rows += [("SKM", "indeks", round(report.skm_index, 2)), ("SKM", "mutu", skm.category(report.skm_index))]
    rows += [("FAQ perlu ditinjau", topic, reviewed) for topic, reviewed in report.stale]
    return rows


def day_label(day: str) -> str:
    """A Jakarta date as people write it: '5 Okt'."""
    date = dt.date.fromisoformat(day)
    return f"{date.day} {MONTHS[date.month - 1]}"


def short(label: str, width: int = 22) -> str:
    """A long axis label wrapped onto at most two lines."""
    return "\n".join(textwrap.wrap(label, width, max_lines=2, placeholder="…"))


def message(ax: Any, text: str) -> None:
    """A chart without bars: only a short message in its middle."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def bars(ax: Any, labels: Sequence[str], values: Sequence[float], ns: Sequence[int] | None = None,
         horizontal: bool = False, fmt: str = "{:g}") -> None:
    """Bars with their values written on them; with ns, a bar from fewer than MIN_SAMPLE points is left out and says so."""
    if not labels:
        message(ax, "belum ada data")
        return
    counts = list(ns) if ns is not None else [MIN_SAMPLE] * len(labels)  # plain counts are no samples
    enough = [n >= MIN_SAMPLE for n in counts]
    heights = [value if ok else 0 for value, ok in zip(values, enough, strict=True)]
    notes = [fmt.format(value) if ok else f"n={n}, {TOO_FEW}" for value, ok, n in zip(values, enough, counts, strict=True)]
    drawn = (ax.barh if horizontal else ax.bar)(labels, heights, color="#2f6db5")
    ax.bar_label(drawn, notes, fontsize=10, padding=2)
    ax.margins(x=0.25) if horizontal else ax.margins(y=0.2)


def counted(ax: Any, rows: Sequence[tuple[str, int]], horizontal: bool = False) -> int:
    """Bars of plain counts, (label, count) each; returns their total."""
    bars(ax, [label for label, _ in rows], [n for _, n in rows], horizontal=horizontal)
    return sum(n for _, n in rows)


def per_week(ax: Any, weeks: Sequence[tuple[str, int, int]], scale: float, fmt: str) -> int:
    """A weekly mean (part / rated) as bars labelled by the week's Monday; returns the points counted."""
    bars(ax, [f"mulai {day_label(week)}" for week, _, _ in weeks], [part / rated * scale for _, part, rated in weeks],
         [rated for _, _, rated in weeks], fmt=fmt)
    return sum(rated for _, _, rated in weeks)


def escalation_chart(ax: Any, report: Report) -> int:
    """Median first-reply and resolution time within and outside office hours, in minutes or hours."""
    medians = [values["median"] or 0.0 for values in report.times.values()]
    hours = max(medians, default=0) > 120
    bars(ax, [short(label, 20) for label in report.times], [m / 60 if hours else m for m in medians],
         [int(values["n"] or 0) for values in report.times.values()], horizontal=True, fmt="{:.0f}")
    ax.invert_yaxis()
    ax.set_xlabel("jam" if hours else "menit")
    return len(report.figures.ticket_times)


def skm_chart(ax: Any, report: Report) -> int:
    """Mean score per SKM element (1-4), only with enough respondents."""
    respondents = report.figures.skm_respondents
    if 0 < respondents < MIN_SAMPLE:
        message(ax, f"{respondents} responden, {TOO_FEW}")
    else:
        bars(ax, [element for element, _, _ in report.figures.skm], [mean for _, mean, _ in report.figures.skm],
             horizontal=True, fmt="{:.2f}")
        ax.set_xlim(0, 4.6)
    return respondents


def draw_charts(report: Report, folder: Path, names: Iterable[str] = tuple(CHARTS)) -> None:
    """Draw the named charts as PNG files (headless Agg backend), sized to be read on a phone."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    logging.getLogger("matplotlib.category").setLevel(logging.WARNING)  # day labels like "5 Okt" are meant as text

    f, titles = report.figures, report.titles
    outcomes = sorted(report.outcomes.items(), key=lambda item: item[1])
    topics = f.top_topics[::-1]
    drawings: dict[str, Callable[[Any], int]] = {
        "questions_per_day": lambda ax: counted(ax, [(day_label(day), n) for day, n in f.questions_per_day]),
        "outcomes": lambda ax: counted(ax, [(short(label), n) for label, n in outcomes], horizontal=True),
        "top_topics": lambda ax: counted(ax, [(short(titles.get(t, t)), n) for t, n in topics], horizontal=True),
        "helpful": lambda ax: per_week(ax, f.helpful_by_week, 100, "{:.0f}%"),
        "staff_rating": lambda ax: per_week(ax, f.ticket_rating_by_week, 1, "{:.1f}"),
        "escalation_times": lambda ax: escalation_chart(ax, report),
        "skm": lambda ax: skm_chart(ax, report),
    }
    style = {"font.size": 11, "figure.titlesize": 12, "axes.spines.top": False, "axes.spines.right": False}
    with plt.rc_context(style):
        for name in names:
            figure, ax = plt.subplots(figsize=(4.4, 3.6), dpi=150, constrained_layout=True)
            n = drawings[name](ax)
            figure.suptitle(short(f"{CHARTS[name]}; n={n}", 40))
            if name in ("questions_per_day", "helpful", "staff_rating"):
                ax.tick_params(axis="x", labelrotation=45)
            figure.savefig(folder / f"{name}.png", format="png")
            plt.close(figure)


STYLE = """*{box-sizing:border-box}
body{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:16px;line-height:1.45;color:#1b1b1b;
max-width:64em;margin:0 auto;padding:0 12px 24px}
h1{font-size:1.35em;margin:.8em 0 .3em} h2{font-size:1.15em;margin:1.4em 0 .5em}
.figures{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(min(16em,100%),1fr));gap:8px}
.figures li{border:1px solid #c9d2e3;border-radius:6px;padding:8px 10px;background:#f5f7fb}
.figures .label{display:block;font-size:.85em;color:#3b4454}
.figures .value{font-weight:600;overflow-wrap:anywhere}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(22em,100%),1fr));gap:16px}
figure{margin:0} img{width:100%;height:auto;border:1px solid #e3e6ee} figcaption{font-size:.9em;color:#3b4454}
.note{font-size:.9em;color:#3b4454}"""


def date_text(day: dt.date) -> str:
    """A date as people write it: '5 Okt 2026'."""
    return f"{day_label(day.isoformat())} {day.year}"


def page(report: Report, rows: list[tuple[str, str, Any]]) -> str:
    """The HTML report: headline figures first, then the charts; every figure is in figures.csv."""
    e = html.escape
    length = report.until - report.since + dt.timedelta(days=1)
    before = (report.since - length, report.since - dt.timedelta(days=1))
    figures = "\n".join(f'<li><span class="label">{e(label)}</span><span class="value">{e(value)}</span></li>'
                        for label, value in headline(report.summary, report.titles))
    charts = "\n".join(f'<figure><img src="{name}.png" alt="{e(caption)}"><figcaption>{e(caption)}</figcaption></figure>'
                       for name, caption in CHARTS.items())
    stale = "".join(f"<li>{e(report.titles.get(topic, topic))} (terakhir ditinjau {e(reviewed)})</li>"
                    for topic, reviewed in report.stale)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan kinerja {date_text(report.since)} s.d. {date_text(report.until)}</title>
<style>{STYLE}</style></head>
<body><h1>Laporan kinerja Tanya Imigrasi Bengkulu</h1>
<p>Periode {date_text(report.since)} s.d. {date_text(report.until)} (WIB), dibandingkan dengan periode sebelumnya
{date_text(before[0])} s.d. {date_text(before[1])}. Data pribadi disamarkan.</p>
<h2>Angka utama</h2>
<ul class="figures">
{figures}
</ul>
<p class="note">n = banyaknya data. Angka dari kurang dari {MIN_SAMPLE} data tidak ditampilkan sebagai nilai
("{TOO_FEW}"). Tiket terbuka dihitung saat laporan dibuat.</p>
<h2 id="grafik">Grafik</h2>
<div class="charts">
{charts}
</div>
{f'<h2>FAQ perlu ditinjau</h2><ul>{stale}</ul>' if stale else ''}
<p class="note">Semua {len(rows)} angka per bagian, untuk spreadsheet: <a href="figures.csv">figures.csv</a>.</p>
</body></html>
"""
