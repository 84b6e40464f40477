"""The per-process list cache shared by reads (``api.cache``): a refresh lists instead of getting each object,
writes through the process invalidate, nothing stale survives into another engine run, parallel reads share one
listing, and ``ALISMS_LIST_CACHE_SECONDS=0`` turns it off. Counts come from the emulator's call counters."""

import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.cache import ListCache
from pulumi_alisms.api.config import LIST_CACHE_SECONDS_ENV, AccountSettings
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.resources.alert_contact import AlertContactProvider
from pulumi_alisms.resources.message_template import MessageTemplateProvider
from pulumi_alisms.resources.sender_id import SenderIdProvider
from pulumi_alisms.testing import ProviderHost, ResourceDriver, without
from support import sender_inputs, start_host

SENDERS = 100
TEMPLATES = 60  # two pages of QuerySmsTemplateList
CONTACTS = 5


@pytest.fixture(scope="module")
def store(module_store: Store) -> Store:
    """The module's account: every test here reads the same seeded objects."""
    return module_store


@pytest.fixture(scope="module")
def senders(live: AccountClient) -> dict[str, dict[str, Any]]:
    """SENDERS approved registrations: id -> the state a refresh starts from."""
    for index in range(SENDERS):
        live.sender_ids.submit(**sender_inputs(index))
    return {item.registration_id: sender_inputs(int(item.sender_id[4:])) for item in live.sender_ids.list_all()}


@pytest.fixture
def host(workdir: Path, store: Store) -> Iterator[ProviderHost]:
    """A fresh provider host (one engine run) with the default cache, rather than the module's one."""
    started = start_host(workdir, store)
    yield started
    started.close()


def refresh_all(driver: ResourceDriver, states: Mapping[str, Mapping[str, Any]], parallel: int = 8
                ) -> dict[str, dict[str, Any] | None]:  # fmt: skip
    """Read every object as the engine's refresh does, ``parallel`` at a time: id -> outputs (``None``: gone)."""

    def read(item: tuple[str, Mapping[str, Any]]) -> tuple[str, dict[str, Any] | None]:
        id_, state = item
        found, outs, _ = driver.read(id_, id_, state)
        return id_, without(outs) if found else None

    with ThreadPoolExecutor(parallel) as pool:
        return dict(pool.map(read, states.items()))


def calls(store: Store, *actions: str) -> dict[str, int]:
    counted = admin.stats(store)
    return {action: counted.get(action, 0) for action in actions}


SENDER_CALLS = ("ListSenderIdRegistrations", "GetSenderIdRegistration")


def test_refresh_of_100_sender_ids_is_one_list_call_and_matches_direct_gets(
    workdir: Path, store: Store, senders: dict[str, dict[str, Any]]
) -> None:
    outputs = {}
    for env, expected in (({}, (1, 0)), ({LIST_CACHE_SECONDS_ENV: "0"}, (0, SENDERS))):
        host = start_host(workdir, store, env)
        try:
            admin.reset_stats(store)
            outputs[bool(env)] = refresh_all(ResourceDriver(host, "SenderId", SenderIdProvider()), senders)
            assert tuple(calls(store, *SENDER_CALLS).values()) == expected, env
        finally:
            host.close()
    assert outputs[False] == outputs[True]  # cached and direct reads give the same state
    assert sorted(outputs[False]) == sorted(senders)
    assert {state["status"] for state in outputs[False].values()} == {"Approved"}


def test_templates_refresh_lists_and_gets_only_what_may_have_changed(
    workdir: Path, store: Store, host: ProviderHost
) -> None:
    templates = ResourceDriver(host, "MessageTemplate", MessageTemplateProvider())

    def create(index: int) -> tuple[str, dict[str, Any]]:  # in parallel, as the engine creates
        inputs = {"name": f"Cached {index}", "type": "international", "intl_type": 2,
                  "content": f"Your code {index} is ${{code}}.", "remark": f"login {index}"}  # fmt: skip
        id_, state = templates.up(f"t{index}", inputs)
        return id_, without(state)

    with ThreadPoolExecutor(8) as pool:
        states = dict(pool.map(create, range(TEMPLATES)))
    assert {state["status"] for state in states.values()} == {"Approved"}
    changed = next(iter(states))
    admin.reject(store, changed, "Unclear use")  # out of band: the list shows it, and it may be amended now

    admin.reset_stats(store)
    second_run = start_host(workdir, store)
    try:
        refreshed = refresh_all(ResourceDriver(second_run, "MessageTemplate", MessageTemplateProvider()), states)
    finally:
        second_run.close()
    assert calls(store, "QuerySmsTemplateList", "GetSmsTemplate") == {"QuerySmsTemplateList": 2, "GetSmsTemplate": 1}
    assert refreshed[changed] == {**states[changed], "status": "Rejected", "approved": False,
                                  "status_reason": "Unclear use", "next_action": "fix_and_resubmit"}  # fmt: skip
    assert {id_: refreshed[id_] for id_ in states if id_ != changed} == {
        id_: state for id_, state in states.items() if id_ != changed
    }  # remark and intl_type carried over exactly for unchanged approved templates


def contact_inputs(index: int, name: str | None = None) -> dict[str, Any]:
    return {"name": name or f"On-call {index}", "phone": f"+86138{index:08d}", "email": f"oncall{index}@example.com",
            "alerts": ["send_volume"]}  # fmt: skip


def test_contacts_refresh_is_one_list_call(store: Store, host: ProviderHost) -> None:
    contacts = ResourceDriver(host, "AlertContact", AlertContactProvider())
    states = {}
    for index in range(CONTACTS):
        id_, state = contacts.up(f"c{index}", contact_inputs(index))
        states[id_] = without(state)
    admin.reset_stats(store)
    assert refresh_all(contacts, states) == states
    assert calls(store, "QueryContactsListNew") == {"QueryContactsListNew": 1}


def test_writes_through_the_same_process_invalidate(tmp_path: Path) -> None:
    own = Store(tmp_path / "account.db")
    admin.set_review_speed(own, "instant")
    with closing(open_account(AccountSettings(state_file=own.path))) as live:
        first, second = (live.contacts.save(**contact_inputs(index)) for index in (1, 2))
        kept, withdrawn = (live.sender_ids.submit(**sender_inputs(index)).registration_id for index in (1, 2))
    host = start_host(tmp_path, own)
    try:
        contacts = ResourceDriver(host, "AlertContact", AlertContactProvider())
        contacts.read("first", str(first), contact_inputs(1))  # lists: the snapshot holds `second`
        renamed = contact_inputs(2, name="Renamed")
        contacts.update("second", str(second), {**contact_inputs(2), "contact_id": str(second)}, renamed)
        assert without(contacts.read("second", str(second), renamed)[1])["name"] == "Renamed"

        senders = ResourceDriver(host, "SenderId", SenderIdProvider())
        assert senders.read("kept", kept, sender_inputs(1))[0] == kept  # lists: the snapshot holds `withdrawn`
        unprotected = {**sender_inputs(2), "deletion_protection": False}
        senders.delete("withdrawn", withdrawn, unprotected)
        assert senders.read("withdrawn", withdrawn, unprotected)[0] == ""
        assert admin.stats(own)["ListSenderIdRegistrations"] == 2  # listed again after the delete
    finally:
        host.close()


def test_out_of_band_changes_are_seen_by_the_next_read_and_the_next_engine_run(
    workdir: Path, store: Store, senders: dict[str, dict[str, Any]]
) -> None:
    target = list(senders)[2]
    host = start_host(workdir, store)
    try:
        driver = ResourceDriver(host, "SenderId", SenderIdProvider())
        assert without(driver.read("x", target, senders[target])[1])["status"] == "Approved"
        admin.reject(store, target, "Unclear use")
        # The snapshot answers each object once: reading it again in the same process asks the service.
        assert without(driver.read("x", target, senders[target])[1])["status"] == "Rejected"
    finally:
        host.close()
    admin.approve(store, target)
    host = start_host(workdir, store)
    try:
        refreshed = refresh_all(ResourceDriver(host, "SenderId", SenderIdProvider()), senders)
    finally:
        host.close()
    assert refreshed[target] is not None and refreshed[target]["status"] == "Approved"


def test_many_parallel_reads_share_one_listing(
    store: Store, host: ProviderHost, senders: dict[str, dict[str, Any]]
) -> None:
    admin.reset_stats(store)
    refreshed = refresh_all(ResourceDriver(host, "SenderId", SenderIdProvider()), senders, parallel=32)
    assert len(refreshed) == SENDERS
    assert calls(store, *SENDER_CALLS) == {"ListSenderIdRegistrations": 1, "GetSenderIdRegistration": 0}


# --- ListCache on its own -----------------------------------------------------------------------------------------


class Listing:
    """A ``list_all`` that counts its calls and can be held until released."""

    def __init__(self, entries: dict[str, int]) -> None:
        self.entries = entries
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> dict[str, int]:
        self.calls += 1
        snapshot = dict(self.entries)
        self.started.set()
        assert self.release.wait(10)
        return snapshot


def in_thread(function: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    return thread, result


def test_concurrent_takes_wait_for_one_listing() -> None:
    listing = Listing({f"k{i}": i for i in range(50)})
    listing.release.clear()
    cache = ListCache(listing, max_age=30)
    threads = [in_thread(lambda key=key: cache.take(key)) for key in listing.entries]
    assert listing.started.wait(10)
    listing.release.set()
    for thread, _ in threads:
        thread.join(10)
    assert listing.calls == 1
    assert sorted(result[0] for _, result in threads) == list(range(50))


def test_a_write_during_a_listing_discards_it() -> None:
    listing = Listing({"a": 1, "b": 2})
    listing.release.clear()
    cache = ListCache(listing, max_age=30)
    thread, result = in_thread(lambda: cache.take("a"))
    assert listing.started.wait(10)
    listing.entries["b"] = 3
    cache.invalidate()  # the write landed while the old listing was running
    listing.release.set()
    thread.join(10)
    assert result == [1]  # the overlapping read may see the old value
    assert cache.take("b") == 3 and listing.calls == 2  # later reads do not


def test_age_limit_misses_and_failures() -> None:
    now = [0.0]
    listing = Listing({"a": 1, "b": 2, "c": 3})
    cache = ListCache(listing, max_age=30, clock=lambda: now[0])
    assert (cache.take("a"), cache.take("missing"), cache.take("a")) == (1, None, None)  # each entry answers once
    now[0] = 29.0
    assert cache.take("b") == 2 and listing.calls == 1
    now[0] = 30.0
    assert cache.take("c") == 3 and listing.calls == 2

    def failing() -> dict[str, int]:
        raise RuntimeError("Forbidden.RAM")

    broken: ListCache[str, int] = ListCache(failing, max_age=30)
    assert broken.take("a") is None  # the caller falls back to a direct get


def test_lookup_takes_from_the_snapshot_and_gets_on_a_miss() -> None:
    listing = Listing({"a": 1, "b": 2})
    gets: list[str] = []

    def get(key: str) -> int | None:
        gets.append(key)
        return {"a": 10, "b": 20}.get(key)

    cache = ListCache(listing, max_age=30)
    assert [cache.lookup(key, get) for key in ("a", "a", "missing")] == [1, 10, None]
    assert gets == ["a", "missing"]  # the second read of `a` asks the service
    assert cache.lookup("b", get, lambda listed: None) == 20  # the listed entry is not exact enough: a direct get
    assert ListCache(listing, max_age=0).lookup("a", get) == 10  # disabled: every read is a direct get


def test_first_listing_is_listed_once_and_each_entry_is_claimed_once() -> None:
    listing = Listing({"a": 1, "b": 2})
    cache = ListCache(listing, max_age=0)  # the snapshot's age limit does not apply to the first listing
    assert cache.first_listing() == [1, 2]
    listing.entries["c"] = 3
    cache.invalidate()  # a write through the process
    assert cache.first_listing() == [1, 2] and listing.calls == 1
    claims = [in_thread(lambda: cache.claim("a")) for _ in range(8)]
    for thread, _ in claims:
        thread.join(10)
    assert sorted(result[0] for _, result in claims) == [False] * 7 + [True]  # two creates never adopt one object
    assert (cache.first_listing(), cache.claim("c")) == ([2], False)
