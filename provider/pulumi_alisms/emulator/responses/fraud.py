"""OTP abuse (fraud) prevention (Dysms 2017-06-20): CreatePrevLimitNew, QueryPrevLimitNew, and the on/off
switch OpencPrevFlagNew (``IsOpen`` 1 on, 0 off; answers ``Result`` as text) / QueryOpencFlagNew (``IsOpen``).

``HourLimit`` caps verification messages per hour; ``IncreaseRate`` is the hour-on-hour growth (percent) and
``SuccessRate`` the delivery success rate (percent, 0-100) below which sending counts as abuse. All three are
required and set together. Until the first call QueryPrevLimitNew answers no limits (the fields are absent).
The limits apply to sends only while the switch is on; it is off (``IsOpen`` 0) until turned on.
"""

from typing import Any

from pulumi_alisms.emulator.backends.fraud import FraudBackend, FraudLimits
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.rules.limits import MAX_LIMIT

VERSION = "2017-06-20"


def create_prev_limit(ctx: Context) -> dict[str, Any]:
    """Set the account's abuse prevention limits."""
    hour_limit, increase_rate, success_rate = (
        ctx.params.required_integer(name, low=0, high=MAX_LIMIT)
        for name in ("HourLimit", "IncreaseRate", "SuccessRate")
    )
    FraudBackend(ctx).set(FraudLimits(hour_limit, increase_rate, success_rate))
    return {"Result": True}


def query_prev_limit(ctx: Context) -> dict[str, Any]:
    """The account's abuse prevention limits, absent until set."""
    limits = FraudBackend(ctx).get()
    if limits is None:
        return {}
    return {"HourLimit": limits.hour_limit, "IncreaseRate": limits.increase_rate, "SuccessRate": limits.success_rate}


def open_prev_flag(ctx: Context) -> dict[str, Any]:
    """Turn abuse prevention on (``IsOpen=1``) or off (``IsOpen=0``)."""
    FraudBackend(ctx).set_open(ctx.params.required_integer("IsOpen", low=0, high=1) == 1)
    return {"Result": "true"}


def query_open_flag(ctx: Context) -> dict[str, Any]:
    """Whether abuse prevention is on: ``IsOpen`` 1 or 0."""
    return {"IsOpen": int(FraudBackend(ctx).is_open())}


OPERATIONS = {
    "CreatePrevLimitNew": create_prev_limit,
    "QueryPrevLimitNew": query_prev_limit,
    "OpencPrevFlagNew": open_prev_flag,
    "QueryOpencFlagNew": query_open_flag,
}
