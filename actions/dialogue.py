"""What the assistant says for each outcome: pure functions the Rasa actions call.

No Rasa import here: the tests call these directly with the real FAQ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from actions.faq import Entry, Faq, Notice
from actions.language import detect_language
from actions.texts import long_date, text

#: Outcomes of one turn, as the `ask --jsonl` contract names them.
OUTCOMES = ("answer", "clarify", "fallback", "handoff", "smalltalk")
SMALLTALK_INTENTS = ("greet", "goodbye", "thanks", "bot_challenge")
#: Least confidence for a topic to be offered as a "Maksud Anda ...?" choice.
SUGGEST_MIN_CONFIDENCE = 0.08
MAX_SUGGESTIONS = 3
#: Topics offered after a greeting, for people who don't know what to ask.
POPULAR_TOPICS = ("paspor_syarat_baru", "paspor_biaya", "paspor_mpaspor", "kantor_alamat_jam")


@dataclass(frozen=True)
class Response:
    """One bot turn: the text, optional buttons (title, payload) and what kind of turn it was."""

    outcome: str
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


def answer(entry: Entry, language: str, notices: Sequence[Notice] = ()) -> Response:
    """Answer a recognised topic, with the service notices that concern it."""
    return Response("answer", render_entry(entry, language, notices), faq_id=entry.id)


def clarify(
    ranking: Sequence[Mapping[str, Any]], faq: Faq, language: str, failures: int
) -> Response:
    """Ask back with the likeliest topics, or fall back; hand off when it is the second miss."""
    if failures >= 1:
        return handoff(language)
    candidates = [
        faq.entries[item["name"]]
        for item in ranking
        if item.get("name") in faq.entries and float(item.get("confidence") or 0) >= SUGGEST_MIN_CONFIDENCE
    ][:MAX_SUGGESTIONS]
    if not candidates:
        return fallback(language)
    return Response(
        "clarify",
        f"{text(language, 'clarify')}\n{text(language, 'clarify_human')}",
        suggestions=tuple(entry.id for entry in candidates),
        buttons=tuple(topic_button(entry, language) for entry in candidates),
        missed=True,
    )


def fallback(language: str) -> Response:
    """Say honestly that the message was not understood."""
    return Response("fallback", text(language, "fallback"), missed=True)


def out_of_scope(language: str) -> Response:
    """Say what the assistant does not cover and where to go instead (understood, so not a miss)."""
    return Response("fallback", text(language, "out_of_scope"))


def handoff(language: str) -> Response:
    """Pass the conversation to staff, and say how to reach the office meanwhile."""
    return Response("handoff", f"{text(language, 'handoff')}\n\n{text(language, 'office')}")


def smalltalk(intent: str, faq: Faq, language: str) -> Response:
    """Reply briefly to greetings, thanks, goodbyes and 'are you a bot?', steering back to topics."""
    buttons: tuple[tuple[str, str], ...] = ()
    reply = text(language, intent if intent in SMALLTALK_INTENTS else "greet")
    if intent == "greet":
        entries = [faq.entries[t] for t in POPULAR_TOPICS if t in faq.entries]
        buttons = tuple(topic_button(entry, language) for entry in entries)
        reply = f"{reply}\n{text(language, 'suggest_more')}"
    return Response("smalltalk", reply, buttons=buttons)
