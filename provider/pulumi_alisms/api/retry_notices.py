"""Retry notices: what a waiting call is waiting for, as one line a person can read.

The retry loop (``api.client``) logs each retry with a :class:`RetryNotice` attached; :func:`show_retries`
turns those records into progress lines (the CLI's and the provider's stderr) instead of 13-60 s of silence.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

LOGGER = "pulumi_alisms.api"
RECORD_ATTRIBUTE = "retry_notice"


@dataclass(frozen=True)
class RetryNotice:
    """The call ``action`` is about to make attempt ``attempt`` of ``max_attempts`` after the error ``code``."""

    action: str
    attempt: int
    max_attempts: int
    code: str
    pause_seconds: float

    def __str__(self) -> str:
        return f"retrying {self.action} ({self.attempt}/{self.max_attempts}) after {self.code}"


class _NoticeHandler(logging.Handler):
    def __init__(self, emit: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.emit_line = emit

    def emit(self, record: logging.LogRecord) -> None:
        notice = getattr(record, RECORD_ATTRIBUTE, None)
        if isinstance(notice, RetryNotice):
            self.emit_line(str(notice))


_installed: dict[Callable[[str], None], _NoticeHandler] = {}


def show_retries(emit: Callable[[str], None]) -> None:
    """Call ``emit`` with a line such as ``retrying GetSmsTemplate (3/10) after Throttling.User`` before each
    retry of this process's calls. Installing the same ``emit`` again does nothing."""
    if emit in _installed:
        return
    logger = logging.getLogger(LOGGER)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    handler = _installed[emit] = _NoticeHandler(emit)
    logger.addHandler(handler)
