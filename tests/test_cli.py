"""The command line as users and outside evaluations call it, in real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.paths import ROOT

CONTRACT_KEYS = ["text", "intent", "confidence", "outcome", "faq_id", "suggestions", "reply"]


def bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


@pytest.mark.slow
def test_ask_jsonl_contract(model_path: Path) -> None:
    lines = ["brp biaya paspor", "", "halo", "paspor", "mau bicara dengan petugas", "😀", "<b>&amp;</b>", "x" * 5000]
    result = bot("ask", "--jsonl", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == lines
    for record in records:
        assert list(record) == CONTRACT_KEYS
        assert record["outcome"] in ("answer", "clarify", "fallback", "handoff", "smalltalk")
        assert isinstance(record["confidence"], float)
        assert record["reply"]
        assert (record["faq_id"] is not None) == (record["outcome"] == "answer")
        assert bool(record["suggestions"]) == (record["outcome"] == "clarify")
    assert [r["outcome"] for r in records[:5]] == ["answer", "fallback", "smalltalk", "clarify", "handoff"]
    assert records[0]["faq_id"] == "paspor_biaya"


@pytest.mark.slow
def test_train_says_model_is_current(model_path: Path) -> None:
    result = bot("train")
    assert result.returncode == 0, result.stderr
    assert "Model sudah sesuai data terbaru" in result.stdout
    assert str(model_path) in result.stdout


def test_ask_needs_jsonl_flag() -> None:
    result = bot("ask")
    assert result.returncode == 2
    assert "--jsonl" in result.stderr
