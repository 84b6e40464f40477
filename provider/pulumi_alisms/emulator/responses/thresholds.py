"""Suspension and warning thresholds (Dysms 2017-06-20): CreateWarningThresholdNew, QueryWarningThresholdNew.

``BizType`` 1 is the Chinese mainland, 2 international (including Hong Kong, Macao, Taiwan); absent
means 1. Each call sets all four limits: an absent limit is cleared.
"""

from typing import Any

from pulumi_alisms.emulator.backends.sending import SendingBackend
from pulumi_alisms.emulator.backends.thresholds import Thresholds, ThresholdsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.rules.limits import MAX_LIMIT

VERSION = "2017-06-20"


def create_warning_threshold(ctx: Context) -> dict[str, Any]:
    """Set the daily/monthly warning and halt (suspension) limits of one BizType."""
    biz_type = ctx.params.biz_type()
    limits = {
        name: ctx.params.integer(name, low=0, high=MAX_LIMIT)
        for name in ("DailyWarningLimit", "DailyHaltLimit", "MonthlyWarningLimit", "MonthlyHaltLimit")
    }
    ThresholdsBackend(ctx).set(biz_type, Thresholds(
        daily_warning=limits["DailyWarningLimit"], daily_halt=limits["DailyHaltLimit"],
        monthly_warning=limits["MonthlyWarningLimit"], monthly_halt=limits["MonthlyHaltLimit"],
    ))  # fmt: skip
    return {"Result": True}


def query_warning_threshold(ctx: Context) -> dict[str, Any]:
    """The limits of one BizType and the usage they are compared with."""
    biz_type = ctx.params.biz_type()
    limits = ThresholdsBackend(ctx).get(biz_type)
    prefix = "Domestic" if biz_type == "1" else "Out"
    answer: dict[str, Any] = {
        "BizType": biz_type,
        "DailyWarningLimit": limits.daily_warning,
        "DailyHaltLimit": limits.daily_halt,
        "MonthlyWarningLimit": limits.monthly_warning,
        "MonthlyHaltLimit": limits.monthly_halt,
        "PrevWaringNotice": False,
    }
    answer.update({f"{prefix}{key}": value for key, value in SendingBackend(ctx).usage(biz_type).items()})
    return {key: value for key, value in answer.items() if value is not None}


OPERATIONS = {
    "CreateWarningThresholdNew": create_warning_threshold,
    "QueryWarningThresholdNew": query_warning_threshold,
}
