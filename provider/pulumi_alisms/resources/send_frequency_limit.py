"""``SendFrequencyLimit``: how many messages one phone number may receive per minute, hour and day (singleton)."""

from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.inputs.send_frequency_limit import FREQUENCY_FIELDS, SendFrequencyLimitInputs, diff, input_problems
from pulumi_alisms.resources._base import resource_properties
from pulumi_alisms.resources._singleton import REPLACED_VALUES, BizTypeSingletonProvider
from pulumi_alisms.rules.limits import BizType


class SendFrequencyLimitProvider(BizTypeSingletonProvider):
    """Sets the limits with CreateFlowLimitNew; the id is the biz type."""

    inputs_model = SendFrequencyLimitInputs
    value_fields = FREQUENCY_FIELDS
    input_problems = staticmethod(input_problems)
    input_diff = staticmethod(diff)

    def fetch(self, id_: str) -> dict[str, Any]:
        return self.account.frequency.get(id_).model_dump(include=set(FREQUENCY_FIELDS))  # type: ignore[arg-type]

    def apply(self, id_: str, values: dict[str, Any]) -> None:
        self.account.frequency.set(FrequencyLimit(biz_type=id_, **values))  # type: ignore[arg-type]


@dataclass(kw_only=True)
class SendFrequencyLimitArgs:
    """Inputs of :class:`SendFrequencyLimit`."""

    biz_type: pulumi.Input[BizType] | None = None
    """``domestic`` or ``international`` (default)."""
    per_minute: pulumi.Input[int] | None = None
    """Messages one number may receive per minute (vendor default for OTP: 1)."""
    per_hour: pulumi.Input[int] | None = None
    """Messages one number may receive per hour (vendor default for OTP: 5)."""
    per_day: pulumi.Input[int] | None = None
    """Messages one number may receive per day (vendor default for OTP: 10)."""


class SendFrequencyLimit(pulumi.dynamic.Resource, module="alisms", name="SendFrequencyLimit"):
    """Per-number sending frequency limits. Deleting it restores the values it replaced."""

    biz_type: pulumi.Output[BizType]
    """``domestic`` or ``international``; also the resource id."""
    per_minute: pulumi.Output[int]
    """Messages one number may receive per minute, as the account holds it."""
    per_hour: pulumi.Output[int]
    """Messages one number may receive per hour, as the account holds it."""
    per_day: pulumi.Output[int]
    """Messages one number may receive per day, as the account holds it."""
    replaced_values: pulumi.Output[dict[str, Any] | str]
    """The limits found at create or import, restored when the resource is deleted; ``"unknown"`` when create
    found the declared values already in place (another run wrote them first): deleting then leaves them."""

    @overload
    def __init__(
        self, resource_name: str, args: SendFrequencyLimitArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        biz_type: pulumi.Input[BizType] | None = None,
        per_minute: pulumi.Input[int] | None = None,
        per_hour: pulumi.Input[int] | None = None,
        per_day: pulumi.Input[int] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``SendFrequencyLimitArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(SendFrequencyLimitArgs, args, kwargs, [REPLACED_VALUES])
        super().__init__(SendFrequencyLimitProvider(), resource_name, props, opts)
