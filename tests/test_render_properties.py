"""Telegram rendering as properties of the pure functions: any reply becomes valid HTML messages within the limit."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from bot.desk.markup import to_html
from bot.telegram.render import MAX_MESSAGE_UNITS, split_message, telegram_length
from tests.fake_telegram import html_problem

TAG = re.compile(r"</?[bi]>")
#: Text a person types (and a reply may quote): anything on one line, emoji (two UTF-16 units) often;
#: "< " keeps it from forming a <b>/<i> tag.
TYPED = st.text(
    alphabet=st.one_of(st.sampled_from("<>&;#/bi \u200b\u202e🙂𝐀"), st.characters(exclude_characters="\n")),
    max_size=60,
).map(lambda text: text.replace("<", "< "))
#: A reply: typed text, the FAQ's <b>/<i> within a line, long runs, blanks and line ends.
SEGMENT = st.one_of(
    TYPED,
    st.text(alphabet=" \t", min_size=1, max_size=3),
    TYPED.map("<b>{}</b>".format),
    TYPED.map("<i>{}</i>".format),
    st.builds(lambda text, times: text * times, TYPED, st.integers(1, 200)),
    st.just("\n"),
)
REPLY = st.lists(SEGMENT, max_size=30).map("".join)


def visible(text: str) -> str:
    """What a reader sees, ignoring formatting and white space."""
    return re.sub(r"\s", "", html.unescape(TAG.sub("", text)))


@given(typed=TYPED)
def test_typed_text_is_shown_literally(typed: str) -> None:
    rendered = to_html(typed)
    assert html.unescape(rendered) == typed
    assert html_problem(rendered) is None


@given(reply=REPLY, limit=st.integers(16, MAX_MESSAGE_UNITS))
def test_any_reply_splits_into_valid_messages_within_the_limit(reply: str, limit: int) -> None:
    parts = split_message(to_html(reply), limit)
    assert all(telegram_length(part) <= limit and html_problem(part) is None for part in parts)
    assert all(part.strip() for part in parts) or parts == [""]


@given(reply=REPLY, limit=st.integers(16, MAX_MESSAGE_UNITS))
def test_splitting_loses_nothing_the_reader_sees(reply: str, limit: int) -> None:
    rendered = to_html(reply)
    assert visible("".join(split_message(rendered, limit))) == visible(rendered)


@given(line=st.text(alphabet=st.characters(min_codepoint=0x10000), min_size=1, max_size=300), limit=st.integers(16, 64))
def test_astral_characters_are_never_cut(line: str, limit: int) -> None:
    parts = split_message(line, limit)
    assert "".join(parts) == line
    assert all(telegram_length(part) <= limit for part in parts)
