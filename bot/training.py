"""Derive Rasa's training files from faq/ and nlu_data/, and train a model when they changed.

The model is named by a hash of what it learns from (pipeline, domain, example questions,
conversation data, chat dictionary), so an answer-only edit never needs retraining and an
unchanged checkout never trains twice. Rasa is imported only when a model is really trained.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actions.faq import Faq, load_faq
from bot.normalize import Normalizer
from bot.paths import BUILD_DIR, CONFIG_PATH, DOMAIN_PATH, MODELS_DIR, NLU_DIR, NORMALISATION_PATH

logger = logging.getLogger(__name__)

#: Bump when the way training files are derived changes, so old models are not reused.
DERIVATION_VERSION = "1"
#: What each conversation intent of the catalogue triggers.
CONVERSATION_ACTIONS = {
    "greet": "action_smalltalk",
    "goodbye": "action_smalltalk",
    "thanks": "action_smalltalk",
    "bot_challenge": "action_smalltalk",
    "human_handoff": "action_handoff",
    "out_of_scope": "action_out_of_scope",
}
CONVERSATION_FILES = ("conversation.yml", "out_of_scope.yml", "out_of_scope_long.yml")


class ContentError(Exception):
    """The FAQ content has problems, so no model is trained from it."""


@dataclass(frozen=True)
class TrainingFiles:
    """Paths of the derived files Rasa trains from."""

    config: Path
    domain: Path
    data: tuple[Path, ...]


def conversation_examples(nlu_dir: Path = NLU_DIR, names: Sequence[str] = CONVERSATION_FILES) -> dict[str, list[str]]:
    """Example messages of the conversation intents (greet, out_of_scope, ...) by intent, from these files."""
    examples: dict[str, list[str]] = {}
    for name in names:
        data = yaml.safe_load((nlu_dir / name).read_text(encoding="utf-8"))
        for block in data.get("nlu", []):
            lines = [line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- ")]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


def training_examples(faq: Faq, nlu_dir: Path = NLU_DIR, names: Sequence[str] = CONVERSATION_FILES) -> dict[str, list[str]]:
    """Every intent's raw example messages: one intent per FAQ topic plus the conversation intents (from these files)."""
    examples = {entry.id: list(entry.examples) for entry in faq.entries.values()}
    examples.update(conversation_examples(nlu_dir, names))
    return examples


def fingerprint(faq: Faq) -> str:
    """A hash of everything the model learns from, and of the topic model's code (answers, links and dates excluded)."""
    digest = hashlib.sha256(DERIVATION_VERSION.encode())
    model_code = sorted((Path(__file__).parent / "nlu").glob("*.py"))
    for path in (CONFIG_PATH, DOMAIN_PATH, NORMALISATION_PATH, *(NLU_DIR / n for n in CONVERSATION_FILES), *model_code):
        digest.update(path.read_bytes())
    topics = {entry.id: list(entry.examples) for entry in faq.entries.values()}
    digest.update(json.dumps(topics, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def model_path(faq: Faq, models_dir: Path = MODELS_DIR) -> Path:
    """Where the model for the current content lives (whether or not it exists yet)."""
    return models_dir / f"nlu-{fingerprint(faq)}.tar.gz"


def write_training_files(faq: Faq, normalizer: Normalizer, out_dir: Path) -> TrainingFiles:
    """Write the derived domain, NLU data and rules that Rasa trains from."""
    out_dir.mkdir(parents=True, exist_ok=True)
    examples = training_examples(faq)
    nlu = [
        {"intent": intent, "examples": "".join(f"- {text}\n" for text in _unique(map(normalizer, texts)))}
        for intent, texts in examples.items()
    ]
    rules: list[dict[str, Any]] = [
        {"rule": f"answer {topic}", "steps": [{"intent": topic}, {"action": "action_answer_faq"}]}
        for topic in faq.entries
    ]
    rules += [
        {"rule": f"reply to {intent}", "steps": [{"intent": intent}, {"action": action}]}
        for intent, action in CONVERSATION_ACTIONS.items()
    ]
    rules.append({"rule": "ask back when unsure", "steps": [{"intent": "nlu_fallback"}, {"action": "action_clarify"}]})
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    domain["intents"] = list(domain["intents"]) + list(faq.entries)
    files = TrainingFiles(config=CONFIG_PATH, domain=out_dir / "domain.yml", data=(out_dir / "nlu.yml", out_dir / "rules.yml"))
    _dump(files.domain, domain)
    _dump(files.data[0], {"version": "3.1", "nlu": nlu})
    _dump(files.data[1], {"version": "3.1", "rules": rules})
    return files


def ensure_model(force: bool = False, models_dir: Path = MODELS_DIR) -> tuple[Path, bool]:
    """Return the model for the current content, training it first if needed (and whether it did)."""
    faq = load_faq()
    if faq.problems:
        raise ContentError("\n".join(map(str, faq.problems)))
    target = model_path(faq, models_dir)
    if target.exists() and not force:
        return target, False
    files = write_training_files(faq, Normalizer.load(), BUILD_DIR / "training" / target.stem)
    train_rasa(files, target)
    return target, True


def train_rasa(files: TrainingFiles, target: Path) -> None:
    """Train a Rasa model from derived files into target (imports Rasa)."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.model_training import train

    target.parent.mkdir(parents=True, exist_ok=True)
    name = target.name.removesuffix(".tar.gz")
    with contextlib.redirect_stdout(sys.stderr):
        result = train(
            domain=str(files.domain),
            config=str(files.config),
            training_files=[str(p) for p in files.data],
            output=str(target.parent),
            fixed_model_name=name,
        )
    if result.code != 0 or not target.exists():
        raise RuntimeError(f"Rasa training failed (code {result.code})")
    logger.info("trained %s", target)


def _unique(texts: Any) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

