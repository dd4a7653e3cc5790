"""Staff edits reach residents without downtime: answers live within seconds, new examples retrained in the background."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from actions.faq import FAQ_DIR
from bot.assistant import Assistant
from bot.learning import add_example
from bot.retrain import ModelWatcher

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture(scope="module")
async def staff_copy(tmp_path_factory, model_path: Path) -> AsyncIterator[tuple[Assistant, Path]]:
    faq_dir = tmp_path_factory.mktemp("live") / "faq"
    shutil.copytree(FAQ_DIR, faq_dir)
    async with Assistant(model_path, faq_dir=faq_dir) as assistant:
        yield assistant, faq_dir


async def test_answer_edit_is_served_without_retraining_or_restart(staff_copy: tuple[Assistant, Path]) -> None:
    assistant, faq_dir = staff_copy
    model = assistant.model_path
    assert "Rp950.000" in (await assistant.handle("brp biaya paspor", "live-1")).text
    path = faq_dir / "paspor.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("10 tahun: <b>Rp950.000</b>", "10 tahun: <b>Rp999.000</b>"),
                    encoding="utf-8")
    await asyncio.sleep(1.2)
    reply = await assistant.handle("brp biaya paspor", "live-2")
    assert "Rp999.000" in reply.text
    assert assistant.model_path == model


async def test_example_edit_retrains_in_background_while_old_model_answers(
    staff_copy: tuple[Assistant, Path], tmp_path: Path
) -> None:
    assistant, faq_dir = staff_copy
    old_model = assistant.model_path
    novel = "plimpton zorblax quixotic"
    assert (await assistant.handle(novel, "live-3")).faq_id != "kantor_kontak"
    add_example("kantor_kontak", novel, faq_dir)
    watcher = ModelWatcher(assistant, faq_dir=faq_dir, models_dir=tmp_path)
    check = asyncio.create_task(watcher.check())
    answered_meanwhile = 0
    while not check.done():
        reply = await assistant.handle("alamat kantor imigrasi bengkulu dimana", f"live-wait-{answered_meanwhile}")
        assert reply.faq_id == "kantor_alamat_jam"
        answered_meanwhile += 1
        await asyncio.sleep(0.5)
    assert await check is True
    assert answered_meanwhile >= 5
    assert assistant.model_path != old_model
    assert assistant.model_path.parent == tmp_path
    assert (await assistant.handle(novel, "live-4")).faq_id == "kantor_kontak"
    assert await watcher.check() is False
