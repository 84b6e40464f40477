"""The emulator's WSGI application: wire parsing, authentication, faults, counters and dispatch.

Alibaba Cloud RPC style: ``POST /`` (GET also accepted), ``Action`` and ``Version`` as parameters or
``x-acs-action`` / ``x-acs-version`` headers, parameters in the query string or a form body, JSON
answers carrying ``RequestId``.
"""

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl

from pulumi_alisms.emulator import clock, oss
from pulumi_alisms.emulator.auth import MAX_CLOCK_SKEW_SECONDS, SignedRequest, authenticate, signed_operation
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, internal_error, not_found, throttled, unavailable
from pulumi_alisms.emulator.faults import FaultConfig, FaultInjector
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.emulator.routes import ACTIONS, ROUTES
from pulumi_alisms.emulator.store import SnapshotBusy, Store

DEV_ACCESS_KEY_ID = "alisms-dev"
DEV_ACCESS_KEY_SECRET = "alisms-dev-secret"
MAX_BODY_BYTES = 16 * 1024 * 1024  # the request limit of docs/api.md: one 10 MB document, base64, form-encoded
# A body parsed before its signature is checked (RPC signatures cover the parsed parameters); the
# largest legitimate one is a SenderID registration of a few hundred KB.
MAX_PREAUTH_BODY_BYTES = 1024 * 1024
MAX_PARAMETERS = 1_000  # the widest operation takes a few dozen
# A request is accepted up to MAX_CLOCK_SKEW_SECONDS either side of its timestamp, so a nonce can come back
# at most twice that after it was first seen: older ones are forgotten, checked once a minute.
REPLAY_WINDOW_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS
NONCE_PURGE_SECONDS = 60
# Operations that only read, by Alibaba's naming; one that writes all the same is run again under the write lock.
READ_ACTION_PREFIXES = ("Query", "Get", "List", "Describe")
# Protocol parameters that are not the operation's own.
_PROTOCOL_PARAMS = frozenset(
    {"Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
     "SignatureNonce", "SignatureType", "Timestamp", "RegionId"}
)  # fmt: skip

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_STATUS_TEXT = {200: "200 OK", 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
                405: "405 Method Not Allowed", 413: "413 Payload Too Large", 500: "500 Internal Server Error",
                503: "503 Service Unavailable"}  # fmt: skip
log = logging.getLogger("pulumi_alisms.emulator")


class EmulatorApp:
    """A WSGI callable serving one state file for one or more accounts (key pairs)."""

    def __init__(
        self,
        store: Store,
        *,
        key_pairs: Mapping[str, str] | None = None,
        faults: FaultConfig | None = None,
    ) -> None:
        self.store = store
        self.key_pairs = dict(key_pairs) if key_pairs is not None else {DEV_ACCESS_KEY_ID: DEV_ACCESS_KEY_SECRET}
        self.faults = FaultInjector(faults or FaultConfig())
        self._nonces_purged_at = 0.0
        self._purge_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith(oss.PATH_PREFIX):
            return oss.serve(self.store, environ, start_response)
        request_id = str(uuid.uuid4()).upper()
        now = clock.now(self.store)  # the emulator's clock: operations run at it, the Date header reports it
        status, body = self._handle(environ, request_id, now)
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        start_response(
            _STATUS_TEXT.get(status, f"{status} Error"),
            [("Content-Type", "application/json;charset=utf-8"), ("Content-Length", str(len(payload))),
             ("x-acs-request-id", request_id), ("Date", formatdate(now, usegmt=True))],
        )  # fmt: skip
        return [payload]

    def _handle(self, environ: dict[str, Any], request_id: str, now: float) -> tuple[int, dict[str, Any]]:
        version = ""
        try:
            request = _parse(environ)
            version = request.headers.get("x-acs-version") or request.query.get("Version", "")  # to shape errors
            acs3 = bool(request.headers.get("authorization"))
            if not acs3:  # an RPC signature covers the parsed parameters
                request = _with_form(request)
            caller = authenticate(request, self.key_pairs, time.time())
            if acs3:  # an ACS3 signature covers the body's hash: parse the body once the signature holds
                request = _with_form(request)
            action, version = signed_operation(request)
            params = {**request.form, **request.query}
            handler = ROUTES.get((version, action))
            if handler is None:
                if action in ACTIONS:
                    raise ApiError("InvalidVersion", f'Specified parameter Version "{version}" is not valid.')
                raise not_found("InvalidAction.NotFound", "Specified api is not found, check your url and method.")
            if self.faults.config.latency_ms:
                time.sleep(self.faults.config.latency_ms / 1000)
            fault = self.faults.before()
            operation_params = Params({k: v for k, v in params.items() if k not in _PROTOCOL_PARAMS})
            base_url = f"{environ.get('wsgi.url_scheme', 'http')}://{request.headers.get('host', '')}"
            result = self._run(caller.access_key_id, caller.nonce, action, handler, operation_params, fault, now,
                               base_url)  # fmt: skip
            if self.faults.drop_after_commit():
                raise unavailable(" (injected: response lost after commit)")
        except ApiError as error:
            return _error_answer(error, request_id, version)
        except Exception:
            log.exception("emulator operation failed")
            return _error_answer(internal_error(), request_id, version)
        body = {"RequestId": request_id, **result}
        if version == "2017-05-25":
            body = {"Code": "OK", "Message": "OK", **body}
        return 200, body

    def _run(
        self, account: str, nonce: str, action: str, handler: Any, params: Params, fault: str | None, now: float,
        base_url: str,
    ) -> dict[str, Any]:  # fmt: skip
        """Record the nonce and the call, then run the operation.

        A write operation runs in the same transaction as its nonce and its count. A read (``Query``, ``Get``,
        ``List``...) records them in a short write transaction of their own, then runs on a snapshot without
        the write lock, so concurrent reads do not queue behind each other; a read that turns out to write
        (a review the clock has decided) runs again under the lock.
        """
        speed = clock.review_speed(self.store)
        wall = time.time()
        self._purge_nonces(wall)
        result: dict[str, Any] = {}
        failure: ApiError | None = None

        def operation(db: sqlite3.Connection) -> tuple[dict[str, Any], ApiError | None]:
            """The operation's answer, or the error it refused with."""
            try:
                with self.store.savepoint(db):  # a refused operation writes nothing, but its call still counts
                    return handler(Context(account=account, params=params, db=db, now=now, speed=speed,
                                           base_url=base_url)), None  # fmt: skip
            except ApiError as error:
                return {}, error

        reads = fault is None and action.startswith(READ_ACTION_PREFIXES)
        with self.store.transaction() as db:
            if not self.store.use_nonce(db, nonce, wall):
                raise ApiError("SignatureNonceUsed", "Specified signature nonce was used already.")
            self.store.count_call(db, action)
            if fault is None and not reads:
                result, failure = operation(db)
        if reads:
            try:
                with self.store.transaction(write=False) as db:
                    result, failure = operation(db)
            except SnapshotBusy:
                with self.store.transaction() as db:
                    result, failure = operation(db)
        if fault == "throttle":
            raise throttled()
        if fault == "error":
            raise unavailable()
        if failure is not None:
            raise failure
        return result

    def _purge_nonces(self, wall: float) -> None:
        """Forget, once a minute, the nonces the replay window has passed: the table holds the last 30 minutes'
        calls, however many were made before."""
        with self._purge_lock:
            due = wall - self._nonces_purged_at >= NONCE_PURGE_SECONDS
            if due:
                self._nonces_purged_at = wall
        if due:
            self.store.forget_nonces(wall - REPLAY_WINDOW_SECONDS)


def _error_answer(error: ApiError, request_id: str, version: str) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"RequestId": request_id, "HostId": "alisms-emulator", "Code": error.code,
                            "Message": error.message}  # fmt: skip
    if version == "2018-05-01":
        body.update(ResponseCode=error.code, ResponseDescription=error.message)
    return error.status, body


def _parse(environ: Mapping[str, Any]) -> SignedRequest:
    """The request with its raw body, read within its limit; the form is left to :func:`_with_form`.

    A request without an ``Authorization`` header (an RPC signature, which covers the parsed
    parameters) is parsed before it is authenticated, so its body is held to :data:`MAX_PREAUTH_BODY_BYTES`.
    """
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    if method not in ("GET", "POST"):
        raise ApiError("UnsupportedHTTPMethod", f"HTTP method {method} is not supported; use POST.", 405)
    headers = {
        key[5:].lower().replace("_", "-"): str(value) for key, value in environ.items() if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    if environ.get("CONTENT_LENGTH"):
        headers["content-length"] = str(environ["CONTENT_LENGTH"])
    body = _read_body(environ, MAX_BODY_BYTES if headers.get("authorization") else MAX_PREAUTH_BODY_BYTES)
    query = _parameters(str(environ.get("QUERY_STRING", "")))
    return SignedRequest(method=method, path=str(environ.get("PATH_INFO") or "/"), query=query, form={},
                         headers=headers, body=body)  # fmt: skip


def _read_body(environ: Mapping[str, Any], limit: int) -> bytes:
    """The request body, refused with 413 before more than ``limit`` bytes are read."""
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ["wsgi.input"]
    if declared:
        if not (declared.isascii() and declared.isdigit()):
            raise ApiError("InvalidParameter.ContentLength", "Content-Length is not a number.")
        if int(declared) > limit:
            raise _too_large(limit)
        return bytes(stream.read(int(declared))) if int(declared) else b""
    if not environ.get("wsgi.input_terminated"):  # PEP 3333: no length, no body
        return b""
    chunks: list[bytes] = []  # a chunked body: read until its end or one byte past the limit
    received = 0
    while received <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - received))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        received += len(chunk)
    raise _too_large(limit)


def _too_large(limit: int) -> ApiError:
    return ApiError("RequestTooLarge", f"The request body is larger than {limit} bytes.", 413)


def _with_form(request: SignedRequest) -> SignedRequest:
    """``request`` with its form-encoded body parsed into parameters (other bodies carry none)."""
    form_encoded = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    if not request.body or not form_encoded:
        return request
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            "InvalidParameter.Encoding", "The request parameters are not valid UTF-8 form encoding."
        ) from None
    return replace(request, form=_parameters(text))


def _parameters(encoded: str) -> dict[str, str]:
    """Form-encoded ``name=value`` pairs: at most :data:`MAX_PARAMETERS` of them, none holding a NUL."""
    if encoded.count("&") >= MAX_PARAMETERS:
        raise ApiError("InvalidParameter.TooMany", f"The request has more than {MAX_PARAMETERS} parameters.")
    parameters = dict(parse_qsl(encoded, keep_blank_values=True))
    for name, value in parameters.items():
        if "\x00" in name or "\x00" in value:
            raise ApiError("InvalidParameter", f'The parameter "{name[:40]}" contains a NUL character.')
    return parameters
