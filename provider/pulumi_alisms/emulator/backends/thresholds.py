"""Suspension (halt) and warning thresholds on the number of messages sent, per BizType.

``BizType`` ``1`` is the Chinese mainland, ``2`` international (including Hong Kong, Macao, Taiwan).
Each setting replaces all four limits: a limit left out (``None``) is cleared.
"""

from dataclasses import dataclass

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.errors import refuse_problems
from pulumi_alisms.rules.limits import threshold_problems

SCHEMA = """
CREATE TABLE IF NOT EXISTS thresholds (
    account TEXT NOT NULL, biz_type TEXT NOT NULL, daily_halt INTEGER, daily_warning INTEGER,
    monthly_halt INTEGER, monthly_warning INTEGER, PRIMARY KEY (account, biz_type));
"""


@dataclass(frozen=True)
class Thresholds:
    """The daily and monthly warning and halt limits of one BizType (``None``: not set)."""

    daily_warning: int | None
    daily_halt: int | None
    monthly_warning: int | None
    monthly_halt: int | None


class ThresholdsBackend(Backend):
    """The account's thresholds: the only code that reads or writes the ``thresholds`` table."""

    def set(self, biz_type: str, limits: Thresholds) -> None:
        """Replace the limits of one BizType (``InvalidParameter.WarningThreshold`` if they contradict)."""
        problems = threshold_problems(
            limits.daily_warning, limits.daily_halt, limits.monthly_warning, limits.monthly_halt
        )
        refuse_problems("WarningThreshold", problems)
        self.ctx.db.execute(
            "INSERT INTO thresholds (account, biz_type, daily_warning, daily_halt, monthly_warning, monthly_halt) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, biz_type) DO UPDATE SET "
            "daily_warning = excluded.daily_warning, daily_halt = excluded.daily_halt, "
            "monthly_warning = excluded.monthly_warning, monthly_halt = excluded.monthly_halt",
            (self.ctx.account, biz_type, limits.daily_warning, limits.daily_halt, limits.monthly_warning,
             limits.monthly_halt),
        )  # fmt: skip

    def get(self, biz_type: str) -> Thresholds:
        """The limits of one BizType (none set until the first setting)."""
        row = self.ctx.db.execute(
            "SELECT daily_warning, daily_halt, monthly_warning, monthly_halt FROM thresholds "
            "WHERE account = ? AND biz_type = ?",
            (self.ctx.account, biz_type),
        ).fetchone()
        return Thresholds(None, None, None, None) if row is None else Thresholds(**dict(row))
