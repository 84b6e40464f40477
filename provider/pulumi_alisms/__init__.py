"""pulumi-alisms: infrastructure as code for Alibaba Cloud international SMS.

Resources and the ``SmsAccount`` component are imported lazily so ``import pulumi_alisms`` stays fast;
``from pulumi_alisms import SenderId`` loads the Pulumi SDK on first use.
"""

from pulumi_alisms._lazy import lazy_getattr

_RESOURCES = ("SenderId", "MessageTemplate", "SuspensionThreshold", "AlertContact", "SendFrequencyLimit",
              "FraudProtection")  # fmt: skip
_MODULES = ("sender_id", "message_template", "suspension_threshold", "alert_contact", "send_frequency_limit",
            "fraud_protection")  # fmt: skip
# Exported name -> the module it lives in: each resource with its Args and Provider, and the component.
_EXPORTS: dict[str, str] = {
    f"{resource}{suffix}": f"pulumi_alisms.resources.{module}"
    for resource, module in zip(_RESOURCES, _MODULES, strict=True)
    for suffix in ("", "Args", "Provider")
} | {"SmsAccount": "pulumi_alisms.spec.component"}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
