"""Which account to talk to and how: endpoint, state file, credentials, region, retry budget, list cache and how
SenderIDs are registered, resolved once from stack config and environment."""

import math
import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args
from urllib.parse import urlsplit

from pulumi_alisms.api.cache import DEFAULT_MAX_AGE
from pulumi_alisms.api.endpoints import DYSMSAPI_2017, PRODUCTS, alibaba_url, product_key
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.errors import ConfigurationError

EMBEDDED = "embedded"
ALIBABA = "alibaba"  # the real service: each API product at its own host for ``region_id`` (api/endpoints.py)
DEFAULT_STATE_FILE = ".alisms/account.db"
DEFAULT_REGION = "ap-southeast-1"
# The embedded emulator's development key pair (documented in the README).
DEV_ACCESS_KEY_ID = "alisms-dev"
DEV_ACCESS_KEY_SECRET = "alisms-dev-secret"
RETRY_MAX_ATTEMPTS_ENV = "ALISMS_RETRY_MAX_ATTEMPTS"
RETRY_MAX_SECONDS_ENV = "ALISMS_RETRY_MAX_SECONDS"
LIST_CACHE_SECONDS_ENV = "ALISMS_LIST_CACHE_SECONDS"
COMMAND_TIMEOUT_ENV = "ALISMS_COMMAND_TIMEOUT"
DEFAULT_COMMAND_TIMEOUT = 300.0  # seconds for all the calls of `alisms plan`, `drift` or `export`
SenderIdRegistration = Literal["api", "console"]
"""``api``: this project's SenderID operations (docs/api.md; the emulator serves them). ``console``: Alibaba
publishes none, so registrations are entered in its console and their outcome recorded in a file
(docs/console-mode.md)."""
ALIBABA_DOMAIN = "aliyuncs.com"
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded in attempts and by a deadline per call.

    The defaults ride out heavy throttling (a call fails only if 10 attempts in a row are refused; see
    docs/reliability.md) and give up within a minute: ``max_total_seconds`` bounds the whole call, waits and
    slow answers included.
    """

    max_attempts: int = 10
    base_delay: float = 0.2
    max_delay: float = 5.0
    max_total_seconds: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class AccountSettings:
    """Resolved settings. ``repr`` never shows the secret."""

    endpoint: str = EMBEDDED
    state_file: str = DEFAULT_STATE_FILE
    region_id: str = DEFAULT_REGION
    access_key_id: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)
    retry: RetryPolicy = RetryPolicy()
    list_cache_seconds: float = DEFAULT_MAX_AGE
    command_timeout: float = DEFAULT_COMMAND_TIMEOUT  # the CLI's deadline per command; the provider has none
    sender_id_registration: SenderIdRegistration = "api"
    console_records: str | None = None  # console mode's records file, relative to the project (working) directory
    # Read the embedded account without ever writing its file (plan, drift, export): set by the caller, not config.
    read_only: bool = False

    @classmethod
    def resolve(
        cls, config: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> "AccountSettings":
        """Stack config (``alisms:*`` keys) first, then the environment, then defaults.

        The retry budget (``ALISMS_RETRY_MAX_ATTEMPTS``, ``ALISMS_RETRY_MAX_SECONDS``) and the list cache's age
        limit (``ALISMS_LIST_CACHE_SECONDS``) come from the environment, the CLI's deadline per command from
        ``alisms:commandTimeout`` (``alisms plan --timeout``), else ``ALISMS_COMMAND_TIMEOUT``; a bad value is a
        ConfigurationError. ``alisms:senderIdRegistration`` (``ALISMS_SENDER_ID_REGISTRATION``) defaults to
        ``console`` for Alibaba's hosts (``alibaba``, any ``*.aliyuncs.com`` URL) and to ``api`` otherwise;
        ``alisms:consoleRecords`` (``ALISMS_CONSOLE_RECORDS``) names console mode's records file.
        """
        config = config or {}
        env = os.environ if env is None else env

        def pick(key: str, *env_names: str) -> str | None:
            value = config.get(f"alisms:{key}")
            if value not in (None, ""):
                return str(value)
            for name in env_names:
                if env.get(name):
                    return env[name]
            return None

        endpoint = pick("endpoint", "ALISMS_ENDPOINT") or EMBEDDED
        return cls(
            endpoint=endpoint,
            state_file=pick("stateFile", "ALISMS_STATE_FILE") or DEFAULT_STATE_FILE,
            region_id=pick("regionId", "ALIBABA_CLOUD_REGION_ID") or DEFAULT_REGION,
            access_key_id=pick("accessKeyId", "ALIBABA_CLOUD_ACCESS_KEY_ID"),
            access_key_secret=pick("accessKeySecret", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
            retry=_retry_policy(env),
            list_cache_seconds=_from_env(env, LIST_CACHE_SECONDS_ENV, _seconds,
                                         "a number of seconds >= 0 (0 disables)", DEFAULT_MAX_AGE),
            command_timeout=_parsed(pick("commandTimeout", COMMAND_TIMEOUT_ENV), f"--timeout ({COMMAND_TIMEOUT_ENV})",
                                    _positive_seconds, "a positive number of seconds", DEFAULT_COMMAND_TIMEOUT),
            sender_id_registration=_registration_mode(pick("senderIdRegistration", "ALISMS_SENDER_ID_REGISTRATION"),
                                                      endpoint),
            console_records=pick("consoleRecords", "ALISMS_CONSOLE_RECORDS"),
        )  # fmt: skip

    @property
    def url(self) -> str:
        """The endpoint URL; for ``alibaba`` the Dysmsapi 2017-05-25 one (each product's: :meth:`url_for`)."""
        return self.url_for(DYSMSAPI_2017[1])

    def url_for(self, version: str) -> str:
        """The URL the API version ``version`` is called at: its product's host in ``region_id`` for ``alibaba``,
        the one URL given otherwise (an emulator or a proxy serves every product)."""
        return alibaba_url(version, self.region_id) if self.endpoint == ALIBABA else self.endpoint

    def urls(self) -> dict[str, str]:
        """``Product/Version`` -> the URL this configuration calls, for every API product the project uses."""
        return {product_key(version): self.url_for(version) for _, version in PRODUCTS}

    @property
    def embedded(self) -> bool:
        """Whether the account is the in-process emulator."""
        return self.endpoint == EMBEDDED

    def credentials(self) -> Credentials:
        """The key pair to sign with; the embedded account always uses the development pair."""
        if self.embedded:
            return Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET)
        if not self.access_key_id or not self.access_key_secret:
            raise ConfigurationError(
                f"endpoint {self.endpoint} needs credentials: set alisms:accessKeyId and alisms:accessKeySecret "
                "(secret), or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET"
            )
        return Credentials(self.access_key_id, self.access_key_secret)

    def validate(self) -> None:
        """Refuse endpoints that are neither ``embedded``, ``alibaba`` nor an http(s) URL."""
        if not self.embedded and not self.url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"alisms:endpoint must be 'embedded', 'alibaba' or an http(s) URL, got {self.endpoint!r}"
            )


def _registration_mode(value: str | None, endpoint: str) -> SenderIdRegistration:
    """The chosen mode, else the endpoint's default: Alibaba has no SenderID API, every other endpoint is ours."""
    if value is None:
        host = (urlsplit(endpoint).hostname or "") if "://" in endpoint else ""
        alibaba = endpoint == ALIBABA or host == ALIBABA_DOMAIN or host.endswith(f".{ALIBABA_DOMAIN}")
        return "console" if alibaba else "api"
    modes: tuple[SenderIdRegistration, ...] = get_args(SenderIdRegistration)
    for mode in modes:
        if value.strip().lower() == mode:
            return mode
    raise ConfigurationError(f"alisms:senderIdRegistration (or ALISMS_SENDER_ID_REGISTRATION) must be 'api' or "
                             f"'console', got {value[:40]!r}")  # fmt: skip


def _retry_policy(env: Mapping[str, str]) -> RetryPolicy:
    default = RetryPolicy()
    return RetryPolicy(
        max_attempts=_from_env(env, RETRY_MAX_ATTEMPTS_ENV, _count, "a positive integer", default.max_attempts),
        max_total_seconds=_from_env(env, RETRY_MAX_SECONDS_ENV, _positive_seconds, "a positive number of seconds",
                                    default.max_total_seconds),
    )  # fmt: skip


def _from_env(env: Mapping[str, str], name: str, parse: Callable[[str], T], rule: str, default: T) -> T:
    """The value of ``name`` read by ``parse`` (which raises ValueError for a bad value), else ``default``."""
    return _parsed(env.get(name), name, parse, rule, default)


def _parsed(value: str | None, name: str, parse: Callable[[str], T], rule: str, default: T) -> T:
    """``value`` read by ``parse``, else ``default``; a bad value is a ConfigurationError naming ``name``."""
    text = (value or "").strip()
    if not text:
        return default
    try:
        return parse(text)
    except ValueError:
        raise ConfigurationError(f"{name} must be {rule}, got {text!r}") from None


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:  # also refuses NaN
        raise ValueError(text)
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise ValueError(text)
    return value
