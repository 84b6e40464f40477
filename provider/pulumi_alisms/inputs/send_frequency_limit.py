"""``SendFrequencyLimit`` inputs and their offline rules. ``biz_type`` (the id) replaces; the limits update."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.diff import Diff, fields_diff
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.limits import DEFAULT_FREQUENCY, BizType, frequency_problems

REPLACE_FIELDS = ("biz_type",)
FREQUENCY_FIELDS = ("per_minute", "per_hour", "per_day")


class SendFrequencyLimitInputs(BaseModel):
    """Checked inputs of a ``SendFrequencyLimit``, and the ``frequency_limits`` of an account file."""

    model_config = ConfigDict(extra="forbid")

    biz_type: BizType = "international"
    per_minute: int = DEFAULT_FREQUENCY["per_minute"]
    per_hour: int = DEFAULT_FREQUENCY["per_hour"]
    per_day: int = DEFAULT_FREQUENCY["per_day"]


def input_problems(inputs: SendFrequencyLimitInputs) -> list[Problem]:
    """Every offline rule for these inputs, named by field."""
    return frequency_problems(inputs.per_minute, inputs.per_hour, inputs.per_day)


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """A new biz type replaces; new limits update in place."""
    return fields_diff(olds, news, (*REPLACE_FIELDS, *FREQUENCY_FIELDS), REPLACE_FIELDS)
