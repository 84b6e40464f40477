"""The layers as a user meets them: offline ``alisms validate`` and the Pulumi-free layers (rules, inputs, the kinds
registry, spec without ``SmsAccount``) never load the Pulumi SDK or grpc, which cost most of a validation's time."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pulumi_alisms

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_FILE = ROOT / "examples" / "gitops" / "account.yaml"
HEAVY = {"pulumi", "grpc"}
PULUMI_FREE_PACKAGES = ("rules", "inputs", "spec")
NEEDS_PULUMI = {"pulumi_alisms.spec.component"}  # SmsAccount is a Pulumi component


def imported_packages(importtime_report: str) -> set[str]:
    """The top-level packages named in a ``python -X importtime`` report."""
    names = [
        line.rsplit("|", 1)[1].strip() for line in importtime_report.splitlines() if line.startswith("import time:")
    ]
    return {name.split(".")[0] for name in names}


def test_validate_loads_neither_pulumi_nor_grpc() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pulumi_alisms.cli.main", "validate", str(ACCOUNT_FILE)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0 and result.stdout.startswith(f"{ACCOUNT_FILE}: valid: "), result
    assert imported_packages(result.stderr) & HEAVY == set()
    assert "pydantic" in imported_packages(result.stderr)  # the report is real: validation's own imports show


def test_the_pulumi_free_layers_import_no_pulumi() -> None:
    modules = ["pulumi_alisms.kinds", "pulumi_alisms.errors"]
    for package in PULUMI_FREE_PACKAGES:
        path = Path(pulumi_alisms.__file__).parent / package
        modules += [f"pulumi_alisms.{package}.{info.name}" for info in pkgutil.iter_modules([str(path)])]
    modules = [module for module in modules if module not in NEEDS_PULUMI]
    probe = "; ".join(f"import {module}" for module in modules)
    probe += "; import sys, json; print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)

    assert len(modules) > 20 and "pulumi_alisms.spec.pairing" in modules
    assert set(json.loads(result.stdout)) & HEAVY == set()
