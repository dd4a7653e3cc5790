"""Every kind of button data, defined once: how it is written (`.data`) and read back (`parse`, `PATTERN`).

Telegram gives each button up to 64 bytes of data and sends it back verbatim; anyone can forge it, so every kind is
read with a full-match pattern and typed fields, and anything else is not a button of ours.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, TypeVar

C = TypeVar("C", bound="Callback")
#: How a field's text in the data becomes its value, by the field's annotation.
_READ: dict[str, Any] = {"str": str, "int": int, "bool": lambda value: value == "1"}


@dataclasses.dataclass(frozen=True)
class Callback:
    """Base of every button kind: a prefix, then the fields in order, separated by colons."""

    PREFIX: ClassVar[str]
    #: The whole data, prefix included, with one group per field.
    PATTERN: ClassVar[re.Pattern[str]]

    @property
    def data(self) -> str:
        """The button data Telegram carries."""
        values = [str(int(v)) if isinstance(v, bool) else str(v) for v in dataclasses.astuple(self)]
        return ":".join([self.PREFIX, *values])

    @classmethod
    def parse(cls: type[C], data: str) -> C | None:
        """The button this data stands for, or None when it is not exactly one of this kind."""
        match = cls.PATTERN.fullmatch(data)
        if match is None:
            return None
        fields = dataclasses.fields(cls)
        return cls(*(_READ[str(f.type)](value) for f, value in zip(fields, match.groups(), strict=True)))


ID = r"([a-z][a-z0-9_]{0,50})"
NUMBER = r"([1-9][0-9]{0,9})"


@dataclasses.dataclass(frozen=True)
class Ask(Callback):
    """A topic or conversation intent chosen from a list."""

    intent: str
    PREFIX: ClassVar[str] = "ask"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"ask:{ID}")


@dataclasses.dataclass(frozen=True)
class Details(Callback):
    """The details behind an answer, in the answer's language."""

    faq_id: str
    language: str
    PREFIX: ClassVar[str] = "more"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"more:{ID}:(id|en)")


@dataclasses.dataclass(frozen=True)
class Category(Callback):
    """The topics of one FAQ category."""

    key: str
    PREFIX: ClassVar[str] = "cat"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"cat:{ID}")


@dataclasses.dataclass(frozen=True)
class Menu(Callback):
    """The main menu: as a new message, or in place of the topic list it is pressed under (a way back)."""

    replace: bool
    PREFIX: ClassVar[str] = "menu"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("menu:([01])")


@dataclasses.dataclass(frozen=True)
class Location(Callback):
    """The office's address and map."""

    PREFIX: ClassVar[str] = "loc"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("loc")


@dataclasses.dataclass(frozen=True)
class Officer(Callback):
    """A resident asks for a human."""

    PREFIX: ClassVar[str] = "officer"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("officer")


@dataclasses.dataclass(frozen=True)
class Language(Callback):
    """A resident chooses a language."""

    code: str
    PREFIX: ClassVar[str] = "lang"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("lang:(id|en)")


@dataclasses.dataclass(frozen=True)
class RateAnswer(Callback):
    """An answer rated helpful or not."""

    faq_id: str
    helpful: bool
    PREFIX: ClassVar[str] = "rate"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"rate:{ID}:([01])")


@dataclasses.dataclass(frozen=True)
class RateTicket(Callback):
    """The 1-5 rating of a closed ticket."""

    ticket: int
    rating: int
    PREFIX: ClassVar[str] = "rt"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"rt:{NUMBER}:([1-5])")


@dataclasses.dataclass(frozen=True)
class Erase(Callback):
    """The answer to "delete all my data?"."""

    confirmed: bool
    PREFIX: ClassVar[str] = "erase"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("erase:([01])")


@dataclasses.dataclass(frozen=True)
class Complaint(Callback):
    """Start the complaint flow."""

    PREFIX: ClassVar[str] = "complaint"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("complaint")


@dataclasses.dataclass(frozen=True)
class ComplaintKind(Callback):
    """The SP4N-LAPOR! category of a complaint."""

    category: str
    PREFIX: ClassVar[str] = "cp"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("cp:(pengaduan|informasi|aspirasi)")


@dataclasses.dataclass(frozen=True)
class Misconduct(Callback):
    """Whether a complaint is about an officer's conduct, brokers or illegal fees."""

    yes: bool
    PREFIX: ClassVar[str] = "cm"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("cm:([01])")


@dataclasses.dataclass(frozen=True)
class Take(Callback):
    """A staff member takes a ticket."""

    ticket: int
    PREFIX: ClassVar[str] = "take"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"take:{NUMBER}")


@dataclasses.dataclass(frozen=True)
class Close(Callback):
    """A staff member closes a ticket."""

    ticket: int
    PREFIX: ClassVar[str] = "close"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"close:{NUMBER}")


@dataclasses.dataclass(frozen=True)
class CloseConfirm(Callback):
    """The answer to "close this ticket?" on its card."""

    ticket: int
    confirmed: bool
    PREFIX: ClassVar[str] = "close-confirm"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"close-confirm:{NUMBER}:([01])")


@dataclasses.dataclass(frozen=True)
class Survey(Callback):
    """The offer of the SKM survey after a closed ticket, accepted or declined."""

    ticket: int
    accepted: bool
    PREFIX: ClassVar[str] = "skm"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"skm:{NUMBER}:([01])")


@dataclasses.dataclass(frozen=True)
class SurveyScore(Callback):
    """One SKM element scored 1-4, or 0 for "does not apply"."""

    ticket: int
    element: int
    score: int
    PREFIX: ClassVar[str] = "skms"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"skms:{NUMBER}:([0-8]):([0-4])")


#: Buttons residents press in their private chat.
RESIDENT_KINDS: tuple[type[Callback], ...] = (
    Ask, Details, Category, Menu, Location, Officer, Language, RateAnswer, RateTicket, Erase, Complaint, ComplaintKind,
    Misconduct, Survey, SurveyScore,
)
#: Buttons on staff cards.
STAFF_KINDS: tuple[type[Callback], ...] = (Take, Close, CloseConfirm)


def parse(data: str, kinds: tuple[type[Callback], ...]) -> Callback | None:
    """The button of one of these kinds that this data stands for, or None."""
    return next((found for kind in kinds if (found := kind.parse(data)) is not None), None)
