"""``SmsAccount``: a whole account YAML file as one Pulumi component.

Child resource names come from the file's keys (``<name>-sender-<key>``, ``<name>-template-<key>``, ...),
so renaming a key shows up in ``pulumi preview`` as a replacement of that one resource.
"""

import os
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_alisms.kinds import KINDS, Kind
from pulumi_alisms.resources.alert_contact import AlertContact
from pulumi_alisms.resources.fraud_protection import FraudProtection
from pulumi_alisms.resources.message_template import MessageTemplate
from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimit
from pulumi_alisms.resources.sender_id import SenderId
from pulumi_alisms.resources.suspension_threshold import SuspensionThreshold
from pulumi_alisms.spec.loader import load_account
from pulumi_alisms.spec.models import AccountSpec

TYPE_TOKEN = "alisms:index:SmsAccount"


class SmsAccount(pulumi.ComponentResource):
    """Every contact, threshold, limit, template and sender ID that an account file declares.

    ``spec`` is the file's path (relative to the working directory: the Pulumi program's directory), its
    parsed content, or an :class:`AccountSpec` from ``load_account``. An invalid file raises ``SpecError``
    listing every problem before any resource is declared. ``verification_codes`` maps contact keys to
    the codes texted to those contacts (pass secrets, e.g. ``pulumi.Config().get_secret(...)``).
    """

    sender_ids: dict[str, SenderId]
    templates: dict[str, MessageTemplate]
    contacts: dict[str, AlertContact]
    thresholds: dict[str, SuspensionThreshold]
    frequency_limit: SendFrequencyLimit | None
    fraud_protection: FraudProtection | None
    sender_statuses: pulumi.Output[dict[str, str]]
    """Sender key -> registration status (``Approved``, ``Rejected``, ``DocumentsRendered``, ...)."""
    registration_ids: pulumi.Output[dict[str, str]]
    """Sender key -> registration id."""
    template_codes: pulumi.Output[dict[str, str]]
    """Template key -> TemplateCode, the id to send with."""

    def __init__(
        self,
        name: str,
        spec: str | os.PathLike[str] | Mapping[str, Any] | AccountSpec,
        verification_codes: Mapping[str, pulumi.Input[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        account = spec if isinstance(spec, AccountSpec) else load_account(spec)
        codes = dict(verification_codes or {})
        unknown = sorted(set(codes) - set(account.contacts))
        if unknown:
            raise ValueError(
                f"SmsAccount {name}: verification_codes for contacts the account file does not declare: "
                f"{', '.join(unknown)} (contacts: {', '.join(account.contacts) or 'none'})"
            )
        super().__init__(TYPE_TOKEN, name, None, opts)
        # The codes are secrets passed to the program, never in the file: the contacts' only extra inputs.
        extra = {"contacts": {key: {"verification_code": code} for key, code in codes.items()}}
        children = {kind.section: self._declare(name, kind, account, extra.get(kind.section, {})) for kind in KINDS}
        self.contacts = children["contacts"]
        self.thresholds = children["thresholds"]
        self.frequency_limit = next(iter(children["frequency_limits"].values()), None)
        self.fraud_protection = next(iter(children["fraud_protection"].values()), None)
        self.templates = children["templates"]
        self.sender_ids = children["sender_ids"]

        self.sender_statuses = _by_key({key: sender.status for key, sender in self.sender_ids.items()})
        self.registration_ids = _by_key({key: sender.registration_id for key, sender in self.sender_ids.items()})
        self.template_codes = _by_key({key: template.template_code for key, template in self.templates.items()})
        self.register_outputs(
            {
                "sender_statuses": self.sender_statuses,
                "registration_ids": self.registration_ids,
                "template_codes": self.template_codes,
            }
        )

    def _declare(
        self, name: str, kind: Kind, account: AccountSpec, extra: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        """One child resource per entry of the kind's section, by key."""
        resource, args = kind.resource_class(), kind.args_class()
        declared = {}
        for key, entry in kind.entries(account).items():
            child = f"{name}-{kind.child}" if kind.layout == "single" else f"{name}-{kind.child}-{key}"
            inputs = {**kind.entry_inputs(key, entry), **extra.get(key, {})}
            opts = pulumi.ResourceOptions(parent=self, import_=kind.entry_import(entry))
            declared[key] = resource(child, args(**inputs), opts)
        return declared


def _by_key(outputs: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """One output map from per-key outputs (an empty map when there are none)."""
    return pulumi.Output.all(**outputs) if outputs else pulumi.Output.from_input({})
