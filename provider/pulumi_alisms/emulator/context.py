"""What an emulator operation handler receives."""

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_alisms.emulator.clock import ReviewSpeed
from pulumi_alisms.emulator.params import Params


@dataclass
class Context:
    """One operation call: the caller's account, its parameters, and an open write transaction."""

    account: str
    params: Params
    db: sqlite3.Connection
    now: float
    speed: ReviewSpeed

    def record_outbox(self, channel: str, recipient: str, subject: str, body: str) -> None:
        """Deliver a notification (SMS or email) to the account's outbox, where tests can read it."""
        self.db.execute(
            "INSERT INTO outbox (account, channel, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.account, channel, recipient, subject, body, self.now),
        )


Handler = Callable[[Context], dict[str, Any]]
