"""Apply a Pulumi program without the Pulumi CLI, through the real provider protocol (the examples' no-CLI path).

This is not a Pulumi engine. It runs the program under ``pulumi.runtime.set_mocks`` (as a preview) only to learn
which resources it declares (type, name, inputs), then drives a real provider host (``python -m pulumi.dynamic``
over gRPC) in the engine's order: for a resource it has not seen, Check then Create; for one it has, Read
(refresh), Check, Diff and Update. It keeps its own state in ``.alisms/protocol-state.json`` of the project,
which holds contacts' phones and emails in plain text: the file is 0600, its folder 0700.

A resource whose inputs take another resource's outputs (``Signature(qualification_id=q.qualification_id)``)
waits for a later round: each round runs the program again with the outputs applied so far, plans every resource
whose inputs are all known before it changes any, and applies them in declaration order; rounds repeat until no
resource is left waiting. It refuses (exit 1, one line, nothing applied in that round) what only the engine can do:
a replacement, or deleting a resource that the program no longer declares. A provider failure is one line too.

Config reaches the program as the CLI passes it: the plain values of ``Pulumi.<stack>.yaml``, and values
(secret ones too) from the ``PULUMI_CONFIG`` environment variable, a JSON object, with the secret keys listed in
``PULUMI_CONFIG_SECRET_KEYS``, a JSON list. ``secure:`` values in the stack file need the CLI to decrypt: the
program does not see them. Secret inputs reach the provider unwrapped, as the engine sends them to a provider
that does not accept secrets (dynamic providers do not).
"""

import asyncio
import json
import os
import re
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.stack import wait_for_rpcs

from pulumi_alisms.testing import ProviderHost, ProviderHostError, ResourceDriver, driver_for, without, write_private

STATE_PATH = Path(".alisms") / "protocol-state.json"
SHOWN = ("status", "template_code", "registration_id", "qualification_id", "registered", "verified",
         "replaced_values", "next_action")  # fmt: skip
Declared = tuple[str, str, dict[str, Any]]  # type name, resource name, inputs
State = dict[str, Any]  # "Type::name" -> {"id": ..., "outputs": {...}}


class _Declarations(pulumi.runtime.Mocks):
    """Records what the program declares; answers with the outputs applied so far (none: all unknown)."""

    def __init__(self, state: State) -> None:
        self.resources: list[Declared] = []
        self._state = state

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        type_name = args.typ.rsplit(":", 1)[-1]
        self.resources.append((type_name, args.name, without(args.inputs)))
        known = self._state.get(_key(type_name, args.name))
        return (known["id"], known["outputs"]) if known else (f"{args.name}-declared", {})

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def _key(type_name: str, name: str) -> str:
    return f"{type_name}::{name}"


def stack_config(project_dir: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """The program's config and its secret keys: the stack file's plain values, then ``PULUMI_CONFIG``."""
    settings = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text()) or {}
    config = {key: str(value) for key, value in (settings.get("config") or {}).items() if not isinstance(value, dict)}
    config.update(json.loads(os.environ.get("PULUMI_CONFIG") or "{}"))  # secure: values need the CLI
    return config, list(json.loads(os.environ.get("PULUMI_CONFIG_SECRET_KEYS") or "[]"))


def declared_resources(project_dir: Path, stack: str, config: dict[str, str], secret_keys: list[str],
                       state: State) -> list[Declared]:  # fmt: skip
    """The resources the program declares, in declaration order, with their secret inputs unwrapped; inputs
    taken from resources not applied yet hold :class:`pulumi.output.Unknown`."""
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"]
    declarations = _Declarations(state)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(declarations, project=project, stack=stack, preview=True)
    pulumi.runtime.set_all_config(config, secret_keys)
    runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
    loop.run_until_complete(wait_for_rpcs())
    loop.close()
    return [(type_name, name, _unwrapped(inputs)) for type_name, name, inputs in declarations.resources]


def _unwrapped(value: Any) -> Any:
    """``value`` with every secret replaced by its plain value."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {key: _unwrapped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrapped(item) for item in value]
    return value


def _unknown(value: Any) -> bool:
    """Whether ``value`` holds an output of a resource not applied yet."""
    if isinstance(value, Unknown) or value == rpc.UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_unknown(item) for item in value)
    return False


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


def plan(host: ProviderHost, declared: list[Declared], state: State) -> list[Step]:
    """Refresh and check every declared resource whose inputs are known; the work to do, in declaration order.
    Raises :class:`NeedsTheCli` for replacements and removed resources, and ``ValueError`` for check failures."""
    work: list[Step] = []
    refused: list[str] = []
    failures: list[str] = []
    for type_name, name, inputs in declared:
        if _unknown(inputs):
            continue  # takes outputs of a resource this round applies: a later round
        resource = driver_for(host, type_name)
        key = _key(type_name, name)
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
    declared_keys = {_key(type_name, name) for type_name, name, _ in declared}
    refused += [f"{key.replace('::', ' ')} was removed from the program" for key in state if key not in declared_keys
                and state[key] is not None]  # fmt: skip
    if failures:
        raise ValueError("\n".join(failures))
    if refused:
        raise NeedsTheCli("; ".join(refused))
    return work


def _run(step: Step, state: State, printed: set[str]) -> bool:
    """Apply one step, record it, print it (an unchanged resource once); whether it changed anything."""
    if step.known is None:
        id_, outputs = step.resource.create(step.name, step.inputs)
    else:
        id_, outputs = step.known["id"], step.known["outputs"]
        if step.action == "update":
            outputs = step.resource.update(step.name, id_, outputs, step.inputs)
    state[step.key] = {"id": id_, "outputs": without(outputs)}
    if step.action != "unchanged" or step.key not in printed:
        printed.add(step.key)
        shown = ", ".join(f"{k}={_shown(outputs[k])}" for k in SHOWN if outputs.get(k) is not None)
        done = {"create": "created", "update": "updated"}.get(step.action, step.action)
        print(f"  {done:>9}  {step.resource.type_name:<20} {step.name:<22} id={id_}  {shown}", flush=True)
    return step.action != "unchanged"


def apply(project_dir: Path, stack: str = "dev") -> int:
    """Create or update every resource the program in ``project_dir`` declares; print what happened."""
    state_file = project_dir / STATE_PATH
    config, secret_keys = stack_config(project_dir, stack)
    state: State = json.loads(state_file.read_text()) if state_file.exists() else {}
    host = ProviderHost(str(project_dir))
    printed: set[str] = set()
    try:
        host.configure({key: value for key, value in config.items() if key.startswith("alisms:")})
        declared = declared_resources(project_dir, stack, config, secret_keys, state)
        for _round in range(len(declared) + 1):
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
            changed = False
            for step in work:
                try:
                    changed = _run(step, state, printed) or changed
                except ProviderHostError as failure:
                    print(f"apply_without_cli: {step.resource.type_name} {step.name}: {_one_line(str(failure))}",
                          file=sys.stderr)  # fmt: skip
                    return 1
            waiting = [f"{type_name} {name}" for type_name, name, inputs in declared if _unknown(inputs)]
            if not waiting:  # every declared resource was planned and applied: another round would re-read them all
                return 0
            fresh = declared_resources(project_dir, stack, config, secret_keys, state)
            if not changed and [inputs for *_, inputs in fresh] == [inputs for *_, inputs in declared]:
                print(f"apply_without_cli: {', '.join(waiting)} take outputs that nothing here applies; that needs "
                      "the Pulumi CLI (`pulumi up`)", file=sys.stderr)  # fmt: skip
                return 1
            declared = fresh
        return 0
    finally:
        host.close()
        save_state(state_file, {key: value for key, value in state.items() if value is not None})  # gone: dropped


def _shown(value: Any) -> Any:
    """An output as printed: a whole number without the ``.0`` that the wire's doubles give it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _one_line(text: str) -> str:
    """The provider's failure as one line: its last non-empty line (the message, after any traceback), without
    the exception's class (``pulumi_alisms.resources._base.OperationFailed: ``)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[-1] if lines else text
    return re.sub(r"^[\w.]+(Error|Failed|Exception): ", "", line)


def save_state(state_file: Path, state: State) -> None:
    """Write the state for the next run, readable by its owner only (it holds phones and emails)."""
    write_private(state_file, json.dumps(state, indent=2, sort_keys=True))


def main(project_dir: Path, argv: list[str]) -> int:
    """``python apply_without_cli.py [STACK]`` beside a program."""
    return apply(project_dir, *argv[:1])
