"""Per-number sending frequency limits: CreateFlowLimitNew, QueryFlowLimitNew (Dysms 2017-06-20)."""

from pydantic import BaseModel, ConfigDict, PositiveInt

from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.rules.limits import BIZ_TYPE_CODES, BizType

VERSION = "2017-06-20"


class FrequencyLimit(BaseModel):
    """How many messages one phone number may receive per minute, hour and day."""

    model_config = ConfigDict(frozen=True)

    biz_type: BizType
    per_minute: PositiveInt
    per_hour: PositiveInt
    per_day: PositiveInt


class FrequencyApi:
    """Read and set the per-number frequency limits of a biz type."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def get(self, biz_type: BizType) -> FrequencyLimit:
        """The limits in force (QueryFlowLimitNew); the vendor defaults until set."""
        data = self._rpc.call(VERSION, "QueryFlowLimitNew", {"BizType": BIZ_TYPE_CODES[biz_type]}, idempotent=True)
        return data.build(
            FrequencyLimit,
            biz_type=biz_type,
            per_minute=data.integer("MinuteLimit"),
            per_hour=data.integer("HourLimit"),
            per_day=data.integer("DailyLimit"),
        )

    def set(self, limit: FrequencyLimit) -> None:
        """Set all three limits at once (CreateFlowLimitNew)."""
        self._rpc.call(
            VERSION,
            "CreateFlowLimitNew",
            {
                "BizType": BIZ_TYPE_CODES[limit.biz_type],
                "MinuteLimit": limit.per_minute,
                "HourLimit": limit.per_hour,
                "DailyLimit": limit.per_day,
            },
            idempotent=True,
        )
