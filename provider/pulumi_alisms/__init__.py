"""pulumi-alisms: infrastructure as code for Alibaba Cloud international SMS.

Each resource kind's class and ``*Args`` (``pulumi_alisms.kinds``), and the ``SmsAccount`` component, are
imported lazily so ``import pulumi_alisms`` stays fast; ``from pulumi_alisms import SenderId`` loads the Pulumi
SDK on first use. Type checkers read the imports below instead (the package ships ``py.typed``).

Providers are not part of the top-level API: import them from their module, e.g.
``from pulumi_alisms.resources.sender_id import SenderIdProvider``. The top-level ``*Provider`` names of the kinds
that had them (``DEPRECATED_PROVIDERS``) still work in this release, with a ``DeprecationWarning``.
"""

import functools
import importlib
import warnings
from typing import TYPE_CHECKING, Any

DEPRECATED_PROVIDERS = ("AlertContact", "SuspensionThreshold", "SendFrequencyLimit", "FraudProtection",
                        "MessageTemplate", "SenderId")  # fmt: skip
"""The kinds whose providers were exported at the top level (the mainland kinds' never were)."""

if TYPE_CHECKING:
    from pulumi_alisms.resources.alert_contact import AlertContact as AlertContact
    from pulumi_alisms.resources.alert_contact import AlertContactArgs as AlertContactArgs
    from pulumi_alisms.resources.alert_contact import AlertContactProvider as AlertContactProvider
    from pulumi_alisms.resources.fraud_protection import FraudProtection as FraudProtection
    from pulumi_alisms.resources.fraud_protection import FraudProtectionArgs as FraudProtectionArgs
    from pulumi_alisms.resources.fraud_protection import FraudProtectionProvider as FraudProtectionProvider
    from pulumi_alisms.resources.message_template import MessageTemplate as MessageTemplate
    from pulumi_alisms.resources.message_template import MessageTemplateArgs as MessageTemplateArgs
    from pulumi_alisms.resources.message_template import MessageTemplateProvider as MessageTemplateProvider
    from pulumi_alisms.resources.qualification import Qualification as Qualification
    from pulumi_alisms.resources.qualification import QualificationArgs as QualificationArgs
    from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimit as SendFrequencyLimit
    from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimitArgs as SendFrequencyLimitArgs
    from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimitProvider as SendFrequencyLimitProvider
    from pulumi_alisms.resources.sender_id import SenderId as SenderId
    from pulumi_alisms.resources.sender_id import SenderIdArgs as SenderIdArgs
    from pulumi_alisms.resources.sender_id import SenderIdProvider as SenderIdProvider
    from pulumi_alisms.resources.signature import Signature as Signature
    from pulumi_alisms.resources.signature import SignatureArgs as SignatureArgs
    from pulumi_alisms.resources.suspension_threshold import SuspensionThreshold as SuspensionThreshold
    from pulumi_alisms.resources.suspension_threshold import SuspensionThresholdArgs as SuspensionThresholdArgs
    from pulumi_alisms.resources.suspension_threshold import (
        SuspensionThresholdProvider as SuspensionThresholdProvider,
    )
    from pulumi_alisms.spec.component import SmsAccount as SmsAccount


@functools.cache
def exports() -> dict[str, str]:
    """The top-level API: exported name -> the module that defines it."""
    from pulumi_alisms.kinds import KINDS

    resources = {name: kind.resource_module for kind in KINDS for name in (kind.name, f"{kind.name}Args")}
    return resources | {"SmsAccount": "pulumi_alisms.spec.component"}


@functools.cache
def deprecated_exports() -> dict[str, str]:
    """Names still served at the top level for one release, with a warning: name -> the module that defines it."""
    from pulumi_alisms.kinds import KINDS

    return {f"{kind.name}Provider": kind.resource_module for kind in KINDS if kind.name in DEPRECATED_PROVIDERS}


if not TYPE_CHECKING:  # type checkers see the imports above, and no attribute beyond them

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            return sorted(exports())
        module = None if name.startswith("__") else exports().get(name)
        if module is None and name in deprecated_exports():
            module = deprecated_exports()[name]
            warnings.warn(
                f"pulumi_alisms.{name} is deprecated and will be removed in the next release: import it from {module}",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(importlib.import_module(module), name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
