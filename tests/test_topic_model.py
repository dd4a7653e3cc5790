"""The topic model behind the Rasa component: stems, question sentences, ranking, and a model file without pickle."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.sparse import hstack

from benchmarks.risk import Labelled, Output, choose_thresholds, paired_interval, rethreshold, score
from bot.nlu.model import Settings, TopicModel
from bot.nlu.text import question_part, stem, stems

TOPICS = frozenset({"paspor_biaya", "visa_perpanjang"})


@pytest.mark.parametrize("word", ["perpanjangan", "memperpanjang", "diperpanjang"])
def test_affixed_forms_share_a_stem(word: str) -> None:
    assert stem(word) == "panjang"


def test_english_and_short_words_keep_their_form() -> None:
    assert stems("visa on arrival") == ["visa", "on", "arrival"]


def test_a_short_message_is_read_whole() -> None:
    assert question_part("berapa biaya paspor?") == "berapa biaya paspor?"


def test_a_long_message_is_also_read_as_its_question() -> None:
    story = ("Saya sudah tiga kali datang ke kantor dan setiap kali antrean sangat panjang sekali. "
             "Petugas bilang berkas saya kurang lengkap tetapi tidak menjelaskan bagian yang kurang dari berkas itu. "
             "Berapa biaya paspor elektronik sekarang?")
    assert question_part(story) == "Berapa biaya paspor elektronik sekarang?"


@pytest.fixture(scope="module")
def small_model() -> TopicModel:
    texts = ["berapa biaya paspor", "biaya bikin paspor", "harga paspor elektronik",
             "perpanjang visa turis", "cara memperpanjang visa", "extend my visa"]
    labels = ["paspor_biaya"] * 3 + ["visa_perpanjang"] * 3
    return TopicModel(Settings(char_min_df=1)).fit(texts, labels)


def test_ranking_is_likeliest_first_and_sums_to_one(small_model: TopicModel) -> None:
    ranking = small_model.rank("berapa harga paspor")
    assert ranking[0][0] == "paspor_biaya"
    assert sum(confidence for _, confidence in ranking) == pytest.approx(1.0)


def test_saved_model_ranks_the_same_after_loading(small_model: TopicModel, tmp_path: Path) -> None:
    small_model.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    assert TopicModel.load(tmp_path).rank("diperpanjang visanya") == small_model.rank("diperpanjang visanya")


@pytest.fixture(scope="module")
def model_with_out_of_scope() -> TopicModel:
    texts = ["berapa biaya paspor", "biaya bikin paspor", "perpanjang visa turis", "extend my visa", "cara bikin sim",
             "resep rendang", "tiket pesawat murah", "harga emas hari ini"]
    labels = ["paspor_biaya"] * 2 + ["visa_perpanjang"] * 2 + ["out_of_scope"] * 4
    return TopicModel(Settings(char_min_df=1)).fit(texts, labels)


def test_a_message_without_a_known_word_gets_every_intent_equally_likely(model_with_out_of_scope: TopicModel) -> None:
    assert [confidence for _, confidence in model_with_out_of_scope.rank("qwzx vbnm")] == pytest.approx([1 / 3] * 3)


def test_a_message_with_known_words_can_be_out_of_scope(model_with_out_of_scope: TopicModel) -> None:
    assert model_with_out_of_scope.rank("resep rendang padang")[0][0] == "out_of_scope"


@pytest.mark.parametrize(("solver", "topics"), [("liblinear", 2), ("liblinear", 3), ("lbfgs", 3)])
def test_the_scorer_gives_scikit_learns_probabilities(solver: str, topics: int) -> None:
    texts = ["berapa biaya paspor", "biaya bikin paspor", "harga paspor elektronik", "perpanjang visa turis",
             "cara memperpanjang visa", "extend my visa", "kantor imigrasi di mana", "alamat kantor", "jam buka kantor"]
    labels = [label for label in ("paspor_biaya", "visa_perpanjang", "kantor_alamat") for _ in range(3)]
    model = TopicModel(Settings(char_min_df=1, solver=solver)).fit(texts[:3 * topics], labels[:3 * topics])
    messages = ["berapa biaya perpanjang paspor di kantor", "visa visa visa 🙂", "visa qqqq", texts[0]]
    features = hstack([model.words.transform(messages), model.chars.transform(messages)]).tocsr()
    expected = model.classifier.predict_proba(features)
    for message, row in zip(messages, expected, strict=True):
        assert model.scorer.probabilities(message) == pytest.approx(row, abs=1e-12)


def test_scores_count_wrong_answers_and_offers() -> None:
    messages = [Labelled("a", "paspor_biaya"), Labelled("b", "visa_perpanjang"), Labelled("c", "out_of_scope")]
    outputs = [
        Output("paspor_biaya", 0.9, "answer", "paspor_biaya"),
        Output("paspor_biaya", 0.5, "clarify", suggestions=("paspor_biaya", "visa_perpanjang")),
        Output("visa_perpanjang", 0.7, "answer", "visa_perpanjang"),
    ]
    scores = score(messages, outputs, TOPICS)
    assert scores.right_topic == pytest.approx(1 / 3)
    assert scores.wrong_answers == pytest.approx(1 / 3)
    assert scores.right_or_offered == pytest.approx(2 / 3)


def test_a_recognised_out_of_scope_message_is_served_when_no_faq_answer_is_given() -> None:
    messages = [Labelled("cara bikin sim", "out_of_scope")] * 3
    outputs = [
        Output("out_of_scope", 0.9, "fallback"),
        Output("out_of_scope", 0.9, "clarify", suggestions=("paspor_biaya",)),
        Output("paspor_biaya", 0.5, "clarify", suggestions=("paspor_biaya",)),
    ]
    assert score(messages, outputs, TOPICS).right_or_offered == pytest.approx(2 / 3)


def test_rethresholding_stops_before_the_cap_is_passed() -> None:
    messages = [Labelled(str(i), "paspor_biaya") for i in range(20)]
    outputs = [Output("paspor_biaya" if i != 5 else "visa_perpanjang", 1 - i / 100, "answer") for i in range(20)]
    right, threshold, _ = rethreshold(list(zip(messages, outputs, strict=True)), TOPICS, cap=0.05)
    assert right == pytest.approx(19 / 20)
    assert threshold == pytest.approx(0.81)
    right, threshold, _ = rethreshold(list(zip(messages, outputs, strict=True)), TOPICS, cap=0.0)
    assert right == pytest.approx(5 / 20)


def test_identical_systems_differ_by_nothing() -> None:
    messages = [Labelled(str(i), "paspor_biaya") for i in range(20)]
    outputs = [Output("paspor_biaya" if i % 3 else "visa_perpanjang", 1 - i / 100, "answer") for i in range(20)]
    assert paired_interval(messages, outputs, outputs, TOPICS, rounds=200) == (0.0, 0.0, 0.0)


def test_a_clearly_better_system_is_ahead_beyond_the_interval() -> None:
    messages = [Labelled(str(i), "paspor_biaya") for i in range(40)]
    right = [Output("paspor_biaya", 0.9, "answer") for _ in messages]
    wrong = [Output("visa_perpanjang", 0.9, "answer") for _ in messages]
    difference, low, high = paired_interval(messages, right, wrong, TOPICS, rounds=200)
    assert difference == pytest.approx(1.0)
    assert 0 < low <= high


#: A sure right answer, and an unsure one that is wrong.
TWO_ANSWERS = (
    [Labelled("a", "paspor_biaya"), Labelled("b", "visa_perpanjang")],
    [Output("paspor_biaya", 0.9, "answer", ranking=(("paspor_biaya", 0.9), ("visa_perpanjang", 0.1))),
     Output("paspor_biaya", 0.5, "answer", ranking=(("paspor_biaya", 0.5), ("visa_perpanjang", 0.4)))],
)


def test_thresholds_are_chosen_within_the_wrong_answer_limit() -> None:
    rows = choose_thresholds({"set": TWO_ANSWERS}, TOPICS, {"set": 0.0})
    assert rows
    assert all(figures["set"][1] == 0.0 for _, _, figures in rows)
    assert rows[0][2]["set"] == (0.5, 0.0)


def test_at_equal_figures_the_more_cautious_thresholds_come_first() -> None:
    rows = choose_thresholds({"set": TWO_ANSWERS}, TOPICS, {"set": 0.0})
    threshold, margin, best = rows[0]
    assert (margin, threshold) == max((m, t) for t, m, figures in rows if figures == best)
