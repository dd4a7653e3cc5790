"""Mask Indonesian personal identifiers before anything is stored, logged, reported or exported.

Identifiers are looked for in a normalised view of the text (NFKC, no format characters such as zero-width
spaces, one kind of dash), so one written with look-alike characters or odd spacing is masked like the plain one;
the rest of the text keeps its characters and layout, without control characters and bidi overrides. Dates, times
and amounts of money, as the bot itself writes them ("01-12-2026 08:00", "Rp1.500.000.000"), stay readable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

#: Digits an identifier has at least: NIK/KK 16, phones 10-13, passports written as digits and account numbers 9+.
#: Shorter numbers (fees such as 650.000, years, times, ticket numbers) stay readable.
MIN_DIGITS = 9
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d\d"
_DATE = "|".join([*(f"{_DAY}{sep}{_MONTH}{sep}{_YEAR}" for sep in ("-", "/", r"\.")), f"{_YEAR}-{_MONTH}-{_DAY}"])
#: What the bot writes that a run of digits may consist of: dates (29-11-2026, 2026-11-29), times (08.00, also as a
#: range 08.00-16.00) and amounts with thousands dots (1.500.000.000), joined by spaces, dashes, slashes or brackets.
_SHAPE = rf"(?:{_DATE}|(?:[01]?\d|2[0-4])\.[0-5]\d|[1-9]\d{{0,2}}(?:\.\d{{3}})+)"
WRITTEN_BY_BOT = re.compile(rf"{_SHAPE}(?:[\s()/-]+{_SHAPE})*")
#: The hour of a time written with a colon ("29-11-2026 08:00" is read as the run "29-11-2026 08"), and its minutes.
HOUR_BEFORE_COLON = re.compile(r"[\s()/-]*\d{1,2}$")
MINUTES_AFTER_COLON = re.compile(r"^\d{2}[\s()/-]*")
#: An amount of money: "Rp" (before the run of digits), then digits with any thousands and decimal marks.
RUPIAH_BEFORE = re.compile(r"[Rr]p\.?\s*$")
RUPIAH_AMOUNT = re.compile(r"^[1-9]\d*(?:[.,]\d+)*[\s()/-]*")
#: Control characters (newline and tab stay) and bidi controls, which can rewrite a terminal or reorder a line.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Dash look-alikes folded to "-": hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus.
DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_AT = r"(?:@|\s*[\[(]\s*at\s*[\])]\s*)"
_DOT = r"(?:\.|\s*[\[(]\s*dot\s*[\])]\s*)"
EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
#: Digits joined by any separators (whitespace . / _ - and parentheses), with a leading + or (.
DIGIT_RUN = re.compile(r"[+(]*\d(?:[\s./_()\-]*\d)*")
PHONE = re.compile(r"(?:0|62)8\d{7,12}")
PHONE_PLACEHOLDER = "[TELEPON]"
#: A rupiah amount is kept; a passport is one letter and 7-8 digits, glued to the word before or the letter after
#: it, or a lone letter, spaces and the digits.
PASSPORT = re.compile(
    r"(?P<rupiah>(?<![A-Za-z])[Rr]p\s*\d+)|(?<!\d)[A-Za-z]\d{7,8}(?!\d)|(?<![A-Za-z])[A-Za-z][^\S\n]+\d{7,8}(?!\d)"
)
#: How a cell starts that spreadsheets read as a formula (or that hides one behind a tab or carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Placeholder = Callable[[re.Match[str]], "str | None"]


def clean(text: str) -> str:
    """The text without control characters (newline and tab stay) and bidi controls."""
    return UNSAFE.sub("", text)


def mask(text: str) -> str:
    """Clean the text and replace e-mail addresses, phone, NIK/KK, account and passport numbers with placeholders."""
    text = clean(text)
    seen = view(text)
    for pattern, placeholder in RULES:
        masked = substitute(text, pattern, placeholder, seen)
        if masked != text:
            text, seen = masked, view(masked)
    return text


def phone_number(text: str) -> str:
    """The first phone number in a text, as digits (with + if written): the one mask() turns into [TELEPON] first."""
    normal = EMAIL.sub(" ", view(clean(text))[0])
    for match in DIGIT_RUN.finditer(normal):
        if number(match) == PHONE_PLACEHOLDER:
            return ("+" if match[0].startswith("+") else "") + re.sub(r"\D", "", match[0])
    return ""


def view(text: str) -> tuple[str, Sequence[int]]:
    """The text as identifiers are looked for in (NFKC per character, no format characters, dashes folded), with
    the index in `text` each of its characters comes from."""
    if text.isascii():
        return text, range(len(text))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            chars.append(char)
            origin.append(index)
        elif unicodedata.category(char) != "Cf":
            normal = unicodedata.normalize("NFKC", char)
            chars.append(normal)
            origin += [index] * len(normal)
    return DASHES.sub("-", "".join(chars)), origin


def substitute(text: str, pattern: re.Pattern[str], placeholder: Placeholder,
               seen: tuple[str, Sequence[int]] | None = None) -> str:
    """Replace in `text` every stretch whose normalised view (`seen`, if already made) matches and gets a placeholder."""
    normal, origin = seen or view(text)
    parts: list[str] = []
    end = 0
    for match in pattern.finditer(normal):
        label = placeholder(match)
        if label is not None:
            start = origin[match.start()]
            parts += [text[end:start], label]
            end = origin[match.end() - 1] + 1
    return "".join(parts) + text[end:]


def number(match: re.Match[str]) -> str | None:
    """The placeholder for a run of 9 or more digits (none when shorter, or shaped like dates, times and money)."""
    digits = re.sub(r"\D", "", match[0])
    if len(digits) < MIN_DIGITS or looks_written_by_bot(match):
        return None
    if PHONE.fullmatch(digits):
        return PHONE_PLACEHOLDER
    return "[NIK/KK]" if len(digits) == 16 else "[NOMOR]"


def looks_written_by_bot(match: re.Match[str]) -> bool:
    """Whether a run of digits is made only of dates, times and amounts of money (Rp or thousands dots).

    Checked on the whole run, so an identifier is never cut into a kept date and a shorter rest.
    """
    run, before = match[0].lstrip("("), match.string[max(0, match.start() - 8) : match.start()]
    after = match.string[match.end() : match.end() + 1]
    if RUPIAH_BEFORE.search(before):
        run = RUPIAH_AMOUNT.sub("", run, count=1)
    if after.startswith(":"):
        run = HOUR_BEFORE_COLON.sub("", run)
    if before.endswith(":"):
        run = MINUTES_AFTER_COLON.sub("", run)
    return not run or WRITTEN_BY_BOT.fullmatch(run) is not None


#: In this order: an e-mail address may hold digits, and a passport's digits are too few for a number.
RULES: tuple[tuple[re.Pattern[str], Placeholder], ...] = (
    (EMAIL, lambda _: "[EMAIL]"),
    (DIGIT_RUN, number),
    (PASSPORT, lambda m: None if m["rupiah"] else "[PASPOR]"),
)


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe (OWASP)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value
