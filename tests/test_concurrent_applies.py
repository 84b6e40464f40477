"""Two applies of one program at once against one account (two stacks, CI and a laptop): two provider hosts on
one standalone emulator whose every call takes a while (``FaultConfig.latency_ms``), so that the runs overlap,
each create started from its own thread at the same moment (a barrier)."""

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.app import EmulatorApp
from pulumi_alisms.emulator.faults import FaultConfig
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.testing import ProviderHost, driver_for
from support import start_host

LATENCY_MS = 300  # longer than a host's own work between two calls: the runs' look-ups overlap
TEMPLATE = {
    "name": "Order shipped",
    "type": "international",
    "intl_type": 0,
    "content": "Your order ${order} has shipped.",
}
SENDER = {"country": "ID", "sender_id": "ACMETWIN", "company_name": "Acme Pay Ltd", "website": "https://acme.example",
          "use_case": "otp", "sample_templates": ["Your Acme code is ${code}."],
          "documents": [{"type": "business_license", "path": "license.pdf"}]}  # fmt: skip
THRESHOLD = {"biz_type": "international", "daily_warning": 800, "daily_suspend": 1000}
ORIGINAL = WarningThreshold(biz_type="international", daily_warning=10, daily_suspend=20)


@pytest.fixture
def slow_emulator(store: Store) -> Iterator[EmulatorServer]:
    """A standalone emulator on ``store`` that answers every call after ``LATENCY_MS``."""
    server = EmulatorServer(EmulatorApp(store, faults=FaultConfig(latency_ms=LATENCY_MS))).start()
    yield server
    server.close()


@pytest.fixture
def hosts(slow_emulator: EmulatorServer, tmp_path: Path) -> Iterator[list[ProviderHost]]:
    """Two provider hosts (two engine runs) of one project on the slow emulator."""
    (tmp_path / "license.pdf").write_bytes(b"%PDF-1.4 license")
    started = [start_host(tmp_path, slow_emulator.url) for _ in range(2)]
    yield started
    for host in started:
        if host.process.returncode is None:  # not closed by the test
            host.close()


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all released at once; their results in order (the first error raised)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def test_two_runs_register_a_sender_id_once(hosts: list[ProviderHost], account: AccountClient) -> None:
    (first_id, first), (second_id, second) = together(
        *(lambda host=host: driver_for(host, "SenderId").up("acme", SENDER) for host in hosts)
    )
    assert first_id == second_id
    [registration] = [r for r in account.sender_ids.list_all() if r.sender_id == SENDER["sender_id"]]
    assert registration.registration_id == first_id  # neither run withdrew it
    assert [document.type for document in registration.documents] == ["business_license"]
    assert first["uploaded_documents"] == second["uploaded_documents"] == ["business_license"]


def template_codes(account: AccountClient) -> list[str]:
    return [t.template_code for t in account.templates.list_all() if t.name == TEMPLATE["name"]]


def test_two_runs_keep_one_template(hosts: list[ProviderHost], account: AccountClient) -> None:
    (first_id, first), (second_id, second) = together(
        *(lambda host=host: driver_for(host, "MessageTemplate").up("shipped", TEMPLATE) for host in hosts)
    )
    assert first_id == second_id == first["template_code"] == second["template_code"]
    assert template_codes(account) == [first_id]
    lines = [host.close() for host in hosts]
    adopted = [line for line in lines if f"another run created {first_id} first" in line]
    assert len(adopted) == 1 and "deleted SMS_" in adopted[0], lines


def test_a_duplicate_under_review_is_named_and_both_runs_keep_the_oldest(
    hosts: list[ProviderHost], account: AccountClient, store: Store
) -> None:
    admin.set_review_speed(store, "realistic")  # Alibaba Cloud does not delete a template under review
    (first_id, _), (second_id, _) = together(
        *(lambda host=host: driver_for(host, "MessageTemplate").up("shipped", TEMPLATE) for host in hosts)
    )
    assert first_id == second_id
    [duplicate] = [code for code in template_codes(account) if code != first_id]
    lines = "".join(host.close() for host in hosts)
    assert f"{duplicate}, the duplicate this run created, is under review" in lines


@pytest.mark.parametrize("second_starts", ["together", "after_the_first_write"])
def test_two_runs_never_record_each_others_threshold_as_replaced(
    hosts: list[ProviderHost], account: AccountClient, second_starts: str
) -> None:
    account.thresholds.set(ORIGINAL)
    declared = WarningThreshold.model_validate(THRESHOLD)

    def second() -> tuple[str, dict[str, Any]]:
        while second_starts != "together" and account.thresholds.get("international") != declared:
            time.sleep(0.05)
        return driver_for(hosts[1], "SuspensionThreshold").up("limits", THRESHOLD)

    (_, first_state), (_, second_state) = together(
        lambda: driver_for(hosts[0], "SuspensionThreshold").up("limits", THRESHOLD), second
    )
    original = ORIGINAL.model_dump(exclude={"biz_type"}, exclude_none=True)
    assert first_state["replaced_values"] == original
    if second_starts == "together":  # both read the account before either wrote
        assert second_state["replaced_values"] == original
    else:  # the account held the first run's values: the second cannot know the originals and does not invent them
        assert second_state["replaced_values"] == "unknown"
        driver_for(hosts[1], "SuspensionThreshold").delete("limits", "international", second_state)
        assert account.thresholds.get("international") == declared  # left as it is
    driver_for(hosts[0], "SuspensionThreshold").delete("limits", "international", first_state)
    assert account.thresholds.get("international") == ORIGINAL
