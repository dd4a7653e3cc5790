"""Settings, read once from the environment and an optional .env file into a typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.paths import ROOT

#: Every setting with its default and meaning; .env.example and the README list the same names.
SETTINGS: dict[str, tuple[str, str]] = {
    "TELEGRAM_BOT_TOKEN": ("", "Token from @BotFather; empty runs the console chat instead of Telegram."),
    "LOG_LEVEL": ("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
}


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines of a .env file (comments and blank lines ignored)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Settings:
    """The assistant's settings."""

    telegram_bot_token: str
    log_level: str

    @classmethod
    def load(cls, env_file: Path = ROOT / ".env") -> Settings:
        """Read settings: the process environment wins over the .env file, which wins over defaults."""
        values = {name: default for name, (default, _) in SETTINGS.items()}
        values.update({k: v for k, v in read_env_file(env_file).items() if k in SETTINGS})
        values.update({k: os.environ[k] for k in SETTINGS if k in os.environ})
        return cls(telegram_bot_token=values["TELEGRAM_BOT_TOKEN"], log_level=values["LOG_LEVEL"].upper())
