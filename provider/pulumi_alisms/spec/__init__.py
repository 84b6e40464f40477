"""Account files (GitOps): load and validate an account YAML file, write one back, build it as resources.

Names are imported lazily, so ``import pulumi_alisms.spec`` does not load the Pulumi SDK.
"""

from pulumi_alisms._lazy import lazy_getattr

_EXPORTS: dict[str, str] = {
    "load_account": "pulumi_alisms.spec.loader",
    "dump_account": "pulumi_alisms.spec.writer",
    "SpecError": "pulumi_alisms.errors",
    "SpecProblem": "pulumi_alisms.spec.positions",
    "AccountSpec": "pulumi_alisms.spec.models",
    "SmsAccount": "pulumi_alisms.spec.component",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
