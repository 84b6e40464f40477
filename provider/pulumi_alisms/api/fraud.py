"""OTP abuse (fraud) prevention: its limits (CreatePrevLimitNew, QueryPrevLimitNew) and its on/off switch
(OpencPrevFlagNew, QueryOpencFlagNew) (Dysms 2017-06-20). The limits apply only while the switch is on."""

from pydantic import BaseModel, ConfigDict, NonNegativeInt

from pulumi_alisms.api.client import RpcClient

VERSION = "2017-06-20"


class FraudLimits(BaseModel):
    """Hourly verification-message limit, hour-on-hour increase rate and success rate (percent)."""

    model_config = ConfigDict(frozen=True)

    hourly_limit: NonNegativeInt
    increase_rate: NonNegativeInt
    success_rate: NonNegativeInt


class FraudSettings(BaseModel):
    """The switch and the limits together (the limits unset if never set), as the account file states them."""

    model_config = ConfigDict(frozen=True)

    enabled: bool
    hourly_limit: NonNegativeInt | None = None
    increase_rate: NonNegativeInt | None = None
    success_rate: NonNegativeInt | None = None


class FraudApi:
    """Read and set the account's abuse prevention limits."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def get(self) -> FraudLimits | None:
        """The current limits (QueryPrevLimitNew), or ``None`` if they were never set."""
        data = self._rpc.call(VERSION, "QueryPrevLimitNew", {}, idempotent=True)
        if data.get("HourLimit") is None:
            return None
        return data.build(
            FraudLimits,
            hourly_limit=data.integer("HourLimit"),
            increase_rate=data.integer("IncreaseRate"),
            success_rate=data.integer("SuccessRate"),
        )

    def settings(self) -> FraudSettings | None:
        """The switch and the limits, or ``None`` while both are as a new account has them (off, no limits)."""
        limits, enabled = self.get(), self.is_enabled()
        if limits is None and not enabled:
            return None
        return FraudSettings(enabled=enabled, **(limits.model_dump() if limits else {}))

    def is_enabled(self) -> bool:
        """Whether abuse prevention is on (QueryOpencFlagNew ``IsOpen`` 1)."""
        data = self._rpc.call(VERSION, "QueryOpencFlagNew", {}, idempotent=True)
        return str(data.get("IsOpen")) == "1"

    def set_enabled(self, enabled: bool) -> None:
        """Turn abuse prevention on or off (OpencPrevFlagNew ``IsOpen`` 1 or 0)."""
        self._rpc.call(VERSION, "OpencPrevFlagNew", {"IsOpen": 1 if enabled else 0}, idempotent=True)

    def set(self, limits: FraudLimits) -> None:
        """Set the three limits (CreatePrevLimitNew)."""
        self._rpc.call(
            VERSION,
            "CreatePrevLimitNew",
            {
                "HourLimit": limits.hourly_limit,
                "IncreaseRate": limits.increase_rate,
                "SuccessRate": limits.success_rate,
            },
            idempotent=True,
        )
