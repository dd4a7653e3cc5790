"""The curated FAQ: load faq/*.yml, validate it with file:line, look entries up, render them.

Pure Python (no Rasa import), so staff tools, the bot and the tests use it directly.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import yaml

from actions.yaml_mistakes import colon_in_value, explain

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The FAQ folder; TANYA_FAQ_DIR points a process (e.g. the action server in a test) elsewhere.
FAQ_DIR = Path(os.environ.get("TANYA_FAQ_DIR") or PROJECT_ROOT / "faq")
#: Service notices live beside the entries, in this file of faq/.
NOTICES_FILE = "pemberitahuan.yml"
MAX_NOTICE_CHARS = 400
#: Entries not reviewed for this many days are listed as stale (about 6 months).
STALE_AFTER_DAYS = 183
#: A copy of ../shared/faq-catalogue.yml (a test keeps the two identical), so a clone runs alone.
CATALOGUE_PATH = Path(__file__).resolve().parent / "faq-catalogue.yml"

#: Longest main answer (visible characters, markup excluded) that fits a phone screen.
MAX_ANSWER_CHARS = 700
#: Longest optional details text, shown only when the resident taps "Rincian".
MAX_DETAILS_CHARS = 1200
#: Fewest example questions a topic needs for the model to learn it.
MIN_EXAMPLES = 8
ALLOWED_TAGS = ("b", "i")
REQUIRED_FIELDS = ("id", "title", "answer", "links", "reviewed", "examples")
OFFICIAL_DOMAIN_SUFFIX = ".go.id"
#: The words staff may write for a yes/no field (YAML itself turns true/false/yes/no into booleans).
YES_NO = {"ya": True, "tidak": False, "true": True, "false": False}

logger = logging.getLogger(__name__)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
#: Markdown that Telegram would show literally (answers are sent as HTML), each with what to write instead.
MARKDOWN = (
    (re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"), "gunakan <b>…</b>"),
    (re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"), "tulis alamatnya langsung, atau masukkan ke 'links'"),
    (re.compile(r"^[^\S\n]*#{1,6}[^\S\n]+\S.*", re.MULTILINE), "untuk judul gunakan <b>…</b>"),
)


@dataclass(frozen=True)
class Topic:
    """A catalogue topic: stable id, category, audience and whether English is required."""

    id: str
    category: str
    audience: str
    english: bool
    scope: str


@dataclass(frozen=True)
class Catalogue:
    """The fixed topic ids, categories and conversation intents from shared/faq-catalogue.yml."""

    categories: dict[str, str]
    topics: dict[str, Topic]
    conversation: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One curated FAQ answer, as staff wrote it."""

    id: str
    title: str
    answer: str
    links: tuple[str, ...]
    reviewed: dt.date
    examples: tuple[str, ...]
    legal: str = ""
    title_en: str = ""
    answer_en: str = ""
    details: str = ""
    details_en: str = ""
    source: str = ""
    line: int = 0

    def text(self, language: str) -> str:
        """The answer in the language asked for, Indonesian when no English answer exists."""
        return self.answer_en if language == "en" and self.answer_en else self.answer

    def more(self, language: str) -> str:
        """The optional details in the language asked for, Indonesian when no English details exist."""
        return self.details_en if language == "en" and self.details_en else self.details

    def heading(self, language: str) -> str:
        """The title in the language asked for."""
        return self.title_en if language == "en" and self.title_en else self.title


@dataclass(frozen=True)
class Problem:
    """A validation problem at a place in a FAQ file, explained in plain Indonesian."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Notice:
    """A short service notice shown above the answers of some topics (and on /start) while valid."""

    text: str
    start: dt.date
    until: dt.date
    topics: tuple[str, ...] = ()
    on_start: bool = False
    text_en: str = ""

    def active(self, today: dt.date) -> bool:
        """Whether the notice is shown today."""
        return self.start <= today <= self.until

    def in_language(self, language: str) -> str:
        """The notice in the language asked for, Indonesian when no English text exists."""
        return self.text_en if language == "en" and self.text_en else self.text


@dataclass
class Faq:
    """All FAQ entries by id and the service notices, with the problems found while loading them."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def get(self, faq_id: str) -> Entry | None:
        """Return the entry with this id, or None."""
        return self.entries.get(faq_id)

    def notices_for(self, faq_id: str | None, today: dt.date) -> list[Notice]:
        """Notices shown today above this topic's answer (or on /start when faq_id is None)."""
        return [
            n for n in self.notices
            if n.active(today) and ((faq_id is None and n.on_start) or (faq_id is not None and faq_id in n.topics))
        ]

    def stale(self, today: dt.date, days: int = STALE_AFTER_DAYS) -> list[Entry]:
        """Entries whose review date is older than the given number of days, oldest first."""
        limit = today - dt.timedelta(days=days)
        return sorted((e for e in self.entries.values() if e.reviewed < limit), key=lambda e: e.reviewed)


def today_in_bengkulu() -> dt.date:
    """Today's date in Asia/Jakarta time (Bengkulu's), which notices and review dates use."""
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read the shared catalogue of topic ids and conversation intents."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = {
        t["id"]: Topic(t["id"], t["category"], t["audience"], bool(t["english"]), t["scope"])
        for t in data["topics"]
    }
    return Catalogue(dict(data["categories"]), topics, tuple(data["conversation"]))


def visible_text(markup: str) -> str:
    """Strip the allowed markup tags, leaving the text a reader sees."""
    return _TAG_RE.sub("", markup)


def markup_problems(markup: str) -> list[str]:
    """Explain what is wrong with an answer's markup (only <b> and <i>, properly closed, and no Markdown)."""
    problems: list[str] = []
    stack: list[str] = []
    for match in _TAG_RE.finditer(markup):
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in ALLOWED_TAGS or match.group(0) not in (f"<{tag}>", f"</{tag}>"):
            problems.append(f"markup {match.group(0)!r} tidak dikenal; gunakan hanya <b>…</b> dan <i>…</i>")
        elif not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            problems.append(f"penutup </{tag}> tidak punya pasangan pembuka <{tag}>")
    problems.extend(f"<{tag}> dibuka tetapi tidak ditutup dengan </{tag}>" for tag in stack)
    return problems + markdown_problems(markup)


def markdown_problems(markup: str) -> list[str]:
    """Explain each piece of Markdown in a text: Telegram would show its signs literally."""
    return [
        f"tanda Markdown {_shorten(match.group(0).strip())!r} akan tampil apa adanya di Telegram — {fix}"
        for pattern, fix in MARKDOWN for match in pattern.finditer(markup)
    ]


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link_problem(url: str) -> str | None:
    """Explain why a link is not allowed, or None for an official https *.go.id link."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme != "https" or not host:
        return f"tautan {url!r} harus diawali https://"
    if not host.endswith(OFFICIAL_DOMAIN_SUFFIX):
        return f"tautan {url!r} bukan situs resmi pemerintah (*.go.id); jangan tautkan situs tiruan"
    return None


def load_faq(
    faq_dir: Path = FAQ_DIR, catalogue: Catalogue | None = None, today: dt.date | None = None
) -> Faq:
    """Load every faq/*.yml file and check it against the catalogue and the content rules."""
    catalogue = catalogue or load_catalogue()
    today = today or today_in_bengkulu()
    faq = Faq()
    example_owner: dict[str, str] = {}
    unreadable: set[str] = set()
    for path in sorted(faq_dir.glob("*.yml")):
        if path.name == NOTICES_FILE:
            faq.notices = _read_notices(path, faq, catalogue)
            continue
        read = _read_file(path, faq)
        if read is None:
            unreadable.add(path.stem)
            continue
        for entry, lines in read:
            problems = _check_entry(entry, lines, path, catalogue, today)
            problems += _check_duplicates(entry, lines, path, faq, example_owner)
            faq.problems.extend(problems)
            if entry.id not in faq.entries:
                faq.entries[entry.id] = entry
    for topic_id, topic in catalogue.topics.items():
        if topic_id not in faq.entries and topic.category not in unreadable:  # its file's own error says why
            faq.problems.append(
                Problem(str(faq_dir), 0, f"topik katalog {topic_id!r} belum punya entri di faq/")
            )
    return faq


#: PyYAML's safe loader, LibYAML's C version when available: the FAQ's thousands of examples parse in a
#: fraction of the pure-Python loader's 3 s, which a bot under load would otherwise spend holding the GIL.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_items(path: Path, faq: Faq, shape_message: str) -> list[tuple[Any, yaml.Node]] | None:
    """Parse a YAML file that must hold a list; return each item with its node (for line numbers).

    Broken YAML is reported as one problem at its line and gives None; another shape is reported and gives no items.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        faq.problems.append(Problem(str(path), 0, "berkas tidak tersimpan sebagai UTF-8 — simpan ulang dengan UTF-8"))
        return None
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (LibYAML's where installed)
    except yaml.YAMLError as exc:
        line, message = explain(exc, text)
        faq.problems.append(Problem(str(path), line, f"format YAML rusak, {message}"))
        return None
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        faq.problems.append(Problem(str(path), 1, shape_message))
        return []
    return list(zip(data, node.value, strict=True))


def _read_file(path: Path, faq: Faq) -> list[tuple[Entry, dict[str, int]]] | None:
    """Each entry of one file with the line of each of its fields; None when the file is not valid YAML."""
    items = _read_items(path, faq, "berkas harus berisi daftar entri (setiap entri diawali '- id:')")
    if items is None:
        return None
    read = []
    for item, item_node in items:
        entry_line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
            faq.problems.append(Problem(str(path), entry_line, "entri harus berupa pasangan kunci: nilai"))
            continue
        faq.problems += _node_problems(item_node, path)
        lines = {"": entry_line}
        for key, value in item_node.value:
            lines[key.value] = key.start_mark.line + 1
            if isinstance(value, yaml.SequenceNode):
                lines.update({f"{key.value}.{i}": v.start_mark.line + 1 for i, v in enumerate(value.value)})
        read.append((_entry_from(item, path, entry_line), lines))
    return read


def _node_problems(item_node: yaml.MappingNode, path: Path) -> list[Problem]:
    """A field written twice (YAML keeps the last silently) and list items that YAML read as 'key: value'."""
    problems, seen = [], set()
    for key, value in item_node.value:
        if key.value in seen:
            problems.append(Problem(str(path), key.start_mark.line + 1,
                                    f"kolom {key.value!r} ditulis dua kali dalam satu entri — hapus salah satunya"))
        seen.add(key.value)
        for item in value.value if isinstance(value, yaml.SequenceNode) else ():
            if isinstance(item, yaml.MappingNode):
                text = ", ".join(f"{k.value}: {v.value}" for k, v in item.value if isinstance(v, yaml.ScalarNode))
                problems.append(Problem(str(path), item.start_mark.line + 1, colon_in_value(key.value, text)))
    return problems


def _entry_from(item: dict[str, Any], path: Path, line: int) -> Entry:
    """Build an Entry from raw YAML, tolerating wrong types (validation reports them)."""
    reviewed = item.get("reviewed")
    return Entry(
        id=str(item.get("id") or ""),
        title=str(item.get("title") or ""),
        answer=str(item.get("answer") or "").strip(),
        links=tuple(str(x) for x in _as_list(item.get("links"))),
        reviewed=reviewed if isinstance(reviewed, dt.date) else dt.date.min,
        examples=tuple(str(x).strip() for x in _as_list(item.get("examples"))),
        legal=str(item.get("legal") or ""),
        title_en=str(item.get("title_en") or ""),
        answer_en=str(item.get("answer_en") or "").strip(),
        details=str(item.get("details") or "").strip(),
        details_en=str(item.get("details_en") or "").strip(),
        source=str(path),
        line=line,
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_entry(
    entry: Entry, lines: dict[str, int], path: Path, catalogue: Catalogue, today: dt.date
) -> list[Problem]:
    """Check one entry's fields, id, category, language, length, markup, links and date."""

    def at(key: str, message: str) -> Problem:
        return Problem(str(path), lines.get(key, lines[""]), message)

    problems = [at("", f"kolom wajib {key!r} tidak ada atau kosong") for key in REQUIRED_FIELDS
                if key not in lines or not _has_value(entry, key)]
    topic = catalogue.topics.get(entry.id)
    if entry.id and topic is None:
        problems.append(at("id", f"id {entry.id!r} tidak ada di katalog topik"))
    if topic and topic.category != path.stem:
        where = f"pindahkan ke faq/{topic.category}.yml"
        problems.append(at("id", f"topik {entry.id!r} termasuk kategori {topic.category!r}; {where}"))
    if topic and topic.english:
        for key in ("title_en", "answer_en"):
            if not getattr(entry, key):
                problems.append(at("", f"kolom {key!r} wajib diisi: topik ini harus punya jawaban Bahasa Inggris"))
    problems += [at(key, message) for key, message in _text_problems(entry)]
    for number, url in enumerate(entry.links):
        if problem := link_problem(url):
            problems.append(at(f"links.{number}" if f"links.{number}" in lines else "links", problem))
    if "reviewed" in lines and entry.reviewed == dt.date.min:
        problems.append(at("reviewed", "tanggal 'reviewed' harus berformat TTTT-BB-HH, misalnya 2025-03-01"))
    elif entry.reviewed > today:
        problems.append(at("reviewed", f"tanggal 'reviewed' {entry.reviewed} ada di masa depan"))
    if 0 < len(entry.examples) < MIN_EXAMPLES:
        problems.append(at("examples", f"contoh pertanyaan terlalu sedikit ({len(entry.examples)}, minimal {MIN_EXAMPLES})"))
    return problems


def _text_problems(entry: Entry) -> list[tuple[str, str]]:
    """(field, problem) for the answer and details texts: length on a phone screen and markup."""
    problems = []
    if entry.details_en and not entry.details:
        problems.append(("details_en", "kolom 'details_en' diisi tetapi 'details' (Bahasa Indonesia) kosong"))
    for key, limit in (("answer", MAX_ANSWER_CHARS), ("answer_en", MAX_ANSWER_CHARS),
                       ("details", MAX_DETAILS_CHARS), ("details_en", MAX_DETAILS_CHARS)):
        markup = getattr(entry, key)
        length = len(visible_text(markup))
        if length > limit:
            hint = "; pindahkan rincian ke kolom 'details'" if key.startswith("answer") else ""
            problems.append((key, f"{key} terlalu panjang ({length} karakter, maksimal {limit}) untuk layar ponsel{hint}"))
        problems += [(key, f"{key}: {p}") for p in markup_problems(markup)]
    return problems


def _has_value(entry: Entry, key: str) -> bool:
    value = getattr(entry, key)
    return value != dt.date.min if key == "reviewed" else bool(value)


def _check_duplicates(
    entry: Entry, lines: dict[str, int], path: Path, faq: Faq, example_owner: dict[str, str]
) -> list[Problem]:
    """Report a repeated id and example questions that already belong to another topic."""
    problems = []
    if entry.id in faq.entries:
        other = faq.entries[entry.id]
        problems.append(Problem(str(path), lines[""], f"id {entry.id!r} ganda; sudah dipakai di {other.source}:{other.line}"))
    for example in entry.examples:
        key = " ".join(example.lower().split())
        owner = example_owner.setdefault(key, entry.id)
        if owner != entry.id:
            problems.append(Problem(str(path), lines.get("examples", lines[""]),
                                    f"contoh {example!r} juga menjadi contoh topik {owner!r}"))
    return problems


def _read_notices(path: Path, faq: Faq, catalogue: Catalogue) -> list[Notice]:
    """Read and check the service notices file."""
    items = _read_items(path, faq, "berkas pemberitahuan harus berisi daftar (setiap item diawali '- text:')")
    notices = []
    for item, item_node in items or ():
        line = item_node.start_mark.line + 1
        problems = _notice_problems(item, catalogue)
        faq.problems.extend(Problem(str(path), line, f"pemberitahuan: {p}") for p in problems)
        if not problems:
            notices.append(Notice(
                text=str(item["text"]).strip(), start=item["from"], until=item["until"],
                topics=tuple(item.get("topics") or ()), on_start=bool(yes_or_no(item.get("on_start"))),
                text_en=str(item.get("text_en") or "").strip(),
            ))
    return notices


def yes_or_no(value: Any) -> bool | None:
    """A yes/no field: ya/tidak or true/false (YAML reads yes/no/on/off too); absent is no, anything else None."""
    if value is None or isinstance(value, bool):
        return bool(value)
    return YES_NO.get(value.strip().lower()) if isinstance(value, str) else None


def _notice_problems(item: Any, catalogue: Catalogue) -> list[str]:
    """Explain what is wrong with one notice."""
    if not isinstance(item, dict):
        return ["setiap pemberitahuan harus berupa pasangan kunci: nilai"]
    problems = [f"kolom wajib {key!r} tidak ada atau kosong" for key in ("text", "from", "until") if not item.get(key)]
    for key in ("from", "until"):
        if item.get(key) and not isinstance(item[key], dt.date):
            problems.append(f"tanggal {key!r} harus berformat TTTT-BB-HH")
    if isinstance(item.get("from"), dt.date) and isinstance(item.get("until"), dt.date) and item["until"] < item["from"]:
        problems.append("tanggal 'until' lebih awal dari 'from'")
    topics = item.get("topics") or []
    if not isinstance(topics, list):
        problems.append("'topics' harus berupa daftar id topik")
    else:
        problems += [f"topik {t!r} tidak ada di katalog" for t in topics if t not in catalogue.topics]
    on_start = yes_or_no(item.get("on_start"))
    if on_start is None:
        problems.append(f"'on_start' harus 'ya' atau 'tidak' (atau true/false), bukan {item['on_start']!r}")
    elif not topics and not on_start:
        problems.append("isi 'topics' atau 'on_start: ya' agar pemberitahuan tampil")
    for key in ("text", "text_en"):
        value = str(item.get(key) or "")
        if len(visible_text(value)) > MAX_NOTICE_CHARS:
            problems.append(f"{key} terlalu panjang (maksimal {MAX_NOTICE_CHARS} karakter)")
        problems += [f"{key}: {p}" for p in markup_problems(value)]
    return problems


def files_signature(faq_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the FAQ files: changes when staff save a file."""
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(faq_dir.glob("*.yml")) if p.is_file()
    )


class LiveFaq:
    """The FAQ as served: reloaded when its files change, keeping the last valid content if a reload fails."""

    def __init__(self, faq_dir: Path | None = None, check_every: float = 1.0) -> None:
        self.faq_dir = faq_dir or FAQ_DIR
        self.check_every = check_every
        self._faq = load_faq(self.faq_dir)
        self._signature = files_signature(self.faq_dir)
        self._checked = time.monotonic()
        self.last_problems: list[Problem] = list(self._faq.problems)

    def current(self) -> Faq:
        """The content to serve now (checking the files at most once per check_every seconds)."""
        if time.monotonic() - self._checked >= self.check_every:
            self._checked = time.monotonic()
            signature = files_signature(self.faq_dir)
            if signature != self._signature:
                self._signature = signature
                self._reload()
        return self._faq

    def _reload(self) -> None:
        fresh = load_faq(self.faq_dir)
        self.last_problems = list(fresh.problems)
        if fresh.problems:
            logger.error("FAQ reload refused, still serving the previous content:\n%s", "\n".join(map(str, fresh.problems)))
            return
        self._faq = fresh
        logger.info("FAQ reloaded: %d entries, %d notices", len(fresh.entries), len(fresh.notices))
