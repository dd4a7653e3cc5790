"""Retrain in the background when staff change example questions; the old model answers meanwhile."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

from actions.faq import FAQ_DIR, files_signature, load_faq
from bot.assistant import Answering
from bot.paths import MODELS_DIR, ROOT
from bot.training import model_path

logger = logging.getLogger(__name__)


class ModelWatcher:
    """Notices when the model no longer matches the content, trains a new one in another process, swaps it in."""

    def __init__(
        self, assistant: Answering, faq_dir: Path = FAQ_DIR, models_dir: Path = MODELS_DIR, interval: float = 10.0
    ) -> None:
        self.assistant = assistant
        self.faq_dir = faq_dir
        self.models_dir = models_dir
        self.interval = interval
        #: The FAQ files as last checked (None: never checked, so the first check reads them).
        self._signature: tuple[tuple[str, int, int], ...] | None = None

    async def run(self) -> None:
        """Check forever, every interval seconds (cancel the task to stop)."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # keep watching: a failed round must not stop future retraining
                logger.exception("background retraining failed; the current model keeps answering")

    async def check(self) -> bool:
        """Train and switch to a new model if the examples changed; True when it switched.

        The FAQ files are read only when they changed since the last check: parsing all examples takes seconds
        of CPU, which every 10 seconds starved the answers under load (found by profiling the load benchmark)."""
        signature = files_signature(self.faq_dir)
        if signature == self._signature:
            return False
        self._signature = signature
        faq = await asyncio.to_thread(load_faq, self.faq_dir)
        if faq.problems:
            return False
        target = model_path(faq, self.models_dir)
        if target == self.assistant.model_path:
            return False
        if not target.exists():
            logger.info("example questions changed: training %s in the background", target.name)
            await self.train()
        if not target.exists():
            raise RuntimeError(f"training did not produce {target}")
        await self.assistant.swap_model(target)
        logger.info("now answering with %s", target.name)
        return True

    async def train(self) -> None:
        """Run `python -m bot train` in a separate process, so this one keeps answering."""
        env = dict(os.environ, TANYA_FAQ_DIR=str(self.faq_dir), TANYA_MODELS_DIR=str(self.models_dir))
        # A thread waits for the process: Rasa installs uvloop's policy, whose child watcher asyncio lacks here.
        result = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "train"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"training exited with {result.returncode}: {result.stderr[-2000:]}")
