"""Logging set-up: everything to standard error, Rasa's chatter kept at the level asked for."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterable

import structlog

#: Libraries whose INFO/DEBUG lines drown the assistant's own.
NOISY_LOGGERS = ("rasa", "rasa_sdk", "tensorflow", "absl", "sanic", "asyncio", "httpx", "apscheduler", "aiohttp.access")


class Redact(logging.Filter):
    """Replace secrets (bot token, review password) in every log line."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Send all logs (including Rasa's structlog events) to stderr, never to stdout, with secrets redacted."""
    numeric = logging.getLevelName(level)
    numeric = numeric if isinstance(numeric, int) else logging.INFO
    logging.basicConfig(level=numeric, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(Redact(secrets))
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.dev.ConsoleRenderer(colors=False)],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(max(numeric, logging.WARNING)),
        cache_logger_on_first_use=True,
    )
    if numeric > logging.DEBUG:
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module="rasa")
