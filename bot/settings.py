"""Settings, read once from the environment and an optional .env file into a typed object."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.office_hours import OfficeHours
from bot.paths import ROOT

#: Every setting with its default and meaning; .env.example and the README list the same names.
SETTINGS: dict[str, tuple[str, str]] = {
    "TELEGRAM_BOT_TOKEN": ("", "Token from @BotFather; empty runs the console chat instead of Telegram."),
    "TELEGRAM_API_BASE_URL": ("https://api.telegram.org/bot", "Bot API base URL (a local Bot API server: http://127.0.0.1:8081/bot)."),
    "STAFF_CHAT_ID": ("", "Id of the Telegram staff group that receives escalations (negative number)."),
    "STAFF_USER_IDS": ("", "Comma-separated Telegram user ids allowed to act as staff besides the group's members."),
    "SUPERVISOR_USER_IDS": ("", "Comma-separated Telegram user ids allowed to use /laporan; they alone get complaints "
                                  "about officers."),
    "OFFICE_HOURS": ("Mon-Thu 08:00-16:00, Fri 08:00-16:30", "When staff answer, in Asia/Jakarta time."),
    "DATABASE_PATH": ("data/tanya.db", "SQLite file for conversations, escalations and ratings (relative to the checkout); "
                      "the assistant's conversation state goes next to it (tanya-rasa.db)."),
    "DATABASE_URL": ("", "PostgreSQL for the service desk's data instead of DATABASE_PATH, shared by several bots "
                     "(postgresql://user@host:5432/db; the password in PGPASSWORD). Empty: SQLite."),
    "ANSWER_WORKERS": ("2", "Worker processes answering with the model (each about 0.6 GB); 0 answers in the bot's process."),
    "RASA_ENDPOINTS": ("endpoints.yml", "Rasa endpoint file: tracker store and lock store (relative to the checkout)."),
    "WEBHOOK_URL": ("", "Public HTTPS URL for webhook mode; empty uses long polling."),
    "WEBHOOK_SECRET": ("", "Secret sent by Telegram with every webhook update (A-Z a-z 0-9 _ -); required with WEBHOOK_URL."),
    "WEBHOOK_PORT": ("8443", "Local port the webhook listener binds to (on 127.0.0.1, behind a reverse proxy)."),
    "REVIEW_PASSWORD": ("", "Password for the supervisors' review page (python -m bot review --serve); required to serve it."),
    "REVIEW_PORT": ("8001", "Port of the review page, bound to 127.0.0.1."),
    "FAQ_STALE_DAYS": ("183", "FAQ entries not reviewed for this many days are listed as needing review (about 6 months)."),
    "COMPLAINT_RESPONSE_DAYS": ("5", "Working days within which residents are told to expect a response to a complaint."),
    "RATE_LIMIT_PER_MINUTE": ("20", "Messages one resident may send per minute before being asked to wait."),
    "RETENTION_DAYS": ("180", "Conversations older than this many days are deleted by `python -m bot retention`."),
    "LOG_LEVEL": ("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
}


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


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
        values[key.strip()] = value.strip().strip("\'\"")
    return values


def _ids(name: str, value: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
    except ValueError:
        raise SettingsError(f"{name} must be comma-separated numeric Telegram ids, got {value!r}") from None


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {value!r}") from None


@dataclass(frozen=True)
class Settings:
    """The assistant's settings."""

    telegram_bot_token: str = field(repr=False)
    telegram_api_base_url: str
    staff_chat_id: int | None
    staff_user_ids: frozenset[int]
    supervisor_user_ids: frozenset[int]
    office_hours: OfficeHours
    database_path: Path
    database_url: str = field(repr=False)
    answer_workers: int
    rasa_endpoints: Path
    webhook_url: str
    webhook_secret: str = field(repr=False)
    webhook_port: int
    review_password: str = field(repr=False)
    review_port: int
    faq_stale_days: int
    complaint_response_days: int
    rate_limit_per_minute: int
    retention_days: int
    log_level: str

    @property
    def database(self) -> str | Path:
        """Where the service desk's data is: the PostgreSQL URL, or else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def conversations_path(self) -> Path:
        """The SQLite file of the assistant's conversation state (unless RASA_ENDPOINTS names another database)."""
        return self.database_path.with_name(f"{self.database_path.stem}-rasa.db")

    @classmethod
    def load(cls, env_file: Path = ROOT / ".env", environ: dict[str, str] | None = None) -> Settings:
        """Read settings: the process environment wins over the .env file, which wins over defaults."""
        environ = dict(os.environ) if environ is None else environ
        v = {name: default for name, (default, _) in SETTINGS.items()}
        v.update({k: val for k, val in read_env_file(env_file).items() if k in SETTINGS})
        v.update({k: environ[k] for k in SETTINGS if k in environ})
        try:
            hours = OfficeHours.parse(v["OFFICE_HOURS"])
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        database, endpoints = Path(v["DATABASE_PATH"]), Path(v["RASA_ENDPOINTS"])
        workers = _int("ANSWER_WORKERS", v["ANSWER_WORKERS"])
        if workers < 0:
            raise SettingsError(f"ANSWER_WORKERS must be 0 or more, got {workers}")
        if v["DATABASE_URL"] and not v["DATABASE_URL"].startswith(("postgresql://", "postgres://")):
            raise SettingsError(f"DATABASE_URL must start with postgresql://, got {v['DATABASE_URL']!r}")
        if v["WEBHOOK_URL"] and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", v["WEBHOOK_SECRET"]):
            raise SettingsError("WEBHOOK_SECRET must be set in webhook mode: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return cls(
            telegram_bot_token=v["TELEGRAM_BOT_TOKEN"],
            telegram_api_base_url=v["TELEGRAM_API_BASE_URL"],
            staff_chat_id=_int("STAFF_CHAT_ID", v["STAFF_CHAT_ID"]) if v["STAFF_CHAT_ID"] else None,
            staff_user_ids=_ids("STAFF_USER_IDS", v["STAFF_USER_IDS"]),
            supervisor_user_ids=_ids("SUPERVISOR_USER_IDS", v["SUPERVISOR_USER_IDS"]),
            office_hours=hours,
            database_path=database if database.is_absolute() else ROOT / database,
            database_url=v["DATABASE_URL"],
            answer_workers=workers,
            rasa_endpoints=endpoints if endpoints.is_absolute() else ROOT / endpoints,
            webhook_url=v["WEBHOOK_URL"],
            webhook_secret=v["WEBHOOK_SECRET"],
            webhook_port=_int("WEBHOOK_PORT", v["WEBHOOK_PORT"]),
            review_password=v["REVIEW_PASSWORD"],
            review_port=_int("REVIEW_PORT", v["REVIEW_PORT"]),
            faq_stale_days=_int("FAQ_STALE_DAYS", v["FAQ_STALE_DAYS"]),
            complaint_response_days=_int("COMPLAINT_RESPONSE_DAYS", v["COMPLAINT_RESPONSE_DAYS"]),
            rate_limit_per_minute=_int("RATE_LIMIT_PER_MINUTE", v["RATE_LIMIT_PER_MINUTE"]),
            retention_days=_int("RETENTION_DAYS", v["RETENTION_DAYS"]),
            log_level=v["LOG_LEVEL"].upper(),
        )
