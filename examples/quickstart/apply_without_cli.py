"""Apply this Pulumi program without the Pulumi CLI, through the real provider protocol.

This is not a Pulumi engine. It runs the program under ``pulumi.runtime.set_mocks`` only to learn which
resources it declares (type, name, inputs), then drives a real provider host (``python -m pulumi.dynamic``
over gRPC) in the engine's order: for a resource it has not seen, Check then Create; for one it has,
Read (refresh), Check, Diff and Update. It keeps its own state in ``.alisms/protocol-state.json``, which
holds contacts' phones and emails in plain text: the file is 0600, its folder 0700.
Replacements and deletions need the Pulumi CLI. Secret config cannot be decrypted without the CLI, so
the program sees none.
"""

import asyncio
import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime.stack import wait_for_rpcs

from pulumi_alisms.testing import ProviderHost, driver_for, without, write_private

PROJECT_DIR = Path(__file__).resolve().parent
STATE_FILE = PROJECT_DIR / ".alisms" / "protocol-state.json"
SHOWN = ("status", "template_code", "registration_id", "verified", "replaced_values")


class _Declarations(pulumi.runtime.Mocks):
    """Records what the program declares; answers with the inputs (nothing is created here)."""

    def __init__(self) -> None:
        self.resources: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        type_name = args.typ.rsplit(":", 1)[-1]
        self.resources.append((type_name, args.name, without(args.inputs)))
        return f"{args.name}-declared", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def declared_resources(stack: str, config: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """The resources the program declares, in declaration order."""
    declarations = _Declarations()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(declarations, project="alisms-quickstart", stack=stack, preview=False)
    pulumi.runtime.set_all_config(config)
    runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")
    loop.run_until_complete(wait_for_rpcs())
    return declarations.resources


def apply(stack: str = "dev") -> int:
    """Create or update every declared resource; print what happened."""
    config = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    config = {key: value for key, value in config.items() if not isinstance(value, dict)}  # secure: values skipped
    state: dict[str, Any] = json.loads(STATE_FILE.read_text()) if STATE_FILE.exists() else {}
    host = ProviderHost(str(PROJECT_DIR))
    try:
        host.configure(config)
        for type_name, name, inputs in declared_resources(stack, config):
            resource = driver_for(host, type_name)
            key = f"{type_name}::{name}"
            known = state.get(key)
            if known is not None:
                found, outputs, _ = resource.read(name, known["id"], known["outputs"])
                known = {"id": found, "outputs": without(outputs)} if found else None
            checked, failures = resource.check(name, inputs, olds=known["outputs"] if known else None)
            if failures:
                for prop, reason in failures:
                    print(f"  {type_name} {name}: {prop}: {reason}", file=sys.stderr)
                return 1
            if known is None:
                id_, outputs = resource.create(name, without(checked))
                action = "created"
            else:
                id_, outputs = known["id"], known["outputs"]
                diff = resource.diff(name, id_, outputs, without(checked))
                if diff.replaces:
                    print(f"  {type_name} {name}: needs replacement ({', '.join(diff.replaces)}): use the Pulumi CLI")
                    action = "needs replacement"
                elif diff.changes:
                    outputs = resource.update(name, id_, outputs, without(checked))
                    action = "updated"
                else:
                    action = "unchanged"
            state[key] = {"id": id_, "outputs": without(outputs)}
            shown = ", ".join(f"{k}={outputs[k]}" for k in SHOWN if outputs.get(k) is not None)
            print(f"  {action:>9}  {type_name:<20} {name:<22} id={id_}  {shown}")
    finally:
        host.close()
    save_state(state)
    return 0


def save_state(state: dict[str, Any]) -> None:
    """Write the state for the next run, readable by its owner only (it holds phones and emails)."""
    write_private(STATE_FILE, json.dumps(state, indent=2, sort_keys=True))


if __name__ == "__main__":
    sys.exit(apply(*sys.argv[1:]))
