"""Every command and setting is documented, and the example settings file has no real values."""

from __future__ import annotations

import argparse

import pytest

from bot.__main__ import COMMANDS, parser
from bot.paths import ROOT
from bot.settings import SETTINGS, Settings, SettingsError, read_env_file

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / ".env.example"


def subcommands() -> list[str]:
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_parser_and_command_table_agree() -> None:
    assert subcommands() == sorted(COMMANDS)


@pytest.mark.parametrize("command", subcommands())
def test_command_is_documented(command: str) -> None:
    assert f"python -m bot {command}" in README
    assert COMMANDS[command].__doc__


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_setting_is_documented_and_in_example_file(name: str) -> None:
    assert f"`{name}`" in README
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{name}="))
    assert lines[index - 1].startswith("#"), f"{name} needs a comment in .env.example"


def test_example_file_holds_no_secret() -> None:
    values = read_env_file(EXAMPLE)
    assert values["TELEGRAM_BOT_TOKEN"] == ""
    assert values["REVIEW_PASSWORD"] == ""


def test_defaults_load_without_any_setting(tmp_path) -> None:
    settings = Settings.load(tmp_path / "none.env", environ={})
    assert settings.telegram_bot_token == ""
    assert settings.staff_chat_id is None
    assert settings.office_hours.hours[4][1].hour == 16


@pytest.mark.parametrize(
    ("name", "value"),
    [("STAFF_USER_IDS", "12,abc"), ("STAFF_CHAT_ID", "grup"), ("OFFICE_HOURS", "Senin 8-16"), ("REVIEW_PORT", "x")],
)
def test_malformed_setting_is_refused_with_its_name(tmp_path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.load(tmp_path / "none.env", environ={name: value})


@pytest.mark.parametrize("secret", ["", "spasi tidak boleh", "x" * 257])
def test_webhook_mode_needs_a_valid_secret(tmp_path, secret: str) -> None:
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        Settings.load(tmp_path / "none.env", environ={"WEBHOOK_URL": "https://tanya.example", "WEBHOOK_SECRET": secret})

def test_environment_wins_over_env_file(tmp_path, monkeypatch) -> None:
    env = tmp_path / ".env"
    env.write_text("LOG_LEVEL=debug\nTELEGRAM_BOT_TOKEN='from-file'\n", encoding="utf-8")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "from-env")
    settings = Settings.load(env)
    assert (settings.telegram_bot_token, settings.log_level) == ("from-env", "DEBUG")
