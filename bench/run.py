"""Performance figures for docs/performance.md, in one run: medians of several repetitions, and ratios.

    .venv/bin/python bench/run.py            # the full run (1,000 objects; a few minutes)
    .venv/bin/python bench/run.py --quick    # smaller N and fewer repetitions, to iterate
    .venv/bin/python bench/run.py --only refresh,client

Sections: ``refresh`` (Read of N SenderIds through the provider protocol, list cache on vs off), ``drift``
(``alisms drift`` on an N-object account), ``client`` (our client vs the official Tea SDK, per call),
``emulator`` (standalone emulator throughput and latency at 1, 4 and 16 clients), ``startup``
(``import pulumi_alisms`` and the provider host's first call), ``scale`` (bench/scale.py: construction at
300 / 3,000 / 10,000 resources, plan/drift/validate at 1,000 / 10,000 objects, drift at 50 ms, state file
per object). API calls come from the emulator's counters.
Speed targets are checked here, never in unit tests: the figures depend on the machine.
"""

import argparse
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from scale import bench_scale

import pulumi_alisms.emulator.admin as admin
from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.config import LIST_CACHE_SECONDS_ENV, AccountSettings
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.resources.alert_contact import AlertContactProvider
from pulumi_alisms.resources.message_template import MessageTemplateProvider
from pulumi_alisms.resources.sender_id import SenderIdProvider
from pulumi_alisms.testing import ProviderHost, ResourceDriver, without

SECTIONS = ("refresh", "drift", "client", "emulator", "startup", "scale")
ENGINE_PARALLELISM = 10  # concurrent engine calls during a refresh
SERVICE_LATENCY_MS = 20  # a remote service's answer time, added by the standalone emulator
EMULATOR_CLIENTS = (1, 4, 16)
ALISMS = [sys.executable, "-m", "pulumi_alisms.cli.main"]
PROVIDERS: dict[str, Callable[[], Any]] = {"SenderId": SenderIdProvider, "MessageTemplate": MessageTemplateProvider,
                                           "AlertContact": AlertContactProvider}  # fmt: skip


@dataclass
class Target:
    """A target from the issue, and what this run measured."""

    name: str
    limit: float
    unit: str
    measured: float | None = None

    @property
    def verdict(self) -> str:
        """``met``, ``MISSED`` or ``not measured``."""
        if self.measured is None:
            return "not measured"
        return "met" if self.measured <= self.limit else "MISSED"


@dataclass
class Run:
    """Options of this run and the targets it checks."""

    objects: int
    quick: bool
    repeat: int
    calls: int
    seconds: float
    workdir: Path
    targets: dict[str, Target] = field(default_factory=dict)

    def measured(self, key: str, value: float) -> None:
        """Record a figure for a target."""
        self.targets[key].measured = value


def median(values: Sequence[float]) -> float:
    """The median (0.0 for no values)."""
    return statistics.median(values) if values else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))] if ordered else 0.0


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a Markdown table."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print(flush=True)


def ms(seconds: float) -> str:
    """Seconds as milliseconds text."""
    return f"{seconds * 1000:.2f} ms"


def timed(function: Callable[[], Any]) -> float:
    """Wall seconds of one call."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


# --- accounts -----------------------------------------------------------------------------------------------------


def new_account(workdir: Path, name: str) -> tuple[Store, AccountClient]:
    """A fresh embedded account with instant review, and our (uncached) client on it."""
    store = Store(workdir / name / "account.db")
    admin.set_review_speed(store, "instant")
    return store, open_account(AccountSettings(state_file=store.path))


def sender_inputs(index: int) -> dict[str, Any]:
    """An approvable SenderID for Malaysia (no documents needed)."""
    return {"country": "MY", "sender_id": f"ACME{index:05d}", "company_name": "Acme Pay Ltd",
            "website": "https://acme.example", "use_case": "otp",
            "sample_templates": [f"Your Acme code is ${{code}} ({index})."]}  # fmt: skip


def seed(account: AccountClient, senders: int, templates: int = 0, contacts: int = 0) -> dict[str, dict[str, Any]]:
    """Create objects through our client; returns each registration's id -> the state a refresh starts from."""
    declared = {inputs["sender_id"]: inputs for inputs in map(sender_inputs, range(senders))}
    for inputs in declared.values():
        account.sender_ids.submit(**inputs)
    for index in range(templates):
        content = f"Your code for order {index} is ${{code}}."
        account.templates.create(f"Code {index}", "international", content, remark="Sign-in codes", intl_type=2)
    for index in range(contacts):
        account.contacts.save(name=f"On-call {index}", phone=f"+86138{index:08d}", email=f"oncall{index}@example.com",
                              alerts=["send_volume"])  # fmt: skip
    return {item.registration_id: declared[item.sender_id] for item in account.sender_ids.iter_all()}


@contextmanager
def standalone(store: Store, *options: str) -> Iterator[str]:
    """``alisms emulator serve`` on ``store`` in its own process (output to a log file beside it); yields its URL."""
    log = Path(store.path).with_suffix(".serve.log")
    with log.open("w") as output:
        process = subprocess.Popen([*ALISMS, "emulator", "serve", "--state-file", store.path, "--port", "0", *options],
                                   stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        for _ in range(200):
            found = re.search(r"http://127\.0\.0\.1:\d+", log.read_text())
            if found or process.poll() is not None:
                break
            time.sleep(0.05)
        if not found:
            raise RuntimeError(f"the standalone emulator did not start: {log.read_text()[-600:]}")
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(10)


def embedded(store: Store) -> dict[str, str]:
    """The stack config of a provider on the embedded account of ``store``."""
    return {"alisms:endpoint": "embedded", "alisms:stateFile": store.path}


def remote(url: str) -> AccountClient:
    """Our client on a standalone emulator with the development key pair."""
    settings = AccountSettings(endpoint=url, access_key_id=DEV_ACCESS_KEY_ID, access_key_secret=DEV_ACCESS_KEY_SECRET)
    return open_account(settings)


# --- (1) refresh --------------------------------------------------------------------------------------------------


@dataclass
class Refresh:
    """What one engine run's refresh cost, and the state it read."""

    wall: float
    calls: dict[str, int]
    outputs: dict[str, dict[str, Any]]


def refresh_once(run: Run, store: Store, config: Mapping[str, str], states: Mapping[str, Mapping[str, Any]], *,
                 cache: bool, parallel: int = ENGINE_PARALLELISM, kind: str = "SenderId") -> Refresh:  # fmt: skip
    """One engine run's refresh: a fresh provider host, Configure, then Read of every object, ``parallel`` at a
    time. The wall time runs from the first Read to the last, so it includes the host's first-call start-up."""
    host = ProviderHost(str(run.workdir), env={} if cache else {LIST_CACHE_SECONDS_ENV: "0"})
    try:
        host.configure(dict(config))
        driver = ResourceDriver(host, kind, PROVIDERS[kind]())
        admin.reset_stats(store)

        def read(item: tuple[str, Mapping[str, Any]]) -> tuple[str, dict[str, Any]]:
            found, outputs, _ = driver.read(item[0], item[0], item[1])
            assert found == item[0], f"{kind} {item[0]} disappeared"
            return found, without(outputs)

        with ThreadPoolExecutor(parallel) as pool:
            started = time.perf_counter()
            outputs = dict(pool.map(read, states.items()))
            wall = time.perf_counter() - started
        return Refresh(wall, admin.stats(store), outputs)
    finally:
        host.close()


def refreshes(run: Run, store: Store, config: Mapping[str, str], states: Mapping[str, Mapping[str, Any]], *,
              cache: bool, parallel: int = ENGINE_PARALLELISM, kind: str = "SenderId") -> Refresh:  # fmt: skip
    """``run.repeat`` refreshes: the median wall, the last one's calls and state."""
    runs = [refresh_once(run, store, config, states, cache=cache, parallel=parallel, kind=kind)
            for _ in range(run.repeat)]  # fmt: skip
    return Refresh(median([one.wall for one in runs]), runs[-1].calls, runs[-1].outputs)


def calls_text(calls: Mapping[str, int]) -> str:
    """API calls by action."""
    return ", ".join(f"{action} {count}" for action, count in sorted(calls.items()))


def refresh_rows(run: Run, store: Store, config: Mapping[str, str], states: Mapping[str, Mapping[str, Any]]
                 ) -> dict[str, Refresh]:  # fmt: skip
    """A refresh with the cache on, off, and off one call at a time: a table and its ratios."""
    figures = {
        "cache on": refreshes(run, store, config, states, cache=True),
        "cache off": refreshes(run, store, config, states, cache=False),
        "cache off, one call at a time": refreshes(run, store, config, states, cache=False, parallel=1),
    }
    table(["refresh", "API calls", "by action", "wall (median)", "per object"],
          [[label, sum(one.calls.values()), calls_text(one.calls), f"{one.wall:.2f} s", ms(one.wall / len(states))]
           for label, one in figures.items()])  # fmt: skip
    on, off, serial = (one.wall for one in figures.values())
    print(f"Ratios: cache off / on {off / on:.2f}x; one call at a time / {ENGINE_PARALLELISM} concurrent (cache off) "
          f"{serial / off:.2f}x.\n")  # fmt: skip
    return figures


def bench_refresh(run: Run) -> None:
    """(1) Refresh of N SenderIds through the provider protocol, list cache on vs off, and where the time goes."""
    store, account = new_account(run.workdir, "refresh")
    started = time.perf_counter()
    states = seed(account, run.objects)
    print(f"## (1) Refresh: Read of {len(states)} SenderIds, {ENGINE_PARALLELISM} concurrent engine calls\n")
    print(f"Seeded {len(states)} registrations through our client in {time.perf_counter() - started:.1f} s. "
          "Each refresh is a fresh provider host (one engine run); its wall time includes the host's first-call "
          "start-up (section 5).\n")  # fmt: skip
    print("### Embedded account (in-process emulator, SQLite)\n")
    figures = refresh_rows(run, store, embedded(store), states)
    run.measured("refresh_calls", sum(figures["cache on"].calls.values()))

    # Where the time goes: the same calls through our client on the embedded account, without the provider protocol.
    ids = list(states)
    direct = median([timed(lambda: [account.sender_ids.get(id_) for id_ in ids]) for _ in range(run.repeat)])
    with ThreadPoolExecutor(4) as pool:
        threaded = median([timed(lambda: list(pool.map(account.sender_ids.get, ids))) for _ in range(run.repeat)])
    listing = median([timed(account.sender_ids.list_all) for _ in range(run.repeat)])
    account.close()
    on, off = figures["cache on"].wall, figures["cache off"].wall
    table(["embedded account, our client alone (no provider protocol)", "wall (median)", "per object",
           "compared with the refresh"], [
        [f"{len(ids)} GetSenderIdRegistration, one at a time", f"{direct:.2f} s", ms(direct / len(ids)),
         f"{direct / off:.0%} of cache off"],
        [f"{len(ids)} GetSenderIdRegistration, 4 threads", f"{threaded:.2f} s", ms(threaded / len(ids)),
         f"{threaded / off:.0%} of cache off"],
        ["ListSenderIdRegistrations, every page", f"{listing:.2f} s", ms(listing / len(ids)),
         f"{listing / on:.0%} of cache on"],
    ])  # fmt: skip

    subset = dict(list(states.items())[: max(1, len(states) // 5)])
    print(f"### A remote service: standalone emulator adding {SERVICE_LATENCY_MS} ms to every call, "
          f"{len(subset)} SenderIds\n")  # fmt: skip
    with standalone(store, "--fault-latency-ms", str(SERVICE_LATENCY_MS)) as url:
        refresh_rows(run, store, {"alisms:endpoint": url, "alisms:accessKeyId": DEV_ACCESS_KEY_ID,
                                  "alisms:accessKeySecret": DEV_ACCESS_KEY_SECRET}, subset)  # fmt: skip


def bench_families(run: Run) -> None:
    """(1b) Templates and contacts: what their list answers save, and what templates still read one by one."""
    templates, contacts = run.objects, run.objects // 10
    store, account = new_account(run.workdir, "families")
    seed(account, 0, templates, contacts)
    first = {
        "MessageTemplate": {item.template_code: {"template_code": item.template_code}
                            for item in account.templates.iter_all()},
        "AlertContact": {str(item.contact_id): {"contact_id": str(item.contact_id)}
                         for item in account.contacts.list()},
    }  # fmt: skip
    account.close()
    print(f"### Templates ({templates}) and contacts ({contacts}), embedded account\n")
    print("Templates: QuerySmsTemplateList lacks remark and intl_type, so only a template approved at the last "
          "refresh and still approved with the same name, type and content is read from the list; the others are "
          "read with GetSmsTemplate.\n")  # fmt: skip
    rows = []
    for kind, states in first.items():
        off = refreshes(run, store, embedded(store), states, cache=False, kind=kind)
        cases = [(f"{kind}, refresh again", off.outputs)]
        if kind == "MessageTemplate":
            cases.insert(0, (f"{kind}, nothing recorded (as after an import)", states))
        for label, recorded in cases:
            on = refreshes(run, store, embedded(store), recorded, cache=True, kind=kind)
            rows.append([label, sum(off.calls.values()), f"{off.wall:.2f} s", calls_text(on.calls), f"{on.wall:.2f} s"])
        if kind == "MessageTemplate":
            changed = list(off.outputs)[::10]
            for code in changed:
                admin.reject(store, code, "Unclear use")
            on = refreshes(run, store, embedded(store), off.outputs, cache=True, kind=kind)
            rows.append([f"{kind}, refresh after {len(changed)} were rejected", sum(off.calls.values()),
                         f"{off.wall:.2f} s", calls_text(on.calls), f"{on.wall:.2f} s"])  # fmt: skip
    table(["refresh", "cache off: API calls", "cache off: wall", "cache on: API calls", "cache on: wall"], rows)


def bench_refresh_all(run: Run) -> None:
    """(1) SenderIds, then templates and contacts."""
    bench_refresh(run)
    bench_families(run)


# --- (2) drift ----------------------------------------------------------------------------------------------------


def bench_drift(run: Run) -> None:
    """(2) ``alisms drift`` on an account of N objects (SenderIds, templates, contacts) exported to a file."""
    templates, contacts = run.objects * 3 // 20, max(1, run.objects // 100)
    senders = run.objects - templates - contacts
    store, account = new_account(run.workdir, "drift")
    seed(account, senders, templates, contacts)
    account.close()
    print(f"## (2) `alisms drift` on {run.objects} objects ({senders} SenderIds, {templates} templates, "
          f"{contacts} contacts)\n")  # fmt: skip
    spec = run.workdir / "drift" / "account.yaml"
    exported = subprocess.run([*ALISMS, "export", "--state-file", store.path, "--file", str(spec)],
                              capture_output=True, text=True)  # fmt: skip
    if exported.returncode != 0:
        print(f"`alisms export` is not available or failed (exit {exported.returncode}): "
              f"{(exported.stderr or exported.stdout).strip()[-400:]}\n")  # fmt: skip
        return
    walls, exits, counted = [], set(), {}
    for _ in range(run.repeat):
        admin.reset_stats(store)
        started = time.perf_counter()
        result = subprocess.run([*ALISMS, "drift", str(spec), "--state-file", store.path, "--output", "json"],
                                capture_output=True, text=True)  # fmt: skip
        walls.append(time.perf_counter() - started)
        exits.add(result.returncode)
        counted = admin.stats(store)
        if result.returncode not in (0, 2):
            print(f"`alisms drift` failed (exit {result.returncode}): {result.stderr.strip()[-400:]}\n")
            return
    run.measured("drift_seconds", median(walls))
    table(["alisms drift (fresh process, embedded account)", "exit", "API calls", "by action", "wall (median)"], [
        [f"{run.objects} objects", "/".join(map(str, sorted(exits))), sum(counted.values()),
         ", ".join(f"{k} {v}" for k, v in sorted(counted.items())), f"{median(walls):.2f} s"],
    ])  # fmt: skip


# --- (3) our client vs the official SDK ---------------------------------------------------------------------------


def bench_client(run: Run) -> None:
    """(3) Per-call time of QueryWarningThresholdNew: our client vs the official Tea SDK, same standalone emulator."""
    from alibabacloud_dysms20170620 import models as sdk_models
    from alibabacloud_dysms20170620.client import Client as SdkClient
    from alibabacloud_tea_openapi.models import Config

    store = Store(run.workdir / "client" / "account.db")
    print(f"## (3) Per call: our client vs the official SDK (QueryWarningThresholdNew, {run.calls} calls)\n")
    with standalone(store) as url:
        ours = remote(url)
        sdk = SdkClient(Config(access_key_id=DEV_ACCESS_KEY_ID, access_key_secret=DEV_ACCESS_KEY_SECRET,
                               endpoint=url.removeprefix("http://"), protocol="http"))  # fmt: skip
        request = sdk_models.QueryWarningThresholdNewRequest(biz_type="2")
        clients: dict[str, Callable[[], Any]] = {
            "pulumi-alisms (httpx)": lambda: ours.thresholds.get("international"),
            "official SDK (alibabacloud_dysms20170620)": lambda: sdk.query_warning_threshold_new(request),
        }
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in clients}
        for _ in range(run.repeat):
            for name, call in clients.items():  # interleaved, so drift on a noisy machine hits both alike
                call()
                cpu_started, started = time.process_time(), time.perf_counter()
                for _ in range(run.calls):
                    call()
                figures[name].append(((time.perf_counter() - started) / run.calls,
                                      (time.process_time() - cpu_started) / run.calls))  # fmt: skip
        ours.close()
    wall = {name: median([w for w, _ in values]) for name, values in figures.items()}
    cpu = {name: median([c for _, c in values]) for name, values in figures.items()}
    table(["client", "wall per call (median)", "client CPU per call"],
          [[name, ms(wall[name]), ms(cpu[name])] for name in clients])  # fmt: skip
    mine, theirs = clients
    print(
        f"Our client / official SDK, CPU per call: {cpu[mine] / cpu[theirs]:.2f}x (information only: the "
        "0.5x target is retired, next to a 50-200 ms round trip the difference is invisible).\n"
    )
    print(f"Ratios, ours / official SDK: wall {wall[mine] / wall[theirs]:.2f}x, client CPU "
          f"{cpu[mine] / cpu[theirs]:.2f}x. The server runs in another process, so client CPU is the client's own "
          "overhead: signing, encoding, HTTP, parsing.\n")  # fmt: skip


# --- (4) emulator throughput --------------------------------------------------------------------------------------


def _client_worker(url: str, start: Any, seconds: float, results: Any) -> None:
    """One client process: QueryWarningThresholdNew in a loop for ``seconds``; sends its latencies."""
    account = remote(url)
    account.thresholds.get("international")  # connect before the clock starts
    latencies = []
    start.wait()
    deadline = time.perf_counter() + seconds
    while (now := time.perf_counter()) < deadline:
        account.thresholds.get("international")
        latencies.append(time.perf_counter() - now)
    results.put(latencies)
    account.close()


def bench_emulator(run: Run) -> None:
    """(4) Standalone emulator (waitress, 8 threads, SQLite): calls per second and latency at 1, 4, 16 clients."""
    context = multiprocessing.get_context("spawn")
    store = Store(run.workdir / "emulator" / "account.db")
    print(f"## (4) Standalone emulator: QueryWarningThresholdNew for {run.seconds:.0f} s per level, "
          "one client process each\n")  # fmt: skip
    rows = []
    with standalone(store) as url:
        for clients in EMULATOR_CLIENTS:
            levels = []
            for _ in range(run.repeat):
                start, results = context.Barrier(clients + 1), context.Queue()
                workers = [context.Process(target=_client_worker, args=(url, start, run.seconds, results))
                           for _ in range(clients)]  # fmt: skip
                for worker in workers:
                    worker.start()
                start.wait()
                latencies = [value for _ in workers for value in results.get(timeout=60 + run.seconds)]
                for worker in workers:
                    worker.join(30)
                levels.append((len(latencies) / run.seconds, percentile(latencies, 0.5), percentile(latencies, 0.99)))
            rows.append([clients, f"{median([t for t, _, _ in levels]):.0f}", ms(median([p for _, p, _ in levels])),
                         ms(median([p for _, _, p in levels]))])  # fmt: skip
    table(["concurrent clients", "calls/s (median)", "p50 latency", "p99 latency"], rows)


# --- (5) start-up -------------------------------------------------------------------------------------------------


def bench_startup(run: Run) -> None:
    """(5) ``import pulumi_alisms`` in a fresh process, and the provider host's first call."""
    print("## (5) Start-up\n")
    repeats = max(5, run.repeat * 3)

    def fresh(code: str) -> float:
        return median([timed(lambda: subprocess.run([sys.executable, "-c", code], check=True))
                       for _ in range(repeats)])  # fmt: skip

    bare = fresh("pass")
    imported = fresh("import pulumi_alisms")
    resources = fresh("import pulumi_alisms.resources.sender_id")
    run.measured("import_seconds", imported)
    store, account = new_account(run.workdir, "startup")
    states = seed(account, 2)
    account.close()
    phases: dict[str, list[float]] = {}
    for _ in range(repeats):
        for phase, seconds in host_phases(run, store, states).items():
            phases.setdefault(phase, []).append(seconds)
    table(["fresh process (median)", "wall", "over a bare interpreter"], [
        ["python -c pass", ms(bare), "-"],
        ["import pulumi_alisms", ms(imported), ms(imported - bare)],
        ["import pulumi_alisms.resources.sender_id (loads the Pulumi SDK)", ms(resources), ms(resources - bare)],
    ])  # fmt: skip
    table(["provider host (python -m pulumi.dynamic), median", "wall"],
          [[phase, ms(median(values))] for phase, values in phases.items()])  # fmt: skip


def host_phases(run: Run, store: Store, states: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Seconds to start a provider host, Configure it, and Read two SenderIds one after the other."""
    phases = {}
    started = time.perf_counter()
    host = ProviderHost(str(run.workdir))
    phases["start (until the port is printed)"] = time.perf_counter() - started
    try:
        started = time.perf_counter()
        host.configure({"alisms:endpoint": "embedded", "alisms:stateFile": store.path})
        phases["Configure"] = time.perf_counter() - started
        driver = ResourceDriver(host, "SenderId", SenderIdProvider())
        for phase, (id_, state) in zip(("first Read", "second Read"), states.items(), strict=True):
            started = time.perf_counter()
            driver.read(id_, id_, state)
            phases[phase] = time.perf_counter() - started
    finally:
        host.close()
    return phases


# --- main ---------------------------------------------------------------------------------------------------------


def bench_scale_all(run: Run) -> None:
    """(6)-(9) The scale figures of bench/scale.py."""
    bench_scale(run.workdir, quick=run.quick, measured=run.measured, table=table)


def machine() -> str:
    """nproc, CPU model, Python and Pulumi versions."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")  # fmt: skip
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, pulumi {version('pulumi')}, "
            f"{platform.system()}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections and print their tables, then the targets."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 objects, 2 repetitions, shorter loops")
    parser.add_argument("--objects", type=int, help="objects for refresh and drift (default 1000; quick 200)")
    parser.add_argument("--repeat", type=int, help="repetitions per figure (default 3; quick 2)")
    parser.add_argument("--only", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    only = args.only.split(",") if args.only else list(SECTIONS)
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    with tempfile.TemporaryDirectory(prefix="alisms-bench-") as workdir:
        run = Run(
            objects=args.objects or (200 if args.quick else 1000), quick=args.quick,
            repeat=args.repeat or (2 if args.quick else 3),
            calls=100 if args.quick else 300, seconds=1.0 if args.quick else 3.0, workdir=Path(workdir),
        )  # fmt: skip
        run.targets = {
            "refresh_calls": Target(f"refresh of {run.objects} SenderIds: API calls", 30 * run.objects / 1000, "calls"),
            "drift_seconds": Target(f"alisms drift on {run.objects} objects", 3.0, "s"),
            "import_seconds": Target("import pulumi_alisms (fresh process)", 0.3, "s"),
            "construct_ratio": Target("program construction: per resource at 10,000 (quick 3,000) / at 300", 1.5, "x"),
            "plan_ratio": Target("alisms plan: time at 10x the objects (1,000 -> 10,000; quick: 3x, scaled)", 8, "x"),
            "drift_ratio": Target("alisms drift: time at 10x the objects (as plan)", 8, "x"),
            "validate_seconds": Target("alisms validate of 1,000 objects", 0.15, "s"),
            "distant_ratio": Target("drift of 5,000 (quick 1,000) at 50 ms / its list floor", 2.0, "x"),
            "state_bytes": Target("state file per object after a day of use", 1024, "B"),
        }
        print(f"# pulumi-alisms benchmarks\n\nMachine: {machine()}. Load average at start: "
              f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}. Objects: {run.objects}; repetitions: "
              f"{run.repeat}.\n")  # fmt: skip
        benches: dict[str, Callable[[Run], None]] = {"refresh": bench_refresh_all, "drift": bench_drift,
                                                     "client": bench_client, "emulator": bench_emulator,
                                                     "startup": bench_startup, "scale": bench_scale_all}  # fmt: skip
        for name in (name for name in SECTIONS if name in only):
            try:
                benches[name](run)
            except Exception:  # report the failure and go on with the other sections
                print(f"Section {name} failed:\n\n```\n{traceback.format_exc()}```\n", flush=True)
        print("## Targets\n")
        table(["target", "limit", "measured", "verdict"],
              [[t.name, f"{t.limit:g} {t.unit}", "-" if t.measured is None else f"{t.measured:.3g} {t.unit}",
                t.verdict] for t in run.targets.values()])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
