"""What the desk asks a channel to deliver: typed messages with typed buttons, and what to record once sent."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from bot.desk import callbacks
from bot.desk.callbacks import Callback
from bot.privacy import mask


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


@dataclass(frozen=True)
class Photo:
    """A PNG picture with the caption shown under it."""

    png: bytes = field(repr=False)
    caption: str = ""


@dataclass(frozen=True)
class Link:
    """A button that opens a web address (an official site, a map) instead of asking the desk."""

    label: str
    url: str


@dataclass(frozen=True)
class Under:
    """The message a button was pressed under, as the channel shows it now: id, text (desk markup), buttons."""

    message_id: int
    text: str = ""
    buttons: Keyboard = ()


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
    #: Pictures sent after the text (supervisors' charts).
    photos: tuple[Photo, ...] = ()
    #: The message in this chat that this one replaces in place (a one-shot choice settled, a survey's next step).
    edit: int | None = None
    #: Web-address buttons, above the other buttons.
    links: tuple[Link, ...] = ()
    #: A short notice on the button just pressed (Telegram shows it briefly), not a message in the chat.
    notice: bool = False


def to_json(outgoing: Outgoing) -> str:
    """A message as JSON, to be stored until it is sent: what people wrote is masked, as everywhere in storage."""
    record = outgoing.record
    stored_record = None if record is None else {**asdict(record), "track": record.track.value, "text": mask(record.text)}
    return json.dumps({
        "chat_id": outgoing.chat_id, "text": mask(outgoing.text), "reply_to": outgoing.reply_to,
        "buttons": [[[b.label, b.callback.data] for b in row] for row in outgoing.buttons],
        "record": stored_record,
        "photos": [[base64.b64encode(p.png).decode(), p.caption] for p in outgoing.photos],
        "edit": outgoing.edit, "links": [[link.label, link.url] for link in outgoing.links],
    }, ensure_ascii=False)


def from_json(text: str) -> Outgoing:
    """A stored message back as the desk wrote it (buttons that no longer parse are left out)."""
    data: dict[str, Any] = json.loads(text)
    kinds = callbacks.RESIDENT_KINDS + callbacks.STAFF_KINDS
    rows = tuple(
        tuple(Button(label, pressed) for label, value in row if (pressed := callbacks.parse(value, kinds)))
        for row in data["buttons"]
    )
    record = data["record"]
    if record is not None:
        staff = record["staff"]
        record = Record(Track(record["track"]), record["ticket_id"], Person(**staff) if staff else None,
                        record["text"], tuple(record["source"]) if record["source"] else None)
    return Outgoing(data["chat_id"], data["text"], tuple(r for r in rows if r), data["reply_to"], record,
                    tuple(stored_photo(p) for p in data["photos"]), data.get("edit"),  # absent in older rows
                    tuple(Link(label, url) for label, url in data.get("links", [])))


def stored_photo(value: str | list[str]) -> Photo:
    """A stored picture: [PNG in base64, caption], or the bare base64 of rows stored before pictures had captions."""
    png, caption = (value, "") if isinstance(value, str) else value
    return Photo(base64.b64decode(png), caption)
