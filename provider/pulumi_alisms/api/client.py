"""The RPC client: signed requests over httpx, typed errors, retries with full-jitter backoff."""

import hashlib
import json
import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from pulumi_alisms.api.signing import Credentials, authorization
from pulumi_alisms.errors import AliSmsApiError

log = logging.getLogger("pulumi_alisms.api")
USER_AGENT = "pulumi-alisms/0.1"
ParamValue = str | int | float | bool | list[Any] | dict[str, Any] | None
MAX_ATTEMPTS_ENV = "ALISMS_RETRY_MAX_ATTEMPTS"
MAX_SECONDS_ENV = "ALISMS_RETRY_MAX_SECONDS"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded in attempts and in total time.

    The defaults ride out heavy throttling (a call fails only if 10 attempts in a row are refused; see
    docs/reliability.md) and give up within a minute.
    """

    max_attempts: int = 10
    base_delay: float = 0.2
    max_delay: float = 5.0
    max_total_seconds: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "RetryPolicy":
        """The defaults, with ``ALISMS_RETRY_MAX_ATTEMPTS`` and ``ALISMS_RETRY_MAX_SECONDS`` applied when set."""
        env = os.environ if env is None else env
        policy = cls()
        if env.get(MAX_ATTEMPTS_ENV):
            policy = replace(policy, max_attempts=_positive(env, MAX_ATTEMPTS_ENV, int))
        if env.get(MAX_SECONDS_ENV):
            policy = replace(policy, max_total_seconds=_positive(env, MAX_SECONDS_ENV, float))
        return policy


def _positive(env: Mapping[str, str], name: str, kind: type[int] | type[float]) -> Any:
    try:
        value = kind(env[name])
    except ValueError:
        value = 0
    if not value > 0:
        raise ValueError(f"{name} must be a positive {kind.__name__}, got {env[name]!r}")
    return value


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

    The connection pool is shared by threads; ``call`` is thread-safe.
    """

    def __init__(
        self,
        endpoint: str,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 15.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._host = urlsplit(self.endpoint).netloc
        self._credentials = credentials
        self.retry = retry or RetryPolicy.from_env()
        self._sleep = sleep
        self._clock_skew = 0.0
        self._rng = random.Random()
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
        self._http = httpx.Client(transport=transport, timeout=timeout, limits=limits)

    def close(self) -> None:
        """Release pooled connections."""
        self._http.close()

    def call(self, version: str, action: str, params: Mapping[str, ParamValue], *, idempotent: bool) -> dict[str, Any]:
        """Run one operation, retrying what is safe to retry; returns the JSON answer.

        Throttling is always retried (the service did not run the call). Server errors and timeouts are
        retried only for ``idempotent`` calls: reads, set-style writes and writes with a ClientToken.
        """
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._call_once(version, action, encode_params(params))
            except AliSmsApiError as error:
                may_retry = error.throttled or (idempotent and error.retryable)
                elapsed = time.monotonic() - started
                if not may_retry or attempt >= self.retry.max_attempts:
                    raise
                pause = self.retry.delay(attempt, self._rng)
                if elapsed + pause > self.retry.max_total_seconds:
                    raise
                log.info("%s attempt %d failed with %s; retrying in %.2fs", action, attempt, error.code, pause)
                self._sleep(pause)

    def _call_once(self, version: str, action: str, params: dict[str, str]) -> dict[str, Any]:
        body = urlencode(params).encode()
        headers = {
            "host": self._host,
            "x-acs-action": action,
            "x-acs-version": version,
            "x-acs-date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
            "content-type": "application/x-www-form-urlencoded",
            "accept": "application/json",
        }
        headers["Authorization"] = authorization("POST", "/", {}, headers, body, self._credentials)
        headers["user-agent"] = USER_AGENT
        try:
            response = self._http.post(self.endpoint + "/", content=body, headers=headers)
        except httpx.TimeoutException as error:
            raise AliSmsApiError(
                action, "Transport.Timeout", f"no answer from {self._host}: {type(error).__name__}"
            ) from None
        except httpx.TransportError as error:
            raise AliSmsApiError(
                action, "Transport.Unreachable", f"cannot reach {self._host}: {type(error).__name__}"
            ) from None
        self._note_server_time(response.headers.get("date"))
        return _answer(action, response)

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


def _answer(action: str, response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    request_id = response.headers.get("x-acs-request-id")
    if not isinstance(data, dict):
        message = f"the answer is not a JSON object (HTTP {response.status_code})"
        raise AliSmsApiError(
            action, "InvalidResponse", message, request_id=request_id, http_status=response.status_code
        )
    request_id = str(data.get("RequestId") or request_id or "") or None
    code = data.get("Code") or data.get("ResponseCode")
    if response.status_code >= 400 or (code is not None and code != "OK"):
        message = data.get("Message") or data.get("ResponseDescription") or ""
        raise AliSmsApiError(action, str(code or f"HTTP{response.status_code}"), str(message),
                             request_id=request_id, http_status=response.status_code)  # fmt: skip
    return data
