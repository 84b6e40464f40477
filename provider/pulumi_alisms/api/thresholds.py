"""Suspension and warning thresholds: CreateWarningThresholdNew, QueryWarningThresholdNew (Dysms 2017-06-20)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, NonNegativeInt

from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.rules.limits import BIZ_TYPE_CODES, BizType

VERSION = "2017-06-20"


class WarningThreshold(BaseModel):
    """The limits of one biz type. ``None`` means the limit is not set."""

    model_config = ConfigDict(frozen=True)

    biz_type: BizType
    daily_warning: NonNegativeInt | None = None
    daily_suspend: NonNegativeInt | None = None
    monthly_warning: NonNegativeInt | None = None
    monthly_suspend: NonNegativeInt | None = None


class ThresholdUsage(BaseModel):
    """Messages sent today and this month, as the thresholds count them."""

    daily_total: int = 0
    daily_success: int = 0
    monthly_total: int = 0
    monthly_success: int = 0


class ThresholdsApi:
    """Read and set the suspension/warning thresholds of a biz type."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def get(self, biz_type: BizType) -> WarningThreshold:
        """The current limits (QueryWarningThresholdNew)."""
        return self.get_with_usage(biz_type)[0]

    def get_with_usage(self, biz_type: BizType) -> tuple[WarningThreshold, ThresholdUsage]:
        """The current limits and the usage counted against them."""
        data = self._rpc.call(
            VERSION, "QueryWarningThresholdNew", {"BizType": BIZ_TYPE_CODES[biz_type]}, idempotent=True
        )
        prefix = "Domestic" if biz_type == "domestic" else "Out"
        limits = WarningThreshold(
            biz_type=biz_type,
            daily_warning=_optional_int(data, "DailyWarningLimit"),
            daily_suspend=_optional_int(data, "DailyHaltLimit"),
            monthly_warning=_optional_int(data, "MonthlyWarningLimit"),
            monthly_suspend=_optional_int(data, "MonthlyHaltLimit"),
        )
        used = ThresholdUsage(
            daily_total=int(data.get(f"{prefix}DailyTotal") or 0),
            daily_success=int(data.get(f"{prefix}DailySuccess") or 0),
            monthly_total=int(data.get(f"{prefix}MonthlyTotal") or 0),
            monthly_success=int(data.get(f"{prefix}MonthlySuccess") or 0),
        )
        return limits, used

    def set(self, value: WarningThreshold) -> None:
        """Set all four limits at once (CreateWarningThresholdNew); ``None`` clears a limit."""
        self._rpc.call(
            VERSION,
            "CreateWarningThresholdNew",
            {
                "BizType": BIZ_TYPE_CODES[value.biz_type],
                "DailyWarningLimit": value.daily_warning,
                "DailyHaltLimit": value.daily_suspend,
                "MonthlyWarningLimit": value.monthly_warning,
                "MonthlyHaltLimit": value.monthly_suspend,
            },
            idempotent=True,
        )


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return None if value is None else int(value)
