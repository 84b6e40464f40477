"""``FraudProtection``: OTP abuse (SMS pumping) prevention limits of the account (singleton)."""

from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_alisms.api.fraud import FraudLimits
from pulumi_alisms.inputs.fraud_protection import (
    FRAUD_FIELDS,
    FRAUD_PROTECTION_ID,
    FraudProtectionInputs,
    diff,
    input_problems,
)
from pulumi_alisms.resources._base import args_to_props, constructor_args, progress, register_outputs
from pulumi_alisms.resources._singleton import REPLACED_VALUES, SingletonProvider


class FraudProtectionProvider(SingletonProvider):
    """Sets the limits with CreatePrevLimitNew; the id is always ``fraud-protection``."""

    inputs_model = FraudProtectionInputs
    value_fields = FRAUD_FIELDS
    input_problems = staticmethod(input_problems)
    input_diff = staticmethod(diff)

    def singleton_id(self, inputs: dict[str, Any]) -> str:
        return FRAUD_PROTECTION_ID

    def fetch(self, id_: str) -> dict[str, Any]:
        limits = self.account.fraud.get()
        return limits.model_dump(include=set(FRAUD_FIELDS)) if limits else dict.fromkeys(FRAUD_FIELDS)

    def apply(self, id_: str, values: dict[str, Any]) -> None:
        if any(value is None for value in values.values()):
            progress("FraudProtection: the account had no limits before and the API cannot clear them; "
                     "the current limits stay in place")  # fmt: skip
            return
        self.account.fraud.set(FraudLimits(**values))


@dataclass(kw_only=True)
class FraudProtectionArgs:
    """Inputs of :class:`FraudProtection`."""

    hourly_limit: pulumi.Input[int]
    """Verification-code messages the account may send per hour before protection starts."""
    increase_rate: pulumi.Input[int]
    """Hour-over-hour growth, in percent, that counts as abnormal."""
    success_rate: pulumi.Input[int]
    """Delivery success rate, in percent, below which traffic counts as abnormal (0-100)."""


class FraudProtection(pulumi.dynamic.Resource, module="alisms", name="FraudProtection"):
    """OTP abuse prevention limits. Deleting it restores the values it replaced."""

    hourly_limit: pulumi.Output[int | None]
    """Verification-code messages per hour before protection starts, as the account holds it (unset if none)."""
    increase_rate: pulumi.Output[int | None]
    """Hour-over-hour growth, in percent, that counts as abnormal, as the account holds it."""
    success_rate: pulumi.Output[int | None]
    """Delivery success rate, in percent, below which traffic counts as abnormal, as the account holds it."""
    replaced_values: pulumi.Output[dict[str, Any]]
    """The limits found at create or import (all unset if none), restored on delete where the API can."""

    @overload
    def __init__(
        self, resource_name: str, args: FraudProtectionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        hourly_limit: pulumi.Input[int],
        increase_rate: pulumi.Input[int],
        success_rate: pulumi.Input[int],
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``FraudProtectionArgs`` or its fields as keywords, as pulumi-aws resources do."""
        given, opts = constructor_args(FraudProtectionArgs, args, kwargs)
        props = register_outputs(args_to_props(given), [REPLACED_VALUES])
        super().__init__(FraudProtectionProvider(), resource_name, props, opts)
