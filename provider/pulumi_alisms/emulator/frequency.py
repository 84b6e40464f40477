"""Per-number sending frequency limits (Dysms 2017-06-20): CreateFlowLimitNew, QueryFlowLimitNew.

Limits count messages to one phone number per minute, hour and day (UTC) for a ``BizType`` (see
:func:`thresholds.biz_type_param`). Each call sets all three: a limit left out returns to the vendor default
(1 per minute, 5 per hour, 10 per day), which is also what QueryFlowLimitNew answers before any call.
"""

from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid
from pulumi_alisms.emulator.thresholds import MAX_LIMIT, biz_type_param
from pulumi_alisms.rules.limits import DEFAULT_FREQUENCY, frequency_problems

VERSION = "2017-06-20"
# Wire parameter -> rules.limits field.
_LIMITS = {"MinuteLimit": "per_minute", "HourLimit": "per_hour", "DailyLimit": "per_day"}


def create_flow_limit(ctx: Context) -> dict[str, Any]:
    """Set the per-number minute/hour/day limits of one BizType."""
    biz_type = biz_type_param(ctx)
    values: dict[str, int] = {}
    for param, field in _LIMITS.items():
        value = ctx.params.integer(param, low=1, high=MAX_LIMIT)
        values[field] = DEFAULT_FREQUENCY[field] if value is None else value
    problems = frequency_problems(values["per_minute"], values["per_hour"], values["per_day"])
    if problems:
        raise invalid("FlowLimit", "; ".join(str(p) for p in problems))
    ctx.db.execute(
        "INSERT INTO flow_limits (account, biz_type, minute_limit, hour_limit, daily_limit) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (account, biz_type) DO UPDATE SET minute_limit = excluded.minute_limit, "
        "hour_limit = excluded.hour_limit, daily_limit = excluded.daily_limit",
        (ctx.account, biz_type, values["per_minute"], values["per_hour"], values["per_day"]),
    )
    return {"Result": True}


def flow_limits(ctx: Context, biz_type: str) -> dict[str, int]:
    """The limits in force for one BizType, by rules.limits field name (vendor defaults until set)."""
    row = ctx.db.execute(
        "SELECT minute_limit, hour_limit, daily_limit FROM flow_limits WHERE account = ? AND biz_type = ?",
        (ctx.account, biz_type),
    ).fetchone()
    if row is None:
        return dict(DEFAULT_FREQUENCY)
    return {"per_minute": row["minute_limit"], "per_hour": row["hour_limit"], "per_day": row["daily_limit"]}


def query_flow_limit(ctx: Context) -> dict[str, Any]:
    """The per-number limits of one BizType."""
    limits = flow_limits(ctx, biz_type_param(ctx))
    return {param: limits[field] for param, field in _LIMITS.items()}


OPERATIONS = {
    "CreateFlowLimitNew": create_flow_limit,
    "QueryFlowLimitNew": query_flow_limit,
}
