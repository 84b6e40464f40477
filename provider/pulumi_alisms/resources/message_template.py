"""``MessageTemplate``: an SMS template (the sample you will really send), reviewed before use.

The diff rules are in ``pulumi_alisms.inputs.message_template``, shared with ``alisms plan``: ``type`` and
``intl_type`` replace; ``name``, ``content``, ``remark``, ``signature`` and ``template_rule`` update in place
(UpdateSmsTemplate resubmits the template for review) while the template is rejected, and replace it otherwise.
Chinese-mainland templates (``otp``, ``notification``, ``promotional``) name the approved signature they are bound
to (RelatedSignName) and, when the content has variables, a ``template_rule`` (TemplateRule).

Two applies at once (two stacks of one program, CI and a laptop): CreateSmsTemplate has no idempotency token,
and both runs may look before either creates. So after creating, a run lists the account afresh (at least one
second after its create answered: ``CreateDate`` has whole seconds, so the listing holds every template made in
the same second) and keeps the **oldest** template with exactly its inputs: lowest ``CreateDate``, then lowest
code. A run whose own new template is not the oldest deletes it and adopts the oldest (a progress line says so);
every run then ends with the same id and the account holds one template. Alibaba Cloud does not delete a template
under review: then the duplicate stays until reviewed, and the progress line names it.
"""

import time
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_alisms.api.templates import MainlandDetails, Template, TemplateSummary
from pulumi_alisms.errors import AliSmsApiError, ProviderError
from pulumi_alisms.inputs.message_template import (
    AMENDABLE_FIELDS,
    REPLACE_FIELDS,
    MessageTemplateInputs,
    diff,
    input_problems,
)
from pulumi_alisms.resources._base import (
    AccountProvider,
    checked,
    diff_result,
    progress,
    resource_properties,
    typed_inputs,
)
from pulumi_alisms.rules.next_action import NextAction, next_step
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import TemplateKind

OUTPUT_FIELDS = ("template_code", "status", "status_reason", "approved", "next_action", "next_action_due_at")
TEMPLATE_UNDER_REVIEW = "isv.ERROR_Template_NOT_DELETE"
SAME_SECOND = 1.0  # CreateDate has whole seconds: a listing this long after a create sees that second's templates


def _exact(template: Template, inputs: dict[str, Any]) -> bool:
    """Whether a template listed with these name, type and content also holds the inputs a listing does not carry."""
    return (template.remark, template.intl_type, template.signature) == (
        inputs.get("remark") or None,
        inputs.get("intl_type"),
        inputs.get("signature"),
    )


def _age(template: TemplateSummary) -> tuple[str, str]:
    """The order in which concurrent runs keep a template: oldest ``CreateDate`` first, then lowest code."""
    return template.created_at or "", template.template_code


def _state(template: Template) -> dict[str, Any]:
    return {
        "name": template.name,
        "type": template.type,
        "content": template.content,
        "remark": template.remark,
        "intl_type": template.intl_type,
        "signature": template.signature,
        "template_rule": template.template_rule,
        "template_code": template.template_code,
        "status": template.status,
        "status_reason": template.status_reason,
        "approved": template.status == ReviewStatus.APPROVED,
        "next_action": next_step(template.status).action,
        "next_action_due_at": None,
    }


def _details(inputs: dict[str, Any]) -> MainlandDetails:
    return MainlandDetails(related_sign_name=inputs.get("signature"), template_rule=inputs.get("template_rule"))


class MessageTemplateProvider(AccountProvider):
    """Creates, amends and deletes templates; the id is the TemplateCode."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return checked(MessageTemplateInputs, news, input_problems)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_result(diff(olds, news))

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
                          remark=inputs.get("remark"), intl_type=inputs.get("intl_type"),
                          details=_details(inputs))  # fmt: skip
        answered = time.monotonic()
        api.list_cache.hold(code)
        template = api.get(code)
        if template is None:
            raise ProviderError(f"template {code} was created but cannot be read back")
        template = self._oldest_twin(inputs, template, answered)
        return CreateResult(template.template_code, _state(template))

    def _existing(self, inputs: dict[str, Any]) -> Template | None:
        """A template that was in the account before this run with exactly these inputs (a get per candidate)."""
        api = self.account.templates
        for summary in api.list_cache.first_listing():
            if (summary.name, summary.type, summary.content) != (inputs["name"], inputs["type"], inputs["content"]):
                continue
            template = api.get(summary.template_code)
            if template is not None and _exact(template, inputs) and api.list_cache.claim(summary.template_code):
                return template
        return None

    def _oldest_twin(self, inputs: dict[str, Any], own: Template, answered: float) -> Template:
        """The oldest template with exactly these inputs, ``own`` (just created) included, from a listing taken at
        least a second after ``answered``; ``own`` is deleted when another run's template is older."""
        time.sleep(max(0.0, SAME_SECOND - (time.monotonic() - answered)))
        api = self.account.templates
        oldest = own
        for summary in api.matching(inputs["name"], inputs["type"], inputs["content"]):
            if _age(summary) >= _age(oldest) or api.list_cache.held(summary.template_code):
                continue  # not older, or another create of this process owns it
            template = api.get(summary.template_code)
            if template is not None and _exact(template, inputs):
                oldest = template
        if oldest is own:
            return own
        api.list_cache.hold(oldest.template_code)
        try:
            api.delete(own.template_code)
            fate = f"deleted {own.template_code}, the duplicate this run created"
        except AliSmsApiError as error:
            if error.code != TEMPLATE_UNDER_REVIEW:
                raise
            fate = (f"{own.template_code}, the duplicate this run created, is under review, and Alibaba Cloud does "
                    "not delete templates under review: delete it in the console once it is reviewed")  # fmt: skip
        progress(f"MessageTemplate {inputs['name']!r}: another run created {oldest.template_code} first with these "
                 f"exact inputs; adopting it ({fate})")  # fmt: skip
        return oldest

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
                   remark=inputs.get("remark"), intl_type=inputs.get("intl_type"),
                   details=_details(inputs))  # fmt: skip
        template = api.get(id_)
        if template is None:
            raise ProviderError(f"template {id_} disappeared during the update")
        return UpdateResult(_state(template))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.account.templates.delete(id_)
        except AliSmsApiError as error:
            if error.code != TEMPLATE_UNDER_REVIEW:
                raise
            raise ProviderError(
                f"template {id_} is still under review and Alibaba Cloud does not delete templates under review: "
                "wait for the review to finish (`pulumi refresh` shows the status), then run the command again"
            ) from None


@dataclass(kw_only=True)
class MessageTemplateArgs:
    """Inputs of :class:`MessageTemplate`."""

    name: pulumi.Input[str]
    """Template name (at most 30 characters)."""
    type: pulumi.Input[TemplateKind]
    """``otp``, ``notification``, ``promotional`` or ``international``."""
    content: pulumi.Input[str]
    """The text, with ``${name}`` variables (none in promotional templates); at most 500 characters."""
    remark: pulumi.Input[str] | None = None
    """A note for the reviewer: where and why the template is used."""
    intl_type: pulumi.Input[int] | None = None
    """For ``international`` templates: 0 notification, 1 promotional, 2 OTP."""
    signature: pulumi.Input[str] | None = None
    """The approved Chinese-mainland signature the template is bound to (RelatedSignName), e.g. a
    :class:`Signature`'s ``name``; required for ``otp``, ``notification`` and ``promotional``, optional for
    ``international``."""
    template_rule: pulumi.Input[dict[str, str]] | None = None
    """Each ``${name}`` variable's attribute (TemplateRule), e.g. ``{"code": "numberCaptcha"}``; required when a
    Chinese-mainland template's content has variables, and naming exactly them."""


class MessageTemplate(pulumi.dynamic.Resource, module="alisms", name="MessageTemplate"):
    """An SMS template; ``status`` follows the review (``UnderReview``, ``Approved``, ``Rejected``, ...)."""

    name: pulumi.Output[str]
    """Template name, as the account holds it."""
    type: pulumi.Output[TemplateKind | str]
    """``otp``, ``notification``, ``promotional`` or ``international`` (a kind this package does not know, such as
    a digital-SMS template in the account, reads as its wire code)."""
    content: pulumi.Output[str]
    """The text, as the account holds it."""
    remark: pulumi.Output[str | None]
    """The note for the reviewer, as the account holds it."""
    intl_type: pulumi.Output[int | None]
    """For ``international`` templates: 0 notification, 1 promotional, 2 OTP."""
    signature: pulumi.Output[str | None]
    """The signature the template is bound to, as the account holds it."""
    template_rule: pulumi.Output[dict[str, str] | None]
    """The variables' attributes, as the account holds them."""
    template_code: pulumi.Output[str]
    """The TemplateCode to send with (e.g. ``SMS_123456789``); also the resource id."""
    status: pulumi.Output[str]
    """``UnderReview``, ``Approved``, ``Rejected``, ``Cancelled``, or ``Unknown`` for a state Alibaba adds later,
    as of the last create, update or refresh."""
    status_reason: pulumi.Output[str | None]
    """The reviewer's reason for a rejection; unset otherwise."""
    approved: pulumi.Output[bool]
    """Whether ``status`` is ``Approved``: the template can be sent."""
    next_action: pulumi.Output[NextAction]
    """What happens next (docs/resources.md, "Next action"): ``none``, ``wait_for_review``, ``fix_and_resubmit``
    or ``contact_account_manager``."""
    next_action_due_at: pulumi.Output[str | None]
    """When ``next_action`` is due; unset (templates have no deadline)."""

    @overload
    def __init__(
        self, resource_name: str, args: MessageTemplateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        name: pulumi.Input[str],
        type: pulumi.Input[TemplateKind],
        content: pulumi.Input[str],
        remark: pulumi.Input[str] | None = None,
        intl_type: pulumi.Input[int] | None = None,
        signature: pulumi.Input[str] | None = None,
        template_rule: pulumi.Input[dict[str, str]] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``MessageTemplateArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(MessageTemplateArgs, args, kwargs, OUTPUT_FIELDS)
        super().__init__(MessageTemplateProvider(), resource_name, props, opts)
