"""Helpers the test modules share (fixtures live in conftest.py): a fast retry policy, official-SDK and CLI
runners, provider hosts on an account and the engine's steps through them (check and diff, refresh), programs
under Pulumi's mocks, check's verdict on inputs, and SenderID inputs (one, and many)."""

import asyncio
import contextvars
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import wait_for_rpcs
from pydantic import BaseModel, ValidationError

from pulumi_alisms.api.config import RetryPolicy
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.testing import Diff, ProviderHost, ResourceDriver, without

FAST_RETRY = RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.01, max_total_seconds=10)
# A SenderID registration that Malaysia approves online, without documents.
SENDER: dict[str, Any] = {"country": "MY", "sender_id": "ACMEPAY", "company_name": "Acme Pay Ltd",
                          "website": "https://acme.example", "use_case": "otp",
                          "sample_templates": ["Your Acme code is 482913."]}  # fmt: skip
# Countries that register SenderIDs online without documents (rules.countries).
NO_DOCUMENT_COUNTRIES = ("MY", "KW", "NG", "KE", "TZ", "UG", "BH", "LB", "MA", "DZ", "TN", "MM", "LA", "NP")


def sdk_config(url: str, secret: str = DEV_ACCESS_KEY_SECRET) -> object:
    """An official-SDK ``Config`` pointed at a standalone emulator with the development key pair."""
    from alibabacloud_tea_openapi.models import Config

    host = url.removeprefix("http://")
    return Config(access_key_id=DEV_ACCESS_KEY_ID, access_key_secret=secret, endpoint=host, protocol="http")


def alisms_command() -> list[str]:
    """The installed console script, else the module."""
    script = shutil.which("alisms") or str(Path(sys.executable).parent / "alisms")
    return [script] if Path(script).exists() else [sys.executable, "-m", "pulumi_alisms.cli.main"]


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``alisms ...`` to completion (in ``cwd``, else here), with ``env`` added to the environment."""
    return subprocess.run(
        [*alisms_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
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


def host_config(account: Store | str) -> dict[str, str]:
    """The stack config of a provider on the embedded account of a store, or on a standalone emulator's URL."""
    if isinstance(account, Store):
        return {"alisms:endpoint": "embedded", "alisms:stateFile": account.path}
    return {"alisms:endpoint": account, "alisms:accessKeyId": DEV_ACCESS_KEY_ID,
            "alisms:accessKeySecret": DEV_ACCESS_KEY_SECRET}  # fmt: skip


def start_host(
    cwd: Path, account: Store | str, env: Mapping[str, str] | None = None, config: Mapping[str, str] | None = None
) -> ProviderHost:
    """A provider host (one engine run) in ``cwd``, configured for ``account`` (see :func:`host_config`) and with
    the further stack ``config``."""
    host = ProviderHost(str(cwd), env=env)
    host.configure({**host_config(account), **(config or {})})
    return host


def sender_inputs(index: int) -> dict[str, Any]:
    """The ``index``-th of many distinct SenderIDs that the carrier approves, in countries that need no documents."""
    return {"country": NO_DOCUMENT_COUNTRIES[index % len(NO_DOCUMENT_COUNTRIES)], "sender_id": f"ACME{index:04d}",
            "company_name": "Acme Pay Ltd", "website": "https://acme.example", "use_case": "otp",
            "sample_templates": [f"Your Acme code is ${{code}} ({index})."]}  # fmt: skip


def run_under_mocks(program: Callable[[], object], monitor: MockMonitor, *, project: str, stack: str,
                    config: dict[str, str] | None = None, secret_keys: list[str] | None = None) -> None:  # fmt: skip
    """Run ``program`` under ``set_mocks`` until every registration has been sent to ``monitor``; in a copied
    context, so the Pulumi runtime's settings (root stack, config) do not leak between programs."""

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)
            pulumi.runtime.set_all_config(config or {}, secret_keys or [])
            try:
                program()
            finally:  # also when the program raises: an RPC left pending would stall the next program
                loop.run_until_complete(wait_for_rpcs())
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    contextvars.copy_context().run(run)


def check_refuses(model: type[BaseModel], problems: Callable[[Any], list[Any]], values: dict[str, Any],
                  field: str) -> bool:  # fmt: skip
    """Whether check (the model's validation, then ``problems``: an ``input_problems``) refuses ``values``, naming
    ``field``."""
    try:
        inputs = model.model_validate(values)
    except ValidationError as error:
        return any(field in map(str, details["loc"]) for details in error.errors())
    return any(problem.field.split("[")[0] == field for problem in problems(inputs))


def last_line(error: BaseException) -> str:
    """The last line of a provider host's error: the failure as the engine shows it."""
    return str(error).strip().splitlines()[-1]


def refresh(resource: ResourceDriver, name: str, id_: str, state: dict[str, Any]) -> dict[str, Any]:
    """A refresh through the provider host that finds the object: its new state, plain."""
    new_id, outs, _ = resource.read(name, id_, without(state))
    assert new_id == id_
    return without(outs)


def planned(
    resource: ResourceDriver, name: str, id_: str, state: dict[str, Any], inputs: dict[str, Any]
) -> tuple[dict[str, Any], Diff]:
    """The engine's check (which must pass) and diff of ``inputs`` against ``state``: the checked inputs, plain,
    and the diff."""
    checked, failures = resource.check(name, inputs, olds=state)
    assert failures == []
    return without(checked), resource.diff(name, id_, state, without(checked))
