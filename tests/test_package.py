"""The package as a user gets it: an sdist with the docs and examples, and a wheel that installs in a clean
virtual environment and runs ``alisms --help`` and a copy of the quickstart from outside the repository."""

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["version"]
BUILD = "import sys; from setuptools import build_meta; print(getattr(build_meta, sys.argv[1])(sys.argv[2]))"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean virtual environment with the build backend pyproject.toml asks for (from PyPI)."""
    venv = tmp_path_factory.mktemp("package") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=60)
    subprocess.run([*_pip(venv), "setuptools>=77"], check=True, timeout=120, capture_output=True)
    return venv


def _pip(venv: Path) -> list[str]:
    return [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]


def _build(venv: Path, kind: str, into: Path) -> Path:
    result = subprocess.run([str(venv / "bin" / "python"), "-c", BUILD, kind, str(into)], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return into / result.stdout.strip().splitlines()[-1]


def test_the_sdist_carries_the_docs_examples_and_licence(venv: Path, tmp_path: Path) -> None:
    sdist = _build(venv, "build_sdist", tmp_path)

    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert sdist.name == f"pulumi_alisms-{VERSION}.tar.gz"
    assert {"LICENSE", "CHANGELOG.md", "docs/resources.md", "examples/quickstart/run.sh",
            "examples/quickstart/__main__.py", "examples/github-actions/alisms.yml"} <= names  # fmt: skip
    assert not any(".alisms/" in name or ".pulumi-state" in name for name in names)


def test_the_wheel_runs_the_cli_and_the_quickstart_outside_the_repository(venv: Path, tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    wheel = _build(venv, "build_wheel", tmp_path / "dist")
    subprocess.run([*_pip(venv), str(wheel)], check=True, timeout=300, capture_output=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ALISMS_", "PULUMI_", "VIRTUAL_"))}
    env["PATH"] = f"{venv / 'bin'}:/usr/bin:/bin"  # no pulumi CLI: the quickstart applies through the protocol

    help_text = subprocess.run([str(venv / "bin" / "alisms"), "--help"], capture_output=True, text=True,
                               timeout=60, env=env, check=True).stdout  # fmt: skip
    version_text = subprocess.run([str(venv / "bin" / "alisms"), "--version"], capture_output=True, text=True,
                                  timeout=60, env=env, check=True).stdout  # fmt: skip
    project = tmp_path / "my-sms"
    shutil.copytree(REPOSITORY / "examples" / "quickstart", project,
                    ignore=shutil.ignore_patterns(".alisms", ".pulumi-state"))  # fmt: skip
    run = subprocess.run(["bash", "run.sh"], cwd=project, capture_output=True, text=True, timeout=300, env=env)

    assert "validate" in help_text and "emulator" in help_text
    assert version_text == f"alisms {VERSION}\n"
    assert run.returncode == 0, run.stderr
    assert "created" in run.stdout and (project / ".alisms" / "account.db").exists()
    assert f"--state-file {project}/.alisms/account.db approve" in run.stdout  # hints right outside the repository
    assert f"bash {project}/run.sh" in run.stdout and ".venv/bin" not in run.stdout
