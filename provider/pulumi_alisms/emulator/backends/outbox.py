"""The outbox: every notification (SMS or email) the emulated account delivers, where tests and people read it."""

from dataclasses import dataclass

from pulumi_alisms.emulator.backends._base import Backend

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, channel TEXT NOT NULL,
    recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL);
"""


@dataclass(frozen=True)
class Notification:
    """One delivered SMS or email."""

    id: int
    account: str
    channel: str  # "sms" | "email"
    recipient: str
    subject: str
    body: str
    created_at: float


class OutboxBackend(Backend):
    """Delivers notifications for the context's account and reads them back."""

    def deliver(self, channel: str, recipient: str, subject: str, body: str) -> None:
        """Deliver one SMS (``channel`` "sms") or email ("email") at the context's time."""
        self.ctx.db.execute(
            "INSERT INTO outbox (account, channel, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.ctx.account, channel, recipient, subject, body, self.ctx.now),
        )

    def notifications(self, *, every_account: bool = False) -> list[Notification]:
        """The notifications delivered, oldest first: the context's account's, or every account's."""
        rows = self.ctx.db.execute(
            "SELECT id, account, channel, recipient, subject, body, created_at FROM outbox "
            "WHERE ? OR account = ? ORDER BY id",
            (every_account, self.ctx.account),
        ).fetchall()
        return [Notification(**dict(row)) for row in rows]
