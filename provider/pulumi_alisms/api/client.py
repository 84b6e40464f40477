"""The RPC client: signed requests over httpx, typed errors, and the one retry loop, within one deadline per call
(and the command's deadline, for CLI commands), stopped at once by :meth:`RpcClient.stop`."""

import hashlib
import json
import logging
import math
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from pulumi_alisms.api.config import RetryPolicy
from pulumi_alisms.api.retry_notices import RECORD_ATTRIBUTE, RetryNotice
from pulumi_alisms.api.signing import Credentials, authorization, canonical_query
from pulumi_alisms.errors import AliSmsApiError, NotFoundError, ThrottledError

log = logging.getLogger("pulumi_alisms.api")
USER_AGENT = "pulumi-alisms/0.2"
ParamValue = str | int | float | bool | list[Any] | dict[str, Any] | None
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # far above any real answer (a page of 100 registrations is about 100 KB)
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()
STOP_POLL_SECONDS = 0.05  # how soon a waiting call notices stop()
NotFoundTable = frozenset[tuple[str, int]]
"""How one API family's service says "no such object": the (``Code``, HTTP status) pairs of its answers."""
M = TypeVar("M", bound=BaseModel)
Landed = Callable[[], dict[str, Any] | None]
"""Looks for a write in the account: the answer the write would have given, or ``None`` if it did not happen."""

# The deadline of the call in progress on this thread: a call made inside another (a ``landed`` look-up)
# ends by the enclosing call's deadline too.
_deadline: ContextVar[float] = ContextVar("alisms_call_deadline", default=math.inf)


class Answer(dict[str, Any]):
    """A JSON object of an answer (the answer itself and every object in it), which knows its action.

    The answer comes from the network, so nothing in it is trusted: a field it lacks (``answer["MinuteLimit"]``)
    or that an accessor (:meth:`integer`, :meth:`text`, :meth:`optional_flag`, :meth:`objects`...) cannot read,
    and a value that breaks the rules of the model :meth:`build` makes, is an :class:`AliSmsApiError`
    ``InvalidResponse`` naming the action and the field (and the JSON type it has, never its value): one line,
    never a KeyError, ValueError or pydantic traceback.
    """

    def __init__(self, action: str, fields: Mapping[str, Any]) -> None:
        super().__init__(fields)
        self.action = action

    def __missing__(self, name: str) -> Any:
        raise self._invalid(f"{self.action} answered without {name}")

    def integer(self, name: str) -> int:
        """The field ``name`` as an integer (a JSON number or a string of digits, as the service sends both)."""
        return self._integer(name, self[name])

    def optional_integer(self, name: str) -> int | None:
        """The field ``name`` as an integer, ``None`` when it is absent, null or empty text."""
        value = self.get(name)
        return None if value is None or value == "" else self._integer(name, value)

    def text(self, name: str) -> str:
        """The field ``name`` as text (a JSON string or number)."""
        return self._text(name, self[name])

    def optional_text(self, name: str) -> str | None:
        """The field ``name`` as text, ``None`` when it is absent or null."""
        value = self.get(name)
        return None if value is None else self._text(name, value)

    def optional_flag(self, name: str) -> bool | None:
        """The field ``name`` as a boolean (JSON ``true``/``false``, text ``"true"``/``"false"``, 1/0), ``None``
        when it is absent or null."""
        value = self.get(name)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self._not(name, "a boolean", value)

    def object(self, name: str) -> "Answer":
        """The JSON object in the field ``name``."""
        value = self[name]
        if isinstance(value, Answer):
            return value
        raise self._not(name, "an object", value)

    def optional_object(self, name: str) -> "Answer":
        """The JSON object in the field ``name``; an empty one when it is absent or null."""
        return Answer(self.action, {}) if self.get(name) is None else self.object(name)

    def objects(self, name: str) -> list["Answer"]:
        """The list of JSON objects in the field ``name``; empty when it is absent or null."""
        items = self._list(name, self.get(name), "a list of objects")
        wrong = next((item for item in items if not isinstance(item, Answer)), None)
        if wrong is not None:
            raise self._not(name, "a list of objects", wrong)
        return items

    def texts(self, name: str) -> list[str]:
        """The list of texts in the field ``name``, or in the JSON text it holds (as some operations send lists);
        empty when it is absent, null or empty text."""
        value = self.get(name)
        if isinstance(value, str) and value:
            try:
                value = json.loads(value)
            except ValueError:
                raise self._not(name, "a list of texts", "") from None
        return [self._text(name, item, "a list of texts") for item in self._list(name, value, "a list of texts")]

    def build(self, model: type[M], **fields: Any) -> M:
        """``model(**fields)``, of values read from this answer: a value that breaks one of the model's rules (a
        limit of 0 where the model takes positive ones) is ``InvalidResponse`` naming the model's field and the
        rule, never the value."""
        try:
            return model(**fields)
        except ValidationError as error:
            problems = error.errors(include_url=False, include_input=False)
            first = problems[0]
            field = ".".join(str(part) for part in first["loc"]) or model.__name__
            # A custom validator's message may quote the value; pydantic's own never do.
            rule = first["type"] if first["type"] in ("value_error", "assertion_error") else first["msg"]
            more = f"; {len(problems) - 1} more" if len(problems) > 1 else ""
            raise self._invalid(f"{self.action} answered {field} that breaks its rule ({rule}{more})") from None

    def _integer(self, name: str, value: Any) -> int:
        if isinstance(value, int | str) and not isinstance(value, bool):
            try:
                return int(value)
            except ValueError:
                pass
        raise self._not(name, "an integer", value)

    def _text(self, name: str, value: Any, what: str = "text") -> str:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        raise self._not(name, what, value)

    def _list(self, name: str, value: Any, what: str) -> list[Any]:
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return value
        raise self._not(name, what, value)

    def _not(self, name: str, what: str, value: Any) -> AliSmsApiError:
        return self._invalid(f"{self.action} answered {name} that is not {what} ({_json_type(value)})")

    def _invalid(self, message: str) -> AliSmsApiError:
        return AliSmsApiError(self.action, "InvalidResponse", message)


def _json_type(value: Any) -> str:
    """The JSON type of a decoded value, as an error names it instead of the value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "array" if isinstance(value, list) else "object"


class _Reply(NamedTuple):
    status: int
    headers: httpx.Headers
    content: bytes


def encode_params(params: Mapping[str, ParamValue]) -> dict[str, str]:
    """Wire form: ``None`` dropped, booleans as true/false, lists and objects as JSON."""
    encoded: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, list | dict):
            encoded[name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            encoded[name] = str(value)
    return encoded


class RpcClient:
    """Calls Alibaba Cloud RPC operations on one endpoint with one key pair.

    The connection pool is shared by threads; ``call`` is thread-safe. ``timeout`` bounds each connect, read
    and write; ``retry.max_total_seconds`` bounds each call as a whole, slow answers included, and
    :meth:`end_by` every call of a command. ``sleep`` waits between attempts (by default a wait that
    :meth:`stop` cuts short).
    """

    def __init__(
        self,
        endpoint: str,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 15.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._host = urlsplit(self.endpoint).netloc
        self._credentials = credentials
        self.retry = retry or RetryPolicy()
        self._timeout = timeout
        self._stopped = threading.Event()
        self._sleep = sleep or self._stopped.wait
        self._ends_at = math.inf  # the command's deadline (monotonic), see end_by
        self._command_seconds = math.inf
        self._clock_skew = 0.0
        self._rng = random.Random()
        # An in-process app answers on the calling thread (the emulator keeps a database connection per
        # thread); anything else is a network, whose attempts run on ``_ATTEMPTS`` threads.
        self._in_process = isinstance(transport, httpx.WSGITransport)
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
        self._http = httpx.Client(transport=transport, limits=limits)

    def close(self) -> None:
        """Release pooled connections."""
        self._http.close()

    def end_by(self, seconds: float) -> None:
        """Give every call from now on, retries and slow answers included, at most ``seconds`` in all: a
        command's deadline. A call still running then fails with ``Transport.Timeout`` naming it."""
        self._command_seconds = seconds
        self._ends_at = time.monotonic() + seconds

    def stop(self) -> None:
        """End every call in progress or to come, within STOP_POLL_SECONDS, with ``Cancelled`` (for good: the
        command is over, on Ctrl-C or when one of its concurrent calls failed)."""
        self._stopped.set()

    def call(
        self,
        version: str,
        action: str,
        params: Mapping[str, ParamValue],
        *,
        idempotent: bool,
        landed: Landed | None = None,
        not_found: NotFoundTable = frozenset(),
        body: Mapping[str, ParamValue] | None = None,
    ) -> Answer:
        """Run one operation, retrying what is safe to retry; returns the JSON answer.

        ``params`` go in the query string; ``body`` holds the few parameters the official SDK sends as a form
        body instead (SendBatchSms's JSON arrays).

        Throttling is always retried: the service refused the call before running it. Server errors and missing
        answers are retried for ``idempotent`` calls (reads, set-style writes, writes with a ClientToken). For
        any other write they are ambiguous, since the write may have happened: it is repeated only if
        ``landed``, asked after the backoff, does not find it (its answer is returned if it does); without
        ``landed`` the error is raised.

        The call ends within ``retry.max_total_seconds``, waits and slow answers included (then the last error,
        or ``Transport.Timeout``). Errors are :class:`ThrottledError` for ``Throttling*``, :class:`NotFoundError`
        for an answer in the family's ``not_found`` table, else :class:`AliSmsApiError`. The answer is an
        :class:`Answer`: a missing field is an ``InvalidResponse`` line.
        """
        encoded = encode_params(params)
        form = urlencode(encode_params(body or {})).encode()
        deadline = min(time.monotonic() + self.retry.max_total_seconds, self._ends_at, _deadline.get())
        token = _deadline.set(deadline)
        try:
            attempt = 0
            while True:
                attempt += 1
                try:
                    return self._call_once(version, action, encoded, form, deadline, not_found)
                except AliSmsApiError as error:
                    may_have_run = not (idempotent or error.throttled)
                    pause = self.retry.delay(attempt, self._rng)
                    if (
                        not error.retryable
                        or (may_have_run and landed is None)
                        or attempt >= self.retry.max_attempts
                        or time.monotonic() + pause >= deadline
                    ):
                        raise
                    notice = RetryNotice(action, attempt + 1, self.retry.max_attempts, error.code, pause)
                    log.info("%s; pausing %.2fs", notice, pause, extra={RECORD_ATTRIBUTE: notice})
                    self._sleep(pause)
                    if may_have_run and landed is not None:
                        found = landed()
                        if found is not None:
                            log.info("%s had happened although its answer was lost", action)
                            return found if isinstance(found, Answer) else Answer(action, found)
        finally:
            _deadline.reset(token)

    def _call_once(
        self, version: str, action: str, params: dict[str, str], form: bytes, deadline: float, not_found: NotFoundTable
    ) -> Answer:
        if self._stopped.is_set():
            raise AliSmsApiError(action, "Cancelled", "the command was stopped before the answer")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._out_of_time(action, deadline)
        # As the current official SDK sends RPC operations: the parameters in the query string, a body only for
        # those it sends as a form, and every header but the user agent signed (all x-acs-* among them).
        headers = {
            "host": self._host,
            "x-acs-action": action,
            "x-acs-version": version,
            "x-acs-date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": hashlib.sha256(form).hexdigest() if form else EMPTY_BODY_SHA256,
            "accept": "application/json",
        }
        if form:
            headers["content-type"] = "application/x-www-form-urlencoded"
        headers["Authorization"] = authorization("POST", "/", params, headers, form, self._credentials)
        headers["user-agent"] = USER_AGENT
        url = f"{self.endpoint}/?{canonical_query(params)}" if params else f"{self.endpoint}/"
        request = self._http.build_request("POST", url, headers=headers, content=form,
                                           timeout=min(self._timeout, remaining))  # fmt: skip
        if self._in_process:
            reply = self._exchange(action, request, deadline)
        else:
            try:
                reply = _ATTEMPTS.run(lambda: self._exchange(action, request, deadline), deadline, self._stopped)
            except TimeoutError:
                raise self._out_of_time(action, deadline) from None
            except InterruptedError:
                raise AliSmsApiError(action, "Cancelled", "the command was stopped before the answer") from None
        self._note_server_time(reply.headers.get("date"))
        return _answer(action, reply, not_found)

    def _exchange(self, action: str, request: httpx.Request, deadline: float) -> _Reply:
        """Send and read the answer, at most MAX_ANSWER_BYTES (decoded) and not past ``deadline``."""
        try:
            response = self._http.send(request, stream=True)
            try:
                if _declared_length(response) > MAX_ANSWER_BYTES:
                    raise self._too_large(action, response.status_code)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise self._too_large(action, response.status_code)
                    if time.monotonic() > deadline:
                        raise self._out_of_time(action, deadline)
                    chunks.append(chunk)
                return _Reply(response.status_code, response.headers, b"".join(chunks))
            finally:
                response.close()
        except httpx.TimeoutException as error:
            raise AliSmsApiError(
                action, "Transport.Timeout", f"no answer from {self._host}: {type(error).__name__}"
            ) from None
        except httpx.TransportError as error:
            raise AliSmsApiError(
                action, "Transport.Unreachable", f"cannot reach {self._host}: {type(error).__name__}"
            ) from None
        except httpx.DecodingError:
            raise AliSmsApiError(action, "InvalidResponse", f"the answer from {self._host} cannot be decoded") from None

    def _out_of_time(self, action: str, deadline: float) -> AliSmsApiError:
        if deadline >= self._ends_at:  # the command's deadline came first
            message = f"no complete answer from {self._host}: the command timed out after {self._command_seconds:g} s"
        else:
            message = f"no complete answer from {self._host} within the call's {self.retry.max_total_seconds:g} s"
        return AliSmsApiError(action, "Transport.Timeout", message)

    def _too_large(self, action: str, status: int) -> AliSmsApiError:
        return AliSmsApiError(action, "InvalidResponse", f"the answer from {self._host} is larger than "
                              f"{MAX_ANSWER_BYTES // 2**20} MiB; not read", http_status=status)  # fmt: skip

    def _note_server_time(self, date_header: str | None) -> None:
        try:
            served = parsedate_to_datetime(date_header) if date_header else None
        except (TypeError, ValueError):
            served = None
        if served is not None and served.tzinfo is not None:
            self._clock_skew = (served - datetime.now(UTC)).total_seconds()

    def server_now(self) -> datetime:
        """The service's current time, from the ``Date`` header of its last answer (the emulator reports its
        review clock there); this machine's time before the first answer."""
        return datetime.now(UTC) + timedelta(seconds=self._clock_skew)


class _AttemptThreads:
    """Daemon threads that run network attempts, so that the caller stops waiting at its deadline.

    httpx's timeouts bound each read, not an answer: a server that sends its headers or its body a byte at a
    time would hold an attempt for as long as it likes. Each attempt reserves an idle thread (or starts one), so
    it never queues behind another, a stuck one included; a thread whose caller gave up ends that attempt at
    its next chunk (``_exchange`` checks the deadline) or read timeout, and serves again.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def run(self, work: Callable[[], _Reply], deadline: float, stopped: threading.Event) -> _Reply:
        """``work()``'s answer, or its exception; TimeoutError if it is still running at ``deadline``,
        InterruptedError soon after ``stopped`` is set."""
        outcome: list[_Reply | BaseException] = []
        done = threading.Event()

        def job() -> None:
            try:
                outcome.append(work())
            except BaseException as error:  # handed to the caller
                outcome.append(error)
            done.set()

        with self._lock:
            reserved = self._idle > 0
            self._idle -= reserved
        if not reserved:
            threading.Thread(target=self._serve, name="alisms-attempt", daemon=True).start()
        self._jobs.put(job)
        while not done.wait(max(0.0, min(STOP_POLL_SECONDS, deadline - time.monotonic()))):
            if stopped.is_set():
                raise InterruptedError
            if time.monotonic() >= deadline:
                raise TimeoutError
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _serve(self) -> None:
        while True:
            self._jobs.get()()
            with self._lock:
                self._idle += 1


_ATTEMPTS = _AttemptThreads()


def _declared_length(response: httpx.Response) -> int:
    text = response.headers.get("content-length", "")
    return int(text) if text.isdigit() else 0


def _answer(action: str, reply: _Reply, not_found: NotFoundTable) -> Answer:
    try:
        data = json.loads(reply.content, object_hook=lambda fields: Answer(action, fields))
    except ValueError:
        data = None
    request_id = reply.headers.get("x-acs-request-id")
    if not isinstance(data, Answer):
        message = f"the answer is not a JSON object (HTTP {reply.status})"
        raise AliSmsApiError(action, "InvalidResponse", message, request_id=request_id, http_status=reply.status)
    request_id = str(data.get("RequestId") or request_id or "") or None
    code = data.get("Code") or data.get("ResponseCode")
    if reply.status >= 400 or (code is not None and code != "OK"):
        code = str(code or f"HTTP{reply.status}")
        message = str(data.get("Message") or data.get("ResponseDescription") or "")
        kind = _error_kind(code, reply.status, not_found)
        raise kind(action, code, message, request_id=request_id, http_status=reply.status)
    return data


def _error_kind(code: str, http_status: int, not_found: NotFoundTable) -> type[AliSmsApiError]:
    if (code, http_status) in not_found:
        return NotFoundError
    if code.startswith("Throttling"):
        return ThrottledError
    return AliSmsApiError
