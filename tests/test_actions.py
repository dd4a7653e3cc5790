"""The Rasa actions with the real FAQ: intent -> outcome tables, via Tracker.from_dict and CollectingDispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import dialogue
from actions.actions import ActionAnswerFaq, ActionClarify, ActionHandoff, ActionOutOfScope, ActionSmalltalk
from actions.faq import Faq, load_faq
from tests.conftest import tracker_dict

FAQ_IDS = sorted(load_faq().entries)


async def run(action: Action, state: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, Tracker.from_dict(state), {})
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0], events


@pytest.mark.parametrize("faq_id", FAQ_IDS)
async def test_every_topic_is_answered_with_link_and_review_date(faq: Faq, faq_id: str) -> None:
    message, _ = await run(ActionAnswerFaq(), tracker_dict(faq_id, text="berapa"))
    entry = faq.entries[faq_id]
    assert message["custom"]["outcome"] == "answer"
    assert message["custom"]["faq_id"] == faq_id
    assert entry.answer in message["text"]
    assert entry.links[0] in message["text"]
    assert "Informasi diperiksa:" in message["text"]


@pytest.mark.parametrize("faq_id", [i for i in FAQ_IDS if load_faq().entries[i].answer_en])
async def test_english_question_gets_english_answer(faq: Faq, faq_id: str) -> None:
    message, events = await run(ActionAnswerFaq(), tracker_dict(faq_id, text="how much is it"))
    assert faq.entries[faq_id].answer_en in message["text"]
    assert SlotSet("language", "en") in events


async def test_english_question_on_indonesian_only_topic_says_so(faq: Faq) -> None:
    message, _ = await run(ActionAnswerFaq(), tracker_dict("paspor_syarat_anak", text="what do i need for my child"))
    assert message["text"].startswith("(This answer is available in Indonesian only.)")
    assert faq.entries["paspor_syarat_anak"].answer in message["text"]


async def test_language_setting_wins_over_message_language(faq: Faq) -> None:
    state = tracker_dict("paspor_biaya", text="berapa biaya paspor", metadata={"language": "en"})
    message, _ = await run(ActionAnswerFaq(), state)
    assert faq.entries["paspor_biaya"].answer_en in message["text"]


@pytest.mark.parametrize(
    ("action", "intent", "outcome"),
    [
        (ActionSmalltalk(), "greet", "smalltalk"),
        (ActionSmalltalk(), "goodbye", "smalltalk"),
        (ActionSmalltalk(), "thanks", "smalltalk"),
        (ActionSmalltalk(), "bot_challenge", "smalltalk"),
        (ActionHandoff(), "human_handoff", "handoff"),
        (ActionOutOfScope(), "out_of_scope", "fallback"),
    ],
)
async def test_conversation_intent_outcomes(action: Action, intent: str, outcome: str) -> None:
    message, events = await run(action, tracker_dict(intent))
    assert message["custom"]["outcome"] == outcome
    assert message["custom"]["intent"] == intent
    assert SlotSet("failures", 0.0) in events


async def test_greeting_offers_popular_topics() -> None:
    message, _ = await run(ActionSmalltalk(), tracker_dict("greet", text="halo"))
    assert {"title": "Biaya paspor", "payload": "/paspor_biaya"} in message["buttons"]


LOW = [
    {"name": "nlu_fallback", "confidence": 0.3},
    {"name": "paspor_hilang", "confidence": 0.25},
    {"name": "paspor_rusak", "confidence": 0.2},
    {"name": "greet", "confidence": 0.15},
    {"name": "paspor_hilang_luar_negeri", "confidence": 0.1},
    {"name": "paspor_biaya", "confidence": 0.05},
]


async def test_low_confidence_asks_back_with_likeliest_topics() -> None:
    message, events = await run(ActionClarify(), tracker_dict("nlu_fallback", 0.3, ranking=LOW))
    custom = message["custom"]
    assert custom["outcome"] == "clarify"
    assert custom["suggestions"] == ["paspor_hilang", "paspor_rusak", "paspor_hilang_luar_negeri"]
    assert custom["intent"] == "paspor_hilang"
    assert [b["payload"] for b in message["buttons"]] == ["/paspor_hilang", "/paspor_rusak", "/paspor_hilang_luar_negeri"]
    assert message["text"].startswith("Maaf, saya kurang yakin maksud Anda. Maksud Anda")
    assert SlotSet("failures", 1.0) in events


async def test_nothing_likely_falls_back() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "paspor_biaya", "confidence": 0.02}]
    message, events = await run(ActionClarify(), tracker_dict("nlu_fallback", 0.3, ranking=ranking))
    assert message["custom"]["outcome"] == "fallback"
    assert message["custom"]["suggestions"] == []
    assert SlotSet("failures", 1.0) in events


async def test_second_miss_in_a_row_offers_the_menu_instead_of_opening_a_ticket() -> None:
    state = tracker_dict("nlu_fallback", 0.3, ranking=LOW, slots={"failures": 1.0})
    message, events = await run(ActionClarify(), state)
    assert message["custom"]["outcome"] == "fallback"
    assert "/topik" in message["text"]
    assert [b["payload"] for b in message["buttons"]][:2] == ["/paspor_syarat_baru", "/paspor_biaya"]
    assert SlotSet("failures", 2.0) in events


@pytest.mark.parametrize(("text", "subject"), [
    ("paspor", "paspor"), ("bikin paspor", "paspor"), ("syarat paspor", "paspor"), ("visa", "visa"),
    ("perpanjang", "perpanjang"), ("info visa dong min", "visa"),
])
async def test_a_broad_subject_gets_its_main_topics_most_asked_first(text: str, subject: str) -> None:
    ranking = [{"name": "paspor_pmi", "confidence": 0.9}, {"name": "paspor_biaya", "confidence": 0.05}]
    message, events = await run(ActionAnswerFaq(), tracker_dict("paspor_pmi", 0.9, text=text, ranking=ranking))
    assert message["custom"]["outcome"] == "clarify"
    assert message["custom"]["suggestions"] == list(dialogue.BROAD_TOPICS[subject])
    assert SlotSet("failures", 0.0) in events


@pytest.mark.parametrize("text", ["biaya paspor", "perpanjang paspor", "paspor hilang", "visa on arrival"])
def test_a_specific_message_is_not_a_broad_subject(text: str) -> None:
    assert dialogue.broad_subject(text) is None


async def test_a_close_runner_up_is_offered_under_the_answer() -> None:
    ranking = [{"name": "paspor_mpaspor", "confidence": 0.55}, {"name": "layanan_pengaduan", "confidence": 0.3}]
    message, _ = await run(ActionAnswerFaq(), tracker_dict("paspor_mpaspor", 0.55, text="aplikasi error terus", ranking=ranking))
    assert message["custom"]["outcome"] == "answer"
    assert message["custom"]["faq_id"] == "paspor_mpaspor"
    assert [b["payload"] for b in message["buttons"]] == ["/layanan_pengaduan"]


async def test_a_distant_runner_up_is_not_offered() -> None:
    ranking = [{"name": "paspor_biaya", "confidence": 0.9}, {"name": "paspor_pembayaran", "confidence": 0.05}]
    message, _ = await run(ActionAnswerFaq(), tracker_dict("paspor_biaya", 0.9, text="biaya paspor", ranking=ranking))
    assert message["buttons"] == []


async def test_answer_resets_the_miss_count() -> None:
    _, events = await run(ActionAnswerFaq(), tracker_dict("paspor_biaya", slots={"failures": 1.0}))
    assert SlotSet("failures", 0.0) in events


async def test_a_weak_out_of_scope_guess_is_a_miss_not_a_decline() -> None:
    message, events = await run(ActionOutOfScope(), tracker_dict("out_of_scope", 0.45, text="gimana caranya ya"))
    assert message["custom"]["outcome"] == "fallback"
    assert "di luar layanan" not in message["text"]
    assert SlotSet("failures", 1.0) in events


async def test_a_decline_offers_the_likeliest_immigration_topics_too() -> None:
    story = "I'm converting my spousal KITAS to KITAP and had a visit today from the Directorate General"
    ranking = [{"name": "out_of_scope", "confidence": 0.65}, {"name": "izin_itap", "confidence": 0.1},
               {"name": "visa_keluarga", "confidence": 0.05}, {"name": "greet", "confidence": 0.04}]
    message, events = await run(ActionOutOfScope(), tracker_dict("out_of_scope", 0.65, text=story, ranking=ranking))
    assert message["custom"]["outcome"] == "clarify"
    assert "outside immigration" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/izin_itap", "/visa_keluarga"]
    assert SlotSet("failures", 0.0) in events


async def test_a_clear_out_of_scope_question_is_declined_with_where_to_go() -> None:
    message, events = await run(ActionOutOfScope(), tracker_dict("out_of_scope", 0.9, text="cara bikin sim"))
    assert "Dukcapil" in message["text"]
    assert SlotSet("failures", 0.0) in events
