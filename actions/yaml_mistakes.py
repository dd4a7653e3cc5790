"""Explain a YAML mistake in a FAQ file to staff: one plain-Indonesian sentence and the line to fix.

PyYAML (LibYAML or the pure loader) reports where parsing stopped, in parser terms ("mapping values are not
allowed here"); the common slips behind those reports are a ':' in an unquoted value, an uneven indentation,
a tab, an unclosed quote or bracket and a value starting with a YAML sign. Anything else keeps PyYAML's words.
"""

from __future__ import annotations

import re

import yaml

#: How staff call the fields of an entry or a notice.
FIELD_NAMES = {
    "id": "id", "title": "judul", "title_en": "judul Bahasa Inggris", "answer": "jawaban",
    "answer_en": "jawaban Bahasa Inggris", "details": "rincian", "details_en": "rincian Bahasa Inggris",
    "links": "tautan", "legal": "dasar hukum", "reviewed": "tanggal reviewed", "examples": "contoh pertanyaan",
    "text": "teks pemberitahuan", "text_en": "teks pemberitahuan Bahasa Inggris", "topics": "daftar topik",
}
INDENT_HINT = "kolom entri menjorok 2 spasi, isi daftar dan teks jawaban 4 spasi; samakan dengan baris sejenis di atasnya"
BRACKETS = {"[": "]", "{": "}"}
#: Signs that mean something to YAML at the start of a value (a list, a mapping, an alias, a tag ...).
YAML_SIGNS = ("[", "{", "*", "&", "!", "@", "`", "%")
_KEY_RE = re.compile(r"^(?P<indent> *)(?:- +)?(?P<key>[\w-]+):(?: +|$)")
_ITEM_RE = re.compile(r"^(?P<indent> *)- +")
_BLOCK_RE = re.compile(r"^(?P<indent> *)(?:- +)?[\w-]+: *[|>][-+0-9]*\s*(?:#.*)?$")
TAB = "ada karakter Tab — ganti dengan spasi"


def explain(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The line (1-based, 0 when unknown) and a plain-Indonesian message for a YAML error in this text."""
    lines = text.split("\n")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        return line, f"baris {line}: ada karakter tak terlihat yang tidak diizinkan — hapus karakter itu"
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return 0, f"susunan YAML tidak dapat dibaca ({exc}) — periksa indentasi dan tanda kutip"
    mark = exc.problem_mark
    index, message = _first_slip(lines, mark.line) or _translate(exc, mark, lines)
    return index + 1, f"baris {index + 1}: {message}"


def colon_in_value(key: str, value: str) -> str:
    """The message for a value holding ': ', which YAML reads as a new field unless it is quoted."""
    quoted = f'"{value}"' if '"' not in value else f"'{value}'"
    example = f"{key}: {quoted}" if key != "examples" else f"- {quoted}"
    return f"{field_name(key)} berisi ':' — beri tanda kutip, misalnya {example}"


def field_name(key: str) -> str:
    """What staff call a field (its YAML key when there is no plainer name)."""
    name = FIELD_NAMES.get(key)
    return f"{name} ({key})" if name and name != key else key


def _first_slip(lines: list[str], last: int) -> tuple[int, str] | None:
    """The first line up to `last` that breaks the FAQ files' layout, which PyYAML often notices only later.

    Outside block texts ('answer: |'), a line is indented by an even number of spaces, a line at 0 starts an item
    ('- '), one at 2 is a field ('key: value') or a list item, and a quoted value ends with its quote.
    """
    block_indent: int | None = None
    for index, line in enumerate(lines[: last + 1]):
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if block_indent is not None and indent > block_indent:
            continue
        block_indent = None
        key, start = _parts(line)
        value = line[start:].strip() if start else ""
        if line[indent] == "\t":
            return index, TAB
        if indent % 2 or (indent == 0 and not line.startswith(("- ", "---"))) or (indent == 2 and key is None
                                                                                   and not _ITEM_RE.match(line)):
            return index, _uneven(line)
        if value[:1] in ("'", '"') and (len(value) < 2 or value[-1] != value[0]):
            return index, _quote_slip(lines, index, value)
        if _BLOCK_RE.match(line):
            block_indent = len(line) - len(line.lstrip(" -"))
    return None


def _translate(exc: yaml.MarkedYAMLError, mark: yaml.Mark, lines: list[str]) -> tuple[int, str]:
    """The 0-based line of the mistake and its message: where a bracket or a text began, or where parsing stopped."""
    context = exc.context or ""
    if exc.context_mark is not None and ("flow" in context or "simple key" in context):
        opened = exc.context_mark.line
        if "simple key" in context:
            return opened, _uneven(lines[opened])
        sign = "[" if "sequence" in context else "{"
        return opened, (f"'{sign}' dibuka tetapi tidak ditutup dengan '{BRACKETS[sign]}' — bila "
                        f"{field_name(_field_of(lines, opened))} memang diawali '{sign}', beri tanda kutip")
    index = min(mark.line, len(lines) - 1)
    return index, _at_stop(exc.problem or "", mark.column, lines, index)


def _at_stop(problem: str, column: int, lines: list[str], index: int) -> str:
    """The message for the line where parsing stopped."""
    line, value = lines[index], _value_of(lines[index])
    in_value = column > _value_start(line)
    if "\t" in line or "tab" in problem:
        message = TAB
    elif "cannot start any token" in problem or "undefined alias" in problem or value[:1] in YAML_SIGNS:
        message = f"{field_name(_field_of(lines, index))} diawali '{value[:1] or line[column:column + 1]}' — beri tanda kutip"
    elif "mapping values are not allowed" in problem and in_value:
        message = colon_in_value(_field_of(lines, index), value)
    elif value[:1] in ("'", '"') and in_value:
        message = _quote_slip(lines, index, value)
    elif "mapping values are not allowed" in problem or "expected" in problem:
        message = _uneven(line)
    else:
        message = f"susunan YAML tidak dapat dibaca ({problem}) — periksa indentasi dan tanda kutip"
    return message


def _quote_slip(lines: list[str], index: int, value: str) -> str:
    """The message for a quoted value that is never closed, or closed early by a quote inside the text."""
    quote, other = value[0], '"' if value[0] == "'" else "'"
    if value.count(quote) < 2:
        return f"tanda kutip {quote} dibuka tetapi tidak ditutup"
    return (f"tanda kutip {quote} di dalam {field_name(_field_of(lines, index))} menutup teks terlalu awal — "
            f"pakai tanda kutip {other} di luar teksnya")


def _uneven(line: str) -> str:
    """The message for a line indented unlike its neighbours."""
    return f"indentasi tidak rata ({len(line) - len(line.lstrip(' '))} spasi) — {INDENT_HINT}"


def _parts(line: str) -> tuple[str | None, int]:
    """The key of a 'key: value' line (None for a list item inside a field) and where its value starts."""
    item = _ITEM_RE.match(line)
    if item and item["indent"]:
        return None, item.end()
    match = _KEY_RE.match(line)
    return (match["key"], match.end()) if match else (None, 0)


def _value_start(line: str) -> int:
    """Where the value of a 'key: value' or '- value' line starts (0 for any other line)."""
    return _parts(line)[1]


def _value_of(line: str) -> str:
    """The value written on a 'key: value' or '- value' line."""
    return line[_value_start(line) :].strip()


def _field_of(lines: list[str], index: int) -> str:
    """The key a line belongs to: its own, or for a list item or text line the key above it indented less."""
    key, _ = _parts(lines[index])
    if key:
        return key
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    for above in reversed(lines[:index]):
        key, _ = _parts(above)
        if key and len(above) - len(above.lstrip(" -")) < indent:
            return key
    return "nilai"
