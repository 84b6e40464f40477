"""OTP abuse (fraud) prevention limits (Dysms 2017-06-20): CreatePrevLimitNew, QueryPrevLimitNew.

``HourLimit`` caps verification messages per hour; ``IncreaseRate`` is the hour-on-hour growth (percent) and
``SuccessRate`` the delivery success rate (percent, 0-100) below which sending counts as abuse. All three are
required and set together. Until the first call QueryPrevLimitNew answers no limits (the fields are absent).
"""

from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid
from pulumi_alisms.emulator.thresholds import MAX_LIMIT
from pulumi_alisms.rules.limits import fraud_problems

VERSION = "2017-06-20"


def _required_limit(ctx: Context, name: str) -> int:
    value = ctx.params.integer(name, required=True, low=0, high=MAX_LIMIT)
    assert value is not None
    return value


def create_prev_limit(ctx: Context) -> dict[str, Any]:
    """Set the account's abuse prevention limits."""
    hour_limit = _required_limit(ctx, "HourLimit")
    increase_rate = _required_limit(ctx, "IncreaseRate")
    success_rate = _required_limit(ctx, "SuccessRate")
    problems = fraud_problems(hour_limit, increase_rate, success_rate)
    if problems:
        raise invalid("PrevLimit", "; ".join(str(p) for p in problems))
    ctx.db.execute(
        "INSERT INTO prev_limits (account, hour_limit, increase_rate, success_rate) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (account) DO UPDATE SET hour_limit = excluded.hour_limit, "
        "increase_rate = excluded.increase_rate, success_rate = excluded.success_rate",
        (ctx.account, hour_limit, increase_rate, success_rate),
    )
    return {"Result": True}


def query_prev_limit(ctx: Context) -> dict[str, Any]:
    """The account's abuse prevention limits, absent until set."""
    row = ctx.db.execute(
        "SELECT hour_limit, increase_rate, success_rate FROM prev_limits WHERE account = ?", (ctx.account,)
    ).fetchone()
    if row is None:
        return {}
    return {"HourLimit": row["hour_limit"], "IncreaseRate": row["increase_rate"], "SuccessRate": row["success_rate"]}


OPERATIONS = {
    "CreatePrevLimitNew": create_prev_limit,
    "QueryPrevLimitNew": query_prev_limit,
}
