"""Account files (GitOps): load and validate an account YAML file, write one back, build it as resources.

Names are imported lazily, so ``import pulumi_alisms.spec`` does not load the Pulumi SDK.
"""

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "load_account": "loader", "dump_account": "loader", "SpecError": "loader", "SpecProblem": "loader",
    "AccountSpec": "models", "SmsAccount": "component",
}  # fmt: skip

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_alisms.spec' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pulumi_alisms.spec.{module}"), name)
    globals()[name] = value
    return value
