"""Regression on the held-out file (never trained on): accuracy and wrong answers stay within bounds."""

from __future__ import annotations

from bot.assistant import Assistant

#: Held-out figures the committed data must keep (see benchmarks/RESULTS.md for measurements).
MIN_INTENT_ACCURACY = 0.94
MAX_WRONG_ANSWER_RATE = 0.04


async def test_heldout_accuracy_and_wrong_answer_rate(assistant: Assistant, heldout: dict[str, list[str]]) -> None:
    total = correct = wrong_answers = 0
    misses = []
    for intent, messages in heldout.items():
        for number, message in enumerate(messages):
            reply = await assistant.handle(message, f"heldout-{intent}-{number}")
            total += 1
            correct += reply.intent == intent
            if reply.intent != intent:
                misses.append((message, intent, reply.intent, reply.outcome))
            wrong_answers += reply.outcome == "answer" and reply.faq_id != intent
    assert correct / total >= MIN_INTENT_ACCURACY, misses
    assert wrong_answers / total <= MAX_WRONG_ANSWER_RATE, misses
