"""Every sentence residents and staff read: one YAML catalogue per language (id.yml, en.yml) and one lookup.

A catalogue has two groups: `residents` (what residents and console users see, in every language) and `staff`
(the staff group, supervisors and operators; Indonesian only, as staff work in Indonesian). Markup is the
FAQ's own: <b> and <i> only; the front ends render it for their channel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

#: The language every key must exist in, and the one used when the user's language lacks a key.
BASE_LANGUAGE = "id"
GROUPS = ("residents", "staff")
CATALOGUE_DIR = Path(__file__).parent

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
           "Agustus", "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"),
}


def read_catalogue(path: Path) -> dict[str, dict[str, str]]:
    """One language's sentences by group; refuses unknown groups, a key in two groups and anything but text."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not set(data) <= set(GROUPS):
        raise ValueError(f"{path}: the top level must be the groups {', '.join(GROUPS)}")
    seen: set[str] = set()
    for group, sentences in data.items():
        if not isinstance(sentences, dict):
            raise ValueError(f"{path}: {group} must map keys to sentences")
        for key, sentence in sentences.items():
            if not isinstance(sentence, str) or not sentence:
                raise ValueError(f"{path}: {group}.{key} must be a non-empty sentence")
            if key in seen:
                raise ValueError(f"{path}: {key} is in more than one group")
            seen.add(key)
    return data


#: Every language's catalogue by group, read once when the action server or the bot starts (so a broken
#: catalogue stops the start, not an answer); each file is named after its language.
CATALOGUES = {path.stem: read_catalogue(path) for path in sorted(CATALOGUE_DIR.glob("*.yml"))}
SENTENCES = {
    language: {key: sentence for group in groups.values() for key, sentence in group.items()}
    for language, groups in CATALOGUES.items()
}


def text(language: str, key: str, **values: str) -> str:
    """The sentence for a key in the user's language, else in Indonesian; a key Indonesian lacks is a KeyError."""
    sentence = SENTENCES.get(language, {}).get(key) or SENTENCES[BASE_LANGUAGE][key]
    return sentence.format(**values) if values else sentence


def long_date(day: dt.date, language: str) -> str:
    """Format a date as '28 November 2026' in the given language."""
    months = MONTHS.get(language, MONTHS[BASE_LANGUAGE])
    return f"{day.day} {months[day.month - 1]} {day.year}"
