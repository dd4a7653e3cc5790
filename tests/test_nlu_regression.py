"""Regression on the two evaluation sets (never trained on), through the shipped assistant.

The floors sit a little below what `./tanya bench nlu` measured (benchmarks/RESULTS.md), so a change to the
examples, the pipeline or the thresholds that makes the assistant guess more often fails here first.
"""

from __future__ import annotations

import uuid

import pytest

from actions.faq import Faq
from benchmarks.nlu import chat_set, real_set
from benchmarks.risk import Labelled, Output, Scores, score
from bot.assistant import Assistant

#: set -> (most wrong answers at the shipped thresholds, least right answers or right topics offered).
LIMITS = {
    "real": (0.10, 0.55),
    "chat-style": (0.04, 0.90),
}


async def scores_of(assistant: Assistant, messages: list[Labelled], faq: Faq) -> Scores:
    outputs = []
    for message in messages:
        reply = await assistant.handle(message.text, f"regression-{uuid.uuid4().hex}")
        outputs.append(Output(reply.intent, reply.confidence, reply.outcome, reply.faq_id, reply.suggestions))
    return score(messages, outputs, frozenset(faq.entries))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LIMITS))
async def test_wrong_answers_stay_rare_and_the_right_topic_is_answered_or_offered(
    assistant: Assistant, faq: Faq, name: str
) -> None:
    messages = real_set() if name == "real" else chat_set()
    scores = await scores_of(assistant, messages, faq)
    max_wrong, min_helped = LIMITS[name]
    assert scores.wrong_answers <= max_wrong, scores
    assert scores.right_or_offered >= min_helped, scores
