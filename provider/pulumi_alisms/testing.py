"""Drive a real Pulumi dynamic provider host (``python -m pulumi.dynamic``) over gRPC, as the engine does.

Properties are serialized with the SDK's own ``rpc.serialize_properties``; the provider is serialized
with the SDK's own ``serialize_provider`` into ``__provider``, exactly as a program would do.
"""

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider, dynamic
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_alisms.kinds import KINDS
from pulumi_alisms.resources._base import PROVIDER_KEY, normalized_outputs, outputs_model

STACK, PROJECT = "dev", "alisms-tests"
PROVIDER_STDERR_ENV = "ALISMS_PROVIDER_STDERR"
# Resource type name (the last part of the type token) -> its provider class.
PROVIDERS: dict[str, type[ResourceProvider]] = {kind.name: kind.provider_class() for kind in KINDS}


@dataclass
class Diff:
    """A diff answer in plain terms."""

    changes: bool
    replaces: list[str]


class ProviderHostError(Exception):
    """The provider host answered a call with an error (the message the engine would print)."""


def _serialize(props: Mapping[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def _deserialize(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct))


class ProviderHost:
    """One provider host process, as the engine starts it, and the calls the engine makes."""

    def __init__(self, cwd: str, env: Mapping[str, str] | None = None) -> None:
        full_env = {**os.environ, "PULUMI_PROJECT": PROJECT, **(env or {})}
        # stderr goes to a file, not a pipe: a chatty host must never block on a full pipe. With
        # ALISMS_PROVIDER_STDERR=inherit it goes to this process's stderr, as `pulumi up` shows it (close() gives "").
        self._stderr_file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the host
        shown = os.environ.get(PROVIDER_STDERR_ENV) == "inherit"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic"], cwd=cwd, env=full_env,
            stdout=subprocess.PIPE, stderr=None if shown else self._stderr_file,
        )  # fmt: skip
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().decode().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.stdout = b""  # what the host printed after its port, once closed
        self.stderr = b""

    def close(self) -> str:
        """Stop the host; returns everything it wrote on stderr."""
        self.channel.close()
        self.process.terminate()
        self.stdout, _ = self.process.communicate(timeout=10)
        self._stderr_file.seek(0)
        self.stderr = self._stderr_file.read()
        self._stderr_file.close()
        return self.stderr.decode(errors="replace")

    def kill(self) -> None:
        """Kill the host without warning (a crash)."""
        self.channel.close()
        self.process.kill()
        self.process.communicate(timeout=10)
        self._stderr_file.close()

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=300)
        except grpc.RpcError as error:
            raise ProviderHostError(error.details()) from None

    def configure(self, config: Mapping[str, str]) -> None:
        """Send the stack config, as the engine does before any resource call."""
        self._call("Configure", provider_pb2.ConfigureRequest(
            variables=dict(config), args=_serialize(config), acceptSecrets=True, acceptResources=True))  # fmt: skip


@dataclass
class ResourceDriver:
    """The engine's calls for one resource type, with the serialized provider attached to every input."""

    host: ProviderHost
    type_name: str
    provider: Any

    def __post_init__(self) -> None:
        # Looked up at each call, as dynamic.Resource does, so that pulumi_alisms' SDK work-around applies.
        self.serialized_provider = dynamic.serialize_provider(self.provider)
        self.model = outputs_model(type(self.provider))

    def _typed(self, struct: struct_pb2.Struct) -> dict[str, Any]:
        """Properties as the provider gave them: whole numbers back to ``int`` (the wire has only doubles)."""
        return normalized_outputs(self.model, _deserialize(struct))

    def urn(self, name: str) -> str:
        """The URN the engine would give a resource of this type."""
        return f"urn:pulumi:{STACK}::{PROJECT}::pulumi-python:dynamic/alisms:{self.type_name}::{name}"

    def _with_provider(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, PROVIDER_KEY: self.serialized_provider}

    def check(self, name: str, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None
              ) -> tuple[dict[str, Any], list[tuple[str, str]]]:  # fmt: skip
        """Check: the normalized inputs and the failures as (property, reason)."""
        answer = self.host._call("Check", provider_pb2.CheckRequest(
            urn=self.urn(name), olds=_serialize(self._with_provider(olds or {}) if olds else {}),
            news=_serialize(self._with_provider(news))))  # fmt: skip
        return self._typed(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def diff(self, name: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Diff old state (outputs) against new checked inputs."""
        answer = self.host._call("Diff", provider_pb2.DiffRequest(
            id=id_, urn=self.urn(name), olds=_serialize(self._with_provider(olds)),
            news=_serialize(self._with_provider(news))))  # fmt: skip
        return Diff(answer.changes == provider_pb2.DiffResponse.DIFF_SOME, list(answer.replaces))

    def create(self, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create: the new id and outputs."""
        answer = self.host._call("Create", provider_pb2.CreateRequest(
            urn=self.urn(name), properties=_serialize(self._with_provider(inputs))))  # fmt: skip
        return answer.id, self._typed(answer.properties)

    def read(self, name: str, id_: str, state: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
             ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:  # fmt: skip
        """Read (refresh or import): the id ('' when gone), outputs, and inputs if the provider gave them."""
        answer = self.host._call("Read", provider_pb2.ReadRequest(
            id=id_, urn=self.urn(name), properties=_serialize(self._with_provider(state) if state else {}),
            inputs=_serialize(self._with_provider(inputs) if inputs is not None else {})))  # fmt: skip
        new_inputs = self._typed(answer.inputs) if answer.HasField("inputs") else None
        return answer.id, self._typed(answer.properties), new_inputs

    def update(self, name: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Update in place: the new outputs."""
        answer = self.host._call("Update", provider_pb2.UpdateRequest(
            id=id_, urn=self.urn(name), olds=_serialize(self._with_provider(olds)),
            news=_serialize(self._with_provider(news))))  # fmt: skip
        return self._typed(answer.properties)

    def delete(self, name: str, id_: str, state: Mapping[str, Any]) -> None:
        """Delete."""
        self.host._call("Delete", provider_pb2.DeleteRequest(
            id=id_, urn=self.urn(name), properties=_serialize(self._with_provider(state))))  # fmt: skip

    def up(self, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The engine's create path: check, then create with the checked inputs (fails on check failures)."""
        checked, failures = self.check(name, inputs)
        if failures:
            raise ProviderHostError(f"check failed: {failures}")
        return self.create(name, without(checked))


def without(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties without the serialized provider."""
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


def driver_for(host: ProviderHost, type_name: str) -> ResourceDriver:
    """A driver for one resource type, with a fresh provider of that type."""
    return ResourceDriver(host, type_name, PROVIDERS[type_name]())


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` for its owner only, as the emulator keeps its state file: missing folders
    0700, the file 0600, atomically (a temporary file created 0600 beside it, then renamed over ``path``), so
    no other user can read it at any moment, and a crash leaves the old file or the new one, never half."""
    for folder in reversed([folder for folder in path.parents if not folder.exists()]):
        folder.mkdir(mode=0o700, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
