"""Suspension/warning thresholds, per-number frequency limits and fraud-prevention limits."""

import itertools
from typing import Literal

from pulumi_alisms.rules.problems import Problem, within

BizType = Literal["domestic", "international"]
# BizType on the wire (Dysms 2017-06-20): 1 Chinese mainland, 2 international incl. HK/Macao/Taiwan.
BIZ_TYPE_CODES: dict[str, str] = {"domestic": "1", "international": "2"}
BIZ_TYPES_BY_CODE: dict[str, str] = {code: name for name, code in BIZ_TYPE_CODES.items()}

# Per-number defaults the vendor applies to OTP messages.
DEFAULT_FREQUENCY = {"per_minute": 1, "per_hour": 5, "per_day": 10}
# The largest limit a console-settings operation accepts (thresholds, frequency, fraud, package quota).
MAX_LIMIT = 1_000_000_000
MAX_FREQUENCY = {"per_minute": 1_000, "per_hour": 10_000, "per_day": 100_000}


def biz_type_problems(field: str, value: str) -> list[Problem]:
    """The biz type is domestic or international."""
    if value not in BIZ_TYPE_CODES:
        return [Problem(field, f"must be domestic or international, got {value!r}")]
    return []


def threshold_problems(
    daily_warning: int | None, daily_suspend: int | None, monthly_warning: int | None, monthly_suspend: int | None
) -> list[Problem]:
    """Non-negative limits; a warning fires before its suspension, a day fits in its month."""
    problems = [
        *within("daily_warning", daily_warning, high=MAX_LIMIT),
        *within("daily_suspend", daily_suspend, high=MAX_LIMIT),
        *within("monthly_warning", monthly_warning, high=MAX_LIMIT),
        *within("monthly_suspend", monthly_suspend, high=MAX_LIMIT),
    ]
    if problems:
        return problems
    if daily_warning is not None and daily_suspend is not None and daily_warning > daily_suspend:
        problems.append(
            Problem("daily_warning", f"{daily_warning} is above daily_suspend {daily_suspend}: warn before suspending")
        )
    if monthly_warning is not None and monthly_suspend is not None and monthly_warning > monthly_suspend:
        problems.append(
            Problem("monthly_warning",
                    f"{monthly_warning} is above monthly_suspend {monthly_suspend}: warn before suspending")
        )  # fmt: skip
    if daily_suspend is not None and monthly_suspend is not None and daily_suspend > monthly_suspend:
        problems.append(Problem("daily_suspend", f"{daily_suspend} is above monthly_suspend {monthly_suspend}"))
    return problems


def frequency_problems(per_minute: int | None, per_hour: int | None, per_day: int | None) -> list[Problem]:
    """Per-number limits: 1..max each and minute <= hour <= day."""
    values = {"per_minute": per_minute, "per_hour": per_hour, "per_day": per_day}
    problems = [p for name, v in values.items() for p in within(name, v, low=1, high=MAX_FREQUENCY[name])]
    if problems:
        return problems
    ordered = [(name, v) for name, v in values.items() if v is not None]
    for (small_name, small), (big_name, big) in itertools.pairwise(ordered):
        if small > big:
            problems.append(Problem(small_name, f"{small} is above {big_name} {big}"))
    return problems


def fraud_problems(hourly_limit: int | None, increase_rate: int | None, success_rate: int | None) -> list[Problem]:
    """OTP abuse prevention: hourly limit >= 0; rates are percentages (success rate 0-100)."""
    return [
        *within("hourly_limit", hourly_limit, high=MAX_LIMIT),
        *within("increase_rate", increase_rate, high=10_000),
        *within("success_rate", success_rate, high=100),
    ]
