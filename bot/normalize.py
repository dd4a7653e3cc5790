"""Apply the staff-editable chat dictionary (nlu_data/normalisasi.yml) before the model reads."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from bot.paths import NORMALISATION_PATH

_WORD_RE = re.compile(r"[\w][\w'-]*")
#: Zero-width and direction marks that only hide words from the model.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"))


class Normalizer:
    """Rewrites chat abbreviations and common typos into standard words, e.g. 'brp' -> 'berapa'."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = {str(k).lower(): str(v).lower() for k, v in mapping.items()}

    @classmethod
    def load(cls, path: Path = NORMALISATION_PATH) -> Normalizer:
        """Read the dictionary file (a YAML mapping of chat form to standard form)."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: kamus harus berisi pasangan 'bentuk_chat: bentuk_baku'")
        return cls(data)

    def __call__(self, message: str) -> str:
        """Return the message in lower case with dictionary words replaced and spacing tidied."""
        message = unicodedata.normalize("NFKC", message).translate(_INVISIBLE)
        message = " ".join(message.split())
        return _WORD_RE.sub(lambda m: self.mapping.get(m.group(0).lower(), m.group(0).lower()), message)
