"""The one registry of resource kinds: per kind its inputs, its resource and provider, its account-file section,
and how ``alisms plan`` and ``drift`` pair the file's entries with live objects.

Pulumi-free: resource classes, ``*Args`` and providers are named by module path and imported on first use, so
validating an account file never loads the Pulumi SDK. Everything that lists the kinds reads this table: the
package's exports, the test driver, the account file's loader, plan and drift, and ``SmsAccount``.
"""

import importlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from pulumi_alisms.inputs import (
    alert_contact,
    fraud_protection,
    message_template,
    qualification,
    send_frequency_limit,
    sender_id,
    signature,
    suspension_threshold,
)
from pulumi_alisms.inputs.diff import Diff
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.limits import DEFAULT_FREQUENCY
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES

Layout = Literal["named", "by_biz_type", "single"]
"""How a section holds its entries: under names, under biz types, or one entry (the section itself)."""


@dataclass(frozen=True)
class PairingRule:
    """An entry and a live object pair when both keys are equal; a ``None`` key never pairs."""

    entry_key: Callable[[Any], Hashable | None]
    live_key: Callable[[Any], Hashable | None]


@dataclass(frozen=True)
class Listed:
    """Objects the account lists (contacts, qualifications, signatures, templates, registrations). Plan and drift
    try the rules strongest first; each live object serves one entry at most, the newest first. Unpaired live
    objects are undeclared."""

    rules: tuple[PairingRule, ...]


@dataclass(frozen=True)
class Setting:
    """An account-wide setting that always exists: an entry declares the setting with id ``id_of(key, entry)``.

    ``label`` names it for people (``{id}`` is replaced); ``unset`` holds its values when nobody set any, so an
    undeclared setting holding others is reported as unmanaged.
    """

    id_of: Callable[[str, Any], str]
    label: str
    unset: Mapping[str, Any]


@dataclass(frozen=True)
class Kind:
    """One resource kind."""

    name: str
    """The resource class and the last part of its type token, e.g. ``SenderId``."""
    module: str
    """Its module under ``pulumi_alisms.inputs`` and ``pulumi_alisms.resources``."""
    inputs_model: type[BaseModel]
    diff: Callable[[Mapping[str, Any], Mapping[str, Any]], Diff]
    """The diff rules: recorded state (with the live status) against new inputs."""
    section: str
    """The account file's section."""
    layout: Layout
    entry_model: type[BaseModel]
    """An entry of the section (the inputs, less what the key stands for or what never goes in a file)."""
    entry_problems: Callable[[Any], list[Problem]]
    """The offline rules of an entry, as the provider's ``check`` applies them."""
    child: str
    """``SmsAccount`` names the resource of an entry ``<account>-<child>-<key>`` (``<account>-<child>`` if single)."""
    report_kind: str
    """The ``kind`` of plan and drift reports."""
    pairing: Listed | Setting
    entry_inputs: Callable[[str, Any], dict[str, Any]] = lambda _key, entry: entry.model_dump(mode="json")
    """The resource inputs that the entry under ``key`` declares."""
    entry_import: Callable[[Any], str | None] = lambda _entry: None
    """The id of the existing object an entry adopts (the ``import_`` resource option), if any."""

    @property
    def resource_module(self) -> str:
        """The module that defines the resource, its ``*Args`` and its provider."""
        return f"pulumi_alisms.resources.{self.module}"

    def resource_class(self) -> type:
        """The Pulumi resource class (imports the Pulumi SDK)."""
        return self._resource_attribute(self.name)

    def args_class(self) -> type:
        """The resource's ``*Args`` dataclass (imports the Pulumi SDK)."""
        return self._resource_attribute(f"{self.name}Args")

    def provider_class(self) -> type:
        """The dynamic provider class (imports the Pulumi SDK)."""
        return self._resource_attribute(f"{self.name}Provider")

    def entries(self, spec: BaseModel) -> dict[str, Any]:
        """The section's entries in an account (``AccountSpec``) by key; a single entry's key is the section."""
        value = getattr(spec, self.section)
        if self.layout == "single":
            return {} if value is None else {self.section: value}
        return dict(value)

    def _resource_attribute(self, name: str) -> type:
        value: type = getattr(importlib.import_module(self.resource_module), name)
        return value


def _same(*fields: str) -> PairingRule:
    """Pair on equal values of ``fields`` (the same names on both sides)."""

    def key(item: Any) -> tuple[Any, ...]:
        return tuple(getattr(item, name) for name in fields)

    return PairingRule(key, key)


def _import_id(entry: sender_id.SenderIdEntry | qualification.QualificationEntry) -> str | None:
    return entry.import_id


def _qualification_id(found: Any) -> str:
    return str(found.qualification_id)


def _declared_name(entry: qualification.QualificationEntry) -> str | None:
    return None if entry.import_id is not None else entry.name


def _name(found: Any) -> str:
    return str(found.name)


def _registration_id(registration: Any) -> str:
    return str(registration.registration_id)


def _declared_sender(entry: sender_id.SenderIdEntry) -> tuple[str, str] | None:
    return None if entry.import_id is not None else (entry.country, entry.sender_id)


def _holding_registration(registration: Any) -> tuple[str, str] | None:
    """Rejected and Expired registrations no longer hold their sender ID: they never pair by it."""
    held = registration.status not in CLOSED_REGISTRATION_STATUSES
    return (registration.country, registration.sender_id) if held else None


KINDS: tuple[Kind, ...] = (
    Kind(
        name="AlertContact", module="alert_contact", inputs_model=alert_contact.AlertContactInputs,
        diff=alert_contact.diff, section="contacts", layout="named", entry_model=alert_contact.AlertContactEntry,
        entry_problems=alert_contact.input_problems, child="contact", report_kind="contact",
        pairing=Listed((_same("name", "phone", "email"), _same("name"))),
    ),
    Kind(
        name="SuspensionThreshold", module="suspension_threshold",
        inputs_model=suspension_threshold.SuspensionThresholdInputs, diff=suspension_threshold.diff,
        section="thresholds", layout="by_biz_type", entry_model=suspension_threshold.SuspensionThresholdEntry,
        entry_problems=suspension_threshold.input_problems, child="threshold", report_kind="threshold",
        pairing=Setting(lambda key, _entry: key, "{id} thresholds",
                        dict.fromkeys(suspension_threshold.LIMIT_FIELDS)),
        entry_inputs=suspension_threshold.entry_inputs,
    ),
    Kind(
        name="SendFrequencyLimit", module="send_frequency_limit",
        inputs_model=send_frequency_limit.SendFrequencyLimitInputs, diff=send_frequency_limit.diff,
        section="frequency_limits", layout="single", entry_model=send_frequency_limit.SendFrequencyLimitInputs,
        entry_problems=send_frequency_limit.input_problems, child="frequency", report_kind="frequency_limits",
        pairing=Setting(lambda _key, entry: entry.biz_type, "{id} per-number limits", DEFAULT_FREQUENCY),
    ),
    Kind(
        name="FraudProtection", module="fraud_protection", inputs_model=fraud_protection.FraudProtectionInputs,
        diff=fraud_protection.diff, section="fraud_protection", layout="single",
        entry_model=fraud_protection.FraudProtectionInputs, entry_problems=fraud_protection.input_problems,
        child="fraud", report_kind="fraud_protection",
        pairing=Setting(lambda _key, _entry: fraud_protection.FRAUD_PROTECTION_ID, "OTP abuse prevention",
                        dict.fromkeys(fraud_protection.FRAUD_FIELDS)),
    ),
    Kind(
        name="Qualification", module="qualification", inputs_model=qualification.QualificationInputs,
        diff=qualification.diff, section="qualifications", layout="named",
        entry_model=qualification.QualificationEntry, entry_problems=qualification.entry_problems,
        child="qualification", report_kind="qualification",
        pairing=Listed((PairingRule(_import_id, _qualification_id), PairingRule(_declared_name, _name))),
        entry_inputs=qualification.entry_inputs, entry_import=_import_id,
    ),
    Kind(
        name="Signature", module="signature", inputs_model=signature.SignatureInputs, diff=signature.diff,
        section="signatures", layout="named", entry_model=signature.SignatureEntry,
        entry_problems=signature.entry_problems, child="signature", report_kind="signature",
        pairing=Listed((_same("name"),)), entry_inputs=signature.entry_inputs,
    ),
    Kind(
        name="MessageTemplate", module="message_template", inputs_model=message_template.MessageTemplateInputs,
        diff=message_template.diff, section="templates", layout="named",
        entry_model=message_template.MessageTemplateInputs, entry_problems=message_template.input_problems,
        child="template", report_kind="template",
        pairing=Listed((_same("name", "type", "content"), _same("name", "type"), _same("name"))),
    ),
    Kind(
        name="SenderId", module="sender_id", inputs_model=sender_id.SenderIdInputs, diff=sender_id.diff,
        section="sender_ids", layout="named", entry_model=sender_id.SenderIdEntry,
        entry_problems=sender_id.entry_problems, child="sender", report_kind="sender_id",
        pairing=Listed((PairingRule(_import_id, _registration_id),
                        PairingRule(_declared_sender, _holding_registration))),
        entry_inputs=sender_id.entry_inputs, entry_import=_import_id,
    ),
)  # fmt: skip
"""Every kind, in the account file's section order (the order of plan and drift reports)."""

BY_SECTION: dict[str, Kind] = {kind.section: kind for kind in KINDS}
