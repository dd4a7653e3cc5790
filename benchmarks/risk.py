"""Scoring a system at equal risk: right answers when wrong answers are capped, and at the shipped thresholds.

A message's label is a topic id, a conversation intent, `out_of_scope`, or `uncovered` (an immigration question no
entry answers), with optional `also` topics that would serve the writer equally well. A system's output for one
message is its likeliest intent, its confidence, and what it did at its shipped thresholds.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: The wrong-answer cap at which systems are compared.
CAP = 0.05


@dataclass(frozen=True)
class Labelled:
    """One evaluation message with the answers that would serve its writer."""

    text: str
    label: str
    also: tuple[str, ...] = ()
    source: str = ""

    @property
    def acceptable(self) -> frozenset[str]:
        return frozenset((self.label, *self.also))


@dataclass(frozen=True)
class Output:
    """What a system did with one message: likeliest intent and confidence, and the shipped decision."""

    intent: str | None
    confidence: float
    outcome: str  # answer | clarify | fallback | handoff | smalltalk
    faq_id: str | None = None
    suggestions: tuple[str, ...] = ()
    #: The model's likeliest intents with their confidence, for choosing thresholds.
    ranking: tuple[tuple[str, float], ...] = ()


@dataclass
class Scores:
    """The figures of one system on one evaluation set."""

    n: int
    right_topic: float
    wrong_answers: float
    asked_back: float
    right_or_offered: float
    right_at_cap: float
    threshold_at_cap: float
    curve: list[tuple[float, float]] = field(default_factory=list)  # (coverage, risk) points


def is_right(message: Labelled, intent: str | None) -> bool:
    """The likeliest intent is one that serves the writer."""
    return intent in message.acceptable


def is_wrong(message: Labelled, intent: str | None, topics: frozenset[str]) -> bool:
    """Answering this intent would give the writer a wrong FAQ answer."""
    return intent in topics and intent not in message.acceptable


def score(messages: Sequence[Labelled], outputs: Sequence[Output], topics: frozenset[str], cap: float = CAP) -> Scores:
    """Score one system's outputs (shipped decisions, and re-thresholded confidence)."""
    n = len(messages)
    pairs = list(zip(messages, outputs, strict=True))
    answered = [(m, o) for m, o in pairs if o.outcome == "answer"]
    wrong = sum(1 for m, o in answered if is_wrong(m, o.faq_id, topics))
    asked = sum(1 for _, o in pairs if o.outcome in ("clarify", "fallback", "handoff") and o.intent not in ("human_handoff",))
    offered = sum(
        1 for m, o in pairs
        if (o.outcome == "answer" and o.faq_id in m.acceptable) or (o.outcome == "clarify" and m.acceptable & set(o.suggestions))
        or (o.outcome != "answer" and o.intent in m.acceptable and o.intent not in topics)
    )
    right_at_cap, threshold, curve = rethreshold(pairs, topics, cap)
    return Scores(
        n=n,
        right_topic=sum(is_right(m, o.intent) for m, o in pairs) / n,
        wrong_answers=wrong / n,
        asked_back=asked / n,
        right_or_offered=offered / n,
        right_at_cap=right_at_cap,
        threshold_at_cap=threshold,
        curve=curve,
    )


def rethreshold(
    pairs: Sequence[tuple[Labelled, Output]], topics: frozenset[str], cap: float = CAP
) -> tuple[float, float, list[tuple[float, float]]]:
    """Answer the likeliest intent whenever confidence >= t; the most right answers over t with wrong <= cap.

    Returns (right share at the cap, the threshold that achieves it, the risk-coverage curve).
    """
    n = len(pairs)
    ordered = sorted(pairs, key=lambda p: -p[1].confidence)
    best, best_threshold = 0.0, 1.0
    right = wrong = 0
    curve: list[tuple[float, float]] = []
    for index, (message, output) in enumerate(ordered):
        right += is_right(message, output.intent)
        wrong += is_wrong(message, output.intent, topics)
        last_of_tie = index + 1 == n or ordered[index + 1][1].confidence < output.confidence
        if not last_of_tie:
            continue
        curve.append(((index + 1) / n, wrong / (index + 1)))
        if wrong / n <= cap and right / n > best:
            best, best_threshold = right / n, output.confidence
    return best, best_threshold, curve


def paired_interval(
    messages: Sequence[Labelled], first: Sequence[Output], second: Sequence[Output], topics: frozenset[str],
    cap: float = CAP, rounds: int = 2000, seed: int = 1,
) -> tuple[float, float, float]:
    """How far `first` is ahead of `second` at the cap, with a 95 % paired bootstrap interval.

    Both systems are scored on the same resampled messages each round, so the interval shows whether a
    difference is larger than what another draw of equally many real messages could produce.
    """
    def at_cap(indices: Sequence[int], outputs: Sequence[Output]) -> float:
        return rethreshold([(messages[i], outputs[i]) for i in indices], topics, cap)[0]

    everything = range(len(messages))
    draw = random.Random(seed)
    differences = sorted(
        at_cap(sample, first) - at_cap(sample, second)
        for sample in ([draw.randrange(len(messages)) for _ in everything] for _ in range(rounds))
    )
    return at_cap(everything, first) - at_cap(everything, second), differences[int(0.025 * rounds)], \
        differences[int(0.975 * rounds) - 1]


def answers_at(output: Output, threshold: float, margin: float, topics: frozenset[str]) -> str | None:
    """The topic a FallbackClassifier with these settings lets through, or None when it would ask back."""
    ranking = output.ranking or ((output.intent or "", output.confidence),)
    first, confidence = ranking[0]
    runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
    return first if first in topics and confidence >= threshold and confidence - runner_up >= margin else None


def choose_thresholds(
    sets: Mapping[str, tuple[Sequence[Labelled], Sequence[Output]]], topics: frozenset[str], max_wrong: dict[str, float]
) -> list[tuple[float, float, dict[str, tuple[float, float]]]]:
    """Every (threshold, margin) on a grid that keeps each set's wrong answers within its limit, best first.

    Each row: threshold, margin and per set (right answers, wrong answers) as shares; "best" = most right
    answers summed over the sets, then fewest wrong ones, then the more cautious setting (higher margin and
    threshold: at equal measured figures, asking back is the better guess for messages not measured).
    """
    rows = []
    for threshold in [t / 100 for t in range(20, 91, 5)]:
        for margin in [m / 100 for m in range(0, 41, 5)]:
            figures = {}
            for name, (messages, outputs) in sets.items():
                chosen = [answers_at(o, threshold, margin, topics) for o in outputs]
                right = sum(1 for m, c in zip(messages, chosen, strict=True) if c is not None and c in m.acceptable)
                wrong = sum(1 for m, c in zip(messages, chosen, strict=True) if c is not None and c not in m.acceptable)
                figures[name] = (right / len(messages), wrong / len(messages))
            if all(figures[name][1] <= limit for name, limit in max_wrong.items()):
                rows.append((threshold, margin, figures))
    return sorted(rows, key=lambda row: (-sum(right for right, _ in row[2].values()),
                                         sum(wrong for _, wrong in row[2].values()), -row[1], -row[0]))
