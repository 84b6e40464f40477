"""The emulator as a server on a network: bodies bounded before any parsing, connection limits, stalled clients."""

import io
import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import httpx

from conftest import assert_clean_error, run_cli, serve_cli_emulator
from pulumi_alisms.emulator.app import MAX_BODY_BYTES, MAX_PARAMETERS, MAX_PREAUTH_BODY_BYTES, EmulatorApp
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store

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
