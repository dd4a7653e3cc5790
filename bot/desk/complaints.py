"""Complaints in SP4N-LAPOR!'s categories as a short guided flow whose draft survives a restart."""

from __future__ import annotations

import logging
import time
from typing import Any

from bot import storage, texts
from bot.desk import keyboards
from bot.desk.core import Desk
from bot.desk.markup import escape
from bot.desk.outgoing import Outgoing, Person, Record, Track
from bot.office_hours import jakarta
from bot.privacy import PHONE_PLACEHOLDER, mask, phone_number

logger = logging.getLogger(__name__)

MAX_FIELD_CHARS = 1500
#: A draft left alone this long is abandoned: the next message is a question again, not the complaint's answer.
DRAFT_SECONDS = 60 * 60
#: The typed answers, in order, each with the question that asks for the next one.
STEPS = (("what", "complaint_when"), ("when", "complaint_where"), ("where", "complaint_contact"),
         ("contact", "complaint_misconduct"))


async def begin(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Start a complaint: ask for the SP4N-LAPOR! category."""
    await desk.store(storage.save_draft, person.id, {"step": "category", "started": time.time()})
    return [Outgoing(person.id, texts.text(language, "complaint_start"), keyboards.complaint_kinds(language))]


async def from_text(desk: Desk, person: Person, language: str, text: str) -> list[Outgoing]:
    """Start a complaint about an officer, a broker or an illegal fee from the resident's own words: it goes to
    supervisors only, and the flow asks when and where it happened."""
    draft = {"step": "when", "started": time.time(), "category": "pengaduan", "what": text.strip()[:MAX_FIELD_CHARS],
             "misconduct": True}
    await desk.store(storage.save_draft, person.id, draft)
    intro = texts.text(language, "complaint_from_text")
    return [Outgoing(person.id, f"{intro}\n\n{texts.text(language, 'complaint_when')}")]


async def draft_of(desk: Desk, person: Person) -> dict[str, Any] | None:
    """The person's complaint in progress, if they are writing one."""
    draft = await desk.store(storage.get_draft, person.id)
    if draft and time.time() - float(draft.get("started", 0)) < DRAFT_SECONDS:
        return draft
    return None


async def choose(desk: Desk, person: Person, language: str, category: str) -> list[Outgoing]:
    """Remember the category and ask what happened."""
    draft = await draft_of(desk, person)
    if draft is None or draft["step"] != "category":
        return []
    await desk.store(storage.save_draft, person.id, {**draft, "category": category, "step": "what"})
    return [Outgoing(person.id, texts.text(language, "complaint_what"))]


async def answer(desk: Desk, person: Person, language: str, draft: dict[str, Any], text: str) -> list[Outgoing]:
    """Store a typed answer and ask the next question (a button question is asked again)."""
    steps = dict(STEPS)
    if draft["step"] not in steps:
        key = "complaint_start" if draft["step"] == "category" else "complaint_misconduct"
        buttons = keyboards.complaint_kinds(language) if draft["step"] == "category" else keyboards.yes_no(language)
        return [Outgoing(person.id, texts.text(language, key), buttons)]
    names = [name for name, _ in STEPS]
    following = names[names.index(draft["step"]) + 1] if draft["step"] != names[-1] else "misconduct"
    updated = {**draft, draft["step"]: text.strip()[:MAX_FIELD_CHARS], "step": following}
    if draft["step"] == "contact":
        remember_call_back(desk, person, text)
    await desk.store(storage.save_draft, person.id, updated)
    if following == "misconduct" and draft.get("misconduct"):  # known from the resident's words: file it now
        return await file(desk, person, language, True)
    buttons = keyboards.yes_no(language) if following == "misconduct" else ()
    return [Outgoing(person.id, texts.text(language, steps[draft["step"]]), buttons)]


async def file(desk: Desk, person: Person, language: str, misconduct: bool) -> list[Outgoing]:
    """File the complaint: to the staff group, or only to supervisors for misconduct, brokers or illegal fees."""
    draft = await draft_of(desk, person)
    if draft is None or draft["step"] != "misconduct":
        return []
    contact = draft.get("contact", "")
    data = {key: draft.get(key, "") for key in ("category", "what", "when", "where")}
    data.update(misconduct=misconduct, contact="" if contact in ("-", "") else contact)
    ticket = await desk.store(storage.create_complaint, person.id, data)
    call_back = desk.call_backs.pop(person.id, "")
    await desk.store(storage.drop_draft, person.id)
    card = texts.text(
        "id", "complaint_card", ticket=str(ticket["id"]), category=texts.text("id", f"complaint_{data['category']}"),
        restricted=texts.text("id", "complaint_restricted") if misconduct else "", name=escape(person.name),
        created=jakarta(ticket["created_at"]), what=escape(mask(data["what"])), when=escape(mask(data["when"])),
        where=escape(mask(data["where"])), contact=escape(shown_contact(data["contact"], call_back, misconduct)),
    )
    settings = desk.settings
    recipients = sorted(settings.supervisor_user_ids) if misconduct else [settings.staff_chat_id]
    cards = [Outgoing(chat_id, card, keyboards.card(ticket["id"]), record=Record(Track.CARD, ticket["id"]))
             for chat_id in recipients if chat_id is not None]
    if not cards:
        logger.error("complaint #%s reaches no one in Telegram: set %s; it is on the review page",
                     ticket["id"], "SUPERVISOR_USER_IDS" if misconduct else "STAFF_CHAT_ID")
    done = texts.text(language, "complaint_done", ticket=str(ticket["id"]), days=str(settings.complaint_response_days))
    return [*cards, Outgoing(person.id, done)]


def remember_call_back(desk: Desk, person: Person, contact: str) -> None:
    """Keep the phone number of a contact answer in memory until the complaint is filed (or forget an old one)."""
    if phone := phone_number(contact):
        desk.call_backs[person.id] = phone
    else:
        desk.call_backs.pop(person.id, None)


def shown_contact(contact: str, call_back: str, misconduct: bool) -> str:
    """The contact on the card, masked; on the supervisors' card the call-back number shows, so they can call."""
    shown = mask(contact) or "-"
    return shown.replace(PHONE_PLACEHOLDER, call_back, 1) if misconduct and call_back else shown


async def cancel(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Abandon the complaint in progress."""
    desk.call_backs.pop(person.id, None)
    await desk.store(storage.drop_draft, person.id)
    return [Outgoing(person.id, texts.text(language, "complaint_cancelled"))]
