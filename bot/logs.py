"""Logging set-up: everything to standard error, Rasa's chatter kept at the level asked for."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterable

import structlog

from bot.privacy import mask

#: Libraries whose INFO/DEBUG lines drown the assistant's own.
NOISY_LOGGERS = ("rasa", "rasa_sdk", "tensorflow", "absl", "sanic", "asyncio", "httpx", "apscheduler", "aiohttp.access")


class Redact(logging.Filter):
    """Replace secrets (bot token, review password) and mask personal identifiers in every log record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, masked, not the raw args
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = self.clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True

    def clean(self, text: str) -> str:
        """The text with secrets replaced and identifiers masked."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return mask(text)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Send all logs (Rasa's structlog events and Python warnings too) to stderr, never to stdout, with secrets
    redacted and identifiers masked by a filter on the root handlers, which every propagated record passes."""
    numeric = logging.getLevelName(level)
    numeric = numeric if isinstance(numeric, int) else logging.INFO
    logging.basicConfig(level=numeric, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = Redact(secrets)
    for handler in logging.getLogger().handlers:  # configured again (a test, a second command): one filter each
        for earlier in [f for f in handler.filters if isinstance(f, Redact)]:
            handler.removeFilter(earlier)
        handler.addFilter(redact)
    logging.captureWarnings(True)  # Rasa's parser warnings quote the user's text
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
