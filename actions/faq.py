"""The curated FAQ: load faq/*.yml, validate it with file:line, look entries up, render them.

Pure Python (no Rasa import), so staff tools, the bot and the tests use it directly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAQ_DIR = PROJECT_ROOT / "faq"
#: A copy of ../shared/faq-catalogue.yml (a test keeps the two identical), so a clone runs alone.
CATALOGUE_PATH = Path(__file__).resolve().parent / "faq-catalogue.yml"

#: Longest answer (visible characters, markup excluded) that still reads well on a phone screen.
MAX_ANSWER_CHARS = 1200
#: Fewest example questions a topic needs for the model to learn it.
MIN_EXAMPLES = 8
ALLOWED_TAGS = ("b", "i")
REQUIRED_FIELDS = ("id", "title", "answer", "links", "reviewed", "examples")
OFFICIAL_DOMAIN_SUFFIX = ".go.id"

_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")


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
    source: str = ""
    line: int = 0

    def text(self, language: str) -> str:
        """The answer in the language asked for, Indonesian when no English answer exists."""
        return self.answer_en if language == "en" and self.answer_en else self.answer

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


@dataclass
class Faq:
    """All FAQ entries by id, with the problems found while loading them."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, faq_id: str) -> Entry | None:
        """Return the entry with this id, or None."""
        return self.entries.get(faq_id)


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
    """Explain what is wrong with an answer's markup (only <b> and <i>, properly closed)."""
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
    return problems


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
    today = today or dt.date.today()
    faq = Faq()
    example_owner: dict[str, str] = {}
    for path in sorted(faq_dir.glob("*.yml")):
        for entry, lines in _read_file(path, faq):
            problems = _check_entry(entry, lines, path, catalogue, today)
            problems += _check_duplicates(entry, lines, path, faq, example_owner)
            faq.problems.extend(problems)
            if entry.id not in faq.entries:
                faq.entries[entry.id] = entry
    for topic_id in catalogue.topics:
        if topic_id not in faq.entries:
            faq.problems.append(
                Problem(str(faq_dir), 0, f"topik katalog {topic_id!r} belum punya entri di faq/")
            )
    return faq


def _read_file(path: Path, faq: Faq) -> Iterable[tuple[Entry, dict[str, int]]]:
    """Yield each entry of one file with the line of each of its fields."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        faq.problems.append(Problem(str(path), line, f"format YAML rusak: {exc}"))
        return
    if data is None:
        return
    if not isinstance(data, list) or node is None or not isinstance(node, yaml.SequenceNode):
        faq.problems.append(Problem(str(path), 1, "berkas harus berisi daftar entri (setiap entri diawali '- id:')"))
        return
    for item, item_node in zip(data, node.value, strict=True):
        entry_line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
            faq.problems.append(Problem(str(path), entry_line, "entri harus berupa pasangan kunci: nilai"))
            continue
        lines = {"": entry_line}
        lines.update({key.value: key.start_mark.line + 1 for key, _ in item_node.value})
        yield _entry_from(item, path, entry_line), lines


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
    for key in ("answer", "answer_en"):
        markup = getattr(entry, key)
        length = len(visible_text(markup))
        if length > MAX_ANSWER_CHARS:
            problems.append(at(key, f"{key} terlalu panjang ({length} karakter, maksimal {MAX_ANSWER_CHARS}) untuk layar ponsel"))
        problems.extend(at(key, f"{key}: {p}") for p in markup_problems(markup))
    problems.extend(at("links", p) for p in filter(None, map(link_problem, entry.links)))
    if "reviewed" in lines and entry.reviewed == dt.date.min:
        problems.append(at("reviewed", "tanggal 'reviewed' harus berformat TTTT-BB-HH, misalnya 2025-03-01"))
    elif entry.reviewed > today:
        problems.append(at("reviewed", f"tanggal 'reviewed' {entry.reviewed} ada di masa depan"))
    if 0 < len(entry.examples) < MIN_EXAMPLES:
        problems.append(at("examples", f"contoh pertanyaan terlalu sedikit ({len(entry.examples)}, minimal {MIN_EXAMPLES})"))
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
