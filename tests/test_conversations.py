"""Whole conversations through the real model, the real action server and the assistant seam."""

from __future__ import annotations

import uuid

import pytest

from bot.assistant import Assistant


def user() -> str:
    return f"test-{uuid.uuid4().hex}"


@pytest.mark.parametrize(
    ("message", "faq_id"),
    [
        ("brp biaya bikin paspor elektronik", "paspor_biaya"),
        ("paspor sy ilang gmn ngurusnya", "paspor_hilang"),
        ("how long can i stay with a visa on arrival", "visa_voa"),
        ("alamat kantor imigrasi bengkulu dimana", "kantor_alamat_jam"),
    ],
)
async def test_question_gets_the_curated_answer(assistant: Assistant, message: str, faq_id: str) -> None:
    reply = await assistant.handle(message, user())
    assert (reply.outcome, reply.faq_id, reply.intent) == ("answer", faq_id, faq_id)
    assert "https://" in reply.text
    assert ".go.id" in reply.text


async def test_english_question_is_answered_in_english(assistant: Assistant) -> None:
    reply = await assistant.handle("how much does a passport cost", user())
    assert reply.faq_id == "paspor_biaya"
    assert reply.language == "en"
    assert "Official passport fees" in reply.text


async def test_a_broad_subject_offers_its_main_topics(assistant: Assistant) -> None:
    reply = await assistant.handle("bikin paspor", user())
    assert reply.outcome == "clarify"
    assert reply.suggestions[0] == "paspor_syarat_baru"
    assert "paspor_pmi" not in reply.suggestions
    assert [payload for _, payload in reply.buttons] == [f"/{s}" for s in reply.suggestions]


async def test_two_unclear_messages_get_the_menu_not_a_ticket(assistant: Assistant) -> None:
    sender = user()
    assert (await assistant.handle("qwerty zxcv", sender)).outcome in ("clarify", "fallback")
    second = await assistant.handle("asdf hjkl", sender)
    assert second.outcome == "fallback"
    assert "/topik" in second.text
    assert second.buttons


async def test_choosing_a_suggestion_answers_it(assistant: Assistant) -> None:
    sender = user()
    first = await assistant.handle("paspor", sender)
    title, payload = first.buttons[0]
    reply = await assistant.handle(title, sender, intent=payload.removeprefix("/"))
    assert (reply.outcome, reply.faq_id, reply.confidence) == ("answer", first.suggestions[0], 1.0)
    assert len(reply.guesses) == 1  # the button's intent itself, not a ranking by the model


@pytest.mark.parametrize("typed", ["/paspor_biaya", "/restart", "／human_handoff", "\u200b/human_handoff", " / /restart"])
async def test_typed_text_is_never_read_as_an_intent(assistant: Assistant, typed: str) -> None:
    reply = await assistant.handle(typed, user())
    assert not reply.degraded
    assert len(reply.guesses) > 1  # ranked by the model from the words


async def test_a_button_intent_the_model_does_not_know_reads_its_title(assistant: Assistant) -> None:
    reply = await assistant.handle("biaya paspor", user(), intent="topik_yang_dihapus")
    assert (reply.outcome, reply.faq_id) == ("answer", "paspor_biaya")
    assert len(reply.guesses) > 1


async def test_asking_for_a_human_hands_off(assistant: Assistant) -> None:
    reply = await assistant.handle("saya mau bicara dengan petugas", user())
    assert (reply.outcome, reply.intent) == ("handoff", "human_handoff")


async def test_smalltalk_steers_back(assistant: Assistant) -> None:
    reply = await assistant.handle("halo min", user())
    assert reply.outcome == "smalltalk"
    assert reply.buttons


@pytest.mark.parametrize("message", ["cara bikin sim a", "bayar bpjs kesehatan gimana", "harga tiket pesawat ke jakarta"])
async def test_neighbouring_services_are_not_answered_with_an_immigration_faq(assistant: Assistant, message: str) -> None:
    reply = await assistant.handle(message, user())
    assert reply.outcome != "answer"
    assert reply.faq_id is None


async def test_users_do_not_share_state(assistant: Assistant) -> None:
    alice, bob = user(), user()
    assert "/topik" not in (await assistant.handle("qwerty zxcv", alice)).text
    # Alice's miss must not count as Bob's first miss.
    assert "/topik" not in (await assistant.handle("qwerty zxcv", bob)).text
    assert (await assistant.handle("biaya paspor berapa", alice)).outcome == "answer"
    assert (await assistant.handle("brp biaya paspor", bob)).outcome == "answer"


async def test_action_responses_are_still_validated(assistant: Assistant) -> None:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_faq", None)
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list"})


async def test_long_conversation_keeps_working_with_bounded_history(assistant: Assistant) -> None:
    sender = user()
    for number in range(40):
        reply = await assistant.handle("brp biaya paspor" if number % 2 else "halo", sender)
        assert reply.outcome in ("answer", "smalltalk")
    assert (await assistant.handle("paspor", sender)).outcome == "clarify"
    assert (await assistant.handle("qwerty zxcv", sender)).outcome in ("clarify", "fallback")
    assert "/topik" in (await assistant.handle("asdf hjkl", sender)).text
