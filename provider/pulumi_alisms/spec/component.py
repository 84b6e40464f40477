"""``SmsAccount``: a whole account YAML file as one Pulumi component.

Child resource names come from the file's keys (``<name>-sender-<key>``, ``<name>-template-<key>``, ...),
so renaming a key shows up in ``pulumi preview`` as a replacement of that one resource.
"""

import os
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_alisms.resources.alert_contact import AlertContact, AlertContactArgs
from pulumi_alisms.resources.fraud_protection import FraudProtection, FraudProtectionArgs
from pulumi_alisms.resources.message_template import MessageTemplate, MessageTemplateArgs
from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimit, SendFrequencyLimitArgs
from pulumi_alisms.resources.sender_id import SenderId, SenderIdArgs
from pulumi_alisms.resources.suspension_threshold import SuspensionThreshold, SuspensionThresholdArgs
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
        child = pulumi.ResourceOptions(parent=self)

        self.contacts = {
            key: AlertContact(
                f"{name}-contact-{key}",
                AlertContactArgs(**contact.model_dump(), verification_code=codes.get(key)),
                child,
            )
            for key, contact in account.contacts.items()
        }
        self.thresholds = {
            biz_type: SuspensionThreshold(
                f"{name}-threshold-{biz_type}", SuspensionThresholdArgs(biz_type=biz_type, **limits.model_dump()), child
            )
            for biz_type, limits in account.thresholds.items()
        }
        self.frequency_limit = (
            SendFrequencyLimit(
                f"{name}-frequency", SendFrequencyLimitArgs(**account.frequency_limits.model_dump()), child
            )
            if account.frequency_limits is not None
            else None
        )
        self.fraud_protection = (
            FraudProtection(f"{name}-fraud", FraudProtectionArgs(**account.fraud_protection.model_dump()), child)
            if account.fraud_protection is not None
            else None
        )
        self.templates = {
            key: MessageTemplate(f"{name}-template-{key}", MessageTemplateArgs(**template.model_dump()), child)
            for key, template in account.templates.items()
        }
        self.sender_ids = {
            key: SenderId(
                f"{name}-sender-{key}",
                SenderIdArgs(**account.sender_id_inputs(key)),
                pulumi.ResourceOptions(parent=self, import_=sender.import_id),
            )
            for key, sender in account.sender_ids.items()
        }

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


def _by_key(outputs: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """One output map from per-key outputs (an empty map when there are none)."""
    return pulumi.Output.all(**outputs) if outputs else pulumi.Output.from_input({})
