"""examples/mainland: the seed's Chinese-mainland workflow, run from a copy outside the repository without the
Pulumi CLI, from the qualification to a delivered message."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
STEPS = ["1. Apply for a qualification", "2. Wait for review", "3. Apply for an SMS signature", "4. Wait for review",
         "5. Carrier registration", "6. Apply for an SMS template", "7. Wait for review",
         "8. Send messages and check sending details"]  # fmt: skip


def test_the_mainland_workflow_runs_in_the_seeds_order_to_a_delivered_message(tmp_path: Path) -> None:
    project = tmp_path / "mainland"
    shutil.copytree(REPOSITORY / "examples" / "mainland", project,
                    ignore=shutil.ignore_patterns(".alisms", ".pulumi-state", "__pycache__"))  # fmt: skip
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ALISMS_", "PULUMI_"))}
    venv_bin = REPOSITORY / ".venv" / "bin"
    env["PATH"] = f"{venv_bin}:/usr/bin:/bin"  # no pulumi CLI: the program is applied through the protocol

    run = subprocess.run(["bash", "run.sh"], cwd=project, capture_output=True, text=True, timeout=120, env=env)

    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    positions = [lines.index(step) for step in STEPS if step in lines]
    assert positions == sorted(positions) and len(positions) == len(STEPS), run.stdout
    # The first apply stops in one line for the verification code, which reaches no output.
    (asked,) = [line for line in lines if "certify_code is not set" in line]
    assert asked.startswith("apply_without_cli: Qualification entity: ") and "13900001234" not in run.stdout
    state = json.loads((project / ".alisms" / "protocol-state.json").read_text())
    assert state["Qualification::entity"]["outputs"]["status"] == "Approved"
    signature = state["Signature::brand"]["outputs"]
    assert (signature["status"], signature["registered"]) == ("Approved", True)
    template = state["MessageTemplate::login-code"]["outputs"]
    assert (template["status"], template["signature"]) == ("Approved", "示例科技")
    assert any(line.startswith("QuerySendDetails: delivered") for line in lines[lines.index(STEPS[-1]) :])
    hints = run.stdout.split("The embedded account lives in", 1)[1]
    assert f"--state-file {project}/.alisms/account.db outbox" in hints and f"bash {project}/run.sh" in hints
    assert f"(cd {project} && {sys.executable} send.py send" in hints  # the interpreter that has pulumi_alisms
