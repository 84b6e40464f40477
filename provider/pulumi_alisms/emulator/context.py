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
    base_url: str = ""  # the scheme and host the request was sent to, for URLs in answers (OSS upload hosts)

    def record_outbox(self, channel: str, recipient: str, subject: str, body: str) -> None:
        """Deliver a notification (SMS or email) to the account's outbox, where tests can read it."""
        self.db.execute(
            "INSERT INTO outbox (account, channel, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.account, channel, recipient, subject, body, self.now),
        )

    def notify_review_result(self, kind: str, object_id: str, label: str, verdict: str, reason: str | None) -> None:
        """Email the account's contacts who receive review results (``ReceiveSignTemplateAuditResult``)."""
        subject = f"Review result: {kind} {object_id} ({label}) {verdict}"
        body = f"Your {kind} {object_id} ({label}) was {verdict}" + ("." if reason is None else f": {reason}")
        contacts = self.db.execute(
            "SELECT email FROM contacts WHERE account = ? AND audit_result = 1 ORDER BY id", (self.account,)
        ).fetchall()
        for contact in contacts:
            self.record_outbox("email", str(contact["email"]), subject, body)


Handler = Callable[[Context], dict[str, Any]]
