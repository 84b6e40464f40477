"""OTP abuse (fraud) prevention limits: verification messages per hour, hour-on-hour growth, success rate."""

from dataclasses import dataclass

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.errors import refuse_problems
from pulumi_alisms.rules.limits import fraud_problems

SCHEMA = """
CREATE TABLE IF NOT EXISTS prev_limits (
    account TEXT PRIMARY KEY, hour_limit INTEGER, increase_rate INTEGER, success_rate INTEGER);
"""


@dataclass(frozen=True)
class FraudLimits:
    """Messages per hour, growth (percent, hour on hour) and the success rate (percent) below which sending is abuse."""

    hour_limit: int
    increase_rate: int
    success_rate: int


class FraudBackend(Backend):
    """The account's abuse prevention limits: the only code that reads or writes the ``prev_limits`` table."""

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
