"""``FraudProtection`` inputs and their offline rules. Every input updates in place.

``enabled`` is the on/off switch (OpencPrevFlagNew): the limits apply to sends only while it is on.
Declaring limits means wanting them applied, so it defaults to on.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.diff import Diff, fields_diff
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.limits import fraud_problems

LIMIT_FIELDS = ("hourly_limit", "increase_rate", "success_rate")
FRAUD_FIELDS = ("enabled", *LIMIT_FIELDS)
FRAUD_PROTECTION_ID = "fraud-protection"


class FraudProtectionInputs(BaseModel):
    """Checked inputs of a ``FraudProtection``, and the ``fraud_protection`` of an account file."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    hourly_limit: int
    increase_rate: int
    success_rate: int


def input_problems(inputs: FraudProtectionInputs) -> list[Problem]:
    """Every offline rule for these inputs, named by field."""
    return fraud_problems(inputs.hourly_limit, inputs.increase_rate, inputs.success_rate)


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """New limits, or turning prevention on or off, update in place."""
    return fields_diff(olds, news, FRAUD_FIELDS)
