"""Shared fixtures: a state file, the embedded account, a standalone emulator on a free loopback port, and one
account and provider host per test module. Helpers that are not fixtures live in support.py."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mainland_helpers import SIGNATURE, ready_signature
from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.testing import ProviderHost
from support import FAST_RETRY, start_host


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """A fresh account database path."""
    return tmp_path / "account.db"


@pytest.fixture
def store(state_file: Path) -> Store:
    """The emulator store on the fresh state file, with instant review."""
    created = Store(state_file)
    created.set_setting("review_speed", "instant")
    return created


@pytest.fixture
def account(store: Store) -> Iterator[AccountClient]:
    """Our client on the embedded account (in-process WSGI), instant review."""
    client = open_account(AccountSettings(state_file=store.path), retry=FAST_RETRY)
    yield client
    client.close()


@pytest.fixture
def emulator(store: Store) -> Iterator[EmulatorServer]:
    """A standalone emulator on a free 127.0.0.1 port, sharing ``store``."""
    server = EmulatorServer(EmulatorApp(store)).start()
    yield server
    server.close()


@pytest.fixture
def remote_account(emulator: EmulatorServer) -> Iterator[AccountClient]:
    """Our client talking HTTP to the standalone emulator."""
    client = open_account(
        AccountSettings(
            endpoint=emulator.url, access_key_id=DEV_ACCESS_KEY_ID, access_key_secret=DEV_ACCESS_KEY_SECRET
        ),
        retry=FAST_RETRY,
    )
    yield client
    client.close()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """One project directory per test module: the provider hosts' working directory."""
    return tmp_path_factory.mktemp(request.module.__name__)


@pytest.fixture(scope="module")
def module_store(workdir: Path) -> Store:
    """One account database per test module, where a Pulumi project keeps it, with instant review."""
    created = Store(workdir / ".alisms" / "account.db")
    created.set_setting("review_speed", "instant")
    return created


@pytest.fixture(scope="module")
def live(module_store: Store) -> Iterator[AccountClient]:
    """Our client on the module's account, to seed it, change it out of band and observe the provider's effects."""
    client = open_account(AccountSettings(state_file=module_store.path))
    yield client
    client.close()


@pytest.fixture(scope="module")
def host(workdir: Path, module_store: Store) -> Iterator[ProviderHost]:
    """One provider host for the whole module, on the module's account."""
    started = start_host(workdir, module_store)
    yield started
    started.close()


@pytest.fixture
def signed(account: AccountClient, store: Store) -> str:
    """An approved, carrier-registered mainland signature in the fresh account (Chinese-mainland templates need
    one); its name."""
    ready_signature(account, store)
    return SIGNATURE


@pytest.fixture
def speed(module_store: Store) -> Iterator[Callable[[str], None]]:
    """Set the module's embedded account's review speed (``instant`` again afterwards)."""

    def set_speed(value: str) -> None:
        admin.set_review_speed(module_store, value)

    set_speed("instant")
    yield set_speed
    set_speed("instant")
