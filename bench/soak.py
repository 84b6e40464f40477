"""Soak: mixed operations under injected faults for N minutes, then an audit of the account against state.

    python bench/soak.py --minutes 2 [--workers 8] [--seed 1] [--throttle 0.3] [--error 0.05] [--drop 0.02]

An ``alisms emulator serve`` child process (the CLI) injects the faults. Workers drive a provider host
(``python -m pulumi.dynamic`` over gRPC, as the engine does) to create, update, refresh and delete SenderIDs,
templates and contacts, send messages from approved SenderIDs with the API client, and approve or reject
registrations and templates with ``alisms emulator approve|reject``. Every so often the provider host is
killed with calls in flight (a crash mid-apply) and a new one takes over; creates that failed are retried
later, as the next ``pulumi up`` would.

At the end every pending create is retried, every resource is refreshed and converged, and the account is
compared with the recorded state. The report lists what was lost, duplicated or left behind (all must be
zero), sends acknowledged but not found, and the errors by code. Exit status 0 when nothing was lost,
duplicated or left behind; 1 otherwise. Not run in CI.
"""

import argparse
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.client import RetryPolicy
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.testing import ProviderHost, ProviderHostError, ResourceDriver, driver_for, without

TYPES = ("SenderId", "MessageTemplate", "AlertContact")
# Countries that register SenderIDs without documents, and their calling codes (for sends).
CALLING_CODES = {"MY": "60", "KW": "965", "NG": "234", "KE": "254", "TZ": "255", "UG": "256", "BH": "973",
                 "MA": "212", "TN": "216", "NP": "977"}  # fmt: skip
ALISMS = (sys.executable, "-m", "pulumi_alisms.cli.main")  # the `alisms` command of this interpreter
CRASH_EVERY_SECONDS = 20.0
RETRY_PENDING_AFTER_SECONDS = 2.0
FINAL_ATTEMPTS = 5
AUDIT_RETRY = RetryPolicy(max_attempts=40, max_total_seconds=300)
_API_ERROR = re.compile(r"\w+ failed: ([\w.]+):")
_EXCEPTION = re.compile(r"^(?:[\w.]+\.)?(\w+(?:Error|Exception)):", re.MULTILINE)


def error_code(error: BaseException) -> str:
    """What failed, for the error table: Alibaba's code, else the exception the provider raised."""
    text = str(error)
    codes = _API_ERROR.findall(text)
    if codes:
        return str(codes[-1])
    raised = _EXCEPTION.findall(text)
    if raised:
        return str(raised[-1])
    return "provider host gone" if isinstance(error, ProviderHostError | ValueError) else type(error).__name__


@dataclass
class Managed:
    """A resource in the simulated stack state."""

    type_name: str
    name: str
    inputs: dict[str, Any]
    id: str
    state: dict[str, Any]
    doomed: bool = False  # a delete failed: the next `up` deletes it again


@dataclass
class Ledger:
    """Everything the soak did and saw; one lock guards it all."""

    managed: dict[str, Managed] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)
    pending: dict[str, tuple[str, dict[str, Any], float]] = field(default_factory=dict)  # name -> (type, inputs, t)
    deleted: set[tuple[str, str]] = field(default_factory=set)  # (type, id)
    lost: list[Managed] = field(default_factory=list)  # refresh found no object, though nothing deleted it
    sent: list[str] = field(default_factory=list)  # acknowledged message ids
    operations: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def claim(self, rng: random.Random, wanted: Callable[[Managed], bool]) -> Managed | None:
        """Take one idle resource that ``wanted`` accepts (the engine never runs two steps on one resource)."""
        with self.lock:
            candidates = [m for name, m in self.managed.items() if name not in self.busy and wanted(m)]
            if not candidates:
                return None
            chosen = rng.choice(candidates)
            self.busy.add(chosen.name)
            return chosen

    def release(self, name: str) -> None:
        with self.lock:
            self.busy.discard(name)


class Hosts:
    """The current provider host; :meth:`crash` kills it with calls in flight and starts the next one."""

    def __init__(self, cwd: Path, url: str) -> None:
        self._cwd = cwd
        self._url = url
        self._lock = threading.Lock()
        self.crashes = 0
        self._host, self._drivers = self._start()

    def _start(self) -> tuple[ProviderHost, dict[str, ResourceDriver]]:
        host = ProviderHost(str(self._cwd))
        host.configure({"alisms:endpoint": self._url, "alisms:accessKeyId": DEV_ACCESS_KEY_ID,
                        "alisms:accessKeySecret": DEV_ACCESS_KEY_SECRET})  # fmt: skip
        return host, {name: driver_for(host, name) for name in TYPES}

    def driver(self, type_name: str) -> ResourceDriver:
        with self._lock:
            return self._drivers[type_name]

    def crash(self) -> None:
        started = self._start()
        with self._lock:
            old, (self._host, self._drivers) = self._host, started
            self.crashes += 1
        old.kill()

    def close(self) -> None:
        with self._lock:
            self._host.close()


def new_inputs(type_name: str, number: int, rng: random.Random) -> dict[str, Any]:
    """Fresh inputs that no other resource of the soak uses."""
    if type_name == "SenderId":
        return {"country": rng.choice(list(CALLING_CODES)), "sender_id": f"SOAK{number:05d}",
                "company_name": "Soak Ltd", "use_case": "otp", "deletion_protection": False,
                "sample_templates": [f"Your Soak code is ${{code}} ({number})."]}  # fmt: skip
    if type_name == "MessageTemplate":
        return {"name": f"Soak {number}", "type": "international", "intl_type": rng.choice([0, 2]),
                "content": f"Soak {number}: your code is ${{code}}."}  # fmt: skip  # no mainland signature needed
    return {
        "name": f"Soak {number}",
        "phone": f"+8613{number:09d}",
        "email": f"soak{number}@example.com",
        "alerts": rng.sample(["send_volume", "fraud_prevention", "package_quota"], k=rng.randint(0, 2)),
    }


def updated_inputs(resource: Managed, rng: random.Random) -> dict[str, Any] | None:
    """A change that updates in place, or ``None`` when this resource has none now."""
    status = resource.state.get("status")
    if resource.type_name == "SenderId":
        return None if status == "Approved" else {**resource.inputs, "company_name": f"Soak {rng.randint(1, 999)} Ltd"}
    if resource.type_name == "MessageTemplate":
        if status != "Rejected":  # Alibaba amends only templates that failed review
            return None
        return {**resource.inputs, "content": f"{resource.inputs['name']} v{rng.randint(1, 999)}: code ${{code}}."}
    alerts = sorted(set(resource.inputs["alerts"]) ^ {"review_results"})
    return {**resource.inputs, "alerts": alerts}


class Soak:
    """The workers' operations, and the final audit."""

    def __init__(self, args: argparse.Namespace, workdir: Path, url: str) -> None:
        self.args = args
        self.state_file = workdir / "account.db"
        self.hosts = Hosts(workdir, url)
        self.ledger = Ledger()
        settings = AccountSettings(endpoint=url, access_key_id=DEV_ACCESS_KEY_ID,
                                   access_key_secret=DEV_ACCESS_KEY_SECRET)  # fmt: skip
        self.live: AccountClient = open_account(settings)
        self.audit: AccountClient = open_account(settings, retry=AUDIT_RETRY)

    # --- operations (each returns normally or raises; the worker counts the outcome) ---------------------------

    def create(self, rng: random.Random) -> bool:
        type_name = rng.choice(TYPES)
        number = self.ledger.next_number()
        self._create(type_name, f"{type_name}-{number}", new_inputs(type_name, number, rng))
        return True

    def retry_pending(self, rng: random.Random) -> bool:
        with self.ledger.lock:
            due = [n for n, (_, _, at) in self.ledger.pending.items()
                   if n not in self.ledger.busy and time.monotonic() - at > RETRY_PENDING_AFTER_SECONDS]  # fmt: skip
            if not due:
                return False
            name = rng.choice(due)
            type_name, inputs, _ = self.ledger.pending[name]
            self.ledger.busy.add(name)
        try:
            self._create(type_name, name, inputs)
        finally:
            self.ledger.release(name)
        return True

    def _create(self, type_name: str, name: str, inputs: dict[str, Any]) -> None:
        try:
            id_, outs = self.hosts.driver(type_name).up(name, inputs)
        except Exception:
            with self.ledger.lock:  # the next `up` creates it again
                self.ledger.pending[name] = (type_name, inputs, time.monotonic())
            raise
        with self.ledger.lock:
            self.ledger.pending.pop(name, None)
            self.ledger.managed[name] = Managed(type_name, name, inputs, id_, without(outs))

    def update(self, rng: random.Random) -> bool:
        resource = self.ledger.claim(rng, lambda m: not m.doomed and updated_inputs(m, rng) is not None)
        if resource is None:
            return False
        try:
            driver = self.hosts.driver(resource.type_name)
            _, outs, _ = driver.read(resource.name, resource.id, resource.state)  # `pulumi up --refresh`
            resource.state = without(outs) or resource.state
            news = updated_inputs(resource, rng)
            if news is None:
                return True
            checked, failures = driver.check(resource.name, news, olds=resource.state)
            if failures:
                raise ValueError(f"check failed: {failures}")
            diff = driver.diff(resource.name, resource.id, resource.state, without(checked))
            if diff.changes and not diff.replaces:  # the state may be stale: a replacement is not this step
                resource.inputs = news  # declared now, whether or not the update gets through
                resource.state = without(driver.update(resource.name, resource.id, resource.state, without(checked)))
        finally:
            self.ledger.release(resource.name)
        return True

    def refresh(self, rng: random.Random) -> bool:
        resource = self.ledger.claim(rng, lambda m: not m.doomed)
        if resource is None:
            return False
        try:
            new_id, outs, _ = self.hosts.driver(resource.type_name).read(resource.name, resource.id, resource.state)
            if new_id:
                resource.state = without(outs)
            else:
                self._lose(resource)
        finally:
            self.ledger.release(resource.name)
        return True

    def delete(self, rng: random.Random) -> bool:
        resource = self.ledger.claim(rng, lambda m: m.doomed or m.state.get("status") != "UnderReview")
        if resource is None:
            return False
        try:
            self._delete(resource)
        finally:
            self.ledger.release(resource.name)
        return True

    def _delete(self, resource: Managed) -> None:
        try:
            self.hosts.driver(resource.type_name).delete(resource.name, resource.id, resource.state)
        except Exception:
            resource.doomed = True
            raise
        with self.ledger.lock:
            del self.ledger.managed[resource.name]
            self.ledger.deleted.add((resource.type_name, resource.id))

    def send(self, rng: random.Random) -> bool:
        sender = self.ledger.claim(rng, lambda m: m.state.get("status") == "Approved")  # not deleted meanwhile
        if sender is None:
            return False
        try:
            to = CALLING_CODES[sender.inputs["country"]] + f"{rng.randint(10**8, 10**9 - 1)}"
            text = f"Soak: your code is {rng.randint(0, 999999):06d}"
            sent = self.live.sending.send(to, sender.inputs["sender_id"], text)
        finally:
            self.ledger.release(sender.name)
        with self.ledger.lock:
            self.ledger.sent.append(sent.message_id)
        return True

    def decide(self, rng: random.Random) -> bool:
        waiting = [m for m in list(self.ledger.managed.values())
                   if m.state.get("status") in ("Submitted", "UnderReview")]  # fmt: skip
        if not waiting:
            return False
        chosen = rng.choice(waiting)
        verdict = ["approve"] if rng.random() < 0.75 else ["reject", "--reason", "Soak: brand unclear"]
        command = ["emulator", *verdict, chosen.id, "--state-file", str(self.state_file)]
        done = subprocess.run([*ALISMS, *command], capture_output=True, text=True, timeout=60)
        if done.returncode != 0 and "no SenderID registration" not in done.stderr and "no template" not in done.stderr:
            raise RuntimeError(f"alisms emulator {verdict[0]} failed: CliError: {done.stderr.strip()}")
        return True

    def crash(self, rng: random.Random) -> bool:
        self.hosts.crash()
        return True

    # --- the run -----------------------------------------------------------------------------------------------

    def run(self) -> None:
        deadline = time.monotonic() + self.args.minutes * 60
        weights: dict[str, tuple[Callable[[random.Random], bool], int]] = {
            "create": (self.create, 30), "retry pending create": (self.retry_pending, 6), "update": (self.update, 12),
            "refresh": (self.refresh, 20), "delete": (self.delete, 8), "send": (self.send, 14),
            "approve/reject (CLI)": (self.decide, 10),
        }  # fmt: skip

        def work(worker: int) -> None:
            rng = random.Random(self.args.seed * 1000 + worker)
            while time.monotonic() < deadline:
                label = rng.choices(list(weights), [weight for _, weight in weights.values()])[0]
                self._count(label, weights[label][0], rng)

        threads = [threading.Thread(target=work, args=(worker,)) for worker in range(self.args.workers)]
        for thread in threads:
            thread.start()
        next_crash = time.monotonic() + CRASH_EVERY_SECONDS
        rng = random.Random(self.args.seed)
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.5)
            now = time.monotonic()
            if next_crash <= now < deadline - CRASH_EVERY_SECONDS / 4:
                self._count("crash the provider host", self.crash, rng)
                next_crash = now + CRASH_EVERY_SECONDS
        for thread in threads:
            thread.join()

    def _count(self, label: str, operation: Callable[[random.Random], bool], rng: random.Random) -> None:
        try:
            acted = operation(rng)
        except Exception as error:
            with self.ledger.lock:
                self.ledger.operations[f"{label}: failed"] += 1
                self.ledger.errors[error_code(error)] += 1
        else:
            with self.ledger.lock:
                self.ledger.operations[label] += acted

    def converge(self) -> Counter[str]:
        """What the next `up` and `refresh` do: retry failed creates and deletes, refresh every resource and
        update (or replace) it until the diff is empty, ``--workers`` at a time. Returns the problems found."""
        steps: list[tuple[str, Callable[[], None]]] = [
            *[("create never succeeded", partial(self._create, type_name, name, inputs))
              for name, (type_name, inputs, _) in self.ledger.pending.items()],
            *[("delete never succeeded", partial(self._delete, m)) for m in self.ledger.managed.values() if m.doomed],
        ]  # fmt: skip
        problems = self._run_until_done(steps)
        problems += self._run_until_done(
            [("never converged", partial(self._converge, m)) for m in self.ledger.managed.values()]
        )
        problems["lost (refresh found no object)"] += len(self.ledger.lost)
        return problems

    def _run_until_done(self, steps: list[tuple[str, Callable[[], None]]]) -> Counter[str]:
        with ThreadPoolExecutor(max_workers=self.args.workers) as pool:
            done = list(pool.map(lambda step: self._until_done(step[1]), steps))
        return Counter(problem for (problem, _), ok in zip(steps, done, strict=True) if not ok)

    def _lose(self, resource: Managed) -> None:
        with self.ledger.lock:
            del self.ledger.managed[resource.name]
            self.ledger.lost.append(resource)

    def _converge(self, resource: Managed) -> None:
        driver = self.hosts.driver(resource.type_name)
        new_id, outs, _ = driver.read(resource.name, resource.id, resource.state)
        if not new_id:
            self._lose(resource)
            return
        resource.state = without(outs)
        checked, _ = driver.check(resource.name, resource.inputs, olds=resource.state)
        diff = driver.diff(resource.name, resource.id, resource.state, without(checked))
        if diff.replaces:
            driver.delete(resource.name, resource.id, resource.state)
            with self.ledger.lock:
                self.ledger.deleted.add((resource.type_name, resource.id))
            resource.id, outs = driver.create(resource.name, without(checked))
            resource.state = without(outs)
        elif diff.changes:
            resource.state = without(driver.update(resource.name, resource.id, resource.state, without(checked)))
        if driver.diff(resource.name, resource.id, resource.state, without(checked)).changes:
            raise RuntimeError(f"{resource.name} still differs from its inputs after an update")

    def _until_done(self, step: Callable[[], None]) -> bool:
        for _ in range(FINAL_ATTEMPTS):
            try:
                step()
            except Exception as error:
                with self.ledger.lock:
                    self.ledger.errors[f"final: {error_code(error)}"] += 1
                time.sleep(1)
            else:
                return True
        return False

    def account_audit(self) -> Counter[str]:
        """Compare the account with the state: duplicates, objects left behind, sends not found."""
        problems: Counter[str] = Counter()
        api = self.audit
        objects: dict[str, dict[str, tuple[str, ...]]] = {
            "SenderId": {r.registration_id: (r.country, r.sender_id) for r in api.sender_ids.list_all()},
            "MessageTemplate": {t.template_code: (t.name, t.type, t.content) for t in api.templates.list_all()},
            "AlertContact": {str(c.contact_id): (c.name, c.phone, c.email) for c in api.contacts.list()},
        }
        known = {(m.type_name, m.id) for m in self.ledger.managed.values()}
        for type_name, found in objects.items():
            problems[f"duplicated {type_name}"] += sum(n - 1 for n in Counter(found.values()).values() if n > 1)
            problems[f"left behind {type_name}"] += sum(1 for id_ in found if (type_name, id_) not in known)
            problems[f"lost {type_name}"] += sum(
                1 for m in self.ledger.managed.values() if m.type_name == type_name and m.id not in found
            )
        for message_id in self.ledger.sent:
            try:
                api.sending.query(message_id)
            except AliSmsApiError as error:
                problems[f"acknowledged send not found ({error.code})"] += 1
        return problems

    def close(self) -> None:
        self.hosts.close()
        self.live.close()
        self.audit.close()


def serve(args: argparse.Namespace, workdir: Path) -> tuple[subprocess.Popen[str], str]:
    """``alisms emulator serve`` with the faults, realistic review (only the soak's CLI decisions decide)."""
    server = subprocess.Popen(
        [*ALISMS, "emulator", "serve", "--port", "0",
         "--state-file", str(workdir / "account.db"), "--review-speed", "realistic", "--threads", "16",
         "--fault-throttle", str(args.throttle), "--fault-error", str(args.error),
         "--fault-drop-after-commit", str(args.drop), "--fault-latency-ms", str(args.latency_ms),
         "--fault-seed", str(args.seed)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    return server, server.stdout.readline().split(" on ")[1].strip()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=2.0, help="how long to run the mixed operations")
    parser.add_argument("--workers", type=int, default=8, help="concurrent workers (default 8)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the faults and of the workers' choices")
    parser.add_argument("--throttle", type=float, default=0.3, help="Throttling.User rate (default 0.3)")
    parser.add_argument("--error", type=float, default=0.05, help="503 rate (default 0.05)")
    parser.add_argument("--drop", type=float, default=0.02, help="drop-after-commit rate (default 0.02)")
    parser.add_argument("--latency-ms", type=int, default=5, help="latency added to every request (default 5)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="alisms-soak-") as tmp:
        workdir = Path(tmp)
        server, url = serve(args, workdir)
        soak = Soak(args, workdir, url)
        started = time.monotonic()
        try:
            print(f"soak: {args.minutes} min, {args.workers} workers, faults throttle {args.throttle} error "
                  f"{args.error} drop-after-commit {args.drop} latency {args.latency_ms} ms, seed {args.seed}",
                  flush=True)  # fmt: skip
            soak.run()
            phases = {"mixed operations": time.monotonic() - started}
            problems = soak.converge()
            phases["converge (next up + refresh)"] = time.monotonic() - started - sum(phases.values())
            problems += soak.account_audit()
            phases["audit"] = time.monotonic() - started - sum(phases.values())
            stats = subprocess.run([*ALISMS, "emulator", "stats", "--state-file", str(workdir / "account.db")],
                                   capture_output=True, text=True, check=True).stdout  # fmt: skip
            with sqlite3.connect(workdir / "account.db") as db:  # the carrier's side: every message it accepted
                delivered = int(db.execute("SELECT count(*) FROM messages").fetchone()[0])
        finally:
            soak.close()
            server.terminate()
            server.communicate(timeout=30)
    ledger = soak.ledger
    report = {
        "seconds": {phase: round(seconds) for phase, seconds in phases.items()},
        "provider host crashes": soak.hosts.crashes,
        "operations": dict(sorted(ledger.operations.items())),
        "resources at the end": dict(Counter(m.type_name for m in ledger.managed.values())),
        "deleted": len(ledger.deleted),
        "acknowledged sends": len(ledger.sent),
        "sends accepted whose answer was lost (never retried: sending is not idempotent)": delivered - len(ledger.sent),
        "errors by code": dict(ledger.errors.most_common()),
        "problems (lost, duplicated, left behind: must be none)": {k: v for k, v in sorted(problems.items()) if v},
        "API calls by action (alisms emulator stats)": json.loads(stats),
    }
    print(json.dumps(report, indent=2))
    return 1 if report["problems (lost, duplicated, left behind: must be none)"] else 0


if __name__ == "__main__":
    sys.exit(main())
