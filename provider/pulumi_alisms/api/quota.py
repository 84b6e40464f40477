"""Package quota alert: CreatePkgThresholdNew, QueryPkgThresholdNew (Dysms 2017-06-20)."""

from pydantic import BaseModel, ConfigDict, NonNegativeInt

from pulumi_alisms.api.client import RpcClient

VERSION = "2017-06-20"


class PackageQuotaAlert(BaseModel):
    """Alert when the resource package has fewer than ``warning_limit`` messages left; ``None`` means no alert."""

    model_config = ConfigDict(frozen=True)

    warning_limit: NonNegativeInt | None = None


class QuotaApi:
    """Read and set the package quota alert."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def get(self) -> PackageQuotaAlert:
        """The current alert (QueryPkgThresholdNew)."""
        data = self._rpc.call(VERSION, "QueryPkgThresholdNew", {}, idempotent=True)
        limit = data.get("PackageWarningLimit")
        return PackageQuotaAlert(warning_limit=None if limit is None else int(limit))

    def set(self, alert: PackageQuotaAlert) -> None:
        """Set the alert (CreatePkgThresholdNew); ``None`` clears it."""
        self._rpc.call(VERSION, "CreatePkgThresholdNew", {"PackageWarningLimit": alert.warning_limit}, idempotent=True)
