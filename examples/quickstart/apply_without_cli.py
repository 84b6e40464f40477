"""Apply this Pulumi program without the Pulumi CLI, through the real provider protocol.

This is not a Pulumi engine. It runs the program under ``pulumi.runtime.set_mocks`` only to learn which
resources it declares (type, name, inputs), then drives a real provider host (``python -m pulumi.dynamic``
over gRPC) in the engine's order: for a resource it has not seen, Check then Create; for one it has,
Read (refresh), Check, Diff and Update. It keeps its own state in ``.alisms/protocol-state.json``, which
holds contacts' phones and emails in plain text: the file is 0600, its folder 0700.

It plans every resource before it changes any, and refuses (exit 1, one line, nothing applied) what only the
engine can do: a replacement, or deleting a resource that the program no longer declares.

Config reaches the program as the CLI passes it: the plain values of ``Pulumi.<stack>.yaml``, and values
(secret ones too) from the ``PULUMI_CONFIG`` environment variable, a JSON object, with the secret keys listed in
``PULUMI_CONFIG_SECRET_KEYS``, a JSON list. ``secure:`` values in the stack file need the CLI to decrypt: the
program does not see them. Secret inputs reach the provider unwrapped, as the engine sends them to a provider
that does not accept secrets (dynamic providers do not).
"""

import asyncio
import json
import os
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import rpc
from pulumi.runtime.stack import wait_for_rpcs

from pulumi_alisms.testing import ProviderHost, ResourceDriver, driver_for, without, write_private

PROJECT_DIR = Path(__file__).resolve().parent
STATE_FILE = PROJECT_DIR / ".alisms" / "protocol-state.json"
SHOWN = ("status", "template_code", "registration_id", "verified", "replaced_values")
Declared = tuple[str, str, dict[str, Any]]  # type name, resource name, inputs


class _Declarations(pulumi.runtime.Mocks):
    """Records what the program declares; answers with the inputs (nothing is created here)."""

    def __init__(self) -> None:
        self.resources: list[Declared] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        type_name = args.typ.rsplit(":", 1)[-1]
        self.resources.append((type_name, args.name, without(args.inputs)))
        return f"{args.name}-declared", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def stack_config(stack: str) -> tuple[dict[str, str], list[str]]:
    """The program's config and its secret keys: the stack file's plain values, then ``PULUMI_CONFIG``."""
    settings = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text()) or {}
    config = {key: str(value) for key, value in (settings.get("config") or {}).items() if not isinstance(value, dict)}
    config.update(json.loads(os.environ.get("PULUMI_CONFIG") or "{}"))  # secure: values need the CLI
    return config, list(json.loads(os.environ.get("PULUMI_CONFIG_SECRET_KEYS") or "[]"))


def declared_resources(stack: str, config: dict[str, str], secret_keys: list[str]) -> list[Declared]:
    """The resources the program declares, in declaration order, with their secret inputs unwrapped."""
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["name"]
    declarations = _Declarations()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(declarations, project=project, stack=stack, preview=False)
    pulumi.runtime.set_all_config(config, secret_keys)
    runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")
    loop.run_until_complete(wait_for_rpcs())
    return [(type_name, name, _unwrapped(inputs)) for type_name, name, inputs in declarations.resources]


def _unwrapped(value: Any) -> Any:
    """``value`` with every secret replaced by its plain value."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {key: _unwrapped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrapped(item) for item in value]
    return value


class NeedsTheCli(Exception):
    """The program asks for what only the Pulumi engine does."""


@dataclass
class Step:
    """What to do with one declared resource: ``create``, ``update`` or nothing (``unchanged``)."""

    resource: ResourceDriver
    key: str
    name: str
    action: str
    inputs: dict[str, Any]
    known: dict[str, Any] | None


def plan(host: ProviderHost, declared: list[Declared], state: dict[str, Any]) -> list[Step]:
    """Refresh and check every declared resource; the work to do, in declaration order. Raises
    :class:`NeedsTheCli` for replacements and removed resources, and ``ValueError`` for check failures."""
    work: list[Step] = []
    refused: list[str] = []
    failures: list[str] = []
    for type_name, name, inputs in declared:
        resource = driver_for(host, type_name)
        key = f"{type_name}::{name}"
        known = state.get(key)
        if known is not None:
            found, outputs, _ = resource.read(name, known["id"], known["outputs"])
            known = {"id": found, "outputs": without(outputs)} if found else None
            state[key] = known
        checked, problems = resource.check(name, inputs, olds=known["outputs"] if known else None)
        failures += [f"{type_name} {name}: {reason}" for _prop, reason in problems]
        if problems:
            continue
        if known is None:
            work.append(Step(resource, key, name, "create", without(checked), None))
            continue
        diff = resource.diff(name, known["id"], known["outputs"], without(checked))
        if diff.replaces:
            refused.append(f"{type_name} {name} needs replacement ({', '.join(diff.replaces)})")
        action = "update" if diff.changes else "unchanged"
        work.append(Step(resource, key, name, action, without(checked), known))
    declared_keys = {f"{type_name}::{name}" for type_name, name, _ in declared}
    refused += [f"{key.replace('::', ' ')} was removed from the program" for key in state if key not in declared_keys
                and state[key] is not None]  # fmt: skip
    if failures:
        raise ValueError("\n".join(failures))
    if refused:
        raise NeedsTheCli("; ".join(refused))
    return work


def apply(stack: str = "dev") -> int:
    """Create or update every declared resource; print what happened."""
    config, secret_keys = stack_config(stack)
    state: dict[str, Any] = json.loads(STATE_FILE.read_text()) if STATE_FILE.exists() else {}
    declared = declared_resources(stack, config, secret_keys)
    host = ProviderHost(str(PROJECT_DIR))
    try:
        host.configure({key: value for key, value in config.items() if key.startswith("alisms:")})
        try:
            work = plan(host, declared, state)
        except ValueError as failures:
            for line in str(failures).splitlines():
                print(f"  {line}", file=sys.stderr)
            return 1
        except NeedsTheCli as refused:
            print(f"apply_without_cli: {refused}: that needs the Pulumi CLI (`pulumi up`); nothing was applied",
                  file=sys.stderr)  # fmt: skip
            return 1
        for step in work:
            if step.known is None:
                id_, outputs = step.resource.create(step.name, step.inputs)
            else:
                id_, outputs = step.known["id"], step.known["outputs"]
                if step.action == "update":
                    outputs = step.resource.update(step.name, id_, outputs, step.inputs)
            state[step.key] = {"id": id_, "outputs": without(outputs)}
            shown = ", ".join(f"{k}={outputs[k]}" for k in SHOWN if outputs.get(k) is not None)
            done = {"create": "created", "update": "updated"}.get(step.action, step.action)
            print(f"  {done:>9}  {step.resource.type_name:<20} {step.name:<22} id={id_}  {shown}")
    finally:
        host.close()
        save_state({key: value for key, value in state.items() if value is not None})  # gone on refresh: dropped
    return 0


def save_state(state: dict[str, Any]) -> None:
    """Write the state for the next run, readable by its owner only (it holds phones and emails)."""
    write_private(STATE_FILE, json.dumps(state, indent=2, sort_keys=True))


if __name__ == "__main__":
    sys.exit(apply(*sys.argv[1:]))
