"""The ticket life cycle: escalate with a staff card, relay both ways, take, close, rate, survey."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bot import skm, storage, texts
from bot.desk import callbacks as cb
from bot.desk import keyboards
from bot.desk.core import Desk
from bot.desk.markup import escape
from bot.desk.outgoing import Button, Keyboard, Outgoing, Person, Record, Track
from bot.office_hours import duration, jakarta

TRANSCRIPT_LINE_CHARS = 300
#: Staff replies that start with this are notes among staff, never relayed to the resident.
INTERNAL_NOTE = "#catatan"
#: The ticket number in the first line of a card ("🎫 Tiket #12 …") or of a relay ("💬 Budi (tiket #12):"),
#: catalogue keys "card" and "relay_from_user"; anchored so that a resident's name cannot supply it.
DESK_TICKET = re.compile(r"^\W*Tiket #(\d+)|\(tiket #(\d+)\):$")
#: What a staff member may send a resident besides text (as Telegram names a message's content).
RELAYED_MEDIA = frozenset({"photo", "document", "video", "audio", "voice"})


@dataclass(frozen=True)
class StaffReply:
    """A staff member's message in reply to another: who wrote it, where, and which message it answers."""

    person: Person
    chat_id: int
    message_id: int
    replied_to: int | None
    #: Whether the message answered is one of the desk's own (a card, a relayed message, a notice).
    to_desk: bool
    text: str = ""
    #: The text of the message answered, when it is one of the desk's own.
    replied_text: str = ""


@dataclass(frozen=True)
class Copy:
    """A staff member's photo or document to copy into the resident's chat, under a staff reply's caption."""

    chat_id: int
    caption: str
    record: Record


@dataclass(frozen=True)
class CardChange:
    """What a button on a card does: a notice to the presser, what the card gets (a note added to its text, new
    buttons; None leaves them as they are), and messages to send."""

    notice: str = ""
    alert: bool = False
    note: str = ""
    buttons: Keyboard | None = None
    outgoing: tuple[Outgoing, ...] = ()


def shorten(text: str, limit: int) -> str:
    """The text in at most `limit` characters, cut after a whole word and marked with '…' when cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace() and len(head.split()) > 1:
        head = head.rsplit(maxsplit=1)[0]
    return head.rstrip(" ,.;:") + "…"


def waited(since: str, now: dt.datetime) -> str:
    """How long ago an ISO UTC time was, for staff."""
    return duration((now - dt.datetime.fromisoformat(since)).total_seconds())


def card_text(desk: Desk, ticket: dict[str, Any], name: str, language: str, transcript: list[dict[str, Any]]) -> str:
    """The staff card: ticket number, resident and their language, topic title, when it came in (and whether
    outside office hours), how long it has waited, and the recent conversation."""
    lines = [
        f"<b>{texts.SPEAKERS.get(m['direction'], m['direction'])}:</b> {escape(shorten(m['text'], TRANSCRIPT_LINE_CHARS))}"
        for m in transcript
    ]
    topic = ticket["topic"]
    entry = desk.faq.current().get(topic) if topic else None
    created, now = dt.datetime.fromisoformat(ticket["created_at"]), dt.datetime.now(dt.timezone.utc)
    return texts.text(
        "id", "card", ticket=str(ticket["id"]), reason=texts.text("id", f"reason_{ticket['reason']}"),
        name=escape(name), speaks=texts.text("id", "card_language_en" if language == "en" else "card_language_id"),
        topic=escape(entry.title if entry else topic or "-"), created=jakarta(ticket["created_at"]),
        outside="" if desk.settings.office_hours.is_open(created) else texts.text("id", "card_outside_hours"),
        waited=waited(ticket["created_at"], now), transcript="\n".join(lines) or "-",
    )


async def card(desk: Desk, ticket: dict[str, Any], name: str, language: str | None = None) -> Outgoing:
    """A ticket's card for the staff group, with the resident's recent conversation (in `language`, else the one
    they chose)."""
    assert desk.settings.staff_chat_id is not None
    transcript = await desk.store(storage.recent_messages, ticket["user_id"])
    language = language or await desk.language(ticket["user_id"])
    return Outgoing(desk.settings.staff_chat_id, card_text(desk, ticket, name, language, transcript),
                    keyboards.card(ticket["id"]), record=Record(Track.CARD, ticket["id"]))


async def escalate(desk: Desk, person: Person, language: str, reason: str) -> list[Outgoing]:
    """Open (or reuse) the person's ticket, post its card to the staff group and say what happens next."""
    settings, store = desk.settings, desk.store
    if settings.staff_chat_id is None:
        return [Outgoing(person.id, texts.text(language, "no_staff"))]
    ticket, existed = await store(storage.escalate, person.id, reason)
    sent = [] if ticket.get("card_message_id") else [await card(desk, ticket, person.name, language)]
    number = str(ticket["id"])
    if existed and ticket.get("card_message_id"):
        return [*sent, Outgoing(person.id, texts.text(language, "already_queued", ticket=number))]
    now = dt.datetime.now(dt.timezone.utc)
    if settings.office_hours.is_open(now):
        position = await store(storage.queue_position, ticket["id"])
        message = texts.text(language, "queued_open", ticket=number, position=str(position))
    else:
        opening = settings.office_hours.next_opening(now)
        when = opening.strftime("%d-%m-%Y %H:%M") if opening else "-"
        message = texts.text(language, "queued_closed", ticket=number, opening=when)
    await store(storage.log_message, person.id, "system", message, ticket_id=ticket["id"])
    return [*sent, Outgoing(person.id, message)]


async def relay_to_staff(desk: Desk, ticket: dict[str, Any], person: Person, text: str) -> list[Outgoing]:
    """Pass a resident's message into the ticket's thread in the staff group."""
    chat_id = ticket.get("card_chat_id") or desk.settings.staff_chat_id
    if chat_id is None:
        return []
    await desk.store(storage.log_message, person.id, "in", text, ticket_id=ticket["id"])
    relay = texts.text("id", "relay_from_user", name=escape(person.name), ticket=str(ticket["id"]), text=escape(text))
    return [Outgoing(chat_id, relay, reply_to=ticket["card_message_id"], record=Record(Track.RELAY, ticket["id"]))]


async def answered_ticket(desk: Desk, reply: StaffReply) -> dict[str, Any] | list[Outgoing] | None:
    """The open ticket a staff reply answers, or what its writer is told instead ([] for a note among staff); None
    when it answers no message of the desk."""
    note = reply.text.lstrip().lower().startswith(INTERNAL_NOTE)
    ticket = await desk.store(storage.ticket_for_message, reply.chat_id, [reply.replied_to])
    if ticket is None and reply.to_desk and reply.replied_to:
        ticket = await unconfirmed(desk, reply.chat_id, reply.replied_to, reply.replied_text)
    if ticket is None:  # a card or relay whose resident erased their data is no longer linked to its ticket
        return None if note or not reply.to_desk else notice(reply, "reply_unlinked")
    if note:
        return []
    if not await desk.may_handle(reply.person.id):
        return notice(reply, "not_staff")
    if ticket["status"] == storage.TICKET_CLOSED or ticket["user_id"] is None:
        return notice(reply, "already_closed", ticket=str(ticket["id"]))
    return ticket


async def unconfirmed(desk: Desk, chat_id: int, message_id: int, text: str) -> dict[str, Any] | None:
    """The active ticket of a card or relay Telegram got but never confirmed (a timeout, or a crash while sending
    it), known by the number it shows; from now on also by its message id."""
    found = DESK_TICKET.search(text.split("\n", 1)[0])
    ticket = await desk.store(storage.get_ticket, int(found.group(1) or found.group(2))) if found else None
    if ticket is None or ticket["status"] not in storage.ACTIVE:
        return None
    await desk.store(storage.add_relay, chat_id, message_id, ticket["id"])
    return ticket


def notice(reply: StaffReply, key: str, **values: str) -> list[Outgoing]:
    """A notice to staff, in reply to their message."""
    return [Outgoing(reply.chat_id, texts.text("id", key, **values), reply_to=reply.message_id)]


async def staff_text(desk: Desk, reply: StaffReply) -> list[Outgoing] | None:
    """Relay a staff (or supervisor) reply to a ticket's card or to a resident's relayed message; None when it
    answers no message of the desk. A reply starting with INTERNAL_NOTE stays among staff."""
    ticket = await answered_ticket(desk, reply)
    if not isinstance(ticket, dict):
        return ticket
    language = await desk.language(ticket["user_id"])
    record = Record(Track.STAFF_REPLY, ticket["id"], staff=reply.person, text=reply.text,
                    source=(reply.chat_id, reply.message_id))
    return [Outgoing(ticket["user_id"], texts.text(language, "staff_says", text=escape(reply.text)), record=record)]


async def staff_media(desk: Desk, reply: StaffReply, kind: str) -> Copy | list[Outgoing] | None:
    """A photo, document, video or voice message in reply to a card or relay: copied to the resident under the
    caption; any other kind is not, and staff are told why."""
    ticket = await answered_ticket(desk, reply)
    if not isinstance(ticket, dict):
        return ticket
    if kind not in RELAYED_MEDIA:
        return notice(reply, "media_not_relayed")
    language = await desk.language(ticket["user_id"])
    record = Record(Track.STAFF_REPLY, ticket["id"], staff=reply.person,
                    text=texts.text("id", "media_log", caption=reply.text), source=(reply.chat_id, reply.message_id))
    return Copy(ticket["user_id"], texts.text(language, "staff_says", text=escape(reply.text)), record)


async def delivered(desk: Desk, record: Record, chat_id: int, message_ids: list[int]) -> None:
    """Store what a delivered message means for its ticket: every part of a card or relay maps to the ticket; a
    staff reply sent without the outbox (whose queueing records it) is recorded now."""
    if record.track is Track.CARD:
        await desk.store(storage.set_card, record.ticket_id, chat_id, message_ids[0])
    if record.track in (Track.CARD, Track.RELAY):
        for message_id in message_ids[1:] if record.track is Track.CARD else message_ids:
            await desk.store(storage.add_relay, chat_id, message_id, record.ticket_id)
    elif (reply := staff_reply_of(record)) is not None:
        await desk.store(storage.record_staff_reply, *reply)


def staff_reply_of(record: Record | None) -> tuple[int, int, str, str] | None:
    """What to record of a staff reply (ticket, staff id, staff name, text); None for any other message."""
    if record is None or record.track is not Track.STAFF_REPLY or not record.staff or not record.source:
        return None
    return record.ticket_id, record.staff.id, record.staff.name, record.text


def undelivered(record: Record, error: str) -> list[Outgoing]:
    """Tell the officer when their reply did not reach the resident."""
    if record.track is not Track.STAFF_REPLY or record.source is None:
        return []
    chat_id, message_id = record.source
    notice = texts.text("id", "delivery_failed", ticket=str(record.ticket_id), error=escape(error))
    return [Outgoing(chat_id, notice, reply_to=message_id)]


def card_buttons(ticket: dict[str, Any]) -> Keyboard:
    """The buttons a card shows for its ticket's state: take and close, close once taken, none once closed."""
    if ticket["status"] == storage.TICKET_CLOSED:
        return ()
    if ticket["status"] == storage.TICKET_TAKEN:
        return ((Button(texts.text("id", "close_button"), cb.Close(ticket["id"])),),)
    return keyboards.card(ticket["id"])


async def card_button(desk: Desk, person: Person, button: cb.Take | cb.Close | cb.CloseConfirm) -> CardChange:
    """A button on a ticket's card: only staff and supervisors may press it, and only on a ticket that exists;
    closing asks to confirm first."""
    ticket = await desk.store(storage.get_ticket, button.ticket)
    if ticket is None:
        return CardChange()
    if not await desk.may_handle(person.id):
        return CardChange(texts.text("id", "not_staff"), alert=True)
    number = str(ticket["id"])
    match button:
        case cb.Take():
            return await take(desk, person, ticket)
        case cb.Close() if ticket["status"] != storage.TICKET_CLOSED:
            confirm = ((Button(texts.text("id", "close_confirm_button"), cb.CloseConfirm(ticket["id"], True)),
                        Button(texts.text("id", "close_cancel_button"), cb.CloseConfirm(ticket["id"], False))),)
            return CardChange(texts.text("id", "close_ask", ticket=number), buttons=confirm)
        case cb.CloseConfirm(_, False):
            return CardChange(texts.text("id", "close_kept", ticket=number), buttons=card_buttons(ticket))
    return await close(desk, person, ticket)


async def take(desk: Desk, person: Person, ticket: dict[str, Any]) -> CardChange:
    """A staff member takes a ticket (only one can) and the resident is told; the card says who and after how
    long, and keeps only its close button."""
    number = str(ticket["id"])
    if await desk.store(storage.take_ticket, ticket["id"], person.id, person.name):
        note = texts.text("id", "card_taken", staff=escape(person.name),
                          waited=waited(ticket["created_at"], dt.datetime.now(dt.timezone.utc)))
        told = Outgoing(ticket["user_id"], texts.text(await desk.language(ticket["user_id"]), "ticket_taken_user",
                                                      ticket=number))
        taken = {**ticket, "status": storage.TICKET_TAKEN}
        return CardChange(texts.text("id", "taken_ok", ticket=number), note=note, buttons=card_buttons(taken),
                          outgoing=(told,))
    current = await desk.store(storage.get_ticket, ticket["id"]) or ticket
    if current["status"] == storage.TICKET_CLOSED:
        return CardChange(texts.text("id", "already_closed", ticket=number), buttons=())
    if current["taken_by"] == person.id:  # taken by answering before pressing: the card catches up
        return CardChange(texts.text("id", "taken_ok", ticket=number), buttons=card_buttons(current))
    return CardChange(texts.text("id", "taken_by_other", ticket=number, staff=current["taken_by_name"] or "-"),
                      buttons=card_buttons(current))


async def close(desk: Desk, person: Person, ticket: dict[str, Any]) -> CardChange:
    """A staff member closes a ticket (confirmed); the resident is asked to rate the help."""
    number = str(ticket["id"])
    if not await desk.store(storage.close_ticket, ticket["id"], person.id):
        return CardChange(texts.text("id", "already_closed", ticket=number), buttons=())
    language = await desk.language(ticket["user_id"])
    rating = Outgoing(ticket["user_id"], texts.text(language, "ticket_closed_user", ticket=number),
                      keyboards.ticket_rating(ticket["id"]))
    return CardChange(texts.text("id", "closed_ok", ticket=number),
                      note=texts.text("id", "card_closed", staff=escape(person.name)), buttons=(), outgoing=(rating,))


async def rate(desk: Desk, person: Person, language: str, ticket_id: int, rating: int) -> list[Outgoing]:
    """Record the 1-5 rating of a closed ticket and offer the SKM survey."""
    if not await desk.store(storage.rate_ticket, ticket_id, person.id, rating):
        return []
    return [
        Outgoing(person.id, texts.text(language, "thanks_ticket_rating", rating=str(rating))),
        Outgoing(person.id, texts.text(language, "skm_offer"), keyboards.survey_offer(ticket_id, language)),
    ]


async def survey(desk: Desk, person: Person, language: str, ticket_id: int, element: int | None,
                 score: int = 0) -> list[Outgoing]:
    """Store one SKM score (element None: the survey starts) and ask the next element, or thank."""
    ticket = await desk.store(storage.get_ticket, ticket_id)
    if ticket is None or ticket["user_id"] != person.id or ticket["status"] != storage.TICKET_CLOSED:
        return []
    following = 0
    if element is not None:
        if score:
            await desk.store(storage.record_skm, ticket_id, skm.ELEMENTS[element], score)
        following = element + 1
    if following >= len(skm.ELEMENTS):
        return [Outgoing(person.id, texts.text(language, "skm_thanks"))]
    question = texts.text(language, "skm_question", number=str(following + 1),
                          element=texts.text(language, f"skm_element_{skm.ELEMENTS[following]}"))
    return [Outgoing(person.id, question, keyboards.survey_scores(ticket_id, following, language))]


async def leave(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """The resident leaves the queue (/batal): their chat ticket is closed as cancelled by them (closed_by is the
    resident), and the ticket's thread in the staff group is told. A filed complaint stays open."""
    ticket = await desk.store(storage.active_ticket, person.id)
    if ticket is not None and ticket["kind"] == storage.COMPLAINT:
        return [Outgoing(person.id, texts.text(language, "complaint_stays", ticket=str(ticket["id"])))]
    if ticket is None or not await desk.store(storage.close_ticket, ticket["id"], person.id):
        return [Outgoing(person.id, texts.text(language, "nothing_to_cancel"), keyboards.main_menu(language))]
    number = str(ticket["id"])
    told = texts.text(language, "queue_left", ticket=number)
    await desk.store(storage.log_message, person.id, "system", told, ticket_id=ticket["id"])
    chat_id = ticket.get("card_chat_id") or desk.settings.staff_chat_id
    staff = [] if chat_id is None else [
        Outgoing(chat_id, texts.text("id", "ticket_left", ticket=number), reply_to=ticket.get("card_message_id"))]
    return [*staff, Outgoing(person.id, told, keyboards.main_menu(language))]
