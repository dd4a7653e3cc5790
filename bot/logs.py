"""Logging set-up: everything to standard error, Rasa's chatter kept at the level asked for."""

from __future__ import annotations

import logging
import sys
import warnings

import structlog

#: Libraries whose INFO/DEBUG lines drown the assistant's own.
NOISY_LOGGERS = ("rasa", "rasa_sdk", "tensorflow", "absl", "sanic", "asyncio", "httpx", "apscheduler")


def configure_logging(level: str) -> None:
    """Send all logs (including Rasa's structlog events) to stderr, never to stdout."""
    numeric = logging.getLevelName(level)
    numeric = numeric if isinstance(numeric, int) else logging.INFO
    logging.basicConfig(level=numeric, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
