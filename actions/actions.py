"""Rasa custom actions: thin classes that read the tracker and say what actions.dialogue decides."""

from __future__ import annotations

import functools
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import dialogue
from actions.faq import Faq, LiveFaq, today_in_bengkulu

FALLBACK_INTENT = "nlu_fallback"


@functools.lru_cache(maxsize=1)
def live_faq() -> LiveFaq:
    """The FAQ this action server serves, reloaded when staff save a file."""
    return LiveFaq()


def faq_content() -> Faq:
    """The FAQ content to answer from right now."""
    return live_faq().current()


def ranking_of(tracker: Tracker) -> list[dict[str, Any]]:
    """The latest message's intent ranking, likeliest first (without Rasa's nlu_fallback)."""
    ranking = tracker.latest_message.get("intent_ranking") or [tracker.latest_message.get("intent") or {}]
    return [item for item in ranking if item.get("name") and item["name"] != FALLBACK_INTENT]


def top_intent(tracker: Tracker) -> tuple[str | None, float]:
    """The likeliest real intent of the latest message and its confidence (skipping nlu_fallback)."""
    ranking = ranking_of(tracker)
    return (ranking[0]["name"], float(ranking[0].get("confidence") or 0.0)) if ranking else (None, 0.0)


def failures_of(tracker: Tracker) -> int:
    """How many unclear messages in a row came before this one."""
    return int(tracker.get_slot("failures") or 0)


def message_text(tracker: Tracker) -> str:
    """The latest message's text as the model read it."""
    return str(tracker.latest_message.get("text") or "")


def top_guesses(tracker: Tracker, count: int = 3) -> list[tuple[str, float]]:
    """The likeliest real intents of the latest message with their confidence."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return [(r["name"], round(float(r.get("confidence") or 0), 4)) for r in ranking if r.get("name") != FALLBACK_INTENT][:count]


def language_of(tracker: Tracker) -> str:
    """The reply language for the latest message."""
    metadata = tracker.latest_message.get("metadata") or {}
    return dialogue.choose_language(
        tracker.latest_message.get("text") or "", metadata.get("language"), tracker.get_slot("language")
    )


def send(dispatcher: CollectingDispatcher, tracker: Tracker, response: dialogue.Response, language: str) -> list[EventType]:
    """Utter a response with its machine-readable outcome, and update the language and miss count."""
    intent, confidence = top_intent(tracker)
    dispatcher.utter_message(
        text=response.text,
        buttons=[{"title": title, "payload": payload} for title, payload in response.buttons],
        json_message={
            "outcome": response.outcome.value,
            "faq_id": response.faq_id,
            "suggestions": list(response.suggestions),
            "intent": intent,
            "confidence": round(confidence, 4),
            "language": language,
            "guesses": top_guesses(tracker),
        },
    )
    failures = failures_of(tracker) + 1 if response.missed else 0
    return [SlotSet("language", language), SlotSet("failures", float(failures))]


class ActionAnswerFaq(Action):
    """Answer the recognised FAQ topic from the curated content."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(tracker)
        faq = faq_content()
        notices = faq.notices_for(top_intent(tracker)[0] or "", today_in_bengkulu())
        response = dialogue.answer_or_ask(message_text(tracker), ranking_of(tracker), faq, language, notices)
        return send(dispatcher, tracker, response, language)


class ActionClarify(Action):
    """Ask "Maksud Anda ...?" with the likeliest topics; hand off after a second miss."""

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(tracker)
        response = dialogue.clarify(message_text(tracker), ranking_of(tracker), faq_content(), language, failures_of(tracker))
        return send(dispatcher, tracker, response, language)


class ActionHandoff(Action):
    """Hand the conversation to staff."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(tracker)
        return send(dispatcher, tracker, dialogue.handoff(language), language)


class ActionOutOfScope(Action):
    """Say that the question is outside immigration services and where to go."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(tracker)
        response = dialogue.out_of_scope(message_text(tracker), ranking_of(tracker), faq_content(), language,
                                         top_intent(tracker)[1], failures_of(tracker))
        return send(dispatcher, tracker, response, language)


class ActionSmalltalk(Action):
    """Reply to greetings, thanks, goodbyes and 'are you a bot?'."""

    def name(self) -> str:
        return "action_smalltalk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(tracker)
        response = dialogue.smalltalk(top_intent(tracker)[0] or "greet", faq_content(), language)
        return send(dispatcher, tracker, response, language)
