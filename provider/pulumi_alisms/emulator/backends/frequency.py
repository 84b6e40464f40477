"""Per-number sending frequency limits: OTP messages to one number per minute, hour and day, per BizType.

Each setting replaces all three limits: a limit left out returns to the vendor default (1 per minute,
5 per hour, 10 per day), which is also what is in force before any setting.
"""

from collections.abc import Mapping

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.errors import refuse_problems
from pulumi_alisms.rules.limits import DEFAULT_FREQUENCY, frequency_problems

SCHEMA = """
CREATE TABLE IF NOT EXISTS flow_limits (
    account TEXT NOT NULL, biz_type TEXT NOT NULL, minute_limit INTEGER, hour_limit INTEGER,
    daily_limit INTEGER, PRIMARY KEY (account, biz_type));
"""


class FrequencyBackend(Backend):
    """The account's frequency limits: the only code that reads or writes the ``flow_limits`` table."""

    def set(self, biz_type: str, limits: Mapping[str, int | None]) -> None:
        """Replace the limits of one BizType, by ``rules.limits`` field (``per_minute``, ``per_hour``, ``per_day``)."""
        values = {name: DEFAULT_FREQUENCY[name] if limits.get(name) is None else limits[name]
                  for name in DEFAULT_FREQUENCY}  # fmt: skip
        refuse_problems("FlowLimit", frequency_problems(values["per_minute"], values["per_hour"], values["per_day"]))
        self.ctx.db.execute(
            "INSERT INTO flow_limits (account, biz_type, minute_limit, hour_limit, daily_limit) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (account, biz_type) DO UPDATE SET minute_limit = excluded.minute_limit, "
            "hour_limit = excluded.hour_limit, daily_limit = excluded.daily_limit",
            (self.ctx.account, biz_type, values["per_minute"], values["per_hour"], values["per_day"]),
        )

    def limits(self, biz_type: str) -> dict[str, int]:
        """The limits in force for one BizType, by ``rules.limits`` field (vendor defaults until set)."""
        configured = self.configured(biz_type)
        return dict(DEFAULT_FREQUENCY) if configured is None else configured

    def configured(self, biz_type: str) -> dict[str, int] | None:
        """The limits the account set for one BizType, or ``None`` before any setting."""
        row = self.ctx.db.execute(
            "SELECT minute_limit, hour_limit, daily_limit FROM flow_limits WHERE account = ? AND biz_type = ?",
            (self.ctx.account, biz_type),
        ).fetchone()
        if row is None:
            return None
        return {"per_minute": row["minute_limit"], "per_hour": row["hour_limit"], "per_day": row["daily_limit"]}
