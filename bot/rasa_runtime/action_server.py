"""The rasa_sdk action server as a child process: on localhost only, in its own process group, dying with the bot.

It binds to 127.0.0.1 only: an action server reachable from outside runs actions for anyone (CVE-2024-49375).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bot.paths import ROOT

logger = logging.getLogger(__name__)

LOCALHOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
#: How long a running action server may take to answer /health before it counts as hung (SIGSTOP, deadlock).
HEALTH_TIMEOUT = 2.0
#: prctl option from <linux/prctl.h>: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A TCP port on localhost that is free right now."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


class ActionServer:
    """The action server for the actions package, restarted in the background when it died."""

    def __init__(self, faq_dir: Path | None = None) -> None:
        self.faq_dir = faq_dir
        self.port = free_port()
        self.url = f"http://{LOCALHOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._restarting: asyncio.Task[None] | None = None
        self._checked_at = 0.0  # when /health was last asked (time.monotonic())

    @property
    def webhook(self) -> str:
        """The URL Rasa calls to run an action."""
        return f"{self.url}/webhook"

    def launch(self) -> None:
        """Start the process without waiting for it to answer.

        Call it on the event loop's thread: Linux sends the death signal when the thread that started the
        child ends, so a child started from a short-lived worker thread would die with that thread.
        """
        env = dict(os.environ, SANIC_HOST=LOCALHOST, PYTHONPATH=str(ROOT))
        if self.faq_dir is not None:
            env["TANYA_FAQ_DIR"] = str(self.faq_dir)
        command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.port), "--quiet"]
        # The preexec_fn only makes one prctl call (see die_with_parent), which is safe in a forked child.
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sys.stderr, stderr=sys.stderr,
            start_new_session=True, preexec_fn=die_with_parent(),  # noqa: PLW1509
        )

    async def wait_until_healthy(self) -> None:
        """Wait until the launched process answers /health, or raise if it died or never came up."""
        if self.process is None:
            raise RuntimeError("action server not launched")
        await asyncio.to_thread(wait_until_healthy, self.url, self.process)

    async def start(self) -> None:
        """Start the process and wait until it answers."""
        self.launch()
        await self.wait_until_healthy()

    def restart_if_dead(self) -> bool:
        """If the process died, start it again in the background (once at a time) and return True."""
        if self.process is None or self.process.poll() is None:
            return False
        if self._restarting is None or self._restarting.done():
            logger.warning("action server exited with code %s; restarting it", self.process.returncode)
            self._restarting = asyncio.create_task(self._restart())
        return True

    async def restart_if_hung(self, stale_after: float = 0.0) -> bool:
        """Ask /health (unless asked within stale_after s); kill and restart a hung process. True while restarting."""
        process = self.process
        if self._restarting is not None and not self._restarting.done():
            return True
        if process is None or time.monotonic() - self._checked_at < stale_after:
            return False
        self._checked_at = time.monotonic()
        if await asyncio.to_thread(answers_health, self.url, HEALTH_TIMEOUT) or process is not self.process:
            return False
        logger.warning("action server did not answer /health within %.0f s; killing it", HEALTH_TIMEOUT)
        await kill_group(process)
        return self.restart_if_dead()

    async def _restart(self) -> None:
        try:
            await self.start()
        except RuntimeError:  # logged; the next message that finds it dead tries again
            logger.exception("action server did not come back")

    async def stop(self) -> None:
        """Stop the process and its whole group: SIGTERM, then SIGKILL after STOP_TIMEOUT."""
        if self._restarting is not None:
            self._restarting.cancel()
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            await kill_group(process)


async def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its whole group (a stopped process dies too), and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await asyncio.to_thread(process.wait)


def answers_health(url: str, timeout: float) -> bool:
    """Whether the server at url answers /health with 200 within timeout seconds."""
    with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:  # noqa: S310
        return bool(response.status == 200)
    return False


def wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    """Block until the server at url answers /health, or raise if its process died or it never came up."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"action server exited with code {process.returncode}")
        if answers_health(url, timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"action server did not start within {START_TIMEOUT:.0f} s")


def die_with_parent(parent: int | None = None) -> Callable[[], None] | None:
    """A preexec_fn that has Linux SIGKILL the child when the bot dies, even by SIGKILL (None elsewhere).

    parent: the process whose death ends the caller (default this one, for a child it is about to start).
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork: the child only makes the call
    parent = os.getpid() if parent is None else parent

    def arm() -> None:
        if prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # the bot died before the signal was armed: nobody would send it
            os._exit(1)

    return arm
