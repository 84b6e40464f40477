"""``AlertContact``: a person who receives the account's alerts, with phone verification.

Creating a contact sends a verification code to its phone (SendVerificationNew); the contact stays
``verified: false`` until ``verification_code`` is set to that code and applied. Changing the phone
or the email sends a new code. The service reports no verification state: ``verified`` turns true when the
save with the code succeeds, and is kept in the state until the phone or email changes (docs/api.md).
``phone``, ``email`` and ``verification_code`` are secret outputs (personal data). Every input updates in place.
"""

from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_alisms.api.contacts import Contact
from pulumi_alisms.errors import ProviderError
from pulumi_alisms.inputs.alert_contact import INPUT_FIELDS, AlertContactInputs, diff, input_problems
from pulumi_alisms.resources._base import (
    AccountProvider,
    checked,
    diff_result,
    progress,
    resource_properties,
    typed_inputs,
)

OUTPUT_FIELDS = ("contact_id", "verified")
SECRET_OUTPUTS = ["phone", "email", "verification_code"]


def _contact_id(id_: str) -> int:
    """The account's number for the contact a Pulumi id names (a refresh, an ``import_`` or an edited state)."""
    if not (id_.isascii() and id_.isdigit()):
        raise ProviderError(f"alert contact id {id_!r} is not a contact id: the account numbers its contacts "
                            "(import_=\"12345\"; `alisms export` lists them)")  # fmt: skip
    return int(id_)


def _state(contact: Contact, verification_code: str | None, verified: bool) -> dict[str, Any]:
    return {
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "alerts": sorted(contact.alerts),
        "verification_code": verification_code,
        "contact_id": str(contact.contact_id),
        "verified": verified,
    }


class AlertContactProvider(AccountProvider):
    """Saves, verifies and deletes alert contacts; the id is the contact id."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = checked(AlertContactInputs, news, input_problems)
        if not result.failures:
            result.inputs["alerts"] = sorted(result.inputs["alerts"])
        return result

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_result(diff(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Adopt the contact an interrupted create left in the account (same name, phone and email), else save one."""
        inputs = typed_inputs(AlertContactInputs, props)
        api = self.account.contacts
        identity = (inputs["name"], inputs["phone"], inputs["email"])
        candidates = (c for c in api.list_cache.first_listing() if (c.name, c.phone, c.email) == identity)
        existing = next((found for c in candidates if (found := api.get(c.contact_id)) is not None
                         and api.list_cache.claim(c.contact_id)), None)  # fmt: skip
        if existing is None:
            contact_id = api.save(name=inputs["name"], phone=inputs["phone"], email=inputs["email"],
                                  alerts=inputs["alerts"])  # fmt: skip
        else:
            contact_id = existing.contact_id
            progress(f"AlertContact {inputs['name']}: adopting contact {contact_id}, already in the account with this "
                     "name, phone and email (an interrupted create, or made in the console)")  # fmt: skip
            if sorted(existing.alerts) != sorted(inputs["alerts"]):
                api.save(contact_id=contact_id, name=inputs["name"], phone=inputs["phone"], email=inputs["email"],
                         alerts=inputs["alerts"])  # fmt: skip
        # Whether an adopted contact was verified cannot be read: a fresh code makes sure it can be.
        self._send_code(inputs)
        return CreateResult(str(contact_id), self._fetch_state(contact_id, inputs.get("verification_code"), False))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        contact = self.account.contacts.lookup(_contact_id(id_))
        if contact is None:
            return ReadResult(None, {})
        # A phone or email changed in the console unverifies the contact; nothing else is readable about it.
        same_target = (contact.phone, contact.email) == (props.get("phone"), props.get("email"))
        state = _state(contact, props.get("verification_code"), bool(props.get("verified")) and same_target)
        return ReadResult(id_, state, {name: state[name] for name in INPUT_FIELDS})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = typed_inputs(AlertContactInputs, news)
        api = self.account.contacts
        # The account resets verification when the phone or the email changes: a new code is needed.
        reachable_changed = olds.get("phone") != inputs["phone"] or olds.get("email") != inputs["email"]
        code = inputs.get("verification_code")
        use_code = code if code and not reachable_changed and not olds.get("verified") else None
        api.save(contact_id=_contact_id(id_), name=inputs["name"], phone=inputs["phone"], email=inputs["email"],
                 alerts=inputs["alerts"], verification_code=use_code)  # fmt: skip
        if reachable_changed:
            self._send_code(inputs)
        verified = use_code is not None or (bool(olds.get("verified")) and not reachable_changed)
        return UpdateResult(self._fetch_state(_contact_id(id_), code, verified))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.account.contacts.delete(_contact_id(id_))

    def _send_code(self, inputs: dict[str, Any]) -> None:
        self.account.contacts.send_verification(inputs["phone"], "phone")
        progress(f"AlertContact {inputs['name']}: verification code sent to the phone; set verification_code "
                 "to it and run `pulumi up` again")  # fmt: skip

    def _fetch_state(self, contact_id: int, verification_code: str | None, verified: bool) -> dict[str, Any]:
        contact = self.account.contacts.get(contact_id)
        if contact is None:
            raise ProviderError(f"alert contact {contact_id} cannot be read back")
        return _state(contact, verification_code, verified)


@dataclass(kw_only=True)
class AlertContactArgs:
    """Inputs of :class:`AlertContact`."""

    name: pulumi.Input[str]
    """The contact's name."""
    phone: pulumi.Input[str]
    """Phone number in international format, e.g. ``+8613800000000`` (secret output)."""
    email: pulumi.Input[str]
    """Email address (secret output)."""
    alerts: pulumi.Input[list[pulumi.Input[str]]] | None = None
    """Any of ``send_volume``, ``fraud_prevention``, ``package_quota``, ``review_results``."""
    verification_code: pulumi.Input[str] | None = None
    """The code sent to the phone; set it (as a secret) to verify the contact."""


class AlertContact(pulumi.dynamic.Resource, module="alisms", name="AlertContact"):
    """An alert contact; ``verified`` turns true once the phone's verification code is applied."""

    name: pulumi.Output[str]
    """The contact's name, as the account holds it."""
    phone: pulumi.Output[str]
    """Phone number, as the account holds it (secret)."""
    email: pulumi.Output[str]
    """Email address, as the account holds it (secret)."""
    alerts: pulumi.Output[list[str]]
    """The alerts the contact receives, sorted."""
    verification_code: pulumi.Output[str | None]
    """The verification code last applied, as declared (secret)."""
    contact_id: pulumi.Output[str]
    """The account's id of the contact; also the resource id."""
    verified: pulumi.Output[bool]
    """Whether the phone was verified with the code texted to it."""

    @overload
    def __init__(
        self, resource_name: str, args: AlertContactArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        name: pulumi.Input[str],
        phone: pulumi.Input[str],
        email: pulumi.Input[str],
        alerts: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        verification_code: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``AlertContactArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(AlertContactArgs, args, kwargs, OUTPUT_FIELDS, secret_outputs=SECRET_OUTPUTS)
        super().__init__(AlertContactProvider(), resource_name, props, opts)
