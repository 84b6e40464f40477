"""Shared fixtures: a state file, the embedded account, and a standalone emulator on a free loopback port."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.client import RetryPolicy
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store

FAST_RETRY = RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.01, max_total_seconds=10)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """A fresh account database path."""
    return tmp_path / "account.db"


@pytest.fixture
def store(state_file: Path) -> Store:
    """The emulator store on the fresh state file, with instant review."""
    created = Store(state_file)
    created.set_setting("review_speed", "instant")
    return created


@pytest.fixture
def account(store: Store) -> Iterator[AccountClient]:
    """Our client on the embedded account (in-process WSGI), instant review."""
    client = open_account(AccountSettings(state_file=store.path), retry=FAST_RETRY)
    yield client
    client.close()


@pytest.fixture
def emulator(store: Store) -> Iterator[EmulatorServer]:
    """A standalone emulator on a free 127.0.0.1 port, sharing ``store``."""
    server = EmulatorServer(EmulatorApp(store)).start()
    yield server
    server.close()


@pytest.fixture
def remote_account(emulator: EmulatorServer) -> Iterator[AccountClient]:
    """Our client talking HTTP to the standalone emulator."""
    client = open_account(
        AccountSettings(
            endpoint=emulator.url, access_key_id=DEV_ACCESS_KEY_ID, access_key_secret=DEV_ACCESS_KEY_SECRET
        ),
        retry=FAST_RETRY,
    )
    yield client
    client.close()


def sdk_config(url: str, secret: str = DEV_ACCESS_KEY_SECRET) -> object:
    """An official-SDK ``Config`` pointed at a standalone emulator with the development key pair."""
    from alibabacloud_tea_openapi.models import Config

    host = url.removeprefix("http://")
    return Config(access_key_id=DEV_ACCESS_KEY_ID, access_key_secret=secret, endpoint=host, protocol="http")


def alisms_command() -> list[str]:
    """The installed console script, else the module."""
    script = shutil.which("alisms") or str(Path(sys.executable).parent / "alisms")
    return [script] if Path(script).exists() else [sys.executable, "-m", "pulumi_alisms.cli.main"]


def run_cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``alisms ...`` to completion."""
    return subprocess.run(
        [*alisms_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1 with one ``alisms: error:`` line on stderr that says what is wrong; no traceback."""
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alisms: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def serve_cli_emulator(state_file: Path, *flags: str) -> tuple[subprocess.Popen[str], str]:
    """``alisms emulator serve`` on a free loopback port as a child process, and its URL."""
    server = subprocess.Popen(
        [*alisms_command(), "emulator", "serve", "--port", "0", "--state-file",
         str(state_file), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    banner = server.stdout.readline()  # "alisms emulator listening on http://127.0.0.1:PORT"
    assert " listening on " in banner, server.communicate(timeout=10)
    return server, banner.split(" on ")[1].strip()
