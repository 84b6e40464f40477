"""``MessageTemplate`` inputs, their offline rules and their diff rules.

Diff rules: ``type`` and ``intl_type`` replace. ``name``, ``content`` and ``remark`` update in place
(UpdateSmsTemplate, which resubmits for review) while the template is rejected, and replace it
otherwise: Alibaba modifies only templates that failed review.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.diff import Diff, changed_fields
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import TemplateKind, template_problems

REPLACE_FIELDS = ("type", "intl_type")
AMENDABLE_FIELDS = ("name", "content", "remark")


class MessageTemplateInputs(BaseModel):
    """Checked inputs of a ``MessageTemplate``, and a template entry of an account file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    type: TemplateKind
    content: str
    remark: str | None = None
    intl_type: int | None = None


def input_problems(inputs: MessageTemplateInputs) -> list[Problem]:
    """Every offline rule for these inputs, named by field."""
    return template_problems(name=inputs.name, kind=inputs.type, content=inputs.content, remark=inputs.remark,
                             intl_type=inputs.intl_type)  # fmt: skip


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """The module docstring's rules; ``olds`` is the recorded state, with the live review ``status``."""
    changed = changed_fields(olds, news, [*REPLACE_FIELDS, *AMENDABLE_FIELDS])
    amendable = olds.get("status") == ReviewStatus.REJECTED
    return Diff(changed, tuple(name for name in changed if name in REPLACE_FIELDS or not amendable))
