"""What residents get: answers, commands, buttons, and the urgent route; relays while a ticket is open."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from actions.faq import today_in_bengkulu
from bot import storage, texts
from bot.desk import callbacks as cb
from bot.desk import complaints, keyboards, tickets
from bot.desk.core import Desk
from bot.desk.markup import escape, to_html
from bot.desk.outgoing import Outgoing, Person
from bot.ratelimit import Verdict

#: Topics whose answer always comes with the safe route and the offer of an officer.
URGENT_TOPICS = frozenset({"paspor_hilang_luar_negeri", "overstay_denda", "paspor_pmi"})
#: Words that signal detention, trafficking or non-procedural migrant work, whatever the topic.
URGENT_WORDS = re.compile(
    r"\b(ditahan|ditangkap|disekap|dipenjara|detained|arrested|trafficking|perdagangan orang|tppo|"
    r"dijual|disiksa|non[- ]?prosedural|ilegal ke luar negeri|paspor (saya )?ditahan)\b",
    re.IGNORECASE,
)


def sender_id(person: Person) -> str:
    """The Rasa conversation id of a person."""
    return f"tg-{person.id}"


def is_urgent(faq_id: str | None, message: str) -> bool:
    """Whether the message needs the safe route and an officer at once."""
    return faq_id in URGENT_TOPICS or bool(URGENT_WORDS.search(message))


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
        return await tickets.relay_to_staff(desk, ticket, person, text)
    language = row["language"] or "id"
    if (refused := await admitted(desk, person, language, text)) is not None:
        return refused
    if draft := await complaints.draft_of(desk, person):
        return await complaints.answer(desk, person, language, draft, text)
    return await ask(desk, person, row["language"] or None, text)


async def ask(desk: Desk, person: Person, language: str | None, text: str, intent: str | None = None) -> list[Outgoing]:
    """Answer through the assistant (free text, or an intent chosen with a button), escalating when needed."""
    await desk.store(storage.log_message, person.id, "in", text)
    reply = await desk.assistant.handle(text, sender_id(person), language=language, intent=intent)
    await desk.store(
        storage.log_message, person.id, "out", reply.plain_text, outcome=reply.outcome, intent=reply.intent,
        confidence=reply.confidence, faq_id=reply.faq_id,
    )
    entry = desk.faq.current().get(reply.faq_id or "")
    sent = [Outgoing(person.id, to_html(reply.text), keyboards.reply_buttons(reply, details=bool(entry and entry.details)))]
    if reply.outcome in ("clarify", "fallback") and reply.intent != "out_of_scope":
        await desk.store(storage.record_unanswered, person.id, text, reply.outcome, reply.guesses)
    if reply.outcome == "handoff":
        reason = "user" if reply.intent == "human_handoff" else "assistant"
        sent += await tickets.escalate(desk, person, reply.language, reason)
    elif is_urgent(reply.faq_id, text):
        sent.append(Outgoing(person.id, texts.text(reply.language, "urgent"), (keyboards.officer(reply.language),)))
    return sent


async def start(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """Greet, say what the assistant can and cannot do, show the privacy notice and the categories."""
    notices = [f"📢 {to_html(n.text)}" for n in desk.faq.current().notices_for(None, today_in_bengkulu())]
    return [Outgoing(person.id, "\n\n".join([*notices, texts.text(language, "start")]), keyboards.categories())]


async def categories(desk: Desk, person: Person, language: str) -> list[Outgoing]:
    """The FAQ categories as buttons (/topik)."""
    return [Outgoing(person.id, texts.text(language, "choose_category"), keyboards.categories())]


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
    desk: Desk, person: Person, button: cb.Callback, under: int | None = None
) -> list[Outgoing]:
    """A resident's button, already parsed into its kind, under message `under` (one case per kind; a forged value
    matches none)."""
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
            return [Outgoing(person.id, to_html(entry.more(answer_language)))]
        case cb.Category(key) if key in keyboards.CATALOGUE.categories:
            return [Outgoing(person.id, texts.text(language, "choose_topic"), keyboards.topics(faq, key))]
        case cb.Officer():
            return await tickets.escalate(desk, person, language, "button")
        case cb.Language(code):
            await desk.store(storage.set_language, person.id, code)
            return [Outgoing(person.id, texts.text(code, "language_set"))]
        case cb.RateAnswer(faq_id, helpful) if faq_id in faq.entries:
            return await rate_answer(desk, person, language, faq_id, helpful, under)
        case cb.RateTicket(ticket_id, rating):
            return await tickets.rate(desk, person, language, ticket_id, rating)
        case cb.Survey(ticket_id, accepted) if accepted:
            return await tickets.survey(desk, person, language, ticket_id, None)
        case cb.SurveyScore(ticket_id, element, score):
            return await tickets.survey(desk, person, language, ticket_id, element, score)
        case cb.Erase(confirmed):
            if confirmed:
                await desk.store(storage.erase_user, person.id)
            return [Outgoing(person.id, texts.text(language, "erased" if confirmed else "erase_cancelled"))]
        case cb.Complaint():
            return await complaints.begin(desk, person, language)
        case cb.ComplaintKind(category):
            return await complaints.choose(desk, person, language, category)
        case cb.Misconduct(yes):
            return await complaints.file(desk, person, language, yes)
    return []


async def rate_answer(
    desk: Desk, person: Person, language: str, faq_id: str, helpful: bool, answer: int | None
) -> list[Outgoing]:
    """Record a helpful / not helpful rating (once per answer message); offer an officer after 'not helpful'."""
    if not await desk.store(storage.rate_answer, person.id, faq_id, helpful, answer):
        return []
    if helpful:
        return [Outgoing(person.id, texts.text(language, "thanks_rating"))]
    if question := await desk.store(storage.last_question, person.id):
        await desk.store(storage.record_unanswered, person.id, question, "tidak membantu", [(faq_id, 1.0)])
    return [Outgoing(person.id, texts.text(language, "not_helpful_reply"), (keyboards.officer(language),))]


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
    "pengaduan": complaints.begin, "batal": complaints.cancel, "datasaya": my_data, "hapusdata": erase,
}
