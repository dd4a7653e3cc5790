"""Office hours in Jakarta time, and Telegram HTML rendering and splitting."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.assistant import Reply
from bot.desk.callbacks import Menu, Officer, RateAnswer
from bot.desk.keyboards import reply_buttons
from bot.desk.markup import to_html
from bot.office_hours import JAKARTA, OfficeHours
from bot.telegram.render import MAX_MESSAGE_UNITS, split_message, telegram_length
from tests.fake_telegram import html_problem

HOURS = OfficeHours.parse("Mon-Thu 08:00-16:00, Fri 08:00-16:30")


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (dt.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA), True),  # Monday
        (dt.datetime(2026, 11, 30, 16, 0, tzinfo=JAKARTA), False),
        (dt.datetime(2026, 12, 4, 16, 15, tzinfo=JAKARTA), True),  # Friday
        (dt.datetime(2026, 12, 5, 10, 0, tzinfo=JAKARTA), False),  # Saturday
        (dt.datetime(2026, 11, 30, 1, 30, tzinfo=dt.timezone.utc), True),  # 08:30 in Jakarta
    ],
)
def test_is_open_in_jakarta_time(moment: dt.datetime, open_: bool) -> None:
    assert HOURS.is_open(moment) is open_


def test_next_opening_after_friday_is_monday_morning() -> None:
    friday_evening = dt.datetime(2026, 12, 4, 18, 0, tzinfo=JAKARTA)
    assert HOURS.next_opening(friday_evening) == dt.datetime(2026, 12, 7, 8, 0, tzinfo=JAKARTA)


def test_user_text_cannot_format_the_answer() -> None:
    rendered = to_html("<b>Biaya</b> <script>x</script> & <i>a</i> <a href='x'>y</a>")
    assert rendered == "<b>Biaya</b> &lt;script&gt;x&lt;/script&gt; &amp; <i>a</i> &lt;a href='x'&gt;y&lt;/a&gt;"
    assert html_problem(rendered) is None


def test_long_text_is_split_within_the_limit_and_stays_valid() -> None:
    text = to_html("\n".join(f"<b>baris {n}</b> " + "&" * 50 for n in range(200)) + "\n" + "x&" * 5000)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(0 < telegram_length(p) <= MAX_MESSAGE_UNITS for p in parts)
    assert all(html_problem(p) is None for p in parts)


def test_emoji_count_two_units_and_survive_splitting() -> None:
    text = to_html("<b>Warga:</b> " + "🙂" * 2100)
    parts = split_message(text)
    assert len(text) < MAX_MESSAGE_UNITS < telegram_length(text)
    assert [telegram_length(p) <= MAX_MESSAGE_UNITS for p in parts] == [True, True]
    assert "".join(parts).count("🙂") == 2100


def test_answer_keyboard_has_rating_officer_and_the_way_to_other_topics() -> None:
    keyboard = reply_buttons(Reply("x", "answer", faq_id="paspor_biaya"))
    data = [b.callback for row in keyboard for b in row]
    assert data == [RateAnswer("paspor_biaya", True), RateAnswer("paspor_biaya", False), Officer(), Menu(False)]


def test_smalltalk_gets_only_the_way_to_other_topics() -> None:
    assert [b.callback for row in reply_buttons(Reply("halo", "smalltalk")) for b in row] == [Menu(False)]
