"""What the desk asks a channel to deliver: typed messages with typed buttons, and what to record once sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.desk.callbacks import Callback


@dataclass(frozen=True)
class Person:
    """Someone writing to the desk: a resident, a staff member or a supervisor."""

    id: int
    name: str


@dataclass(frozen=True)
class Button:
    """A button: what it says and what pressing it means."""

    label: str
    callback: Callback


Keyboard = tuple[tuple[Button, ...], ...]


class Track(Enum):
    """What a delivered message is, for the records kept about a ticket."""

    CARD = "card"  # a ticket's card in the staff group: replies to it reach the resident
    RELAY = "relay"  # a resident's message relayed into a ticket's thread
    STAFF_REPLY = "staff_reply"  # an officer's reply delivered to the resident


@dataclass(frozen=True)
class Record:
    """What to store once the channel has delivered a message."""

    track: Track
    ticket_id: int
    #: For a staff reply: who wrote it, what, and the staff message it came from (chat id, message id).
    staff: Person | None = None
    text: str = ""
    source: tuple[int, int] | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message to send: text in the desk's markup (HTML with <b> and <i> only), buttons under it."""

    chat_id: int
    text: str
    buttons: Keyboard = ()
    #: The message this one answers, in the same chat.
    reply_to: int | None = None
    record: Record | None = None
    #: A PNG picture sent after the text (supervisors' charts).
    photos: tuple[bytes, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Pressed:
    """The outcome of a staff button: a short notice to the presser, a note on the card, messages to send."""

    notice: str = ""
    alert: bool = False
    card_note: str = ""
    keep_buttons: bool = True
    outgoing: tuple[Outgoing, ...] = ()
