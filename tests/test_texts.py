"""The text catalogues: English for every resident-facing key, every key the code asks for exists, one fallback."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from actions.texts import CATALOGUES, read_catalogue, text
from bot import skm
from bot.paths import ROOT

INDONESIAN, ENGLISH = CATALOGUES["id"], CATALOGUES["en"]
RESIDENTS = INDONESIAN["residents"]
ALL_SENTENCES = [s for groups in CATALOGUES.values() for group in groups.values() for s in group.values()]
#: Keys the code builds at run time (f"reason_{...}"), by their literal prefix, with every value they take.
BUILT_KEYS = {
    "reason_": ("user", "assistant", "button"),
    "complaint_": ("pengaduan", "informasi", "aspirasi"),
    "speaker_": ("in", "out", "staff", "system"),
    "skm_element_": skm.ELEMENTS,
    "skm_score_": tuple(str(score) for score in skm.SCORES),
}


def placeholders(sentence: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(sentence) if field is not None}


def tags(sentence: str) -> list[str]:
    return sorted(re.findall(r"<[^>]*>", sentence))


def is_text_call(call: ast.Call) -> bool:
    """text(language, key, ...) imported from actions.texts, or texts.text(language, key, ...)."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return len(call.args) >= 2 and func.value.id == "texts" and func.attr == "text"
    return len(call.args) >= 2 and isinstance(func, ast.Name) and func.id == "text"


def keys_of(argument: ast.expr) -> set[str]:
    """The keys a text() argument can be: a literal, either branch of `a if c else b`, or a built key's values."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, ast.IfExp):
        return keys_of(argument.body) | keys_of(argument.orelse)
    if isinstance(argument, ast.JoinedStr):
        first = argument.values[0]
        prefix = first.value if isinstance(first, ast.Constant) else ""
        assert prefix in BUILT_KEYS, f"list the values of the built key {prefix!r}... in BUILT_KEYS"
        return {prefix + value for value in BUILT_KEYS[prefix]}
    return set()  # a variable: the literal it was set from is not checked here


def used_keys() -> set[str]:
    """Every key passed to text() in bot/ and actions/."""
    sources = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("actions/**/*.py")]
    nodes = [node for path in sources for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))]
    return {key for node in nodes if isinstance(node, ast.Call) and is_text_call(node) for key in keys_of(node.args[1])}


def test_english_has_exactly_the_resident_keys() -> None:
    assert set(ENGLISH) == {"residents"}
    assert set(ENGLISH["residents"]) == set(RESIDENTS)


def test_english_keeps_the_placeholders() -> None:
    assert [k for k, s in RESIDENTS.items() if placeholders(s) != placeholders(ENGLISH["residents"][k])] == []


def test_english_keeps_the_markup() -> None:
    assert [k for k, s in RESIDENTS.items() if tags(s) != tags(ENGLISH["residents"][k])] == []


def test_markup_is_bold_and_italic_only() -> None:
    assert {tag for s in ALL_SENTENCES for tag in tags(s)} <= {"<b>", "</b>", "<i>", "</i>"}


def test_links_go_to_government_sites_only() -> None:
    urls = [url for s in ALL_SENTENCES for url in re.findall(r"(?:https?://|www\.)[^\s)]+", s)]
    hosts = {re.sub(r"^https?://", "", url).split("/")[0] for url in urls}
    assert hosts and all(host.rstrip(".").endswith(".go.id") for host in hosts)


def test_the_key_scan_sees_literal_and_built_keys() -> None:
    assert {"start", "links", "erased", "erase_cancelled", "reason_button", "speaker_staff"} <= used_keys()


def test_every_key_the_code_uses_exists() -> None:
    assert sorted(used_keys() - {key for group in INDONESIAN.values() for key in group}) == []


def test_a_missing_english_sentence_falls_back_to_indonesian() -> None:
    assert text("en", "take_button") == INDONESIAN["staff"]["take_button"]
    assert text("fr", "start") == RESIDENTS["start"]


def test_the_users_language_comes_first() -> None:
    assert text("en", "erased") == ENGLISH["residents"]["erased"] != RESIDENTS["erased"]


def test_a_key_missing_from_indonesian_raises() -> None:
    with pytest.raises(KeyError):
        text("en", "no_such_key")


def test_a_key_in_two_groups_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xx.yml"
    path.write_text("residents:\n  yes_button: Ya\nstaff:\n  yes_button: Ya\n", encoding="utf-8")
    with pytest.raises(ValueError, match="more than one group"):
        read_catalogue(path)
