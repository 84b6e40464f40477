"""The emulator as a server on a network (bounded bodies, connection limits, stalled clients) and its file at rest."""

import hashlib
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.contacts import ContactsApi
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.api.templates import TemplatesApi
from pulumi_alisms.emulator.app import (
    DEV_ACCESS_KEY_ID,
    DEV_ACCESS_KEY_SECRET,
    MAX_BODY_BYTES,
    MAX_PARAMETERS,
    MAX_PREAUTH_BODY_BYTES,
    EmulatorApp,
)
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import StateFileError, Store
from support import assert_clean_error, run_cli, serve_cli_emulator

# An ACS3 Authorization header with a signature that cannot match.
BOGUS_ACS3 = "ACS3-HMAC-SHA256 Credential=alisms-dev,SignedHeaders=host;x-acs-date;x-acs-signature-nonce,Signature=00"
FORM = "application/x-www-form-urlencoded"


class _Unreadable(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def _call(app: EmulatorApp, stream: Any, headers: dict[str, str], **environ: str | bool) -> tuple[str, dict[str, Any]]:
    """One WSGI call with ``stream`` as the body; the status line and the JSON answer."""
    statuses: list[str] = []
    answer = app({"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "CONTENT_TYPE": FORM,
                  "wsgi.input": stream, **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
                  **environ}, lambda status, _: statuses.append(status))  # fmt: skip
    return statuses[0], json.loads(b"".join(answer))


def test_a_body_over_its_limit_is_refused_before_it_is_read(store: Store) -> None:
    app = EmulatorApp(store)
    # ACS3 bodies are read up to the request limit; bodies whose signature needs them parsed, far less.
    for headers, limit in (({"authorization": BOGUS_ACS3}, MAX_BODY_BYTES), ({}, MAX_PREAUTH_BODY_BYTES)):
        status, answer = _call(app, _Unreadable(), headers, CONTENT_LENGTH=str(limit + 1))
        assert (status, answer["Code"]) == ("413 Payload Too Large", "RequestTooLarge")


def test_a_body_of_unknown_length_is_read_no_further_than_its_limit(store: Store) -> None:
    stream = io.BytesIO(b"a=1&" * (MAX_PREAUTH_BODY_BYTES // 2))  # chunked: no Content-Length, read to its end
    status, answer = _call(EmulatorApp(store), stream, {}, **{"wsgi.input_terminated": True})
    assert (status, answer["Code"]) == ("413 Payload Too Large", "RequestTooLarge")
    assert stream.tell() == MAX_PREAUTH_BODY_BYTES + 1


def test_parameters_are_counted_before_they_are_parsed(store: Store) -> None:
    body = b"&".join(b"a%d=1" % index for index in range(MAX_PARAMETERS + 1))
    status, answer = _call(EmulatorApp(store), io.BytesIO(body), {}, CONTENT_LENGTH=str(len(body)))
    assert (status, answer["Code"]) == ("400 Bad Request", "InvalidParameter.TooMany")


PEAK_SCRIPT = """
import io, json, resource, sys, tempfile
from pulumi_alisms.emulator.app import EmulatorApp
from pulumi_alisms.emulator.store import Store
body = (b"a=1&" * (16 * 1024 * 1024 // 4))  # 16 MiB of 4 million parameters: the costliest form to parse
app = EmulatorApp(Store(tempfile.mkdtemp() + "/account.db"))
environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
           "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": sys.argv[1],
           "wsgi.input": io.BufferedReader(io.BytesIO(body))}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
answer = json.loads(b"".join(app(environ, lambda status, headers: None)))
print(answer["Code"], (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_an_unauthenticated_16_mib_form_is_not_parsed() -> None:
    result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, BOGUS_ACS3], capture_output=True, text=True,
                            timeout=120, check=True)  # fmt: skip
    code, peak_growth_mb = result.stdout.split()
    assert code == "MissingParameter.Timestamp"  # refused by authentication, before the form
    assert int(peak_growth_mb) < 64  # the body read once (16 MiB); parsing it took 594 MB


def test_the_server_refuses_an_oversized_body_without_receiving_it(store: Store) -> None:
    server = EmulatorServer(EmulatorApp(store)).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
            client.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode())
            assert client.recv(100).startswith(b"HTTP/1.1 413 ")
    finally:
        server.close()


def _seconds_until_closed(port: int) -> float:
    """Connect, send half a request, and time how long the server keeps the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert client.recv(100) == b""
        return time.monotonic() - started


def test_a_client_that_stalls_is_disconnected(store: Store) -> None:
    server = EmulatorServer(EmulatorApp(store), channel_timeout=1).start()
    try:
        assert _seconds_until_closed(server.port) < 5
    finally:
        server.close()


def test_connections_over_the_limit_wait_until_one_closes(store: Store) -> None:
    server = EmulatorServer(EmulatorApp(store), connection_limit=1).start()
    try:
        idle = socket.create_connection(("127.0.0.1", server.port))
        time.sleep(0.3)  # accepted: the one connection allowed
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(httpx.post, server.url + "/", timeout=30)
            assert not wait([waiting], timeout=1).done
            idle.close()
            assert waiting.result(timeout=30).json()["Code"] == "MissingParameter.Signature"
    finally:
        server.close()


def test_serve_takes_connection_limits(state_file: Path) -> None:
    server, url = serve_cli_emulator(state_file, "--connection-limit", "5", "--channel-timeout", "1")
    try:
        assert server.stdout is not None
        banner = [server.stdout.readline() for _ in range(5)]  # after the "listening on" line
        assert "limits: connections 5, channel timeout 1 s, request body 16 MiB\n" in banner
        assert _seconds_until_closed(int(url.rsplit(":", 1)[1])) < 5
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_serve_refuses_limits_below_one(state_file: Path) -> None:
    for option in ("--connection-limit", "--channel-timeout"):
        result = run_cli("emulator", "serve", "--state-file", state_file, "--port", "0", option, "0")
        assert_clean_error(result, f"{option} must be at least 1, got 0")


# --- the state file at rest ---


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_account_is_private_to_its_owner(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask: 0644 files and 0755 folders unless asked otherwise
    try:
        state_file = tmp_path / "project" / ".alisms" / "account.db"
        Store(state_file).set_setting("review_speed", "fast")  # the connection stays open: -wal and -shm exist
    finally:
        os.umask(previous)
    assert {folder.name: _mode(folder) for folder in (state_file.parent, state_file.parent.parent)} == {
        ".alisms": 0o700,
        "project": 0o700,
    }
    files = sorted(state_file.parent.iterdir())
    assert [file.name for file in files] == ["account.db", "account.db-shm", "account.db-wal"]
    assert {_mode(file) for file in files} == {0o600}


WRITE_ACCOUNT = """
import sys
from pulumi_alisms.api.account import open_account
from pulumi_alisms.api.config import AccountSettings
client = open_account(AccountSettings(state_file=sys.argv[1]))
client.templates.create("Login code", "international", "Your code is ${code}.", intl_type=2)
client.contacts.save(name="Ops", phone="+8613800000000", email="ops@example.com", alerts=["send_volume"])
client.close()
"""


def test_a_read_only_store_serves_a_copy_and_never_writes_the_file(tmp_path: Path) -> None:
    state_file = tmp_path / "account.db"
    subprocess.run([sys.executable, "-c", WRITE_ACCOUNT, str(state_file)], check=True, timeout=60)
    assert sorted(file.name for file in tmp_path.iterdir()) == ["account.db"]
    before = _digest(state_file)
    state_file.chmod(0o444)
    client = RpcClient("http://embedded.alisms", Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET),
                       transport=httpx.WSGITransport(app=EmulatorApp(Store(state_file, read_only=True))))  # fmt: skip
    templates = TemplatesApi(client)
    assert [template.name for template in templates.list_all()] == ["Login code"]
    assert [contact.name for contact in ContactsApi(client).list()] == ["Ops"]
    templates.create("Welcome", "international", "Welcome aboard.")  # written to the copy only
    assert len(templates.list_all()) == 2
    client.close()
    assert _digest(state_file) == before
    # SQLite's readers of a WAL file leave its index (-shm) and an empty log beside it: nothing was logged.
    assert (tmp_path / "account.db-wal").stat().st_size == 0
    state_file.chmod(0o644)
    assert Store(state_file).connection().execute("SELECT COUNT(*) FROM templates").fetchone()[0] == 1


def _sqlite_file(path: Path, sql: str) -> Path:
    with closing(sqlite3.connect(path)) as db:
        db.executescript(sql)
    return path


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "read-write"])
def test_a_file_that_is_not_an_account_is_refused_in_one_line(tmp_path: Path, read_only: bool) -> None:
    notes = _sqlite_file(tmp_path / "notes.db", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database\n" * 200)
    cases = {notes: "it is a database with other tables, not an emulator account",
             garbage: "it is not a database", tmp_path: "it is a directory"}  # fmt: skip
    if read_only:
        empty = tmp_path / "empty.db"
        empty.touch()
        cases.update({empty: "it is an empty database, not an emulator account",
                      tmp_path / "missing.db": f"no emulator state file at {tmp_path / 'missing.db'}"})  # fmt: skip
    for path, message in cases.items():
        contents = _digest(path) if path.is_file() else None
        with pytest.raises(StateFileError) as refused:
            Store(path, read_only=read_only)
        assert message in str(refused.value) and "\n" not in str(refused.value)
        assert str(path) in str(refused.value)
        assert (_digest(path) if path.is_file() else None) == contents
    assert not (tmp_path / "missing.db").exists()
    assert sorted(file.name for file in tmp_path.iterdir()) == sorted(
        ["notes.db", "garbage.db", *(["empty.db"] if read_only else [])]
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_an_unreadable_or_read_only_file_is_refused_in_one_line(tmp_path: Path) -> None:
    state_file = tmp_path / "account.db"
    Store(state_file)
    state_file.chmod(0o444)
    with pytest.raises(StateFileError, match="it is read-only"):
        Store(state_file)
    assert Store(state_file, read_only=True).setting("review_speed", "none") == "none"
    state_file.chmod(0o000)
    for read_only in (True, False):
        with pytest.raises(StateFileError, match=r"cannot be read \(permission denied\)"):
            Store(state_file, read_only=read_only)


def test_emulator_commands_refuse_a_file_that_is_not_an_account(tmp_path: Path) -> None:
    notes = _sqlite_file(tmp_path / "notes.db", "CREATE TABLE notes (body TEXT);")
    contents = _digest(notes)
    assert_clean_error(run_cli("emulator", "advance", "1d", "--state-file", notes), "not an emulator account")
    assert _digest(notes) == contents
    assert_clean_error(run_cli("emulator", "stats", "--state-file", tmp_path), "it is a directory")
