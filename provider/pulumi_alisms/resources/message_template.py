"""``MessageTemplate``: an SMS template (the sample you will really send), reviewed before use.

Diff rules: ``type`` and ``intl_type`` replace. ``name``, ``content`` and ``remark`` update in place
(UpdateSmsTemplate, which resubmits for review) while the template is rejected, and replace it
otherwise: Alibaba modifies only templates that failed review.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.templates import Template
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.resources._base import (
    AccountProvider,
    args_to_props,
    changed_fields,
    checked,
    progress,
    register_outputs,
    typed_inputs,
)
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import TemplateKind, template_problems

REPLACE_FIELDS = ("type", "intl_type")
AMENDABLE_FIELDS = ("name", "content", "remark")
OUTPUT_FIELDS = ("template_code", "status", "approved", "status_reason")
TEMPLATE_UNDER_REVIEW = "isv.ERROR_Template_NOT_DELETE"


class MessageTemplateInputs(BaseModel):
    """Checked inputs."""

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


def _state(template: Template) -> dict[str, Any]:
    return {
        "name": template.name,
        "type": template.type,
        "content": template.content,
        "remark": template.remark,
        "intl_type": template.intl_type,
        "template_code": template.template_code,
        "status": template.status,
        "approved": template.status == ReviewStatus.APPROVED,
        "status_reason": template.status_reason,
    }


class MessageTemplateProvider(AccountProvider):
    """Creates, amends and deletes templates; the id is the TemplateCode."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return checked(MessageTemplateInputs, news, input_problems)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_fields(olds, news, [*REPLACE_FIELDS, *AMENDABLE_FIELDS])
        amendable = olds.get("status") == ReviewStatus.REJECTED
        replaces = [name for name in changed if name in REPLACE_FIELDS or not amendable]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Adopt the template an interrupted create left in the account, else submit a new one."""
        inputs = typed_inputs(MessageTemplateInputs, props)
        api = self.account.templates
        template = self._existing(inputs)
        if template is not None:
            progress(f"MessageTemplate {inputs['name']!r}: adopting {template.template_code}, already in the account "
                     "with these exact inputs (an interrupted create, or made in the console)")  # fmt: skip
            return CreateResult(template.template_code, _state(template))
        code = api.create(name=inputs["name"], type=inputs["type"], content=inputs["content"],
                          remark=inputs.get("remark"), intl_type=inputs.get("intl_type"))  # fmt: skip
        template = api.get(code)
        if template is None:
            raise RuntimeError(f"template {code} was created but cannot be read back")
        return CreateResult(code, _state(template))

    def _existing(self, inputs: dict[str, Any]) -> Template | None:
        """A template that was in the account before this run with exactly these inputs (a get per candidate)."""
        api = self.account.templates
        wanted = (inputs.get("remark") or None, inputs.get("intl_type"))
        for summary in api.list_cache.first_listing():
            if (summary.name, summary.type, summary.content) != (inputs["name"], inputs["type"], inputs["content"]):
                continue
            template = api.get(summary.template_code)
            exact = template is not None and (template.remark, template.intl_type) == wanted
            if exact and api.list_cache.claim(summary.template_code):
                return template
        return None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        template = self.account.templates.lookup(id_, recorded=props)
        if template is None:
            return ReadResult(None, {})
        state = _state(template)
        inputs = {name: state[name] for name in (*REPLACE_FIELDS, *AMENDABLE_FIELDS)}
        return ReadResult(id_, state, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = typed_inputs(MessageTemplateInputs, news)
        api = self.account.templates
        api.update(id_, name=inputs["name"], type=inputs["type"], content=inputs["content"],
                   remark=inputs.get("remark"), intl_type=inputs.get("intl_type"))  # fmt: skip
        template = api.get(id_)
        if template is None:
            raise RuntimeError(f"template {id_} disappeared during the update")
        return UpdateResult(_state(template))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.account.templates.delete(id_)
        except AliSmsApiError as error:
            if error.code != TEMPLATE_UNDER_REVIEW:
                raise
            raise RuntimeError(
                f"template {id_} is still under review and Alibaba Cloud does not delete templates under review: "
                "wait for the review to finish (`pulumi refresh` shows the status), then run the command again"
            ) from None


@dataclass(kw_only=True)
class MessageTemplateArgs:
    """Inputs of :class:`MessageTemplate`."""

    name: pulumi.Input[str]
    """Template name (at most 30 characters)."""
    type: pulumi.Input[str]
    """``otp``, ``notification``, ``promotional`` or ``international``."""
    content: pulumi.Input[str]
    """The text, with ``${name}`` variables (none in promotional templates); at most 500 characters."""
    remark: pulumi.Input[str] | None = None
    """A note for the reviewer: where and why the template is used."""
    intl_type: pulumi.Input[int] | None = None
    """For ``international`` templates: 0 notification, 1 promotional, 2 OTP."""


class MessageTemplate(pulumi.dynamic.Resource, module="alisms", name="MessageTemplate"):
    """An SMS template; ``status`` follows the review (UnderReview, Approved, Rejected, Cancelled, Unknown)."""

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    content: pulumi.Output[str]
    remark: pulumi.Output[str | None]
    intl_type: pulumi.Output[int | None]
    template_code: pulumi.Output[str]
    status: pulumi.Output[str]
    approved: pulumi.Output[bool]
    status_reason: pulumi.Output[str | None]

    def __init__(self, resource_name: str, args: MessageTemplateArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:  # fmt: skip
        props = register_outputs(args_to_props(args), OUTPUT_FIELDS)
        super().__init__(MessageTemplateProvider(), resource_name, props, opts)
