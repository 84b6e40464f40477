"""A hostile endpoint cannot hold a call or a command past its deadline, make it read an unbounded answer, or
keep Ctrl-C from ending it.

Each test runs a raw HTTP server on a free 127.0.0.1 port that misbehaves in one way, and a client whose
deadline (``RetryPolicy.max_total_seconds``) is short so that the suite stays fast; the command tests run
``alisms plan`` (about 15 calls, most of them at once) in a subprocess.
"""

import gzip
import os
import signal
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_alisms.api.client import MAX_ANSWER_BYTES, RpcClient
from pulumi_alisms.api.config import RetryPolicy
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.errors import AliSmsApiError
from support import alisms_command, assert_clean_error, run_cli

DEADLINE = 0.5
SLACK = 0.5  # thread start-up and scheduling on a busy machine
DRIP = 0.1  # seconds between two bytes of a trickled answer
OK_BODY = b'{"RequestId": "r", "List": []}'
Behaviour = Callable[[socket.socket, threading.Event], None]


def answer(head: bytes, body: bytes) -> Behaviour:
    """Send ``head`` (status line and headers, without the blank line) and ``body`` at once."""
    return lambda connection, _stop: connection.sendall(head + b"\r\n\r\n" + body)


def trickle(data: bytes, *, after: bytes = b"") -> Behaviour:
    """Send ``after`` at once, then ``data`` one byte every DRIP seconds."""

    def behave(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(after)
        for byte in data:
            if stop.wait(DRIP):
                return
            connection.sendall(bytes([byte]))

    return behave


def huge_chunked_body(connection: socket.socket, stop: threading.Event) -> None:
    """A chunked answer of JSON whitespace that never ends (no Content-Length to refuse it early)."""
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b" " * 2**20
    while not stop.is_set():
        connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


class Server:
    """A one-behaviour HTTP server: it reads a request, then ``behave``s on the connection."""

    def __init__(self, behave: Behaviour) -> None:
        self.stop = threading.Event()
        stop = self.stop

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                connection: socket.socket = self.request
                received = b""
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                try:
                    behave(connection, stop)
                except OSError:  # the client hung up
                    return

        socketserver.ThreadingTCPServer.daemon_threads = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], str]]:
    """Start a server with a behaviour; yields its URL. Stopped after the test."""
    servers: list[Server] = []

    def start(behave: Behaviour) -> str:
        servers.append(Server(behave))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


def call(url: str, attempts: int = 1) -> tuple[float, AliSmsApiError | None]:
    """One read against ``url``: how long it took and how it failed."""
    retry = RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=0.01, max_total_seconds=DEADLINE)
    client = RpcClient(url, Credentials("id", "secret"), retry=retry)
    started = time.monotonic()
    try:
        client.call("2017-06-20", "QueryContactsListNew", {}, idempotent=True)
    except AliSmsApiError as error:
        return time.monotonic() - started, error
    finally:
        client.close()
    return time.monotonic() - started, None


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000"


@pytest.mark.parametrize(
    "behave",
    [
        pytest.param(trickle(b" " * 100000, after=HEAD + b"\r\n\r\n"), id="headers, then the body byte by byte"),
        pytest.param(trickle(HEAD + b"\r\n\r\n" + b" " * 100000), id="the headers byte by byte"),
        pytest.param(lambda _connection, stop: stop.wait(30), id="silence"),
    ],
)
def test_a_trickling_answer_does_not_hold_the_call_past_its_deadline(
    serve: Callable[[Behaviour], str], behave: Behaviour
) -> None:
    url = serve(behave)
    for attempts in (1, 5):
        elapsed, error = call(url, attempts)
        assert error is not None and (error.code, error.http_status) == ("Transport.Timeout", 0), error
        assert elapsed < DEADLINE + SLACK, (attempts, elapsed)


def test_an_answer_within_the_deadline_is_read(serve: Callable[[Behaviour], str]) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d" % len(OK_BODY)
    elapsed, error = call(serve(answer(head, OK_BODY)))
    assert error is None and elapsed < DEADLINE


@pytest.mark.parametrize(
    "behave",
    [
        pytest.param(answer(b"HTTP/1.1 200 OK\r\nContent-Length: %d" % (MAX_ANSWER_BYTES + 1), b""),
                     id="declared too large"),
        pytest.param(huge_chunked_body, id="chunked without end"),
        pytest.param(answer(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip",
                            gzip.compress(b" " * (MAX_ANSWER_BYTES + 1))), id="a small gzip of a large answer"),
    ],
)  # fmt: skip
def test_an_answer_over_16_mib_fails_with_one_line(serve: Callable[[Behaviour], str], behave: Behaviour) -> None:
    elapsed, error = call(serve(behave), attempts=3)
    assert error is not None, "the answer was read"
    assert (error.code, str(error).count("\n")) == ("InvalidResponse", 0)
    assert "larger than 16 MiB" in str(error)
    assert elapsed < DEADLINE


# --- whole commands -------------------------------------------------------------------------------------------

COMMAND_TIMEOUT = 2
START_UP = 3.0  # a Python process starting and importing on a busy machine
SIGINT_WITHIN = 3.0
CREDENTIALS = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret"}


@pytest.fixture
def account_file(tmp_path: Path) -> Path:
    path = tmp_path / "account.yaml"
    path.write_text("version: 1\n")
    return path


@pytest.mark.parametrize("how", ["--timeout", "ALISMS_COMMAND_TIMEOUT"])
def test_a_plan_against_a_trickling_server_ends_by_the_command_deadline(
    serve: Callable[[Behaviour], str], account_file: Path, how: str
) -> None:
    url = serve(trickle(b" " * 100000, after=HEAD + b"\r\n\r\n"))  # each call alone would run its 60 s
    flags = ["--timeout", str(COMMAND_TIMEOUT)] if how == "--timeout" else []
    env = {**CREDENTIALS, "ALISMS_COMMAND_TIMEOUT": str(COMMAND_TIMEOUT) if how != "--timeout" else ""}
    started = time.monotonic()
    result = run_cli("plan", account_file, "--endpoint", url, *flags, env=env)
    elapsed = time.monotonic() - started
    assert_clean_error(result, "Transport.Timeout", f"the command timed out after {COMMAND_TIMEOUT} s")
    assert elapsed < COMMAND_TIMEOUT + START_UP, elapsed


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan"])
def test_a_bad_command_timeout_is_one_line_naming_it(account_file: Path, value: str) -> None:
    result = run_cli("plan", account_file, "--endpoint", "http://127.0.0.1:9", "--timeout", value, env=CREDENTIALS)
    assert_clean_error(result, "--timeout (ALISMS_COMMAND_TIMEOUT) must be a positive number of seconds", value)


@pytest.mark.parametrize("command", ["plan", "drift", "export"])
def test_ctrl_c_ends_a_command_at_once_with_one_line(
    serve: Callable[[Behaviour], str], account_file: Path, command: str
) -> None:
    asked = threading.Event()

    def silence(_connection: socket.socket, stop: threading.Event) -> None:
        asked.set()
        stop.wait(30)

    url = serve(silence)
    file_args = [] if command == "export" else [str(account_file)]
    process = subprocess.Popen([*alisms_command(), command, *file_args, "--endpoint", url],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **CREDENTIALS})  # fmt: skip
    try:
        assert asked.wait(30), "the command never called the server"
        time.sleep(0.3)  # every family's call in flight
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        process.kill()
    assert (process.returncode, stderr) == (130, "alisms: interrupted\n"), stderr
    assert elapsed < SIGINT_WITHIN, elapsed
