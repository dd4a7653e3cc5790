"""The topic model: TF-IDF over Indonesian stems and character n-grams, then logistic regression.

Pure scikit-learn (no Rasa import), so the benchmark and the tests use it directly; bot.nlu.component wraps
it as a Rasa intent classifier. A long message is read twice, whole and as its question sentences, and the two
probability vectors are averaged: the narrative around a question still counts, the question counts more.
The model is saved as arrays and JSON (no pickle), so loading a model file never runs code.

Answering reads one message at a time: `Scorer` computes the fitted model's probabilities for it directly from
the vocabularies and weights (scikit-learn's transform and predict_proba, built for batches, spent about 3.5 ms of
input checks and sparse-matrix building on each message; reading a message now takes about 1 ms, with the same
numbers).
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import hstack
from scipy.special import expit, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.text import question_part, stems, words


def stem_grams(text: str) -> list[str]:
    """Stems and stem bigrams of a text, the word features of the model."""
    return grams(stems(text))


def word_grams(text: str) -> list[str]:
    """Words and word bigrams of a text, as written (the model without stemming)."""
    return grams(words(text))


def grams(tokens: list[str]) -> list[str]:
    """Tokens and token bigrams."""
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


@dataclass(frozen=True)
class Settings:
    """The model's settings, as config.yml gives them to the Rasa component."""

    c: float = 10.0
    char_min_df: int = 2
    #: None: every example counts the same, so out_of_scope, with the most (and most varied) examples, keeps its weight;
    #: "balanced" weighted it down, and long out-of-scope stories then came out as topics.
    class_weight: str | None = None
    #: Messages of at least this many words are also read as their question sentences (0: never).
    question_min_words: int = 25
    #: Word features from Indonesian stems (False: the words as written).
    use_stems: bool = True
    #: "liblinear" (one-vs-rest, fast) or "lbfgs" (multinomial).
    solver: str = "liblinear"


class TopicModel:
    """Learns intents from example messages and ranks the intents of a new message by probability."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.words = TfidfVectorizer(analyzer=stem_grams if self.settings.use_stems else word_grams, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                     min_df=self.settings.char_min_df)
        # liblinear (one-vs-rest) trains in ~10 s on the examples, where lbfgs needs over a minute on two cores.
        self.classifier = LogisticRegression(C=self.settings.c, solver=self.settings.solver, max_iter=3000,
                                             class_weight=self.settings.class_weight)

    @functools.cached_property
    def scorer(self) -> Scorer:
        """The fitted model's probabilities for one message at a time (known once the model is fitted or loaded)."""
        return Scorer(self)

    @functools.cached_property
    def classes(self) -> list[str]:
        """The intents, in the order of the probability columns (known once the model is fitted or loaded)."""
        return [str(c) for c in self.classifier.classes_]

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TopicModel:
        """Train on example messages and their intents."""
        features = hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()
        self.classifier.fit(features, list(labels))
        self.__dict__.pop("scorer", None)
        self.__dict__.pop("classes", None)
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row of intent probabilities per text (columns in the order of `classes`)."""
        whole = self._proba(texts)
        if not self.settings.question_min_words:
            return whole
        parts = [question_part(t, self.settings.question_min_words) for t in texts]
        changed = [i for i, (t, p) in enumerate(zip(texts, parts, strict=True)) if p != t]
        if changed:
            whole[changed] = (whole[changed] + self._proba([parts[i] for i in changed])) / 2
        return whole

    def rank(self, text: str) -> list[tuple[str, float]]:
        """The intents of one message, likeliest first, with their probabilities."""
        row = self.probabilities([text])[0]
        order = np.argsort(-row)
        return [(self.classes[i], float(row[i])) for i in order]

    def _proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.scorer.probabilities(text) for text in texts])

    def save(self, directory: Path) -> None:
        """Write the fitted model as JSON and numpy arrays."""
        directory.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "settings": self.settings.__dict__,
            "classes": self.classes,
            "words": {k: int(v) for k, v in self.words.vocabulary_.items()},
            "chars": {k: int(v) for k, v in self.chars.vocabulary_.items()},
        }
        (directory / "topic_model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez(directory / "topic_model.npz", words_idf=self.words.idf_, chars_idf=self.chars.idf_,
                 coef=self.classifier.coef_, intercept=self.classifier.intercept_)

    @classmethod
    def load(cls, directory: Path) -> TopicModel:
        """Read a model written by save (no pickle: arrays and JSON only)."""
        meta = json.loads((directory / "topic_model.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / "topic_model.npz", allow_pickle=False)
        model = cls(Settings(**meta["settings"]))
        for vectorizer, name in ((model.words, "words"), (model.chars, "chars")):
            vectorizer.vocabulary_ = meta[name]
            vectorizer.idf_ = arrays[f"{name}_idf"]
        model.classifier.classes_ = np.array(meta["classes"])
        model.classifier.coef_ = arrays["coef"]
        model.classifier.intercept_ = arrays["intercept"]
        return model


class Scorer:
    """A fitted TopicModel's features and weights, laid out for scoring one text: what scikit-learn's
    TfidfVectorizer.transform (sublinear tf, idf, l2 norm per vectorizer), hstack and predict_proba compute."""

    def __init__(self, model: TopicModel) -> None:
        classifier = model.classifier
        self.parts: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, int]] = []
        offset = 0
        for vectorizer in (model.words, model.chars):
            self.parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, np.asarray(vectorizer.idf_), offset))
            offset += len(vectorizer.vocabulary_)
        self.weights = np.ascontiguousarray(np.asarray(classifier.coef_).T)  # one row per feature
        self.intercept = np.asarray(classifier.intercept_)
        self.unknown = np.full(len(classifier.classes_), 1 / len(classifier.classes_))  # for a text of unknown words
        # scikit-learn's rule (multi_class="auto"): liblinear fits one-vs-rest, other solvers a multinomial model.
        self.one_vs_rest = classifier.solver == "liblinear" or len(classifier.classes_) <= 2

    def probabilities(self, text: str) -> np.ndarray:
        """The intent probabilities of one text (columns in the order of the classifier's classes).

        A text with no word the model knows ("asdf hjkl") gets every intent equally likely: nothing in it says
        what it is about, and read from its letters alone out_of_scope, the largest intent, would win on its prior
        and a few topics on chance letters. The assistant then says it did not understand and asks again.
        """
        decision = self.intercept.copy()
        for analyze, vocabulary, idf, offset in self.parts:
            counts = Counter(index for gram in analyze(text) if (index := vocabulary.get(gram)) is not None)
            if not counts:
                if offset == 0:  # the first part holds the word features
                    return self.unknown.copy()
                continue
            indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            values = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1) * idf[indices]
            # Elementwise, not a matrix product: BLAS would start threads for this small sum and cost more CPU.
            decision += np.einsum("f,fk->k", values / np.sqrt(np.einsum("f,f->", values, values)),
                                  self.weights[indices + offset])
        if not self.one_vs_rest:
            return np.asarray(softmax(decision))
        if len(decision) == 1:
            positive = expit(decision[0])
            return np.array([1 - positive, positive])
        probabilities = expit(decision)
        return np.asarray(probabilities / probabilities.sum())
