"""The quickstart's apply path without the Pulumi CLI (examples/quickstart/apply_without_cli.py): a program
applied through the real provider protocol, run after run, refusing what only the Pulumi engine does."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store

APPLY = Path(__file__).resolve().parents[1] / "examples" / "quickstart" / "apply_without_cli.py"
HEADER = "import pulumi\nfrom pulumi_alisms import AlertContact, MessageTemplate, SuspensionThreshold\n"
TEMPLATE = ('MessageTemplate("login", name="Login code", type="international", intl_type={intl_type}, '
            'content="Your code is ${{code}}.")\n')  # fmt: skip
THRESHOLD = 'SuspensionThreshold("limits", biz_type="international", daily_warning=80, daily_suspend=100)\n'


def project(directory: Path) -> Path:
    """A Pulumi project on an embedded account (instant review), with the apply script beside its program."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: apply-test\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text("config:\n  alisms:endpoint: embedded\n"
                                               "  alisms:stateFile: .alisms/account.db\n")  # fmt: skip
    shutil.copy(APPLY, directory / APPLY.name)
    admin.set_review_speed(Store(directory / ".alisms" / "account.db"), "instant")
    return directory


def apply(directory: Path, program: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    (directory / "__main__.py").write_text(HEADER + program)
    return subprocess.run([sys.executable, APPLY.name, "dev"], cwd=directory, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})  # fmt: skip


def recorded(directory: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((directory / ".alisms" / "protocol-state.json").read_text())
    return state


def test_a_replacement_is_refused_in_one_line_and_nothing_is_applied(tmp_path: Path) -> None:
    directory = project(tmp_path / "p")
    first = apply(directory, TEMPLATE.format(intl_type=2) + THRESHOLD)
    assert first.returncode == 0, first.stderr
    template = recorded(directory)["MessageTemplate::login"]
    assert type(template["outputs"]["intl_type"]) is int  # whole numbers stay whole in the state file

    second = apply(directory, TEMPLATE.format(intl_type=0) + THRESHOLD.replace("daily_warning=80", "daily_warning=90"))

    assert second.returncode == 1
    (line,) = second.stderr.splitlines()
    assert "MessageTemplate login needs replacement (intl_type)" in line and "needs the Pulumi CLI" in line
    state = recorded(directory)
    assert state["MessageTemplate::login"]["id"] == template["id"]
    assert state["MessageTemplate::login"]["outputs"]["intl_type"] == 2
    assert state["SuspensionThreshold::limits"]["outputs"]["daily_warning"] == 80  # the update was not applied


def test_a_resource_removed_from_the_program_is_refused(tmp_path: Path) -> None:
    directory = project(tmp_path / "p")
    assert apply(directory, TEMPLATE.format(intl_type=2) + THRESHOLD).returncode == 0

    result = apply(directory, TEMPLATE.format(intl_type=2))

    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "SuspensionThreshold limits was removed from the program" in line and "needs the Pulumi CLI" in line
    assert "SuspensionThreshold::limits" in recorded(directory)  # still there: nothing was deleted


def test_a_secret_config_value_reaches_the_program_and_the_provider(tmp_path: Path) -> None:
    directory = project(tmp_path / "p")
    contact = ('AlertContact("oncall", name="On-call", phone="+8613800000000", email="sre@example.com", '
               'verification_code=pulumi.Config("alisms").get_secret("code"))\n')  # fmt: skip
    assert apply(directory, contact).returncode == 0
    (message,) = [row for row in admin.outbox(Store(directory / ".alisms" / "account.db"))
                  if row["recipient"] == "+8613800000000"]  # fmt: skip
    found = re.search(r"\b(\d{6})\b", message["body"])
    assert found is not None

    result = apply(directory, contact, env={"PULUMI_CONFIG": json.dumps({"alisms:code": found.group(1)}),
                                            "PULUMI_CONFIG_SECRET_KEYS": json.dumps(["alisms:code"])})  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "updated  AlertContact" in result.stdout and "verified=True" in result.stdout
    assert recorded(directory)["AlertContact::oncall"]["outputs"]["verified"] is True
