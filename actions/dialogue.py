"""What the assistant says for each outcome: pure functions the Rasa actions call.

No Rasa import here: the tests call these directly with the real FAQ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from actions.faq import Entry, Faq, Notice
from actions.language import detect_language
from actions.texts import long_date, text

SMALLTALK_INTENTS = ("greet", "goodbye", "thanks", "bot_challenge")
#: Least confidence for a topic to be offered as a "Maksud Anda ...?" choice (chosen on the dev sets: an offer costs
#: a tap, and from 0.03 on real messages the right topic is among the three offered about 5 % more often than at 0.08).
SUGGEST_MIN_CONFIDENCE = 0.03
MAX_SUGGESTIONS = 3
#: Least confidence in out_of_scope for telling a resident that the question is outside immigration services.
DECLINE_MIN_CONFIDENCE = 0.6
#: Under an answer, the runner-up topic is offered as a button when the model gives it at least this much.
ALSO_MIN_CONFIDENCE = 0.2
#: Topics offered after a greeting or a second unclear message, for people who don't know what to ask.
POPULAR_TOPICS = ("paspor_syarat_baru", "paspor_biaya", "paspor_mpaspor", "kantor_alamat_jam")
#: A message that names only a broad subject ("paspor", "bikin paspor", "visa", "perpanjang") gets that subject's
#: main topics instead of a guess: the general ones first, then hajj/umrah, the purpose of most passports Bengkulu
#: issues (facts.md, paspor_haji_umroh).
BROAD_TOPICS = {
    "paspor": ("paspor_syarat_baru", "paspor_biaya", "paspor_perpanjang", "paspor_haji_umroh"),
    "visa": ("visa_voa", "visa_evisa", "visa_perpanjang"),
    "perpanjang": ("paspor_perpanjang", "visa_perpanjang", "izin_itas"),
}
_BROAD_WORDS = {
    "paspor": "paspor", "pasport": "paspor", "passport": "paspor", "pasfor": "paspor", "paspord": "paspor",
    "epaspor": "paspor", "e-paspor": "paspor",
    "visa": "visa", "visum": "visa",
    "perpanjang": "perpanjang", "perpanjangan": "perpanjang", "memperpanjang": "perpanjang",
    "diperpanjang": "perpanjang", "renew": "perpanjang", "renewal": "perpanjang", "extend": "perpanjang",
}
#: Words that add nothing to a broad subject ("bikin paspor", "syarat paspor", "info visa dong").
_FILLER_WORDS = frozenset(
    "bikin buat membuat pembuatan urus mengurus ngurus pengurusan syarat persyaratan cara info informasi tanya "
    "bertanya nanya mau ingin min mimin kak admin pak bu tolong dong ya yah sih gimana bagaimana apa saja aja "
    "yang di ke untuk tentang soal mengenai proses prosedur the a an to get make apply application how about "
    "requirements requirement please i want need".split()
)


class Outcome(str, Enum):
    """What kind of turn a reply is; the values are the names of the `ask --jsonl` contract."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    HANDOFF = "handoff"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True)
class Response:
    """One bot turn: the text, optional buttons (title, payload) and what kind of turn it was."""

    outcome: Outcome
    text: str
    faq_id: str | None = None
    suggestions: tuple[str, ...] = ()
    buttons: tuple[tuple[str, str], ...] = ()
    #: The assistant did not understand; two misses in a row hand the conversation to staff.
    missed: bool = False


def choose_language(message: str, preferred: str | None, previous: str | None) -> str:
    """Pick the reply language: the user's setting, then the message's language, then the last one."""
    if preferred in ("id", "en"):
        return preferred
    return detect_language(message) or previous or "id"


def topic_button(entry: Entry, language: str) -> tuple[str, str]:
    """A button that asks for an entry by its intent, e.g. ("Biaya paspor", "/paspor_biaya")."""
    return entry.heading(language), f"/{entry.id}"


def render_entry(entry: Entry, language: str, notices: Sequence[Notice] = ()) -> str:
    """The full answer: service notices, text, official links, legal basis and review date."""
    parts = [f"📢 {notice.in_language(language)}" for notice in notices]
    if language == "en" and not entry.answer_en:
        parts.append(text("en", "only_indonesian"))
    parts.append(entry.text(language))
    parts.append("\n".join([text(language, "links"), *entry.links]))
    if entry.legal:
        parts.append(f"{text(language, 'legal')} {entry.legal}")
    parts.append(text(language, "reviewed", date=long_date(entry.reviewed, language)))
    return "\n\n".join(parts)


def broad_subject(message: str) -> str | None:
    """The broad subject a message names and nothing more ("bikin paspor" -> "paspor"), or None."""
    words = message.lower().replace("?", " ").replace("!", " ").split()
    subjects = {_BROAD_WORDS[w] for w in words if w in _BROAD_WORDS}
    rest = [w for w in words if w not in _BROAD_WORDS and w not in _FILLER_WORDS]
    return subjects.pop() if len(subjects) == 1 and not rest and len(words) <= 5 else None


def broad_menu(message: str, faq: Faq, language: str) -> Response | None:
    """The main topics of the broad subject a message names and nothing more (not a miss), or None."""
    subject = broad_subject(message)
    return offer(BROAD_TOPICS[subject], faq, language, missed=False) if subject else None


def answer_or_ask(
    message: str, ranking: Sequence[Mapping[str, Any]], faq: Faq, language: str, notices: Sequence[Notice] = ()
) -> Response:
    """Answer the recognised topic, offering a close runner-up too; ask back when the message is only a broad subject."""
    if menu_for_subject := broad_menu(message, faq, language):
        return menu_for_subject
    topics = [(item["name"], float(item.get("confidence") or 0)) for item in ranking if item.get("name") in faq.entries]
    if not topics:
        return fallback(language)
    also = [faq.entries[name] for name, confidence in topics[1:2] if confidence >= ALSO_MIN_CONFIDENCE]
    return answer(faq.entries[topics[0][0]], language, notices, also)


def answer(entry: Entry, language: str, notices: Sequence[Notice] = (), also: Sequence[Entry] = ()) -> Response:
    """Answer a recognised topic, with the service notices that concern it and buttons for related topics."""
    return Response(Outcome.ANSWER, render_entry(entry, language, notices), faq_id=entry.id,
                    buttons=tuple(topic_button(other, language) for other in also))


def clarify(
    message: str, ranking: Sequence[Mapping[str, Any]], faq: Faq, language: str, failures: int
) -> Response:
    """Ask back with the likeliest topics; after a second miss in a row offer the menu and the officer instead."""
    if menu_for_subject := broad_menu(message, faq, language):
        return menu_for_subject
    candidates = likeliest_topics(ranking, faq)
    if failures >= 1 or not candidates:
        return not_understood(faq, language, failures)
    return offer(candidates, faq, language, missed=True)


def likeliest_topics(ranking: Sequence[Mapping[str, Any]], faq: Faq) -> list[str]:
    """The topics worth offering as "Maksud Anda ...?" choices, likeliest first."""
    return [
        str(item["name"])
        for item in ranking
        if item.get("name") in faq.entries and float(item.get("confidence") or 0) >= SUGGEST_MIN_CONFIDENCE
    ][:MAX_SUGGESTIONS]


def offer(topic_ids: Sequence[str], faq: Faq, language: str, missed: bool,
          question: str | None = None) -> Response:
    """Ask "Maksud Anda ...?" (or another question) with these topics as buttons."""
    entries = [faq.entries[t] for t in topic_ids if t in faq.entries]
    return Response(
        Outcome.CLARIFY,
        question or f"{text(language, 'clarify')}\n{text(language, 'clarify_human')}",
        suggestions=tuple(entry.id for entry in entries),
        buttons=tuple(topic_button(entry, language) for entry in entries),
        missed=missed,
    )


def fallback(language: str) -> Response:
    """Say honestly that the message was not understood."""
    return Response(Outcome.FALLBACK, text(language, "fallback"), missed=True)


def not_understood(faq: Faq, language: str, failures: int) -> Response:
    """Say so honestly; after a second unclear message in a row offer the menu and the officer instead."""
    return menu(faq, language) if failures >= 1 else fallback(language)


def menu(faq: Faq, language: str) -> Response:
    """After a second unclear message: the popular topics, the topic menu and the officer, never a silent ticket."""
    entries = [faq.entries[t] for t in POPULAR_TOPICS if t in faq.entries]
    return Response(Outcome.FALLBACK, text(language, "second_miss"),
                    buttons=tuple(topic_button(entry, language) for entry in entries), missed=True)


def out_of_scope(
    message: str, ranking: Sequence[Mapping[str, Any]], faq: Faq, language: str, confidence: float, failures: int
) -> Response:
    """Say what the assistant does not cover and where to go instead, offering the likeliest topics all the same.

    A long story about the office reads much like one about another agency, so a decline never stands alone: the
    likeliest immigration topics come with it as buttons (asking back, not a miss). A message only weakly placed
    outside immigration ("gimana caranya ya") is more likely unclear than off-topic: it is asked back like one.
    """
    if confidence < DECLINE_MIN_CONFIDENCE:
        return clarify(message, ranking, faq, language, failures)
    if candidates := likeliest_topics(ranking, faq):
        question = f"{text(language, 'out_of_scope')}\n{text(language, 'out_of_scope_topics')}"
        return offer(candidates, faq, language, missed=False, question=question)
    return Response(Outcome.FALLBACK, text(language, "out_of_scope"))


def handoff(language: str) -> Response:
    """Pass the conversation to staff, and say how to reach the office meanwhile."""
    return Response(Outcome.HANDOFF, f"{text(language, 'handoff')}\n\n{text(language, 'office')}")


def smalltalk(intent: str, faq: Faq, language: str) -> Response:
    """Reply briefly to greetings, thanks, goodbyes and 'are you a bot?', steering back to topics."""
    buttons: tuple[tuple[str, str], ...] = ()
    reply = text(language, intent if intent in SMALLTALK_INTENTS else "greet")
    if intent == "greet":
        entries = [faq.entries[t] for t in POPULAR_TOPICS if t in faq.entries]
        buttons = tuple(topic_button(entry, language) for entry in entries)
        reply = f"{reply}\n{text(language, 'suggest_more')}"
    return Response(Outcome.SMALLTALK, reply, buttons=buttons)
