"""``Signature``: a Chinese-mainland SMS signature, with its review and its carrier registration as state.

A signature sends only once approved and then registered with the carriers (7-10 business days; until then
sends fail with ``PORT_NOT_REGISTERED``). ``wait_for`` waits for ``approved`` or ``registered`` with backoff and
fails fast on a rejection. Diff rules: ``pulumi_alisms.inputs.signature``.
"""

from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_alisms.api.signatures import Signature as LiveSignature
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.errors import ProviderError
from pulumi_alisms.inputs.signature import (
    AMENDABLE_FIELDS,
    DEFAULT_WAIT_TIMEOUT,
    SignatureInputs,
    SignatureWaitFor,
    diff,
    input_problems,
)
from pulumi_alisms.resources._base import (
    AccountProvider,
    checked,
    diff_result,
    poll_until,
    progress,
    resource_properties,
    typed_inputs,
    without_provider,
)
from pulumi_alisms.rules.next_action import NextAction, NextStep, next_step
from pulumi_alisms.rules.signatures import SignatureSource, SignatureType

OUTPUT_FIELDS = ("status", "status_reason", "approved", "registered", "carrier_registration", "next_action",
                 "next_action_due_at")  # fmt: skip
_LOCAL_DEFAULTS: dict[str, Any] = {"wait_for": "none", "wait_timeout": DEFAULT_WAIT_TIMEOUT,
                                   "deletion_protection": True}  # fmt: skip


def _next_step(signature: LiveSignature) -> NextStep:
    return next_step(signature.status, registered=signature.registered, carrier_refused=signature.carrier_refused)


def _outputs(signature: LiveSignature) -> dict[str, Any]:
    step = _next_step(signature)
    return {
        "status": signature.status,
        "status_reason": signature.status_reason,
        "approved": signature.approved,
        "registered": signature.registered,
        "carrier_registration": [{"carrier": entry.carrier, "status": str(entry.status),
                                  "completed_at": entry.completed_at} for entry in signature.carrier_registration],
        "next_action": step.action,
        "next_action_due_at": None,
    }  # fmt: skip


def _request(inputs: dict[str, Any]) -> SignatureRequest:
    fields = ("name", "qualification_id", *AMENDABLE_FIELDS)
    return SignatureRequest.model_validate({name: inputs[name] for name in fields if inputs.get(name) is not None})


class SignatureProvider(AccountProvider):
    """Submits, tracks, amends and deletes mainland signatures; the id is the signature name."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return checked(SignatureInputs, news, input_problems)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_result(diff(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = typed_inputs(SignatureInputs, props)
        if self.account.signatures.get(inputs["name"]) is None:
            self.account.signatures.create(_request(inputs))
        else:
            progress(f"Signature {inputs['name']!r}: adopting the signature already in the account")
        signature = self._wait(self._fetch(inputs["name"]), inputs)
        return CreateResult(inputs["name"], {**inputs, **_outputs(signature)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        signature = self.account.signatures.get(id_)
        if signature is None:
            return ReadResult(None, {})
        state = without_provider(props)
        inputs = {name: value for name, value in state.items() if name in SignatureInputs.model_fields}
        if signature.qualification_id is not None:
            inputs["qualification_id"] = signature.qualification_id
        return ReadResult(id_, {**state, **inputs, **_outputs(signature)}, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = typed_inputs(SignatureInputs, news)
        api = self.account.signatures
        if any(olds.get(name) != inputs.get(name) for name in AMENDABLE_FIELDS):
            progress(f"Signature {id_!r}: amending and resubmitting for review")
            api.update(_request(inputs))
        if olds.get("qualification_id") != inputs["qualification_id"]:
            api.change_qualification(id_, inputs["qualification_id"], inputs.get("authorization_letter_id"))
        signature = self._wait(self._fetch(id_), inputs)
        return UpdateResult({**inputs, **_outputs(signature)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        signature = self.account.signatures.get(id_)
        if signature is None:
            return
        if signature.approved and props.get("deletion_protection", True):
            raise ProviderError(
                f"Signature {id_!r} is approved and protected: re-approval and carrier registration take weeks. "
                "To delete it anyway, set deletion_protection to false, run `pulumi up`, then delete again."
            )
        self.account.signatures.delete(id_)

    def _wait(self, signature: LiveSignature, inputs: dict[str, Any]) -> LiveSignature:
        """Wait with backoff for ``wait_for`` (``approved`` or ``registered``); fail fast on a rejection."""
        wait_for = inputs.get("wait_for") or "none"
        if wait_for == "none":
            return signature
        return poll_until(
            f"Signature {signature.name!r}",
            signature,
            lambda: self._fetch(signature.name),
            done=lambda current: current.approved and (wait_for == "approved" or current.registered),
            next_step=_next_step,
            status=lambda current: f"{current.status} ({current.status_reason or f'registered: {current.registered}'})",
            goal=wait_for,
            timeout=int(inputs.get("wait_timeout") or DEFAULT_WAIT_TIMEOUT),
        )

    def _fetch(self, name: str) -> LiveSignature:
        signature = self.account.signatures.get(name)
        if signature is None:
            raise ProviderError(f"Signature {name!r} no longer exists; run `pulumi refresh` to drop it")
        return signature


@dataclass(kw_only=True)
class SignatureArgs:
    """Inputs of :class:`Signature`."""

    name: pulumi.Input[str]
    """2-12 letters, digits or Chinese characters; no generic words such as "test"."""
    source: pulumi.Input[SignatureSource]
    """``company``, ``website``, ``app``, ``official_account``, ``ecommerce_store`` or ``trademark``."""
    qualification_id: pulumi.Input[int]
    """The approved qualification (its group id) the signature belongs to."""
    type: pulumi.Input[SignatureType] | None = None
    """``otp`` or ``general`` (default)."""
    remark: pulumi.Input[str] | None = None
    """A note for the reviewer."""
    apply_scene: pulumi.Input[str] | None = None
    """The link or name the ``website``, ``app``, ``official_account`` and ``ecommerce_store`` sources need."""
    third_party: pulumi.Input[bool] | None = None
    """Whether the signature is for another entity (needs ``authorization_letter_id``)."""
    authorization_letter_id: pulumi.Input[int] | None = None
    """The authorization letter covering the signature."""
    trademark_id: pulumi.Input[int] | None = None
    """The trademark the ``trademark`` source needs."""
    app_icp_record_id: pulumi.Input[int] | None = None
    """The app's ICP record the ``app`` source needs."""
    wait_for: pulumi.Input[SignatureWaitFor] | None = None
    """``none`` (default), ``approved`` or ``registered`` (with the carriers)."""
    wait_timeout: pulumi.Input[int] | None = None
    """Seconds to wait for ``wait_for`` (default 3600)."""
    deletion_protection: pulumi.Input[bool] | None = None
    """Refuse to delete an approved signature (default true)."""


class Signature(pulumi.dynamic.Resource, module="alisms", name="Signature"):
    """A mainland SMS signature; ``status`` follows the review, ``registered`` the carrier registration."""

    name: pulumi.Output[str]
    """The signature name; also the resource id."""
    source: pulumi.Output[SignatureSource]
    """``company``, ``website``, ``app``, ``official_account``, ``ecommerce_store`` or ``trademark``, as declared."""
    qualification_id: pulumi.Output[int]
    """The qualification the signature belongs to."""
    type: pulumi.Output[SignatureType]
    """``otp`` or ``general``, as declared."""
    remark: pulumi.Output[str | None]
    """The note for the reviewer."""
    apply_scene: pulumi.Output[str | None]
    """The link or name of the app, website, account or store, as declared."""
    third_party: pulumi.Output[bool]
    """Whether the signature is for another entity."""
    authorization_letter_id: pulumi.Output[int | None]
    """The authorization letter covering the signature."""
    trademark_id: pulumi.Output[int | None]
    """The trademark of the ``trademark`` source."""
    app_icp_record_id: pulumi.Output[int | None]
    """The app's ICP record of the ``app`` source."""
    wait_for: pulumi.Output[SignatureWaitFor]
    """``none``, ``approved`` or ``registered``, as declared."""
    wait_timeout: pulumi.Output[int]
    """Seconds to wait for ``wait_for``, as declared (default 3600)."""
    deletion_protection: pulumi.Output[bool]
    """Whether deleting an approved signature is refused, as declared (default true)."""
    status: pulumi.Output[str]
    """``UnderReview``, ``Approved``, ``Rejected`` or ``Cancelled``, as of the last create, update or refresh."""
    status_reason: pulumi.Output[str | None]
    """The reviewer's reason for a rejection; unset otherwise."""
    approved: pulumi.Output[bool]
    """Whether ``status`` is ``Approved``."""
    registered: pulumi.Output[bool]
    """Whether a carrier delivers the signature's messages (sends fail with PORT_NOT_REGISTERED until then)."""
    carrier_registration: pulumi.Output[list[dict[str, Any]]]
    """Per carrier (``mobile``, ``unicom``, ``telecom``): ``status`` and ``completed_at``."""
    next_action: pulumi.Output[NextAction]
    """What happens next (docs/resources.md, "Next action"): ``none``, ``wait_for_review``, ``fix_and_resubmit``,
    ``wait_for_carrier_registration`` or ``contact_account_manager``."""
    next_action_due_at: pulumi.Output[str | None]
    """When ``next_action`` is due; unset (signatures have no deadline)."""

    @overload
    def __init__(self, resource_name: str, args: SignatureArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        name: pulumi.Input[str],
        source: pulumi.Input[SignatureSource],
        qualification_id: pulumi.Input[int],
        type: pulumi.Input[SignatureType] | None = None,
        remark: pulumi.Input[str] | None = None,
        apply_scene: pulumi.Input[str] | None = None,
        third_party: pulumi.Input[bool] | None = None,
        authorization_letter_id: pulumi.Input[int] | None = None,
        trademark_id: pulumi.Input[int] | None = None,
        app_icp_record_id: pulumi.Input[int] | None = None,
        wait_for: pulumi.Input[SignatureWaitFor] | None = None,
        wait_timeout: pulumi.Input[int] | None = None,
        deletion_protection: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``SignatureArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(SignatureArgs, args, kwargs, OUTPUT_FIELDS, omit_unset=True)
        super().__init__(SignatureProvider(), resource_name, props, opts)
