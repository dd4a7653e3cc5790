"""Every topic-model experiment, re-run side by side: what the shipped settings won against, and by how much.

Each variant is the topic model of bot/nlu with one thing changed, trained on the same examples (or, for the data
experiment, on the examples of the first version) and scored on the same two evaluation sets without thresholds:
right topic, and right answers at the 5 % wrong-answer cap. Usage: ./tanya bench nlu_experiments
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from actions.faq import load_catalogue, load_faq
from benchmarks.nlu import chat_set, real_set
from benchmarks.results import write_section
from benchmarks.risk import Labelled, Output, score
from bot.nlu.model import Settings, TopicModel
from bot.normalize import Normalizer
from bot.paths import NLU_DIR, ROOT
from bot.training import conversation_examples, training_examples

#: The commit of the first version, whose 752 examples the data experiment trains on.
FIRST_VERSION = "80366b1"
FIRST_VERSION_FILES = ("conversation.yml", "out_of_scope.yml")
SHIPPED = Settings()
VARIANTS: dict[str, Settings] = {
    "shipped (stems + characters, liblinear C=10, unweighted classes, question reading)": SHIPPED,
    "without question reading of long messages": dataclasses.replace(SHIPPED, question_min_words=0),
    "words as written (no PySastrawi stems)": dataclasses.replace(SHIPPED, use_stems=False),
    "C=3 (more regularised)": dataclasses.replace(SHIPPED, c=3.0),
    "C=30 (less regularised)": dataclasses.replace(SHIPPED, c=30.0),
    "classes balanced (out_of_scope, the largest, weighted down)": dataclasses.replace(SHIPPED, class_weight="balanced"),
    "multinomial (lbfgs) instead of one-vs-rest": dataclasses.replace(SHIPPED, solver="lbfgs"),
}


def first_version_examples() -> dict[str, list[str]] | None:
    """The first version's training examples, read from git (None outside a git checkout with that commit)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "faq").mkdir()
        (root / "nlu").mkdir()
        try:
            def show(path: str) -> str:
                return subprocess.run(["git", "show", f"{FIRST_VERSION}:{path}"], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout

            (root / "catalogue.yml").write_text(show("actions/faq-catalogue.yml"), encoding="utf-8")
            for name in ("paspor", "visa", "izin_tinggal", "layanan"):
                (root / "faq" / f"{name}.yml").write_text(show(f"faq/{name}.yml"), encoding="utf-8")
            for name in FIRST_VERSION_FILES:
                (root / "nlu" / name).write_text(show(f"nlu_data/{name}"), encoding="utf-8")
        except (OSError, subprocess.CalledProcessError):
            return None
        faq = load_faq(root / "faq", load_catalogue(root / "catalogue.yml"))
        return training_examples(faq, root / "nlu", FIRST_VERSION_FILES)


def evaluate(settings: Settings, examples: dict[str, list[str]], sets: dict[str, list[Labelled]],
             topics: frozenset[str]) -> tuple[float, dict[str, tuple[float, float]]]:
    """Train one variant; (training seconds, per set (right topic, right at the cap))."""
    normalize = Normalizer.load()
    texts = [normalize(t) for ts in examples.values() for t in ts]
    labels = [label for label, ts in examples.items() for _ in ts]
    started = time.perf_counter()
    model = TopicModel(settings).fit(texts, labels)
    seconds = time.perf_counter() - started
    figures = {}
    for name, messages in sets.items():
        outputs = []
        for message in messages:
            intent, confidence = model.rank(normalize(message.text))[0]
            outputs.append(Output(intent, confidence, "answer" if intent in topics else "fallback", intent))
        scores = score(messages, outputs, topics)
        figures[name] = (scores.right_topic, scores.right_at_cap)
    return seconds, figures


def main(argv: Sequence[str] | None = None) -> int:
    """Run every variant, print the table and write it to benchmarks/RESULTS.md."""
    faq = load_faq()
    topics = frozenset(faq.entries)
    sets = {"real": real_set(), "chat-style": chat_set()}
    shipped_examples = training_examples(faq)
    runs: list[tuple[str, Settings, dict[str, list[str]]]] = [
        (name, settings, shipped_examples) for name, settings in VARIANTS.items()
    ]
    long_stories = set(conversation_examples(NLU_DIR, ("out_of_scope_long.yml",))["out_of_scope"])
    shorter = {**shipped_examples, "out_of_scope": [t for t in shipped_examples["out_of_scope"] if t not in long_stories]}
    runs.append((f"without the {len(long_stories)} long out-of-scope examples (nlu_data/out_of_scope_long.yml)", SHIPPED,
                 shorter))
    runs.append(("without them, classes balanced (the shipped model before 2026-11-30)",
                 dataclasses.replace(SHIPPED, class_weight="balanced"), shorter))
    first = first_version_examples()
    if first is not None:
        count = sum(map(len, first.values()))
        runs.append((f"shipped model on the first version's {count} examples (37 topics)", SHIPPED, first))
    lines = [
        "## NLU experiments: the topic model with one thing changed",
        "",
        "Same evaluation sets as above, no thresholds: *right topic* is the likeliest intent; *right at 5 % cap* "
        f"re-thresholds the variant's own confidence. The sets are small (n={len(sets['real'])} and "
        f"{len(sets['chat-style'])}): differences of 0.02 on the real set are {round(0.02 * len(sets['real']))} "
        "messages, within noise. The figures in this paragraph were measured on the first 198 real messages. The 81 "
        "collected afterwards, measured on their own before they joined the set: the shipped model 8.6 % wrong "
        "answers at its thresholds, right answer or topic offered 0.617, 0.099 right at the cap; the TF-IDF peer "
        "0.111 at the cap (difference -0.012, interval -0.210 to +0.148). Experiments run before this benchmark "
        "existed (ensembles of a "
        "word and a character model, geometric means, confidence lowered for long messages by a temperature, "
        "averaging over every sentence of a long message, SGD and calibrated linear SVM; and, as the confidence, "
        "the margin over the runner-up or its product with the probability, the raw one-vs-rest scores, a softmax "
        "of the decision values, or blends with a word-only TF-IDF model: real set at the cap 0.17-0.25 against the "
        "shipped 0.253) did not do better on the real set and are not repeated here. Nor did, as the confidence, "
        "the share of known words, the similarity to the nearest training example, a model of the answer being "
        "right fitted on cross-validated training predictions (linear or boosted trees, with or without "
        "out-of-scope negatives), per-topic precision or typical probability, or agreement when each sentence is "
        "left out (real set at the cap 0.07-0.25). Agreement when words are dropped at random (100 copies) reached "
        "0.29-0.32 at a drop rate of 0.5-0.6 but 0.22-0.26 at 0.4; the rate was picked on the real set, on "
        "training data the plain probability separates better, its intervals against the shipped model and the "
        "peer contain 0, and it costs 10-70 ms a message (the latency target is 30 ms): not adopted. Nor did "
        "training on copies of the examples wrapped in 1-3 topic-free sentences (greetings, backstory, "
        "frustration; one or two copies each, with or without out-of-scope examples): on cross-validated examples "
        "wrapped in unseen filler it helped (+3 to +5 points at the cap), but on the real set it lost (0.19-0.21 at "
        "the cap) and on the chat-style set 3-4 messages; the model grew surer, not more careful.",
        "",
        "What won (2026-11-30): the TF-IDF peer's lead at the cap on the 279 real messages of then came entirely "
        "from out-of-scope messages, which it named out_of_scope above its cap threshold 24 times, the shipped "
        "model twice (right topics: 40 against 41). The out-of-scope examples were short questions (45 of 326 had "
        "20 words or more, against 859 of the topics' 3,800), and class balancing weighted out_of_scope, the "
        "largest intent, down: a long story came out as a topic. Two writers who never saw the evaluation sets "
        "wrote 200 long stories about other institutions (nlu_data/out_of_scope_long.yml) and the classes are no "
        "longer weighted; the rows below show each change alone. A resident whose immigration story reads as "
        "out of scope is not simply declined: the decline offers the likeliest topics as buttons. The 54 messages "
        "of the third collection, gathered after this choice and measured on their own before they joined the "
        "set: the shipped model 0.0 % wrong answers (at thresholds 0.40 / 0.15), right answer or topic offered "
        "0.685, 0.389 right at the cap; the TF-IDF peer 0.241 (difference +0.148, interval +0.056 to +0.241); "
        "DIET 0.204 (difference +0.185, interval +0.056 to +0.352). Variants within about 0.03 of the shipped "
        "model on the real set (10 messages) are within noise; switching to one of them would tune to this set.",
        "",
        "| variant | training | real: right topic | real: right at 5 % cap | chat-style: right topic "
        "| chat-style: right at 5 % cap |",
        "|---|---|---|---|---|---|",
    ]
    for name, settings, examples in runs:
        print(f"evaluating {name} ...", file=sys.stderr, flush=True)
        seconds, figures = evaluate(settings, examples, sets, topics)
        real, chat = figures["real"], figures["chat-style"]
        lines.append(f"| {name} | {seconds:.0f} s | {real[0]:.3f} | {real[1]:.3f} | {chat[0]:.3f} | {chat[1]:.3f} |")
    body = "\n".join(lines)
    print(body)
    write_section("nlu-experiments", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
