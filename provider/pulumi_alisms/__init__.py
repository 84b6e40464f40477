"""pulumi-alisms: infrastructure as code for Alibaba Cloud international SMS.

Resources and the ``SmsAccount`` component are imported lazily so ``import pulumi_alisms`` stays fast;
``from pulumi_alisms import SenderId`` loads the Pulumi SDK on first use.
"""

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "SenderId": "sender_id", "SenderIdArgs": "sender_id", "SenderIdProvider": "sender_id",
    "MessageTemplate": "message_template", "MessageTemplateArgs": "message_template",
    "MessageTemplateProvider": "message_template",
    "SuspensionThreshold": "suspension_threshold", "SuspensionThresholdArgs": "suspension_threshold",
    "SuspensionThresholdProvider": "suspension_threshold",
    "AlertContact": "alert_contact", "AlertContactArgs": "alert_contact", "AlertContactProvider": "alert_contact",
    "SendFrequencyLimit": "send_frequency_limit", "SendFrequencyLimitArgs": "send_frequency_limit",
    "SendFrequencyLimitProvider": "send_frequency_limit",
    "FraudProtection": "fraud_protection", "FraudProtectionArgs": "fraud_protection",
    "FraudProtectionProvider": "fraud_protection",
    "SmsAccount": "pulumi_alisms.spec.component",
}  # fmt: skip

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_alisms' has no attribute {name!r}")
    # A bare name is a module of pulumi_alisms.resources; a dotted one is a full module path.
    path = module if "." in module else f"pulumi_alisms.resources.{module}"
    value = getattr(importlib.import_module(path), name)
    globals()[name] = value
    return value
