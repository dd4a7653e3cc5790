"""What residents get: answers, commands, buttons, and the urgent route; relays (and clear answers) while a ticket
is open."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from actions.faq import today_in_bengkulu
from bot import storage, texts
from bot.desk import callbacks as cb
from bot.desk import complaints, keyboards, tickets, triage
from bot.desk.core import Desk
from bot.desk.markup import escape, to_html
from bot.desk.outgoing import Outgoing, Person, Under
from bot.ratelimit import Verdict

if TYPE_CHECKING:
    from bot.assistant import Reply

#: The office as residents find it (address: /work/shared/reference/facts.md, kantor_alamat_jam). Its coordinates
#: are not in facts.md, so no map pin (sendVenue) is sent, and no map service is linked (government domains only):
#: the address is written out to copy into a map app.
OFFICE = "Kantor Imigrasi Kelas I TPI Bengkulu"
OFFICE_ADDRESS = "Jl. Pembangunan No. 23, Padang Harapan, Kec. Gading Cempaka, Kota Bengkulu 38225"


def sender_id(person: Person) -> str:
    """The Rasa conversation id of a person."""
    return f"tg-{person.id}"


async def admitted(desk: Desk, person: Person, language: str, text: str) -> list[Outgoing] | None:
    """None when the person is within the rate limit; otherwise what to tell them (the message is logged)."""
    verdict = desk.limiter.check(person.id)
    if verdict is Verdict.ALLOW:
        return None
    await desk.store(storage.log_message, person.id, "in", text, outcome="rate_limited")
    return [Outgoing(person.id, texts.text(language, "rate_limited"))] if verdict is Verdict.WARN else []


async def message(desk: Desk, person: Person, text: str) -> list[Outgoing]:
    """A resident's text: a relay to the officer of an open ticket (never rate-limited, so nothing is dropped in a
    live chat), a complaint answer, or the assistant."""
    row = await desk.visit(person)
    ticket = await desk.store(storage.active_ticket, person.id)
    if ticket and ticket.get("card_message_id"):  # never dropped: sending to the group is paced, not refused
        return await while_waiting(desk, person, row["language"] or None, ticket, text)
    language = row["language"] or "id"
    if (refused := await admitted(desk, person, language, text)) is not None:
        return refused
    if draft := await complaints.draft_of(desk, person):
        return await complaints.answer(desk, person, language, draft, text)
    if triage.is_complaint(text):
        return await complaints.from_text(desk, person, language, text)
    return await ask(desk, person, row["language"] or None, text)


async def while_waiting(
    desk: Desk, person: Person, language: str | None, ticket: dict[str, Any], text: str
) -> list[Outgoing]:
    """Relay a message to the ticket's officer, and answer it too when the assistant is sure of a FAQ answer (not
    for relays beyond the rate limit: the assistant is not asked for those)."""
    relayed = await tickets.relay_to_staff(desk, ticket, person, text)
    if desk.limiter.check(person.id) is not Verdict.ALLOW:
        return relayed
    reply = await desk.assistant.handle(text, sender_id(person), language=language)
    if reply.outcome != "answer" or reply.faq_id is None:
        return relayed
    note = texts.text(reply.language, "also_relayed", ticket=str(ticket["id"]))
    return [*relayed, await answer(desk, person, reply, note)]


async def answer(desk: Desk, person: Person, reply: Reply, note: str = "") -> Outgoing:
    """Log the assistant's reply and make it a message, with its buttons and an optional note in italics."""
    await desk.store(
        storage.log_message, person.id, "out", reply.plain_text, outcome=reply.outcome, intent=reply.intent,
        confidence=reply.confidence, faq_id=reply.faq_id,
    )
    entry = desk.faq.current().get(reply.faq_id or "")
    text = to_html(reply.text) + (f"\n\n<i>{note}</i>" if note else "")
    return Outgoing(person.id, text, keyboards.reply_buttons(reply, details=bool(entry and entry.details)))


async def ask(desk: Desk, person: Person, language: str | None, text: str, intent: str | None = None) -> list[Outgoing]:
    """Answer through the assistant (free text, or an intent chosen with a button), escalating when needed."""
    await desk.store(storage.log_message, person.id, "in", text)
    reply = await desk.assistant.handle(text, sender_id(person), language=language, intent=intent)
    sent = [await answer(desk, person, reply)]
    if reply.outcome in ("clarify", "fallback") and reply.intent != "out_of_scope":
        await desk.store(storage.record_unanswered, person.id, text, reply.outcome, reply.guesses)
    if reply.outcome == "handoff":
        reason = "user" if reply.intent == "human_handoff" else "assistant"
        sent += await tickets.escalate(desk, person, reply.language, reason)
    elif urgency := triage.urgency(text, reply.faq_id):
        key = "urgent_departure" if urgency is triage.Urgency.DEPARTURE else "urgent"
        sent.append(Outgoing(person.id, texts.text(reply.language, key), (keyboards.officer(reply.language),)))
    return sent


async def start(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Greet, say what the assistant can and cannot do, show the privacy notice and the categories."""
    notices = [f"📢 {to_html(n.text)}" for n in desk.faq.current().notices_for(None, today_in_bengkulu())]
    return [Outgoing(person.id, "\n\n".join([*notices, texts.text(language, "start")]), keyboards.categories())]


async def categories(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """The FAQ categories as buttons (/topik)."""
    return [Outgoing(person.id, texts.text(language, "choose_category"), keyboards.categories())]


async def menu(desk: Desk, person: Person, language: str, replace: int | None = None) -> list[Outgoing]:
    """The main menu (/menu, "Topik lain"), or in place of message `replace` (the way back from a topic list)."""
    return [Outgoing(person.id, texts.text(language, "menu"), keyboards.main_menu(language), edit=replace)]


async def location(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """The office's address and the official site (/lokasi, the location button)."""
    text = texts.text(language, "office_location", office=OFFICE, address=OFFICE_ADDRESS)
    return [Outgoing(person.id, text, (keyboards.menu(language),),
                     links=keyboards.official_site(language))]


async def cancel(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Cancel what is under way (/batal): the complaint being written, else the wait for an officer."""
    if await complaints.draft_of(desk, person):
        return await complaints.cancel(desk, person, language)
    return await tickets.leave(desk, person, language)


async def help_text(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """How to use the assistant (/bantuan)."""
    return [Outgoing(person.id, texts.text(language, "help"))]


async def officer(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Ask for a human (/petugas)."""
    return await tickets.escalate(desk, person, language, "user")


async def choose_language(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Offer Indonesian or English (/bahasa)."""
    return [Outgoing(person.id, texts.text(language, "choose_language"), keyboards.languages())]


async def erase(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Ask to confirm deleting the person's data (/hapusdata)."""
    return [Outgoing(person.id, texts.text(language, "erase_confirm"), keyboards.erase(language))]


async def command(desk: Desk, person: Person, name: str) -> list[Outgoing]:
    """A resident command (one of COMMANDS), in the person's language."""
    row = await desk.visit(person)
    language = row["language"] or "id"
    if (refused := await admitted(desk, person, language, f"/{name}")) is not None:
        return refused
    return await COMMANDS[name](desk, person, language)


async def press(  # noqa: PLR0911, PLR0912
    desk: Desk, person: Person, button: cb.Callback, under: Under | None = None
) -> list[Outgoing]:
    """A resident's button, already parsed into its kind, under message `under` (one case per kind; a forged value
    matches none). A choice made once (a rating, a survey step) settles the message it was under in place."""
    row = await desk.visit(person)
    language = row["language"] or "id"
    if (refused := await admitted(desk, person, language, button.data)) is not None:
        return refused
    faq = desk.faq.current()
    match button:
        case cb.Ask(intent) if intent in faq.entries or intent in keyboards.CATALOGUE.conversation:
            title = faq.entries[intent].title if intent in faq.entries else intent
            return await ask(desk, person, row["language"] or None, title, intent=intent)
        case cb.Details(faq_id, answer_language) if (entry := faq.get(faq_id)) and entry.details:
            return [Outgoing(person.id, to_html(entry.more(answer_language)), (keyboards.menu(answer_language),))]
        case cb.Category(key) if key in keyboards.CATALOGUE.categories:
            return [Outgoing(person.id, texts.text(language, "choose_topic"), keyboards.topics(faq, key, language))]
        case cb.Menu(replace):
            return await menu(desk, person, language, under.message_id if replace and under else None)
        case cb.Location():
            return await location(desk, person, language)
        case cb.Officer():
            return await tickets.escalate(desk, person, language, "button")
        case cb.Language(code):
            await desk.store(storage.set_language, person.id, code)
            return [Outgoing(person.id, texts.text(code, "language_set"))]
        case cb.RateAnswer(faq_id, helpful) if faq_id in faq.entries:
            return await rate_answer(desk, person, language, faq_id, helpful, under)
        case cb.RateTicket(ticket_id, rating):
            return await rate_ticket(desk, person, language, ticket_id, rating, under)
        case cb.Survey(ticket_id, accepted) if accepted:
            return in_place(await tickets.survey(desk, person, language, ticket_id, None), under)
        case cb.Survey():
            return in_place([Outgoing(person.id, texts.text(language, "skm_declined"))], under)
        case cb.SurveyScore(ticket_id, element, score):
            return in_place(await tickets.survey(desk, person, language, ticket_id, element, score), under)
        case cb.Erase(confirmed):
            if confirmed:
                await desk.store(storage.erase_user, person.id)
                await desk.assistant.forget(sender_id(person))
            return [Outgoing(person.id, texts.text(language, "erased" if confirmed else "erase_cancelled"))]
        case cb.Complaint():
            return await complaints.begin(desk, person, language)
        case cb.ComplaintKind(category):
            return await complaints.choose(desk, person, language, category)
        case cb.Misconduct(yes):
            return await complaints.file(desk, person, language, yes)
    return []


def in_place(messages: list[Outgoing], under: Under | None) -> list[Outgoing]:
    """The first message shown instead of the one the button was under (sent anew where the channel cannot edit)."""
    if not messages or under is None:
        return messages
    return [dataclasses.replace(messages[0], edit=under.message_id), *messages[1:]]


def settled(person: Person, under: Under, note: str, kind: type[cb.Callback]) -> Outgoing:
    """The message a one-shot choice was made under: its text with the outcome added, the choice's buttons gone."""
    return Outgoing(person.id, f"{under.text}\n\n{note}", keyboards.without(under.buttons, kind), edit=under.message_id)


def refused(person: Person, language: str) -> list[Outgoing]:
    """A choice already made, pressed again: said briefly on the button, nothing stored."""
    return [Outgoing(person.id, texts.text(language, "already_rated"), notice=True)]


async def rate_answer(
    desk: Desk, person: Person, language: str, faq_id: str, helpful: bool, under: Under | None
) -> list[Outgoing]:
    """Record a helpful / not helpful rating (once per answer message) and settle the answer with a thank-you (the
    officer button stays under it after 'not helpful')."""
    if not await desk.store(storage.rate_answer, person.id, faq_id, helpful, under.message_id if under else None):
        return refused(person, language)
    note = texts.text(language, "thanks_rating" if helpful else "not_helpful_reply")
    if not helpful and (question := await desk.store(storage.last_question, person.id)):
        await desk.store(storage.record_unanswered, person.id, question, "tidak membantu", [(faq_id, 1.0)])
    if under is not None:
        return [settled(person, under, note, cb.RateAnswer)]
    return [Outgoing(person.id, note, () if helpful else (keyboards.officer(language),))]


async def rate_ticket(
    desk: Desk, person: Person, language: str, ticket_id: int, rating: int, under: Under | None
) -> list[Outgoing]:
    """Record the 1-5 rating of a closed ticket once, settle its message with the thanks, then offer the survey."""
    ticket = await desk.store(storage.get_ticket, ticket_id)
    if ticket and ticket["user_id"] == person.id and ticket["rating"] is not None:  # a chat's updates come in turn
        return refused(person, language)
    rated = await tickets.rate(desk, person, language, ticket_id, rating)
    if rated and under is not None:
        return [settled(person, under, rated[0].text, cb.RateTicket), *rated[1:]]
    return rated


async def my_data(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """What is stored about the person (/datasaya)."""
    summary = await desk.store(storage.user_data_summary, person.id)
    if summary["user"] is None:
        return [Outgoing(person.id, texts.text(language, "my_data_none"))]
    recent = "\n".join(f"• {escape(m['text'][:200])}" for m in summary["recent"]) or "-"
    return [Outgoing(person.id, texts.text(
        language, "my_data", name=escape(summary["user"]["display_name"] or "-"), messages=str(summary["messages"]),
        tickets=str(summary["tickets"]), ratings=str(summary["ratings"]), unanswered=str(summary["unanswered"]),
        recent=recent, days=str(desk.settings.retention_days),
    ))]


async def non_text(desk: Desk, person: Person) -> list[Outgoing]:
    """Photos, stickers, voice and the like: text only, please."""
    return [Outgoing(person.id, texts.text(await desk.language(person.id), "non_text"))]


Command = Callable[[Desk, Person, str], Awaitable[list[Outgoing]]]
#: Resident commands and the desk function each one runs.
COMMANDS: dict[str, Command] = {
    "start": start, "topik": categories, "bantuan": help_text, "petugas": officer, "bahasa": choose_language,
    "pengaduan": complaints.begin, "batal": cancel, "menu": menu, "lokasi": location, "datasaya": my_data,
    "hapusdata": erase,
}
