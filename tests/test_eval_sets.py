"""The evaluation sets stay honest: real messages with sources, valid labels, and kept apart from training."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from actions.faq import Faq, load_catalogue
from benchmarks.nlu import chat_set, real_set
from benchmarks.risk import Labelled
from bot.nlu.text import words
from bot.training import training_examples

#: Two messages whose word sets overlap this much are the same message for evaluation purposes.
NEAR_DUPLICATE_JACCARD = 0.7


def word_set(text: str) -> frozenset[str]:
    return frozenset(words(text))


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same words for the most part (short messages must match exactly)."""
    if min(len(a), len(b)) < 4:
        return a == b
    return len(a & b) / len(a | b) >= NEAR_DUPLICATE_JACCARD


@pytest.fixture(scope="module")
def trained(faq: Faq) -> list[tuple[str, frozenset[str]]]:
    return [(text, word_set(text)) for texts in training_examples(faq).values() for text in texts]


def leaks(messages: list[Labelled], trained: list[tuple[str, frozenset[str]]]) -> list[tuple[str, str]]:
    found = []
    for message in messages:
        words = word_set(message.text)
        found += [(message.text, text) for text, other in trained if near_duplicate(words, other)]
    return found


def test_real_set_has_150_sourced_messages() -> None:
    messages = real_set()
    assert len(messages) >= 150
    assert all(urlparse(m.source).scheme in ("http", "https") and urlparse(m.source).hostname for m in messages)
    assert len({m.text for m in messages}) == len(messages)


def test_real_set_labels_are_catalogue_ids_or_the_two_special_labels() -> None:
    catalogue = load_catalogue()
    allowed = {*catalogue.topics, *catalogue.conversation, "uncovered"}
    assert {label for m in real_set() for label in m.acceptable} <= allowed


def test_chat_style_set_covers_every_topic_with_five_messages(faq: Faq) -> None:
    counts = {topic: sum(m.label == topic for m in chat_set()) for topic in faq.entries}
    assert min(counts.values()) >= 5, counts


def test_no_training_example_is_a_near_duplicate_of_a_real_message(trained: list[tuple[str, frozenset[str]]]) -> None:
    assert leaks(real_set(), trained) == []


def test_no_training_example_is_a_near_duplicate_of_a_chat_style_message(trained: list[tuple[str, frozenset[str]]]) -> None:
    assert leaks(chat_set(), trained) == []


def test_near_duplicates_are_recognised() -> None:
    assert near_duplicate(word_set("paspor saya hilang di kos harus lapor polisi dulu?"),
                          word_set("paspor saya hilang di kos, harus lapor polisi dulu ya"))
    assert not near_duplicate(word_set("biaya paspor berapa"), word_set("biaya visa berapa"))
