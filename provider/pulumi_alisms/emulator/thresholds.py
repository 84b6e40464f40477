"""Suspension and warning thresholds (Dysms 2017-06-20): CreateWarningThresholdNew, QueryWarningThresholdNew.

``BizType`` 1 is the Chinese mainland, 2 international (including Hong Kong, Macao, Taiwan); absent
means 1. Each call sets all four limits: an absent limit is cleared.
"""

from datetime import UTC, datetime
from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid
from pulumi_alisms.rules.limits import BIZ_TYPES_BY_CODE, threshold_problems

VERSION = "2017-06-20"
MAX_LIMIT = 1_000_000_000


def biz_type_param(ctx: Context) -> str:
    """The request's BizType (``1`` or ``2``; absent means ``1``)."""
    value = ctx.params.text("BizType", required=False) or "1"
    if value not in BIZ_TYPES_BY_CODE:
        raise invalid("BizType", f"must be 1 (Chinese mainland) or 2 (international), got {value[:20]!r}")
    return value


def create_warning_threshold(ctx: Context) -> dict[str, Any]:
    """Set the daily/monthly warning and halt (suspension) limits of one BizType."""
    biz_type = biz_type_param(ctx)
    limits = {
        name: ctx.params.integer(name, low=0, high=MAX_LIMIT)
        for name in ("DailyWarningLimit", "DailyHaltLimit", "MonthlyWarningLimit", "MonthlyHaltLimit")
    }
    problems = threshold_problems(
        limits["DailyWarningLimit"], limits["DailyHaltLimit"], limits["MonthlyWarningLimit"], limits["MonthlyHaltLimit"]
    )
    if problems:
        raise invalid("WarningThreshold", "; ".join(str(p) for p in problems))
    ctx.db.execute(
        "INSERT INTO thresholds (account, biz_type, daily_warning, daily_halt, monthly_warning, monthly_halt) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, biz_type) DO UPDATE SET "
        "daily_warning = excluded.daily_warning, daily_halt = excluded.daily_halt, "
        "monthly_warning = excluded.monthly_warning, monthly_halt = excluded.monthly_halt",
        (ctx.account, biz_type, *limits.values()),
    )
    return {"Result": True}


def usage(ctx: Context, biz_type: str) -> dict[str, int]:
    """Messages sent (total and successful) today and this month (UTC) for one BizType."""
    moment = datetime.fromtimestamp(ctx.now, UTC)
    day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    month_start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()
    counts: dict[str, int] = {}
    for period, start in (("Daily", day_start), ("Monthly", month_start)):
        row = ctx.db.execute(
            "SELECT COUNT(*) AS total, COALESCE(SUM(status = 'DELIVERED'), 0) AS success FROM messages "
            "WHERE account = ? AND biz_type = ? AND sent_at >= ?",
            (ctx.account, biz_type, start),
        ).fetchone()
        counts[f"{period}Total"] = int(row["total"])
        counts[f"{period}Success"] = int(row["success"])
    return counts


def query_warning_threshold(ctx: Context) -> dict[str, Any]:
    """The limits of one BizType and the usage they are compared with."""
    biz_type = biz_type_param(ctx)
    row = ctx.db.execute(
        "SELECT * FROM thresholds WHERE account = ? AND biz_type = ?", (ctx.account, biz_type)
    ).fetchone()
    used = usage(ctx, biz_type)
    prefix = "Domestic" if biz_type == "1" else "Out"
    answer: dict[str, Any] = {
        "BizType": biz_type,
        "DailyWarningLimit": row["daily_warning"] if row else None,
        "DailyHaltLimit": row["daily_halt"] if row else None,
        "MonthlyWarningLimit": row["monthly_warning"] if row else None,
        "MonthlyHaltLimit": row["monthly_halt"] if row else None,
        "PrevWaringNotice": False,
    }
    answer.update({f"{prefix}{key}": value for key, value in used.items()})
    return {key: value for key, value in answer.items() if value is not None}


OPERATIONS = {
    "CreateWarningThresholdNew": create_warning_threshold,
    "QueryWarningThresholdNew": query_warning_threshold,
}
