"""What every provider shares: run-time configuration, check failures, diff classification, progress lines,
errors a person can read, and the two constructor forms of every resource."""

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel, TypeAdapter, ValidationError

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.retry_notices import show_retries
from pulumi_alisms.errors import AliSmsApiError, AliSmsError, ConfigurationError, NotFoundError, ProviderError
from pulumi_alisms.inputs.diff import Diff
from pulumi_alisms.kinds import KINDS
from pulumi_alisms.resources import _sdk_workarounds  # noqa: F401  (installed on import)
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.next_action import NextStep

T = TypeVar("T")
PROVIDER_KEY = "__provider"
CONFIG_KEYS = ("alisms:endpoint", "alisms:stateFile", "alisms:accessKeyId", "alisms:accessKeySecret", "alisms:regionId",
               "alisms:senderIdRegistration", "alisms:consoleRecords")  # fmt: skip

_clients: dict[AccountSettings, AccountClient] = {}
_clients_lock = threading.Lock()


def account_for(settings: AccountSettings) -> AccountClient:
    """One shared client (one connection pool, one embedded emulator, one list cache) per account in this process.

    The lock is taken only to open an account, so the engine's parallel calls do not queue on it afterwards.
    """
    client = _clients.get(settings)
    if client is not None:
        return client
    show_retries(progress)  # a throttled call says what it waits for instead of staying silent
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = open_account(settings)
        return client


class AccountProvider(ResourceProvider):
    """Base provider. Holds no configuration when pickled into ``__provider``: ``configure`` reads the
    stack config (``alisms:*``) at run time, falling back to the environment."""

    serialize_as_secret_always = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for method in _ENGINE_METHODS:
            if method in vars(cls):
                function = vars(cls)[method]
                if method in ("create", "read", "update"):
                    function = _normalized_results(function)
                setattr(cls, method, _readable_errors(cls, method, function))

    def configure(self, req: ConfigureRequest) -> None:
        """Remember the stack's ``alisms:*`` settings for this provider host process."""
        config = {key: req.config.get(key) for key in CONFIG_KEYS}
        self._settings = AccountSettings.resolve({k: v for k, v in config.items() if v is not None})

    @property
    def account(self) -> AccountClient:
        """The configured account's client."""
        settings = getattr(self, "_settings", None)
        if settings is None:
            settings = self._settings = AccountSettings.resolve()
        return account_for(settings)

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle run-time settings (they may hold credentials).
        return {}


def without_provider(props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties without the serialized provider."""
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


def problem_failures(problems: Iterable[Problem]) -> list[CheckFailure]:
    """Check failures naming the property (top-level name) and the rule, e.g. ``sender_id: ...``."""
    return [CheckFailure(problem.field.split("[")[0].split(".")[0], f"{problem.field}: {problem.message}")
            for problem in problems]  # fmt: skip


def validation_failures(error: ValidationError) -> list[CheckFailure]:
    """Pydantic errors as check failures."""
    failures = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "(inputs)"
        failures.append(CheckFailure(str(item["loc"][0]) if item["loc"] else "", f"{path}: {item['msg']}"))
    return failures


def checked(
    model: type[BaseModel], news: Mapping[str, Any], problems_of: Callable[[Any], list[Problem]]
) -> CheckResult:
    """Validate inputs with ``model`` (types, defaults) then the domain rules; return normalized inputs.

    During a preview an input may be unknown (another resource's output not computed yet): it is not
    judged now (the engine checks again with the real value before create or update), and the inputs
    go back as they came so the unknown value stays unknown.
    """
    raw = {key: value for key, value in without_provider(news).items() if value is not None}  # unset or outputs
    unknown = {key for key, value in raw.items() if _contains_unknown(value)}
    try:
        inputs = model.model_validate({key: value for key, value in raw.items() if key not in unknown})
    except ValidationError as error:
        return CheckResult(dict(news), [f for f in validation_failures(error) if f.property not in unknown])
    failures = [f for f in problem_failures(problems_of(inputs)) if f.property not in unknown]
    if unknown:
        return CheckResult(dict(news), failures)
    normalized = inputs.model_dump(mode="json")
    return CheckResult({**normalized, PROVIDER_KEY: news.get(PROVIDER_KEY)} if PROVIDER_KEY in news else normalized,
                       failures)  # fmt: skip


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(item) for item in value)
    return isinstance(value, Unknown) or bool(value == rpc.UNKNOWN)


def typed_inputs(model: type[BaseModel], props: Mapping[str, Any]) -> dict[str, Any]:
    """Checked inputs with their types back (numbers cross the wire as floats)."""
    raw = {key: value for key, value in without_provider(props).items() if key in model.model_fields}
    return model.model_validate(raw).model_dump(mode="json")


def normalized_outputs(model: type[BaseModel] | None, props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties as state keeps them: keys sorted (in nested mappings too) and each field of ``model`` of its own
    type. The protocol carries every number as a double, so a whole number comes back as ``2.0``; a nested
    mapping (``replaced_values``) holds fields of ``model`` too."""
    fields = model.model_fields if model is not None else {}
    result: dict[str, Any] = {}
    for key in sorted(props):
        value = props[key]
        if isinstance(value, Mapping):
            value = normalized_outputs(model, value)
        elif key in fields and _holds_float(value):
            value = _retyped(fields[key].annotation, value)
        result[key] = _sorted_keys(value)
    return result


def outputs_model(provider: type) -> type[BaseModel] | None:
    """The inputs model whose field types a provider's outputs keep: its own, else its kind's."""
    model: type[BaseModel] | None = getattr(provider, "inputs_model", None)
    name = provider.__name__.removesuffix("Provider")
    return model or next((kind.inputs_model for kind in KINDS if kind.name == name), None)


def _holds_float(value: Any) -> bool:
    if isinstance(value, list):
        return any(_holds_float(item) for item in value)
    if isinstance(value, Mapping):
        return any(_holds_float(item) for item in value.values())
    return isinstance(value, float)


def _retyped(annotation: Any, value: Any) -> Any:
    adapter = _adapter(annotation)
    try:
        return adapter.dump_python(adapter.validate_python(value), mode="json")
    except ValidationError:  # not of the field's type (a value this package does not know): kept as it is
        return value


@functools.cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    return value


def _normalized_results(function: Callable[..., Any]) -> Callable[..., Any]:
    """A create, read or update whose outputs (and read's inputs) are :func:`normalized_outputs`."""

    @functools.wraps(function)
    def engine_method(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = function(self, *args, **kwargs)
        model = outputs_model(type(self))
        result.outs = normalized_outputs(model, result.outs)
        if getattr(result, "inputs", None) is not None:
            result.inputs = normalized_outputs(model, result.inputs)
        return result

    return engine_method


def diff_result(diff: Diff) -> DiffResult:
    """The engine's form of a diff decided by the kind's rules (``pulumi_alisms.inputs``)."""
    return DiffResult(changes=diff.changes, replaces=list(diff.replaces),
                      delete_before_replace=diff.delete_before_replace)  # fmt: skip


def progress(message: str) -> None:
    """A progress line on stderr, which the Pulumi engine shows for the provider."""
    print(message, file=sys.stderr, flush=True)


MAX_POLL_INTERVAL = 30.0


def poll_until(
    label: str,
    current: T,
    fetch: Callable[[], T],
    *,
    done: Callable[[T], bool],
    next_step: Callable[[T], NextStep],
    status: Callable[[T], str],
    goal: str,
    timeout: int,
) -> T:
    """Poll ``fetch`` with doubling intervals (at most 30 s) until ``done``; a :class:`ProviderError` saying what to
    do as soon as ``next_step`` is the user's (rejected, expired, documents due and none declared: waiting gets
    the object nowhere), or once ``timeout`` seconds have passed."""
    started = time.monotonic()
    deadline = started + timeout
    interval = 1.0
    while True:
        if done(current):
            progress(f"{label}: {goal} after {time.monotonic() - started:.0f}s")
            return current
        step = next_step(current)
        if step.by_user:
            raise ProviderError(f"{label}: {status(current)}, so waiting cannot make it {goal}: {step.advice} "
                                f"(next_action {step.action})")  # fmt: skip
        if time.monotonic() >= deadline:
            raise ProviderError(f"{label} is still {status(current)} after wait_timeout={timeout}s; "
                                "raise wait_timeout or use wait_for: none and refresh later")  # fmt: skip
        progress(f"{label}: {status(current)}, waited {time.monotonic() - started:.0f}s for {goal}")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 2, MAX_POLL_INTERVAL)
        current = fetch()


# The provider methods the engine calls, and the word for what each does.
_ENGINE_METHODS = {"check": "check", "diff": "diff", "create": "create", "read": "read (refresh or import)",
                   "update": "update", "delete": "delete"}  # fmt: skip


class OperationFailed(ProviderError):
    """A provider operation failed for a reason the user can act on; its message is one line."""


def _readable_errors(cls: type, method: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` raising every :class:`AliSmsError` as one :class:`OperationFailed` line, without the chain of
    exceptions behind it: the dynamic-provider host sends the engine its traceback, kept this short."""
    kind = cls.__name__.removesuffix("Provider")

    @functools.wraps(function)
    def engine_method(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except OperationFailed:
            raise
        except AliSmsError as error:
            raise OperationFailed(f"{kind} {_ENGINE_METHODS[method]} failed: {readable(error)}") from None

    return engine_method


def readable(error: AliSmsError) -> str:
    """What went wrong and what to do, on one line."""
    text = " ".join(str(error).split())
    if isinstance(error, NotFoundError):
        return f"{text}. It is gone from the account: run `pulumi refresh`"
    if isinstance(error, AliSmsApiError):
        if error.throttled:
            return f"{text}. The account's flow control refused it after every retry: run again later"
        if error.code.startswith("Transport."):
            return f"{text}. Check alisms:endpoint (or ALISMS_ENDPOINT) and the network, then run again"
        if error.retryable:
            return f"{text}. The service failed: run again later"
        return f"{text}. The service refused the request: fix what it names, then run again"
    if isinstance(error, ConfigurationError):
        return f"{text}. Check the stack's alisms:* config and the environment"
    return text


ArgsType = TypeVar("ArgsType")


def constructor_args(
    args_type: type[ArgsType], positional: Sequence[Any], keywords: Mapping[str, Any]
) -> tuple[ArgsType, pulumi.ResourceOptions | None]:
    """The ``*Args`` and options of a resource constructor called as pulumi-aws's are:
    ``Kind(name, KindArgs(...), opts)`` or ``Kind(name, opts, field=..., ...)`` (``args=``/``opts=`` by name too)."""
    keywords = dict(keywords)
    if len(positional) > 2:
        raise TypeError(f"expected at most ({args_type.__name__}, ResourceOptions) after the name")
    args: Any = keywords.pop("args", None)
    opts: Any = keywords.pop("opts", None)
    if len(positional) == 2:
        args, opts = positional
    elif positional and isinstance(positional[0], args_type):
        args = positional[0]
    elif positional:
        opts = positional[0]
    if args is None:
        args = args_type(**keywords)  # a misspelt or missing field is a TypeError naming it
    elif keywords:
        raise TypeError(f"pass either a {args_type.__name__} or its fields as keywords, not both")
    if not isinstance(args, args_type):
        raise TypeError(f"expected {args_type.__name__}, got {type(args).__name__}")
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError(f"expected pulumi.ResourceOptions, got {type(opts).__name__}")
    return args, opts


def resource_properties(
    args_type: type[Any],
    positional: Sequence[Any],
    keywords: Mapping[str, Any],
    outputs: Sequence[str],
    *,
    secret_outputs: Sequence[str] = (),
    omit_unset: bool = False,
) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """What a resource constructor registers (see :func:`constructor_args` for how it is called): the ``*Args``
    fields (less those left unset, with ``omit_unset``) and the output-only ``outputs``, unknown until the
    provider answers; ``secret_outputs`` join the options' secret outputs."""
    args, opts = constructor_args(args_type, positional, keywords)
    assert is_dataclass(args)
    props = {field.name: getattr(args, field.name) for field in fields(args)}  # Outputs are not copied
    if omit_unset:
        props = {name: value for name, value in props.items() if value is not None}
    if secret_outputs:
        secret = pulumi.ResourceOptions(additional_secret_outputs=list(secret_outputs))
        opts = pulumi.ResourceOptions.merge(secret, opts)
    return {**props, **{name: None for name in outputs if name not in props}}, opts
