"""Durability of the standalone emulator: ``kill -9`` in the middle of concurrent writes loses no acknowledged
write and leaves a database that opens cleanly."""

import sqlite3
import threading
from pathlib import Path

from pulumi_alisms.api.client import RetryPolicy, RpcClient
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from pulumi_alisms.errors import AliSmsApiError
from support import serve_cli_emulator

WRITERS = 6
KILL_AFTER = 120  # acknowledged writes per round before the kill
MAX_WRITES_PER_WRITER = 2_000  # a bound, never reached: the kill stops the writers first
NO_RETRY = RetryPolicy(max_attempts=1)


class Writers:
    """Threads that create templates and contacts as fast as they can, recording each acknowledged write."""

    def __init__(self, url: str, round_: int) -> None:
        self.url = url
        self.round = round_
        self.templates: list[str] = []  # TemplateCode of each acknowledged CreateSmsTemplate
        self.contacts: list[str] = []  # Name of each acknowledged SaveContactsNew
        self.acknowledged = threading.Semaphore(0)
        self.errors: list[AliSmsApiError] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._write, args=(worker,)) for worker in range(WRITERS)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=60)
            assert not thread.is_alive()

    def _write(self, worker: int) -> None:
        client = RpcClient(self.url, Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), retry=NO_RETRY)
        try:
            for index in range(MAX_WRITES_PER_WRITER):
                label = f"r{self.round}w{worker}n{index}"
                if index % 2:
                    params = {"TemplateName": label, "TemplateType": 3, "TemplateContent": f"Parcel {label} shipped."}
                    code = str(client.call("2017-05-25", "CreateSmsTemplate", params, idempotent=False)["TemplateCode"])
                    with self._lock:
                        self.templates.append(code)
                else:
                    params = {"Name": label, "Phone": f"+86139{self.round}{worker}{index:06d}",
                              "Email": f"{label}@example.com"}  # fmt: skip
                    client.call("2017-06-20", "SaveContactsNew", params, idempotent=False)
                    with self._lock:
                        self.contacts.append(label)
                self.acknowledged.release()
        except AliSmsApiError as error:  # the server died: every later write is unacknowledged
            if not error.code.startswith("Transport."):
                self.errors.append(error)
        finally:
            client.close()


def wait_for_acknowledgements(writers: Writers, count: int) -> None:
    for _ in range(count):
        assert writers.acknowledged.acquire(timeout=60), f"the writers stalled: {writers.errors}"


def stored(state_file: Path, sql: str) -> set[str]:
    """One column of the database, read with plain sqlite3."""
    with sqlite3.connect(state_file) as db:
        return {str(row[0]) for row in db.execute(sql)}


def test_kill_9_mid_stream_loses_no_acknowledged_write(tmp_path: Path) -> None:
    state_file = tmp_path / "account.db"
    templates: list[str] = []
    contacts: list[str] = []
    for round_ in range(3):
        server, url = serve_cli_emulator(state_file)  # rounds 1 and 2: a restart on the killed server's file
        try:
            with sqlite3.connect(state_file) as db:
                assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert set(templates) <= stored(state_file, "SELECT code FROM templates")
            client = RpcClient(url, Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), retry=NO_RETRY)
            listed = client.call("2017-06-20", "QueryContactsListNew", {}, idempotent=True)["List"]
            client.close()
            assert set(contacts) <= {entry["Name"] for entry in listed}
            if round_ == 2:
                break
            writers = Writers(url, round_)
            writers.start()
            wait_for_acknowledgements(writers, KILL_AFTER)
        finally:
            server.kill()  # SIGKILL: no shutdown, no checkpoint
            server.communicate(timeout=10)
        writers.join()
        assert writers.errors == []
        templates += writers.templates
        contacts += writers.contacts
    assert len(templates) + len(contacts) >= 2 * KILL_AFTER
