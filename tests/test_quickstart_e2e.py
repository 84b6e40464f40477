"""End to end with the real Pulumi CLI: preview, up, refresh, preview with no changes, destroy.

Runs only when a ``pulumi`` CLI is on PATH; it is not installable from the package registries this
project's machines reach, so elsewhere the test is skipped and says why.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parents[1] / "examples" / "quickstart"

pytestmark = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="no `pulumi` CLI on PATH (it is a prebuilt binary no reachable package registry publishes)",
)


def test_quickstart_lifecycle_with_the_pulumi_cli(tmp_path: Path) -> None:
    stack = f"e2e-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'backend'}",
        "PULUMI_CONFIG_PASSPHRASE": "alisms-e2e",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    (tmp_path / "backend").mkdir()

    def pulumi(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["pulumi", *args, "--stack", stack, "--non-interactive"], cwd=QUICKSTART, env=env,
                                capture_output=True, text=True, timeout=600)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    subprocess.run(["pulumi", "stack", "init", stack, "--non-interactive"], cwd=QUICKSTART, env=env, check=True)
    try:
        pulumi("config", "set", "alisms:endpoint", "embedded")
        pulumi("config", "set", "alisms:stateFile", str(tmp_path / "account.db"))
        pulumi("config", "set", "deletionProtection", "false")
        # Instant review, so nothing is still under review (and undeletable) when destroy runs.
        subprocess.run(["alisms", "emulator", "--state-file", str(tmp_path / "account.db"), "review-speed", "instant"],
                       env=env, check=True)  # fmt: skip
        pulumi("preview")
        pulumi("up", "--yes")
        pulumi("refresh", "--yes")
        pulumi("preview", "--expect-no-changes")
        pulumi("destroy", "--yes")
    finally:
        subprocess.run(["pulumi", "stack", "rm", stack, "--yes", "--force", "--non-interactive"], cwd=QUICKSTART,
                       env=env, check=False)  # fmt: skip
        (QUICKSTART / f"Pulumi.{stack}.yaml").unlink(missing_ok=True)
