"""``SuspensionThreshold``: daily/monthly suspension (halt) and warning limits for a biz type (singleton)."""

from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.inputs.suspension_threshold import LIMIT_FIELDS, SuspensionThresholdInputs, diff, input_problems
from pulumi_alisms.resources._base import resource_properties
from pulumi_alisms.resources._singleton import REPLACED_VALUES, BizTypeSingletonProvider
from pulumi_alisms.rules.limits import BizType


class SuspensionThresholdProvider(BizTypeSingletonProvider):
    """Sets the thresholds with CreateWarningThresholdNew; the id is the biz type."""

    inputs_model = SuspensionThresholdInputs
    value_fields = LIMIT_FIELDS
    input_problems = staticmethod(input_problems)
    input_diff = staticmethod(diff)

    def fetch(self, id_: str) -> dict[str, Any]:
        return self.account.thresholds.get(id_).model_dump(include=set(LIMIT_FIELDS))  # type: ignore[arg-type]

    def apply(self, id_: str, values: dict[str, Any]) -> None:
        self.account.thresholds.set(WarningThreshold(biz_type=id_, **values))  # type: ignore[arg-type]


@dataclass(kw_only=True)
class SuspensionThresholdArgs:
    """Inputs of :class:`SuspensionThreshold`. Unset limits are cleared."""

    biz_type: pulumi.Input[BizType]
    """``domestic`` (Chinese mainland) or ``international`` (including Hong Kong, Macao, Taiwan)."""
    daily_warning: pulumi.Input[int] | None = None
    """Alert contacts when a day's messages reach this many."""
    daily_suspend: pulumi.Input[int] | None = None
    """Suspend sending when a day's messages reach this many."""
    monthly_warning: pulumi.Input[int] | None = None
    """Alert contacts when a month's messages reach this many."""
    monthly_suspend: pulumi.Input[int] | None = None
    """Suspend sending when a month's messages reach this many."""


class SuspensionThreshold(pulumi.dynamic.Resource, module="alisms", name="SuspensionThreshold"):
    """Suspension and warning thresholds of one biz type. Deleting it restores the values it replaced."""

    biz_type: pulumi.Output[BizType]
    """``domestic`` or ``international``; also the resource id."""
    daily_warning: pulumi.Output[int | None]
    """The daily warning limit the account holds; unset when cleared."""
    daily_suspend: pulumi.Output[int | None]
    """The daily suspension limit the account holds; unset when cleared."""
    monthly_warning: pulumi.Output[int | None]
    """The monthly warning limit the account holds; unset when cleared."""
    monthly_suspend: pulumi.Output[int | None]
    """The monthly suspension limit the account holds; unset when cleared."""
    replaced_values: pulumi.Output[dict[str, Any] | str]
    """The limits found at create or import, restored when the resource is deleted; ``"unknown"`` when create
    found the declared values already in place (another run wrote them first): deleting then leaves them."""

    @overload
    def __init__(
        self, resource_name: str, args: SuspensionThresholdArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        biz_type: pulumi.Input[BizType],
        daily_warning: pulumi.Input[int] | None = None,
        daily_suspend: pulumi.Input[int] | None = None,
        monthly_warning: pulumi.Input[int] | None = None,
        monthly_suspend: pulumi.Input[int] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``SuspensionThresholdArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(SuspensionThresholdArgs, args, kwargs, [REPLACED_VALUES])
        super().__init__(SuspensionThresholdProvider(), resource_name, props, opts)
