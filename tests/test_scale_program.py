"""Programs that declare thousands of resources, under ``pulumi.runtime.set_mocks``.

The Pulumi SDK's ``serialize_provider`` (3.272) leaves one more wrapper on the pickler per dynamic resource, so
a program crashed with ``RecursionError`` at about its 977th resource and each construction cost more than
the one before. ``pulumi_alisms.resources._sdk_workarounds`` puts the pickler back after each serialization:
3,000 resources construct, directly and through ``SmsAccount``, and the construction work per resource at
3,000 is within 1.5x of that at 300.
"""

import gc
import pickle
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dill
import pulumi
import pytest
import yaml
from pulumi.dynamic import ResourceProvider, dynamic
from pulumi.runtime.mocks import MockMonitor

from pulumi_alisms import SenderId, SenderIdArgs, SmsAccount
from pulumi_alisms.resources import _sdk_workarounds
from pulumi_alisms.resources.sender_id import SenderIdProvider
from support import run_under_mocks, sender_inputs

SMALL, LARGE = 300, 3_000
# Past the SDK's failure (call ~986 with Python's default recursion limit of 1,000).
SERIALIZATIONS = 3_000


class CountingMocks(pulumi.runtime.Mocks):
    """Answers every registration with its inputs, and counts registrations by type (the SDK registers from
    several threads)."""

    def __init__(self) -> None:
        self.registered: Counter[str] = Counter()
        self._lock = threading.Lock()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        with self._lock:
            self.registered[args.typ] += 1
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def declare(program: Callable[[], object]) -> Counter[str]:
    """Run ``program`` to the end: how many resources of each type it registered."""
    mocks = CountingMocks()
    run_under_mocks(program, MockMonitor(mocks), project="alisms-scale", stack="dev")
    return mocks.registered


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cyclic collector scans every live object, and a program keeps each of its resources alive until
    the engine has answered: the collector's share grows with the program whatever the SDK or this package do
    (docs/performance.md). Timings here are of the construction work itself."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# The small program runs several times (the least is its cost; the first runs warm up), the large one once.
RUNS = (SMALL, SMALL, SMALL, LARGE, SMALL, SMALL)


def cpu_seconds_per_resource(program: Callable[[int], Callable[[], object]], expected: Callable[[int], Counter[str]]
                             ) -> dict[int, float]:  # fmt: skip
    """Process CPU time per resource of ``program(SMALL)`` and ``program(LARGE)``, each run checked to register
    ``expected``; CPU time, not wall time, so that other jobs on the machine do not count."""
    cost = {SMALL: float("inf"), LARGE: float("inf")}
    for count in RUNS:
        declared = program(count)
        with collector_paused():
            start = time.process_time()
            registered = declare(declared)
            elapsed = time.process_time() - start
        assert registered == expected(count)
        cost[count] = min(cost[count], elapsed / count)
    return cost


def sender_ids(count: int) -> Callable[[], object]:
    """A program that declares ``count`` SenderIds."""

    def program() -> None:
        for index in range(count):
            SenderId(f"sender-{index}", SenderIdArgs(**sender_inputs(index)))

    return program


def test_a_program_of_3000_sender_ids_constructs_at_the_per_resource_cost_of_300() -> None:
    def expected(count: int) -> Counter[str]:
        return Counter({"pulumi-python:dynamic/alisms:SenderId": count})

    cost = cpu_seconds_per_resource(sender_ids, expected)

    assert cost[LARGE] <= 1.5 * cost[SMALL], cost


def account_file(directory: Path, count: int) -> Path:
    """An account file of ``count`` objects: 1% alert contacts, 19% templates, 80% sender IDs."""
    contacts, templates = count // 100, count * 19 // 100
    document = {
        "version": 1,
        "contacts": {f"oncall-{index}": {"name": f"On-call {index}", "phone": f"+86138{index:08d}",
                                         "email": f"oncall{index}@example.com", "alerts": ["send_volume"]}
                     for index in range(contacts)},
        "templates": {f"code-{index}": {"name": f"Code {index}", "type": "international", "intl_type": 2,
                                        "content": f"Your code {index} is ${{code}}."}
                      for index in range(templates)},
        "sender_ids": {f"sender-{index}": {**sender_inputs(index), "sample_templates": [f"code-{index % templates}"]}
                       for index in range(count - contacts - templates)},
    }  # fmt: skip
    path = directory / f"account-{count}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_an_sms_account_over_a_3000_object_file_constructs_at_the_per_resource_cost_of_300(tmp_path: Path) -> None:
    files = {count: account_file(tmp_path, count) for count in (SMALL, LARGE)}

    def program(count: int) -> Callable[[], object]:
        return lambda: SmsAccount("prod", spec=files[count])

    def expected(count: int) -> Counter[str]:
        contacts, templates = count // 100, count * 19 // 100
        return Counter({"alisms:index:SmsAccount": 1, "pulumi-python:dynamic/alisms:AlertContact": contacts,
                        "pulumi-python:dynamic/alisms:MessageTemplate": templates,
                        "pulumi-python:dynamic/alisms:SenderId": count - contacts - templates})  # fmt: skip

    cost = cpu_seconds_per_resource(program, expected)

    assert cost[LARGE] <= 1.5 * cost[SMALL], cost


def test_serializing_a_provider_3000_times_leaves_the_pickler_as_it_was() -> None:
    before = dict(vars(pickle._Pickler)), pickle.Pickler
    first = dynamic.serialize_provider(SenderIdProvider())

    for _ in range(SERIALIZATIONS):
        assert dynamic.serialize_provider(SenderIdProvider()) == first

    assert (dict(vars(pickle._Pickler)), pickle.Pickler) == before
    mixed_keys = {1: "a", "b": 2}  # the SDK's sorting of dict items would fail on these, were it left on
    assert dill.loads(dill.dumps(mixed_keys)) == mixed_keys


# The SDK's own function, whether or not the work-around wraps it.
SDK_SERIALIZE = getattr(dynamic.serialize_provider, "__wrapped__", dynamic.serialize_provider)


def test_the_sdk_function_is_replaced_exactly_when_each_call_leaves_the_pickler_patched() -> None:
    wrapped = dynamic.serialize_provider is not SDK_SERIALIZE

    assert wrapped == _sdk_workarounds.leaves_pickler_patched(SDK_SERIALIZE)
    assert not _sdk_workarounds.leaves_pickler_patched(dynamic.serialize_provider)


def sorting_save_dict(pickler: Any, obj: dict[Any, Any]) -> None:
    """A stand-in for a fixed SDK's one patch of the pickler."""


def patching_the_same_way_each_time(provider: ResourceProvider) -> str:
    pickle._Pickler.save_dict = sorting_save_dict  # type: ignore[method-assign]
    return "serialized"


@pytest.mark.parametrize("fixed", [_sdk_workarounds.restoring_pickler(SDK_SERIALIZE), patching_the_same_way_each_time],
                         ids=["restores-the-pickler", "patches-it-once"])  # fmt: skip
def test_with_a_fixed_sdk_nothing_is_replaced(monkeypatch: pytest.MonkeyPatch, fixed: Callable[..., str]) -> None:
    monkeypatch.setattr(pickle._Pickler, "save_dict", pickle._Pickler.save_dict)  # put back after the test
    monkeypatch.setattr(dynamic, "serialize_provider", fixed)

    _sdk_workarounds.install()

    assert dynamic.serialize_provider is fixed


def test_the_probe_leaves_a_fixed_sdks_own_patch_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickle._Pickler, "save_dict", pickle._Pickler.save_dict)  # put back after the test

    assert not _sdk_workarounds.leaves_pickler_patched(patching_the_same_way_each_time)
    assert pickle._Pickler.save_dict is sorting_save_dict
