"""``SmsAccount``: a whole account YAML file as one Pulumi component.

Child resource names come from the file's keys (``<name>-sender-<key>``, ``<name>-template-<key>``, ...),
so renaming a key shows up in ``pulumi preview`` as a replacement of that one resource. A signature that names
a qualification by key takes that Qualification's ``qualification_id`` output, and a template bound to a
signature the file declares takes that Signature's ``name`` output, so Pulumi creates them in that order.
"""

import os
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_alisms.inputs.qualification import SECRET_FIELDS
from pulumi_alisms.kinds import KINDS, Kind
from pulumi_alisms.resources.alert_contact import AlertContact
from pulumi_alisms.resources.fraud_protection import FraudProtection
from pulumi_alisms.resources.message_template import MessageTemplate
from pulumi_alisms.resources.qualification import Qualification
from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimit
from pulumi_alisms.resources.sender_id import SenderId
from pulumi_alisms.resources.signature import Signature
from pulumi_alisms.resources.suspension_threshold import SuspensionThreshold
from pulumi_alisms.spec.loader import load_account
from pulumi_alisms.spec.models import AccountSpec

TYPE_TOKEN = "alisms:index:SmsAccount"


class SmsAccount(pulumi.ComponentResource):
    """Every contact, threshold, limit, qualification, signature, template and sender ID that an account file
    declares.

    ``spec`` is the file's path (relative to the working directory: the Pulumi program's directory), its
    parsed content, or an :class:`AccountSpec` from ``load_account``. An invalid file raises ``SpecError``
    listing every problem before any resource is declared. ``verification_codes`` maps contact keys to
    the codes texted to those contacts (pass secrets, e.g. ``pulumi.Config().get_secret(...)``).
    ``qualification_secrets`` maps each qualification key to its personal data, which the file never holds:
    ``legal_person_name``, ``legal_person_id_number``, ``admin_name``, ``admin_id_number``, ``admin_phone``
    (all required) and ``certify_code`` (optional), as secrets (``pulumi.Config().require_secret(...)``).
    """

    sender_ids: dict[str, SenderId]
    templates: dict[str, MessageTemplate]
    qualifications: dict[str, Qualification]
    signatures: dict[str, Signature]
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
        qualification_secrets: Mapping[str, Mapping[str, pulumi.Input[str]]] | None = None,
    ) -> None:
        account = spec if isinstance(spec, AccountSpec) else load_account(spec)
        codes = dict(verification_codes or {})
        _refuse_unknown(name, "verification_codes", codes, account.contacts, "contacts")
        secrets = {key: dict(values) for key, values in (qualification_secrets or {}).items()}
        _refuse_unknown(name, "qualification_secrets", secrets, account.qualifications, "qualifications")
        for key in account.qualifications:
            given = secrets.get(key, {})
            wrong = sorted(set(given) - set(SECRET_FIELDS))
            missing = [field for field in SECRET_FIELDS if field not in given and field != "certify_code"]
            if wrong or missing:
                raise ValueError(f"SmsAccount {name}: qualification_secrets[{key!r}] "
                                 + (f"has unknown fields {', '.join(wrong)}" if wrong
                                    else f"lacks {', '.join(missing)}")
                                 + f" (it takes {', '.join(SECRET_FIELDS)})")  # fmt: skip
        super().__init__(TYPE_TOKEN, name, None, opts)
        # Codes and personal data are secrets passed to the program, never in the file.
        extra: dict[str, dict[str, dict[str, Any]]] = {
            "contacts": {key: {"verification_code": code} for key, code in codes.items()},
            "qualifications": {
                key: {field: pulumi.Output.secret(value) for field, value in values.items()}
                for key, values in secrets.items()
            },
        }
        children: dict[str, dict[str, Any]] = {}
        for kind in KINDS:  # in section order: a signature's qualification and a template's signature come first
            references = _references(kind.section, account, children)
            children[kind.section] = self._declare(
                name, kind, account, _merged(extra.get(kind.section, {}), references)
            )
        self.contacts = children["contacts"]
        self.thresholds = children["thresholds"]
        self.frequency_limit = next(iter(children["frequency_limits"].values()), None)
        self.fraud_protection = next(iter(children["fraud_protection"].values()), None)
        self.qualifications = children["qualifications"]
        self.signatures = children["signatures"]
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


def _refuse_unknown(name: str, argument: str, given: Mapping[str, Any], declared: Mapping[str, Any], noun: str) -> None:
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValueError(f"SmsAccount {name}: {argument} for {noun} the account file does not declare: "
                         f"{', '.join(unknown)} ({noun}: {', '.join(declared) or 'none'})")  # fmt: skip


def _references(section: str, account: AccountSpec, children: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Per entry key, the inputs that are outputs of another child: a signature's qualification (by key), a
    template's signature (one the file declares)."""
    if section == "signatures":
        qualifications = children["qualifications"]
        return {key: {"qualification_id": qualifications[entry.qualification].qualification_id}
                for key, entry in account.signatures.items() if entry.qualification is not None}  # fmt: skip
    if section == "templates":
        by_name = {entry.name: children["signatures"][key] for key, entry in account.signatures.items()}
        return {key: {"signature": by_name[entry.signature].name}
                for key, entry in account.templates.items() if entry.signature in by_name}  # fmt: skip
    return {}


def _merged(*extras: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for extra in extras:
        for key, values in extra.items():
            merged.setdefault(key, {}).update(values)
    return merged


def _by_key(outputs: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """One output map from per-key outputs (an empty map when there are none)."""
    return pulumi.Output.all(**outputs) if outputs else pulumi.Output.from_input({})
