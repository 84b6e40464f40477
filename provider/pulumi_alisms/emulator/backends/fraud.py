"""OTP abuse (fraud) prevention: its on/off switch, and its limits (verification messages per hour,
hour-on-hour growth, success rate). The limits apply to sends only while the switch is on; it is off
until the account turns it on (OpencPrevFlagNew)."""

from dataclasses import dataclass

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.errors import refuse_problems
from pulumi_alisms.rules.limits import fraud_problems

SCHEMA = """
CREATE TABLE IF NOT EXISTS prev_limits (
    account TEXT PRIMARY KEY, hour_limit INTEGER, increase_rate INTEGER, success_rate INTEGER);
CREATE TABLE IF NOT EXISTS prev_flags (account TEXT PRIMARY KEY, is_open INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class FraudLimits:
    """Messages per hour, growth (percent, hour on hour) and the success rate (percent) below which sending is abuse."""

    hour_limit: int
    increase_rate: int
    success_rate: int


class FraudBackend(Backend):
    """The account's abuse prevention: the only code that reads or writes ``prev_limits`` and ``prev_flags``."""

    def set_open(self, is_open: bool) -> None:
        """Turn abuse prevention on or off."""
        self.ctx.db.execute(
            "INSERT INTO prev_flags (account, is_open) VALUES (?, ?) "
            "ON CONFLICT (account) DO UPDATE SET is_open = excluded.is_open",
            (self.ctx.account, int(is_open)),
        )

    def is_open(self) -> bool:
        """Whether abuse prevention is on (off until first turned on)."""
        row = self.ctx.db.execute("SELECT is_open FROM prev_flags WHERE account = ?", (self.ctx.account,)).fetchone()
        return row is not None and bool(row["is_open"])

    def set(self, limits: FraudLimits) -> None:
        """Replace the limits (``InvalidParameter.PrevLimit`` if one is out of range)."""
        refuse_problems("PrevLimit", fraud_problems(limits.hour_limit, limits.increase_rate, limits.success_rate))
        self.ctx.db.execute(
            "INSERT INTO prev_limits (account, hour_limit, increase_rate, success_rate) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (account) DO UPDATE SET hour_limit = excluded.hour_limit, "
            "increase_rate = excluded.increase_rate, success_rate = excluded.success_rate",
            (self.ctx.account, limits.hour_limit, limits.increase_rate, limits.success_rate),
        )

    def get(self) -> FraudLimits | None:
        """The limits, or ``None`` before they are first set."""
        row = self.ctx.db.execute(
            "SELECT hour_limit, increase_rate, success_rate FROM prev_limits WHERE account = ?", (self.ctx.account,)
        ).fetchone()
        return None if row is None else FraudLimits(**dict(row))
