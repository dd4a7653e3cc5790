"""The ticket life cycle: escalate with a staff card, relay both ways, take, close, rate, survey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import skm, storage, texts
from bot.desk import callbacks as cb
from bot.desk import keyboards
from bot.desk.core import Desk
from bot.desk.markup import escape
from bot.desk.outgoing import Outgoing, Person, Pressed, Record, Track
from bot.office_hours import jakarta

TRANSCRIPT_LINE_CHARS = 300
#: Staff replies that start with this are notes among staff, never relayed to the resident.
INTERNAL_NOTE = "#catatan"


def card_text(ticket: dict[str, Any], name: str, transcript: list[dict[str, Any]]) -> str:
    """The staff card: ticket number, resident, topic, recent conversation."""
    lines = [
        f"<b>{texts.SPEAKERS.get(m['direction'], m['direction'])}:</b> {escape(m['text'][:TRANSCRIPT_LINE_CHARS])}"
        for m in transcript
    ]
    return texts.text(
        "id", "card", ticket=str(ticket["id"]), reason=texts.text("id", f"reason_{ticket['reason']}"),
        name=escape(name), topic=escape(ticket["topic"] or "-"), created=jakarta(ticket["created_at"]),
        transcript="\n".join(lines) or "-",
    )


async def card(desk: Desk, ticket: dict[str, Any], name: str) -> Outgoing:
    """A ticket's card for the staff group, with the resident's recent conversation."""
    assert desk.settings.staff_chat_id is not None
    transcript = await desk.store(storage.recent_messages, ticket["user_id"])
    return Outgoing(desk.settings.staff_chat_id, card_text(ticket, name, transcript), keyboards.card(ticket["id"]),
                    record=Record(Track.CARD, ticket["id"]))


async def escalate(desk: Desk, person: Person, language: str, reason: str) -> list[Outgoing]:
    """Open (or reuse) the person's ticket, post its card to the staff group and say what happens next."""
    settings, store = desk.settings, desk.store
    if settings.staff_chat_id is None:
        return [Outgoing(person.id, texts.text(language, "no_staff"))]
    ticket, existed = await store(storage.escalate, person.id, reason)
    sent = [] if ticket.get("card_message_id") else [await card(desk, ticket, person.name)]
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


async def staff_text(
    desk: Desk, person: Person, chat_id: int, message_id: int, replied_to: int | None, text: str
) -> list[Outgoing] | None:
    """Relay a staff (or supervisor) reply to a ticket's card or to a resident's relayed message; None when it
    answers neither. A reply starting with INTERNAL_NOTE stays among staff."""
    ticket = await desk.store(storage.ticket_for_message, chat_id, [replied_to])
    if ticket is None:
        return None
    if text.lstrip().lower().startswith(INTERNAL_NOTE):
        return []
    if not await desk.may_handle(person.id):
        return [Outgoing(chat_id, texts.text("id", "not_staff"), reply_to=message_id)]
    if ticket["status"] == storage.TICKET_CLOSED:
        return [Outgoing(chat_id, texts.text("id", "already_closed", ticket=str(ticket["id"])), reply_to=message_id)]
    language = await desk.language(ticket["user_id"])
    record = Record(Track.STAFF_REPLY, ticket["id"], staff=person, text=text, source=(chat_id, message_id))
    return [Outgoing(ticket["user_id"], texts.text(language, "staff_says", text=escape(text)), record=record)]


async def delivered(desk: Desk, record: Record, chat_id: int, message_ids: list[int]) -> None:
    """Store what a delivered message means for its ticket: every part of a card or relay maps to the ticket."""
    if record.track is Track.CARD:
        await desk.store(storage.set_card, record.ticket_id, chat_id, message_ids[0])
    if record.track in (Track.CARD, Track.RELAY):
        for message_id in message_ids[1:] if record.track is Track.CARD else message_ids:
            await desk.store(storage.add_relay, chat_id, message_id, record.ticket_id)
    elif record.track is Track.STAFF_REPLY and record.staff and record.source:
        ticket = await desk.store(storage.get_ticket, record.ticket_id)
        if ticket is not None:
            await desk.store(storage.record_staff_reply, ticket, record.staff.id, record.staff.name, record.text)


def undelivered(record: Record, error: str) -> list[Outgoing]:
    """Tell the officer when their reply did not reach the resident."""
    if record.track is not Track.STAFF_REPLY or record.source is None:
        return []
    chat_id, message_id = record.source
    notice = texts.text("id", "delivery_failed", ticket=str(record.ticket_id), error=escape(error))
    return [Outgoing(chat_id, notice, reply_to=message_id)]


async def card_button(desk: Desk, person: Person, ticket_id: int, kind: cb.Callback) -> Pressed:
    """A button on a ticket's card: only staff and supervisors may press it, and only on a ticket that exists."""
    ticket = await desk.store(storage.get_ticket, ticket_id)
    if ticket is None:
        return Pressed()
    if not await desk.may_handle(person.id):
        return Pressed(texts.text("id", "not_staff"), alert=True)
    return await (take(desk, person, ticket) if isinstance(kind, cb.Take) else close(desk, person, ticket))


async def take(desk: Desk, person: Person, ticket: dict[str, Any]) -> Pressed:
    """A staff member takes a ticket; only one can."""
    ticket_id = ticket["id"]
    number = str(ticket_id)
    if await desk.store(storage.take_ticket, ticket_id, person.id, person.name):
        return Pressed(texts.text("id", "taken_ok", ticket=number), card_note=texts.text("id", "card_taken",
                       staff=escape(person.name)))
    current = await desk.store(storage.get_ticket, ticket_id) or {}
    key = "already_closed" if current.get("status") == storage.TICKET_CLOSED else "taken_by_other"
    return Pressed(texts.text("id", key, ticket=number, staff=current.get("taken_by_name") or "-"))


async def close(desk: Desk, person: Person, ticket: dict[str, Any]) -> Pressed:
    """A staff member closes a ticket; the resident is asked to rate the help."""
    ticket_id = ticket["id"]
    if not await desk.store(storage.close_ticket, ticket_id, person.id):
        return Pressed(texts.text("id", "already_closed", ticket=str(ticket_id)))
    language = await desk.language(ticket["user_id"])
    rating = Outgoing(ticket["user_id"], texts.text(language, "ticket_closed_user", ticket=str(ticket_id)),
                      keyboards.ticket_rating(ticket_id))
    return Pressed(texts.text("id", "closed_ok", ticket=str(ticket_id)),
                   card_note=texts.text("id", "card_closed", staff=escape(person.name)), keep_buttons=False,
                   outgoing=(rating,))


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
