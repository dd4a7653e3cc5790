"""The review page's own pages inside Datasette: the front page (open tickets by waiting time), one ticket's
transcript, and table cells in people's terms (WIB times, topic titles, waiting times, links to transcripts).

A Datasette plugin module, registered by bot.review when the page is served; it only reads the database.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape
from sqlite_utils import Database

from actions.faq import load_faq
from bot import storage
from bot.office_hours import JAKARTA, duration, jakarta
from bot.privacy import mask
from bot.texts import SPEAKERS

#: Result columns holding a UTC timestamp, shown in WIB (table columns ending in _at are too).
TIME_COLUMNS = ("dibuka", "ditutup", "waktu")
#: The ready-made query the front page shows.
FRONT_QUERY = "open_by_wait"
#: Other lists linked from the front page: (name, "query" for a ready-made query or "table"), titled by bot.review.
LISTS = (("closed_this_week", "query"), ("low_ratings", "query"), ("unanswered", "query"), ("complaints", "query"),
         ("tickets", "table"))

FRONT_PAGE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block extra_head %}<style>
@media only screen and (max-width: 576px) {
{% for column in columns %}  .rows-and-columns td:nth-of-type({{ loop.index }}):before { content: "{{ column }}"; }
{% endfor %}  .rows-and-columns td { display: flex; gap: 0.5em; padding: 3px 6px; }
  .rows-and-columns td:before { margin-left: 0; flex: 0 0 5.5em; color: #555; font-size: 0.85em; }
}
.note { color: #555; font-size: 0.9em; }
</style>{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<p class="note">Keadaan pada {{ now }} WIB. Semua waktu dalam WIB.</p>
<h2>Tiket terbuka, yang paling lama menunggu di atas ({{ rows|length }})</h2>
{% if rows %}<div class="table-wrapper"><table class="rows-and-columns">
<thead><tr>{% for column in columns %}<th scope="col">{{ column }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table></div>{% else %}<p>Tidak ada tiket terbuka.</p>{% endif %}
<p class="note">Nomor tiket membuka percakapannya.</p>
<h2>Daftar lain</h2>
<ul class="bullets">{% for href, title in lists %}<li><a href="{{ href }}">{{ title }}</a></li>{% endfor %}</ul>
<p class="note">Tabel teknis (antrean kirim, migrasi, draf pengaduan, pembaruan Telegram) disembunyikan dari daftar;
semua tabel ada di <a href="{{ urls.database(database) }}">halaman basis data</a>.</p>
{% endblock %}"""

TRANSCRIPT_PAGE = """{% extends "base.html" %}
{% block title %}Tiket #{{ ticket.id }}{% endblock %}
{% block extra_head %}<style>
.transcript { list-style: none; padding: 0; }
.transcript li { border-bottom: 1px solid #ddd; padding: 0.4em 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.transcript .when { color: #555; font-size: 0.85em; display: block; }
</style>{% endblock %}
{% block content %}
<p><a href="{{ urls.instance() }}">« Tiket terbuka</a></p>
<h1>Tiket #{{ ticket.id }}: {{ kind }}</h1>
<p>Warga: {{ name }}<br>Topik: {{ topic }}<br>Dibuka: {{ opened }} WIB<br>Status: {{ status }}</p>
<h2>Percakapan (sejak sehari sebelum tiket dibuka)</h2>
<ul class="transcript">{% for when, speaker, text in messages %}
<li><span class="when">{{ when }} WIB</span><b>{{ speaker }}:</b> {{ text }}</li>{% else %}<li>Belum ada pesan.</li>{% endfor %}
</ul>
{% endblock %}"""


@functools.lru_cache(maxsize=1)
def topic_titles() -> dict[str, str]:
    """FAQ topic titles by id (read once per server)."""
    return {topic: entry.title for topic, entry in load_faq().entries.items()}


def wib(value: str) -> str | None:
    """A stored UTC timestamp as 'DD-MM-YYYY HH:MM WIB', or None if it is not one."""
    try:
        return f"{jakarta(value)} WIB"
    except ValueError:
        return None


def cell(column: str, value: Any) -> Markup | None:
    """A cell as supervisors read it, or None to let Datasette show it as it is."""
    if value in (None, ""):
        return None
    if column == "tiket":
        return Markup('<a href="/tiket/{0}">#{0}</a>').format(int(value))
    if column in ("topik", "topic"):
        return escape(topic_titles().get(str(value), str(value)))
    if column == "menunggu":
        return escape(duration(float(value)))
    if column in TIME_COLUMNS or column.endswith("_at"):
        shown = wib(str(value))
        return None if shown is None else escape(shown)
    return None


@hookimpl
def render_cell(value: Any, column: str) -> Markup | None:
    """Datasette hook: WIB times, topic titles, waiting times and transcript links in every table and query."""
    return cell(column, value)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """Datasette hook: the front page and the transcript pages."""
    return [(r"^/$", front_page), (r"^/tiket/(?P<ticket>\d+)$", transcript_page)]


async def front_page(datasette: Any, request: Any) -> Response:
    """Open tickets, longest waiting first, each linking to its transcript; then the other lists."""
    database = datasette.get_database()
    queries = datasette.metadata("queries", database=database.name) or {}
    result = await database.execute(queries[FRONT_QUERY]["sql"])
    rows = [[cell(column, value) or ("" if value is None else value) for column, value in zip(result.columns, row, strict=True)]
            for row in result.rows]
    lists = [(datasette.urls.query(database.name, name), queries[name]["title"]) if kind == "query"
             else (datasette.urls.table(database.name, name), datasette.metadata("title", database=database.name, table=name))
             for name, kind in LISTS]
    context = {"title": datasette.metadata("title"), "columns": result.columns, "rows": rows, "lists": lists,
               "database": database.name, "now": dt.datetime.now(JAKARTA).strftime("%d-%m-%Y %H:%M")}
    return Response.html(await datasette.render_template(datasette.jinja_env.from_string(FRONT_PAGE), context,
                                                         request=request))


def ticket_with_transcript(connection: Any, ticket_id: int) -> tuple[dict[str, Any] | None, str, list[dict[str, Any]]]:
    """A ticket, its resident's name and the conversation around it, read on Datasette's connection."""
    db = Database(connection)
    ticket = storage.get_ticket(db, ticket_id)
    if ticket is None:
        return None, "", []
    user = next(db.table("users").rows_where("id = ?", [ticket["user_id"]], select="display_name"), {})
    return ticket, user.get("display_name") or "-", storage.ticket_transcript(db, ticket_id)


async def transcript_page(datasette: Any, request: Any) -> Response:
    """One ticket and the conversation around it, masked as everywhere supervisors read it."""
    ticket_id = int(request.url_vars["ticket"])
    ticket, name, transcript = await datasette.get_database().execute_fn(
        functools.partial(ticket_with_transcript, ticket_id=ticket_id))
    if ticket is None:
        return Response.html(f"Tiket #{ticket_id} tidak ditemukan.", status=404)
    status = {"open": "menunggu petugas", "taken": f"diambil {ticket['taken_by_name'] or ''}".strip(),
              "closed": "ditutup"}[ticket["status"]]
    context = {
        "ticket": ticket, "name": mask(name), "status": status, "opened": jakarta(ticket["created_at"]),
        "kind": "pengaduan" if ticket["kind"] == "complaint" else "obrolan dengan petugas",
        "topic": topic_titles().get(ticket["topic"] or "", ticket["topic"] or "-"),
        "messages": [(jakarta(m["created_at"]), SPEAKERS.get(m["direction"], SPEAKERS["system"]), mask(m["text"] or ""))
                     for m in transcript],
    }
    return Response.html(await datasette.render_template(datasette.jinja_env.from_string(TRANSCRIPT_PAGE), context,
                                                         request=request))
