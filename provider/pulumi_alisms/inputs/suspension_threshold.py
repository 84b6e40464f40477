"""``SuspensionThreshold`` inputs and their offline rules. ``biz_type`` (the id) replaces; the limits update."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.diff import Diff, fields_diff
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.limits import BizType, threshold_problems

REPLACE_FIELDS = ("biz_type",)
LIMIT_FIELDS = ("daily_warning", "daily_suspend", "monthly_warning", "monthly_suspend")


class SuspensionThresholdEntry(BaseModel):
    """The limits of one biz type, as an account file declares them (the biz type is the entry's key)."""

    model_config = ConfigDict(extra="forbid")

    daily_warning: int | None = None
    daily_suspend: int | None = None
    monthly_warning: int | None = None
    monthly_suspend: int | None = None


class SuspensionThresholdInputs(SuspensionThresholdEntry):
    """Checked inputs of a ``SuspensionThreshold``."""

    biz_type: BizType


def input_problems(inputs: SuspensionThresholdEntry) -> list[Problem]:
    """Every offline rule for these inputs, named by field."""
    return threshold_problems(
        inputs.daily_warning, inputs.daily_suspend, inputs.monthly_warning, inputs.monthly_suspend
    )


def entry_inputs(key: str, entry: SuspensionThresholdEntry) -> dict[str, Any]:
    """The resource inputs an account-file entry declares: its key is the biz type."""
    return {"biz_type": key, **entry.model_dump(mode="json")}


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """A new biz type replaces; new limits update in place."""
    return fields_diff(olds, news, (*REPLACE_FIELDS, *LIMIT_FIELDS), REPLACE_FIELDS)
