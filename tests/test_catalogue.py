"""The FAQ, the domain and the actions agree with the shared catalogue: nothing missing, nothing extra."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Action

from actions import actions as action_module
from actions.faq import CATALOGUE_PATH, Faq, load_catalogue
from bot.paths import DOMAIN_PATH, ROOT
from bot.training import CONVERSATION_ACTIONS, conversation_examples

SHARED_CATALOGUE = ROOT.parent / "shared" / "faq-catalogue.yml"
CATALOGUE = load_catalogue()


@pytest.mark.skipif(not SHARED_CATALOGUE.exists(), reason="../shared is not beside this checkout")
def test_catalogue_copy_matches_shared() -> None:
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == SHARED_CATALOGUE.read_text(encoding="utf-8")


def test_every_catalogue_topic_has_exactly_one_entry(faq: Faq) -> None:
    assert sorted(faq.entries) == sorted(CATALOGUE.topics)
    assert not [p for p in faq.problems if "ganda" in p.message]


def test_entries_sit_in_their_category_file(faq: Faq) -> None:
    for entry in faq.entries.values():
        assert Path(entry.source).stem == CATALOGUE.topics[entry.id].category


def test_conversation_intents_match_catalogue() -> None:
    assert sorted(CONVERSATION_ACTIONS) == sorted(CATALOGUE.conversation)
    assert sorted(conversation_examples()) == sorted(CATALOGUE.conversation)


def test_domain_lists_exactly_the_implemented_actions() -> None:
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    implemented = {
        cls().name()
        for _, cls in inspect.getmembers(action_module, inspect.isclass)
        if issubclass(cls, Action) and cls is not Action
    }
    assert set(domain["actions"]) == implemented
    assert set(CONVERSATION_ACTIONS.values()) <= implemented


@pytest.mark.parametrize("intent", CATALOGUE.conversation)
def test_conversation_intents_have_enough_examples(intent: str) -> None:
    assert len(conversation_examples()[intent]) >= 15
