"""Learning from what residents ask: group unanswered messages, and add one to a topic's examples."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.faq import FAQ_DIR, load_faq
from bot.normalize import Normalizer

#: Words too common to say two messages ask the same thing.
STOPWORDS = frozenset("yang dan di ke dari untuk dengan saya apa apakah bagaimana berapa bisa tidak sudah mau ingin "
                      "ada itu ini kalau atau juga saja admin kakak ya dong sih the a an is to i my do how what".split())
SIMILARITY = 0.5
#: Hex digits of a group's key: short to type, long enough that two groups of one list do not share it.
KEY_LENGTH = 6


@dataclass
class Group:
    """Unanswered messages worded alike, under a key that stays while the group is listed."""

    key: str = ""
    texts: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    words: frozenset[str] = frozenset()
    guesses: dict[str, int] = field(default_factory=dict)

    @property
    def top_guess(self) -> str | None:
        """The topic the model most often guessed for this group."""
        return max(self.guesses, key=self.guesses.__getitem__) if self.guesses else None


def words_of(text: str, normalize: Normalizer) -> frozenset[str]:
    """The meaningful words of a message, after the chat dictionary."""
    return frozenset(w for w in re.findall(r"[\w-]+", normalize(text)) if w not in STOPWORDS and len(w) > 1)


def group_key(text: str, normalize: Normalizer) -> str:
    """A group's key: a short hash of its first message as normalised (adding another group leaves it alone)."""
    normal = " ".join(normalize(text).split())
    return hashlib.sha256(normal.encode()).hexdigest()[:KEY_LENGTH]


def group_unanswered(rows: Iterable[dict[str, Any]], normalize: Normalizer) -> list[Group]:
    """Group messages whose meaningful words overlap (Jaccard >= 0.5), most frequent group first."""
    groups: list[Group] = []
    for row in rows:
        words = words_of(row["text"], normalize)
        group = next((g for g in groups if _jaccard(words, g.words) >= SIMILARITY), None)
        if group is None:
            group = Group(key=group_key(row["text"], normalize), words=words)
            groups.append(group)
        group.texts.append(row["text"])
        group.ids.append(row["id"])
        guesses = json.loads(row.get("guesses") or "[]")
        if guesses:
            group.guesses[guesses[0][0]] = group.guesses.get(guesses[0][0], 0) + 1
    return sorted(groups, key=lambda g: -len(g.ids))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else float(a == b)


class AddError(Exception):
    """The example could not be added (the message says why, in Indonesian)."""


def add_example(topic_id: str, text: str, faq_dir: Path = FAQ_DIR) -> Path:
    """Append an example question to a topic in its faq/*.yml file, keeping formatting and comments."""
    faq = load_faq(faq_dir)
    entry = faq.get(topic_id)
    if entry is None:
        raise AddError(f"topik {topic_id!r} tidak ditemukan di faq/")
    text = " ".join(text.split())
    for other in faq.entries.values():
        if text.lower() in (e.lower() for e in other.examples):
            raise AddError(f"{text!r} sudah menjadi contoh topik {other.id!r}")
    path = Path(entry.source)
    original = path.read_text(encoding="utf-8")
    lines = original.split("\n")
    position = _after_last_example(lines, topic_id)
    scalar = yaml.safe_dump(text, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()
    lines.insert(position, f"    - {scalar}")
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = [p for p in load_faq(faq_dir).problems if p.path == str(path)]
    if problems:
        path.write_text(original, encoding="utf-8")
        raise AddError("contoh tidak ditambahkan: " + "; ".join(p.message for p in problems))
    return path


def _after_last_example(lines: list[str], topic_id: str) -> int:
    """The line index just after the last item of the topic's block-style examples list."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"-\s+id:\s*{re.escape(topic_id)}\s*$", line)), None)
    if start is None:
        raise AddError(f"entri {topic_id!r} harus diawali baris '- id: {topic_id}'")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    header = next((i for i in range(start, end) if lines[i].strip() == "examples:"), None)
    if header is None:
        raise AddError(f"entri {topic_id!r} tidak punya daftar 'examples:' berbentuk baris '- ...'")
    last = header
    for i in range(header + 1, end):
        stripped = lines[i].strip()
        if stripped.startswith("- "):
            last = i
        elif stripped and not stripped.startswith("#"):
            break
    return last + 1
