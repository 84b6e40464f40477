"""Reliability through the real provider protocol: injected faults, a crash between submit and answer,
throttling that never clears, and hostile inputs to ``check``.

Every scenario runs a standalone emulator on a free 127.0.0.1 port and ``python -m pulumi.dynamic``
hosts configured with its URL, exactly as the engine would run them.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import RETRY_MAX_ATTEMPTS_ENV, RETRY_MAX_SECONDS_ENV, AccountSettings, RetryPolicy
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.faults import FaultConfig
from pulumi_alisms.emulator.routes import ACTIONS
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError, ThrottledError
from pulumi_alisms.resources.alert_contact import AlertContactInputs, AlertContactProvider
from pulumi_alisms.resources.fraud_protection import FraudProtectionInputs, FraudProtectionProvider
from pulumi_alisms.resources.message_template import MessageTemplateInputs, MessageTemplateProvider
from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimitInputs, SendFrequencyLimitProvider
from pulumi_alisms.resources.sender_id import SenderIdInputs, SenderIdProvider
from pulumi_alisms.resources.suspension_threshold import SuspensionThresholdInputs, SuspensionThresholdProvider
from pulumi_alisms.testing import ProviderHost, ProviderHostError, ResourceDriver, driver_for, without
from support import FAST_RETRY, planned, sender_inputs, serve_cli_emulator, start_host

TYPES = ("SenderId", "MessageTemplate", "AlertContact")


def template_inputs(index: int) -> dict[str, Any]:
    """An international template (no mainland signature needed); its kind rotates through OTP and notification."""
    return {"name": f"Template {index}", "content": f"Your code {index} is ${{code}}.", "type": "international",
            "intl_type": (2, 0)[index % 2]}  # fmt: skip


def contact_inputs(index: int) -> dict[str, Any]:
    """An alert contact with its own phone and email."""
    return {"name": f"On-call {index}", "phone": f"+86138{index:08d}", "email": f"oncall{index}@example.com",
            "alerts": ["send_volume"]}  # fmt: skip


INPUTS: dict[str, Callable[[int], dict[str, Any]]] = {
    "SenderId": sender_inputs,
    "MessageTemplate": template_inputs,
    "AlertContact": contact_inputs,
}


def live_account(url: str) -> AccountClient:
    """Our API client on the same account, without faults in the way of its own retries."""
    return open_account(AccountSettings(endpoint=url, access_key_id=DEV_ACCESS_KEY_ID,
                                        access_key_secret=DEV_ACCESS_KEY_SECRET), retry=FAST_RETRY)  # fmt: skip


def account_objects(live: AccountClient) -> dict[str, list[str]]:
    """The ids of every SenderID registration, template and contact in the account."""
    return {
        "SenderId": [r.registration_id for r in live.sender_ids.list_all()],
        "MessageTemplate": [t.template_code for t in live.templates.list_all()],
        "AlertContact": [str(c.contact_id) for c in live.contacts.list()],
    }


def identities(live: AccountClient) -> dict[str, Counter[tuple[Any, ...]]]:
    """How many objects the account holds of each declared identity."""
    return {
        "SenderId": Counter((r.country, r.sender_id) for r in live.sender_ids.list_all()),
        "MessageTemplate": Counter((t.name, t.type, t.content) for t in live.templates.list_all()),
        "AlertContact": Counter((c.name, c.phone, c.email) for c in live.contacts.list()),
    }


def identity(type_name: str, inputs: dict[str, Any]) -> tuple[Any, ...]:
    """The identity of declared inputs, as :func:`identities` counts it."""
    fields = {"SenderId": ("country", "sender_id"), "MessageTemplate": ("name", "type", "content"),
              "AlertContact": ("name", "phone", "email")}[type_name]  # fmt: skip
    return tuple(inputs[field] for field in fields)


def assert_converged(driver: ResourceDriver, name: str, id_: str, state: dict[str, Any],
                     inputs: dict[str, Any]) -> None:  # fmt: skip
    """A refresh keeps the object and its outputs, and the next diff has nothing to do."""
    new_id, outs, _ = driver.read(name, id_, state)
    assert new_id == id_
    refreshed = without(outs)
    assert refreshed == state
    _, diff = planned(driver, name, id_, refreshed, inputs)
    assert (diff.changes, diff.replaces) == (False, [])


# --- faults ------------------------------------------------------------------------------------------------------

FAULTS = FaultConfig(throttle_rate=0.3, error_rate=0.05, latency_ms=2, drop_after_commit_rate=0.02, seed=20240611)
CREATES = 200
# The defaults fail a call when 10 attempts in a row are refused: about 1 call in 55,000 at these rates
# (docs/reliability.md). The test allows 20 so that it never flakes.
GENEROUS_BUDGET = {RETRY_MAX_ATTEMPTS_ENV: "20"}


def plan(count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """``count`` resources: (type, name, inputs), the three types interleaved."""
    kinds = list(INPUTS)
    return [(kinds[i % 3], f"r{i}", INPUTS[kinds[i % 3]](i)) for i in range(count)]


def test_200_creates_under_faults_each_land_exactly_once(tmp_path: Path, store: Store) -> None:
    app = EmulatorApp(store, faults=FAULTS)
    server = EmulatorServer(app).start()
    host = start_host(tmp_path, server.url, GENEROUS_BUDGET)
    try:
        drivers = {name: driver_for(host, name) for name in TYPES}
        resources = plan(CREATES)
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda item: drivers[item[0]].up(item[1], item[2]), resources))
        live = live_account(server.url)
        counts = identities(live)
        assert [(kind, inputs) for kind, _, inputs in resources if counts[kind][identity(kind, inputs)] != 1] == []
        objects = account_objects(live)
        for type_name in TYPES:
            declared = [id_ for (kind, _, _), (id_, _) in zip(resources, results, strict=True) if kind == type_name]
            assert sorted(declared) == sorted(objects[type_name]), type_name
        for (type_name, name, inputs), (id_, outs) in zip(resources, results, strict=True):
            assert_converged(drivers[type_name], name, id_, without(outs), inputs)
        live.close()
    finally:
        host.close()
        server.close()


# --- crash mid-apply ---------------------------------------------------------------------------------------------

CREATE_ACTIONS = {"SenderId": "SubmitSenderIdRegistration", "MessageTemplate": "CreateSmsTemplate",
                  "AlertContact": "SaveContactsNew"}  # fmt: skip


class HoldFirstAnswer:
    """WSGI middleware: the first request for ``action`` runs and commits, then its answer waits for ``release``."""

    def __init__(self, app: EmulatorApp, action: str) -> None:
        self.app = app
        self.action = action
        self.committed = threading.Event()
        self.release = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        answer = self.app(environ, start_response)
        if environ.get("HTTP_X_ACS_ACTION") == self.action and not self.committed.is_set():
            self.committed.set()
            self.release.wait(timeout=60)
        return answer


@pytest.mark.parametrize("type_name", TYPES)
def test_host_killed_between_submit_and_answer_then_create_again_adopts(tmp_path: Path, store: Store,
                                                                         type_name: str) -> None:  # fmt: skip
    app = HoldFirstAnswer(EmulatorApp(store), CREATE_ACTIONS[type_name])
    server = EmulatorServer(app).start()  # type: ignore[arg-type]  # any WSGI app serves
    inputs = INPUTS[type_name](1)
    crashed = start_host(tmp_path, server.url)
    errors: list[Exception] = []

    def doomed_create() -> None:
        try:
            driver_for(crashed, type_name).up("crashy", inputs)
        except Exception as error:
            errors.append(error)

    worker = threading.Thread(target=doomed_create)
    worker.start()
    try:
        assert app.committed.wait(timeout=60), "the create never reached the account"
        crashed.kill()
        app.release.set()
        worker.join(timeout=60)
        assert errors, "the create answered although its host was killed"
        live = live_account(server.url)
        assert identities(live)[type_name][identity(type_name, inputs)] == 1  # the write landed; nobody knows its id

        host = start_host(tmp_path, server.url)
        try:
            driver = driver_for(host, type_name)
            id_, outs = driver.up("crashy", inputs)  # the engine creates again: the pending create left no state
            assert account_objects(live)[type_name] == [id_]
            assert_converged(driver, "crashy", id_, without(outs), inputs)
        finally:
            host.close()
        live.close()
    finally:
        app.release.set()
        server.close()


def test_create_adopts_a_console_object_only_when_it_is_the_declared_one(tmp_path: Path, store: Store) -> None:
    server = EmulatorServer(EmulatorApp(store)).start()
    live = live_account(server.url)
    contact, template = contact_inputs(5), template_inputs(5)
    console_contact = live.contacts.save(name=contact["name"], phone=contact["phone"], email=contact["email"],
                                         alerts=[])  # fmt: skip
    console_template = live.templates.create(name=template["name"], type=template["type"], content=template["content"],
                                             intl_type=template["intl_type"], remark="made in the console")  # fmt: skip
    host = start_host(tmp_path, server.url)
    try:
        contact_id, contact_state = driver_for(host, "AlertContact").up("c", contact)
        assert (contact_id, without(contact_state)["alerts"]) == (str(console_contact), ["send_volume"])
        template_id, _ = driver_for(host, "MessageTemplate").up("t", template)
        assert template_id != console_template  # another remark: not the declared template
        assert account_objects(live)["AlertContact"] == [contact_id]
    finally:
        host.close()
        live.close()
        server.close()


# --- throttling that never clears --------------------------------------------------------------------------------

SHORT_BUDGET = {RETRY_MAX_SECONDS_ENV: "1.5"}
THROTTLED = re.compile(r"(\w+) failed: Throttling\.User: Request was denied due to user flow control")


@pytest.fixture
def throttled_emulator(tmp_path: Path) -> Iterator[str]:
    """``alisms emulator serve`` refusing every request with Throttling.User; yields its URL."""
    server, url = serve_cli_emulator(tmp_path / "throttled.db", "--fault-throttle", "1.0", "--fault-seed", "1")
    yield url
    server.terminate()
    server.communicate(timeout=30)


def test_permanent_throttling_fails_each_create_naming_action_and_code(tmp_path: Path, throttled_emulator: str) -> None:
    host = start_host(tmp_path, throttled_emulator, SHORT_BUDGET)
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            calls = {name: pool.submit(driver_for(host, name).up, "throttled", INPUTS[name](0))
                     for name in TYPES}  # fmt: skip
            for name, call in calls.items():
                with pytest.raises(ProviderHostError) as failure:
                    call.result(timeout=120)  # a hang fails here
                found = THROTTLED.search(str(failure.value))
                assert found is not None, (name, str(failure.value)[-400:])
                assert found.group(1) in ACTIONS, found.group(1)
    finally:
        host.close()


def test_permanent_throttling_fails_the_cli_with_a_clear_error(throttled_emulator: str) -> None:
    env = {**os.environ, **SHORT_BUDGET, "ALIBABA_CLOUD_ACCESS_KEY_ID": DEV_ACCESS_KEY_ID,
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEV_ACCESS_KEY_SECRET}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "pulumi_alisms.cli.main", "export", "--endpoint", throttled_emulator],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1
    *retries, error = done.stderr.splitlines()  # what it waited for, then the one error line
    assert error.startswith("alisms: error: ") and "Traceback" not in done.stderr, done.stderr
    assert THROTTLED.search(error), done.stderr
    assert retries and all(re.fullmatch(r"retrying \w+ \(\d+/\d+\) after Throttling\.\w+", line) for line in retries)


def test_default_budget_gives_up_after_its_attempts_within_its_total_time() -> None:
    store = Store(":memory:")
    pauses: list[float] = []
    client = RpcClient("http://embedded.alisms", Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET),
                       transport=httpx.WSGITransport(app=EmulatorApp(store, faults=FaultConfig(throttle_rate=1.0))),
                       retry=AccountSettings.resolve({}, env={}).retry, sleep=pauses.append)  # fmt: skip
    with pytest.raises(AliSmsApiError) as failure:
        client.call("2017-06-20", "QueryContactsListNew", {}, idempotent=True)
    assert (failure.value.action, failure.value.code) == ("QueryContactsListNew", "Throttling.User")
    policy = RetryPolicy()
    assert len(pauses) == policy.max_attempts - 1
    assert sum(pauses) <= policy.max_total_seconds


# --- one retry loop ----------------------------------------------------------------------------------------------

DEV_KEY = Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET)
THROTTLING = {"RequestId": "r", "Code": "Throttling.User", "Message": "Request was denied due to user flow control."}
WRITES: dict[str, Callable[[AccountClient], object]] = {
    "SaveContactsNew": lambda account: account.contacts.save("On-call", "+8613800000000", "oncall@example.com", []),
    "CreateSmsTemplate": lambda account: account.templates.create("Shipped", "international", "Order ${id} shipped."),
    "UpdateSmsTemplate": lambda account: account.templates.update("SMS_1", "Shipped", "international", "Sent ${id}."),
}


def refuse(seconds: float) -> None:
    raise AssertionError(f"time.sleep({seconds}) bypassed the client's injected sleep")


@pytest.mark.parametrize("action", list(WRITES))
def test_a_throttled_write_makes_exactly_max_attempts_calls(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    calls: Counter[str] = Counter()

    def throttle_writes(request: httpx.Request) -> httpx.Response:
        called = request.headers["x-acs-action"]
        calls[called] += 1
        if called == "QueryContactsListNew":
            return httpx.Response(200, json={"RequestId": "r", "List": []})
        return httpx.Response(400, json=THROTTLING)

    monkeypatch.setattr(time, "sleep", refuse)
    pauses: list[float] = []
    rpc = RpcClient("http://throttled.alisms", DEV_KEY, transport=httpx.MockTransport(throttle_writes),
                    retry=RetryPolicy(max_attempts=5), sleep=pauses.append)  # fmt: skip
    with pytest.raises(ThrottledError) as failure:
        WRITES[action](AccountClient(rpc))
    assert (failure.value.action, failure.value.code) == (action, "Throttling.User")
    assert calls[action] == 5 and len(pauses) == 4
    assert calls.total() - calls[action] <= 1  # a contact create lists the contacts once before it saves


class LoseFirstAnswer:
    """WSGI middleware: the first request for ``action`` runs and commits, then its answer is lost (a 503)."""

    def __init__(self, app: EmulatorApp, action: str) -> None:
        self.app = app
        self.action = action
        self.lost = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if self.lost or environ.get("HTTP_X_ACS_ACTION") != self.action:
            return self.app(environ, start_response)
        self.lost = True
        b"".join(self.app(environ, lambda *_: None))
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [json.dumps({"RequestId": "r", "Code": "ServiceUnavailable", "Message": "answer lost"}).encode()]


CREATED: dict[str, Callable[[AccountClient], list[str]]] = {
    "SaveContactsNew": lambda account: [str(contact.contact_id) for contact in account.contacts.list()],
    "CreateSmsTemplate": lambda account: [template.template_code for template in account.templates.list_all()],
}


@pytest.mark.parametrize("action", list(CREATED))
def test_a_create_whose_answer_was_lost_is_found_not_repeated(store: Store, action: str) -> None:
    app = LoseFirstAnswer(EmulatorApp(store), action)
    account = AccountClient(RpcClient("http://embedded.alisms", DEV_KEY, transport=httpx.WSGITransport(app=app),
                                      retry=FAST_RETRY))  # fmt: skip
    created = WRITES[action](account)
    assert app.lost
    assert admin.stats(store)[action] == 1  # the look-up found the write: it was not sent again
    assert CREATED[action](account) == [str(created)]
    account.close()


# --- hostile inputs to check -------------------------------------------------------------------------------------

VALID: dict[str, tuple[Callable[[], Any], type[BaseModel], dict[str, Any]]] = {
    "SenderId": (SenderIdProvider, SenderIdInputs, sender_inputs(0)),
    "MessageTemplate": (MessageTemplateProvider, MessageTemplateInputs, template_inputs(2)),
    "AlertContact": (AlertContactProvider, AlertContactInputs, contact_inputs(0)),
    "SuspensionThreshold": (SuspensionThresholdProvider, SuspensionThresholdInputs,
                            {"biz_type": "international", "daily_warning": 10, "daily_suspend": 20}),
    "SendFrequencyLimit": (SendFrequencyLimitProvider, SendFrequencyLimitInputs, {"per_minute": 1, "per_hour": 5}),
    "FraudProtection": (FraudProtectionProvider, FraudProtectionInputs,
                        {"hourly_limit": 100, "increase_rate": 50, "success_rate": 30}),
}  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(["", " ", "MY", "RU", "SG", "otp", "international", "approved", "+8613800000000", "a@b.co",
                     "${code}", "${", "bit.ly/x", "x" * 600, "a" * 5000, "阿里云", "\x00", "send_volume"]),
)  # fmt: skip
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["type", "path", "x"]), inner, max_size=3)),
    max_leaves=8)  # fmt: skip
documents = st.lists(st.fixed_dictionaries({"type": st.sampled_from(["business_license", ""]),
                                            "path": st.sampled_from(["a" * 5000, "\x00", "", "nope.pdf", "."])}),
                     min_size=1, max_size=2)  # fmt: skip


@pytest.mark.parametrize("type_name", list(VALID))
def test_check_of_arbitrary_inputs_answers_with_named_failures(host: ProviderHost, type_name: str) -> None:
    provider, model, valid = VALID[type_name]
    driver = ResourceDriver(host, type_name, provider())
    keys = st.sampled_from([*model.model_fields, "bogus", "sender-id", "Name"])
    changes = st.dictionaries(keys, st.one_of(values, documents), max_size=4)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(start=st.sampled_from([valid, {}]), changed=changes, dropped=st.sets(keys, max_size=2))
    def check(start: dict[str, Any], changed: dict[str, Any], dropped: set[str]) -> None:
        news = {key: value for key, value in {**start, **changed}.items() if key not in dropped}
        _, failures = driver.check("fuzzed", news)
        for prop, reason in failures:
            assert prop and prop in {*news, *model.model_fields}, (prop, reason)
            assert reason.startswith(prop), (prop, reason)

    check()
    assert driver.check("valid", valid)[1] == []  # the host is alive and still answers
