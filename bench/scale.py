"""Scale sections of bench/run.py (issue 12): program construction, plan/drift at 10x the objects, drift against
a distant service, validate, and the state file's size per object. Each figure is a ratio or sits beside its
floor, so it reads the same on a slower machine.

    .venv/bin/python bench/scale.py construct N   # (helper) declare N SenderIds under mocks; prints seconds
"""

import asyncio
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi_alisms.emulator.admin as admin
from pulumi_alisms.api.account import open_account
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, REPLAY_WINDOW_SECONDS
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.spec.live import READ_WORKERS

ALISMS = [sys.executable, "-m", "pulumi_alisms.cli.main"]
LATENCY_MS = 50
TEMPLATE_PAGE, SENDER_PAGE = 50, 100
DEV_KEYS = {"ALIBABA_CLOUD_ACCESS_KEY_ID": DEV_ACCESS_KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEV_ACCESS_KEY_SECRET}


def _sender(index: int) -> dict[str, Any]:
    return {"country": "MY", "sender_id": f"ACME{index:05d}", "company_name": "Acme Pay Ltd",
            "website": "https://acme.example", "use_case": "otp",
            "sample_templates": [f"Your Acme code is ${{code}} ({index})."]}  # fmt: skip


def seeded_account(workdir: Path, name: str, objects: int) -> tuple[Store, Path, int, int]:
    """An embedded account of ``objects`` (85% SenderIds, 15% templates with a remark) and its exported file."""
    templates = objects * 3 // 20
    store = Store(workdir / name / "account.db")
    admin.set_review_speed(store, "instant")
    account = open_account(AccountSettings(state_file=store.path))
    for index in range(objects - templates):
        account.sender_ids.submit(**_sender(index))
    for index in range(templates):
        account.templates.create(f"Code {index}", "international", f"Your code for order {index} is ${{code}}.",
                                 remark="Sign-in codes", intl_type=2)  # fmt: skip
    account.close()
    spec = workdir / name / "account.yaml"
    subprocess.run([*ALISMS, "export", "--state-file", store.path, "--file", str(spec)], check=True,
                   capture_output=True)  # fmt: skip
    return store, spec, objects - templates, templates


def cli_seconds(*args: str, repeat: int, env: dict[str, str] | None = None) -> float:
    """Best wall seconds of ``alisms ARGS`` in a fresh process (exit 0-2 accepted)."""
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run([*ALISMS, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
        walls.append(time.perf_counter() - started)
        if result.returncode not in (0, 1, 2):
            raise RuntimeError(f"alisms {args[0]} failed ({result.returncode}): {result.stderr.strip()[-300:]}")
    return min(walls)


@contextmanager
def served(store: Store, *options: str) -> Iterator[str]:
    """A standalone emulator on ``store``; yields its URL."""
    process = subprocess.Popen([*ALISMS, "emulator", "serve", "--state-file", store.path, "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        yield process.stdout.readline().split(" on ")[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def construct_seconds(resources: int) -> float:
    """Seconds per resource to declare ``resources`` SenderIds in a fresh process under Pulumi's mocks."""
    result = subprocess.run([sys.executable, __file__, "construct", str(resources)], capture_output=True, text=True,
                            check=True)  # fmt: skip
    return float(result.stdout.strip()) / resources


def _construct(resources: int) -> float:
    import pulumi
    from pulumi.runtime.stack import wait_for_rpcs

    from pulumi_alisms import SenderId, SenderIdArgs

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return f"{args.name}-id", args.inputs

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
            return {}, None

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(Mocks(), project="bench", stack="dev", preview=False)
    started = time.perf_counter()
    for index in range(resources):
        SenderId(f"s{index}", SenderIdArgs(**_sender(index)))
    loop.run_until_complete(wait_for_rpcs())
    return time.perf_counter() - started


def state_file_bytes(path: str) -> int:
    """The state file with its write-ahead log."""
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))


def bench_scale(workdir: Path, *, quick: bool, measured: Callable[[str, float], None],
                table: Callable[[Sequence[str], Sequence[Sequence[object]]], None]) -> None:  # fmt: skip
    """The issue-12 figures: construction, plan/drift, distant drift, validate, state file per object."""
    small, large = (1_000, 3_000) if quick else (1_000, 10_000)
    repeat = 1 if quick else 2

    print("## (6) Program construction (SenderIds under Pulumi's mocks, fresh process each)\n")
    sizes = (300, 3_000) if quick else (300, 3_000, 10_000)
    per = {n: construct_seconds(n) for n in sizes}
    table(["resources", "per resource", "vs 300"], [[n, f"{per[n] * 1000:.2f} ms", f"{per[n] / per[300]:.2f}x"]
                                                  for n in sizes])  # fmt: skip
    measured("construct_ratio", per[sizes[-1]] / per[300])

    print(f"## (7) plan, drift and validate at {small} and {large} objects (embedded account, fresh process)\n")
    rows, seconds = [], {}
    for n in (small, large):
        store, spec, _senders, _templates = seeded_account(workdir, f"scale{n}", n)
        for command in ("plan", "drift"):
            seconds[command, n] = cli_seconds(command, str(spec), "--state-file", store.path, repeat=repeat)
        seconds["validate", n] = cli_seconds("validate", str(spec), repeat=repeat + 1)
        rows.append([n, *(f"{seconds[c, n]:.2f} s" for c in ("plan", "drift", "validate"))])
    rows.append([f"{large} / {small}", *(f"{seconds[c, large] / seconds[c, small]:.2f}x"
                                         for c in ("plan", "drift", "validate"))])  # fmt: skip
    table(["objects", "alisms plan", "alisms drift", "alisms validate"], rows)
    for command in ("plan", "drift"):  # as if the step were 10x (it is, but for --quick)
        measured(f"{command}_ratio", seconds[command, large] / seconds[command, small] * 10 * small / large)
    measured("validate_seconds", seconds["validate", small])

    distant = 1_000 if quick else 5_000
    print(f"## (8) `alisms drift` of {distant} objects against a standalone emulator {LATENCY_MS} ms away\n")
    store, spec, senders, templates = seeded_account(workdir, "distant", distant)
    pages = math.ceil(senders / SENDER_PAGE) + math.ceil(templates / TEMPLATE_PAGE)
    latency = LATENCY_MS / 1000
    list_floor = pages * latency / READ_WORKERS
    admin.reset_stats(store)
    with served(store, "--fault-latency-ms", str(LATENCY_MS), "--threads", str(READ_WORKERS)) as url:
        wall = cli_seconds("drift", str(spec), "--endpoint", url, repeat=1, env=DEV_KEYS)
    calls = admin.stats(store)
    call_floor = sum(calls.values()) * latency / READ_WORKERS
    table(["objects", "API calls", "GetSmsTemplate", "wall", "floor ⌈N/page⌉ x latency / concurrency",
           "floor of the calls made (calls x latency / concurrency)"],
          [[distant, sum(calls.values()), calls.get("GetSmsTemplate", 0), f"{wall:.2f} s", f"{list_floor:.2f} s",
            f"{call_floor:.2f} s"]])  # fmt: skip
    measured("distant_ratio", wall / list_floor)

    print("## (9) State file per object after a day of use\n")
    store, _spec, _senders, _templates = seeded_account(workdir, "day", small)
    account = open_account(AccountSettings(state_file=store.path))
    for _ in range(20):  # a day of refreshes and reads: 20 x the objects in calls
        for item in account.sender_ids.iter_all():
            account.sender_ids.get(item.registration_id)
    account.close()
    busy = state_file_bytes(store.path)
    store.forget_nonces(time.time() + REPLAY_WINDOW_SECONDS + 1)  # the replay window has passed
    store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = state_file_bytes(store.path)
    table(["objects", "calls made", "file right after the calls", "per object", "once the window passed", "per object"],
          [[small, 20 * small, f"{busy / 1024:.0f} KiB", f"{busy / small:.0f} B", f"{after / 1024:.0f} KiB",
            f"{after / small:.0f} B"]])  # fmt: skip
    measured("state_bytes", after / small)


if __name__ == "__main__" and sys.argv[1:2] == ["construct"]:
    print(_construct(int(sys.argv[2])))
