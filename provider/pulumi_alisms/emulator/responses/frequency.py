"""Per-number sending frequency limits (Dysms 2017-06-20): CreateFlowLimitNew, QueryFlowLimitNew.

Limits count messages to one phone number per minute, hour and day (UTC) for a ``BizType`` (1 Chinese
mainland, 2 international; absent means 1). Each call sets all three: a limit left out returns to the
vendor default (1 per minute, 5 per hour, 10 per day), which is also what QueryFlowLimitNew answers
before any call.
"""

from typing import Any

from pulumi_alisms.emulator.backends.frequency import FrequencyBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.rules.limits import MAX_LIMIT

VERSION = "2017-06-20"
# Wire parameter -> rules.limits field.
_LIMITS = {"MinuteLimit": "per_minute", "HourLimit": "per_hour", "DailyLimit": "per_day"}


def create_flow_limit(ctx: Context) -> dict[str, Any]:
    """Set the per-number minute/hour/day limits of one BizType."""
    biz_type = ctx.params.biz_type()
    limits = {field: ctx.params.integer(param, low=1, high=MAX_LIMIT) for param, field in _LIMITS.items()}
    FrequencyBackend(ctx).set(biz_type, limits)
    return {"Result": True}


def query_flow_limit(ctx: Context) -> dict[str, Any]:
    """The per-number limits of one BizType."""
    limits = FrequencyBackend(ctx).limits(ctx.params.biz_type())
    return {param: limits[field] for param, field in _LIMITS.items()}


OPERATIONS = {
    "CreateFlowLimitNew": create_flow_limit,
    "QueryFlowLimitNew": query_flow_limit,
}
