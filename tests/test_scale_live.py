"""Reading a big account, and the emulator's bookkeeping at scale: pages read concurrently, each object once;
replay protection across processes sharing a state file; nonces forgotten as the replay window passes;
exact call counters under concurrent calls."""

import json
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.api.thresholds import ThresholdsApi
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, REPLAY_WINDOW_SECONDS, EmulatorApp
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.routes import ROUTES
from pulumi_alisms.emulator.store import SnapshotBusy, Store
from pulumi_alisms.spec.live import read_account
from support import sender_inputs, serve_cli_emulator


class _Recording(httpx.BaseTransport):
    """Sends through ``inner`` and keeps every request, to replay it elsewhere."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        return self.inner.handle_request(request)


def test_a_multi_page_account_is_read_whole_in_one_call_per_page(store: Store, account: AccountClient) -> None:
    codes = [
        account.templates.create(f"Code {n}", "international", f"Code {n}: ${{code}}.", intl_type=2) for n in range(120)
    ]
    registrations = [account.sender_ids.submit(**sender_inputs(n)).registration_id for n in range(230)]
    admin.reset_stats(store)

    live = read_account(account, details_for=None)

    assert [t.template_code for t in live.templates] == codes
    assert [r.registration_id for r in live.sender_ids] == registrations
    calls = admin.stats(store)
    assert (calls["QuerySmsTemplateList"], calls["ListSenderIdRegistrations"]) == (3, 3)
    assert calls["GetSmsTemplate"] == 120  # export needs every template's remark: no list carries it


def test_a_nonce_used_on_one_process_is_refused_by_another_sharing_the_file(store: Store) -> None:
    server, url = serve_cli_emulator(Path(store.path))
    try:
        recording = _Recording(httpx.HTTPTransport())
        client = RpcClient(url, Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), transport=recording)
        ThresholdsApi(client).get("international")
    finally:
        server.terminate()
        server.communicate(timeout=10)
    here = httpx.WSGITransport(app=EmulatorApp(Store(store.path)))

    replay = here.handle_request(recording.sent[-1])

    replay.read()
    assert (replay.status_code, json.loads(replay.content)["Code"]) == (400, "SignatureNonceUsed")


def test_nonces_past_the_replay_window_are_forgotten_and_the_file_shrinks(store: Store, account: AccountClient) -> None:
    long_ago = time.time() - REPLAY_WINDOW_SECONDS - 60
    with store.transaction() as db:
        for n in range(20_000):
            store.use_nonce(db, f"old-nonce-{n:06d}", long_ago)
    grown = os.path.getsize(store.path) + os.path.getsize(f"{store.path}-wal")
    fresh = open_fresh_app_client(store)

    fresh.get("international")
    store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    remaining = store.connection().execute("SELECT count(*) FROM nonces").fetchone()[0]
    assert remaining == 1
    assert os.path.getsize(store.path) < grown / 4


def test_call_counters_are_exact_under_concurrent_calls(store: Store, account: AccountClient) -> None:
    admin.reset_stats(store)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _n: account.thresholds.get("international"), range(200)))
    assert admin.stats(store)["QueryWarningThresholdNew"] == 200


def open_fresh_app_client(store: Store) -> ThresholdsApi:
    """Thresholds through a new emulator application on ``store``'s file (its first call purges old nonces)."""
    app = EmulatorApp(Store(store.path))
    rpc = RpcClient("http://embedded.alisms", Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET),
                    transport=httpx.WSGITransport(app=app))  # fmt: skip
    return ThresholdsApi(rpc)


def test_a_read_transaction_that_writes_after_another_writer_says_so(store: Store) -> None:
    reader, writer = store.connection(), sqlite3.connect(store.path, isolation_level=None)
    try:
        with pytest.raises(SnapshotBusy), store.transaction(write=False) as db:
            db.execute("SELECT count(*) FROM counters").fetchone()  # the snapshot starts here
            writer.execute("INSERT INTO counters (action, calls) VALUES ('Elsewhere', 1)")
            db.execute("INSERT INTO counters (action, calls) VALUES ('Here', 1)")
    finally:
        writer.close()
    assert dict(reader.execute("SELECT action, calls FROM counters").fetchall()) == {"Elsewhere": 1}


def test_a_read_that_must_write_runs_again_under_the_write_lock(
    store: Store, account: AccountClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads run on a snapshot; one that writes after a concurrent write is not lost, and is not half-done."""
    route = ("2017-05-25", "QuerySmsTemplateList")
    real, runs = ROUTES[route], []

    def deciding_read(ctx: Context) -> dict[str, Any]:
        runs.append(ctx.db.in_transaction)
        if len(runs) == 1:  # another writer commits after this read's snapshot began
            ctx.db.execute("SELECT count(*) FROM counters").fetchone()
            with Store(store.path).transaction() as other:
                other.execute("INSERT INTO settings (key, value) VALUES ('elsewhere', 'x')")
        ctx.db.execute("INSERT INTO settings (key, value) VALUES (?, 'y')", (f"decided-{len(runs)}",))
        return real(ctx)

    monkeypatch.setitem(ROUTES, route, deciding_read)
    admin.reset_stats(store)

    assert list(account.templates.iter_all()) == []

    assert len(runs) == 2
    settings = dict(store.connection().execute("SELECT key, value FROM settings").fetchall())
    assert ("decided-1" not in settings, settings.get("decided-2"), settings.get("elsewhere")) == (True, "y", "x")
    assert admin.stats(store) == {"QuerySmsTemplateList": 1}  # counted once, though it ran twice
