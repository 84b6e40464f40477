"""``MessageTemplate`` inputs, their offline rules and their diff rules.

Diff rules: ``type`` and ``intl_type`` replace. ``name``, ``content``, ``remark``, ``signature`` and
``template_rule`` update in place (UpdateSmsTemplate takes them all and resubmits the template for review) while
the template is rejected, and replace it otherwise: Alibaba modifies only templates that failed review.

``signature`` (RelatedSignName) is required for Chinese-mainland types and optional for ``international``;
``template_rule`` (TemplateRule) is required for the variables of mainland templates (``rules.templates``).
Olds without a ``signature`` or ``template_rule`` key (a state recorded before this package had them, or a
plan's live template read without its details) take the field as declared.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.diff import Diff, changed_fields
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import TemplateKind, template_problems

REPLACE_FIELDS = ("type", "intl_type")
AMENDABLE_FIELDS = ("name", "content", "remark", "signature", "template_rule")
MAINLAND_FIELDS = ("signature", "template_rule")


class MessageTemplateInputs(BaseModel):
    """Checked inputs of a ``MessageTemplate``, and a template entry of an account file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    type: TemplateKind
    content: str
    remark: str | None = None
    intl_type: int | None = None
    signature: str | None = None
    template_rule: dict[str, str] | None = None


def input_problems(inputs: MessageTemplateInputs) -> list[Problem]:
    """Every offline rule for these inputs, named by field."""
    return template_problems(name=inputs.name, kind=inputs.type, content=inputs.content, remark=inputs.remark,
                             intl_type=inputs.intl_type, signature=inputs.signature,
                             template_rule=inputs.template_rule)  # fmt: skip


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """The module docstring's rules; ``olds`` is the recorded state, with the live review ``status``."""
    compared = [name for name in (*REPLACE_FIELDS, *AMENDABLE_FIELDS) if name in olds or name not in MAINLAND_FIELDS]
    changed = changed_fields(olds, news, compared)
    amendable = olds.get("status") == ReviewStatus.REJECTED
    return Diff(changed, tuple(name for name in changed if name in REPLACE_FIELDS or not amendable))
