"""The access key secret never leaves the configuration: not into the serialized provider (``__provider`` in
state), outputs, the provider host's output streams, error messages, reprs, or the emulator's database.

The account uses a second, distinctive key pair, so any copy of the secret anywhere is found by a byte search.
(That ``AlertContact`` asks the engine to keep phone, email and code secret is observed on the wire in
tests/test_program.py.)
"""

import base64
import json
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_alisms.api.client import RetryPolicy, RpcClient
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator.app import EmulatorApp
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.resources._base import PROVIDER_KEY
from pulumi_alisms.testing import PROJECT, PROVIDERS, ProviderHost, ProviderHostError, driver_for, without

KEY_ID = "ci-key"
SECRET = "S3cr3t-ci-value-DO-NOT-LEAK"
WRONG_SECRET = "Wr0ng-ci-value-ALSO-PRIVATE"
# (type, inputs, changed inputs for an update in place)
LIFECYCLE: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("SenderId", {"country": "MY", "sender_id": "ACMEPAY", "company_name": "Acme Pay Ltd", "use_case": "otp",
                  "sample_templates": ["Your Acme code is ${code}."]}, {"deletion_protection": False}),
    ("MessageTemplate", {"name": "Login", "type": "international", "intl_type": 2,
                         "content": "Code ${code}, see bit.ly/x"},
     {"content": "Your code is ${code}."}),  # rejected (a URL shortener), then amended
    ("AlertContact", {"name": "On-call", "phone": "+8613800000000", "email": "sre@example.com",
                      "alerts": ["send_volume"]}, {"alerts": ["send_volume", "review_results"]}),
    ("SuspensionThreshold", {"biz_type": "international", "daily_warning": 10, "daily_suspend": 20},
     {"daily_warning": 15}),
    ("SendFrequencyLimit", {"per_minute": 1, "per_hour": 5}, {"per_hour": 6}),
    ("FraudProtection", {"hourly_limit": 100, "increase_rate": 50, "success_rate": 30}, {"hourly_limit": 200}),
]  # fmt: skip


def config_for(url: str, secret: str = SECRET) -> dict[str, str]:
    """The stack config the engine sends the provider: the endpoint and the CI key pair."""
    return {"alisms:endpoint": url, "alisms:accessKeyId": KEY_ID, "alisms:accessKeySecret": secret}


def assert_hidden(where: str, text: str | bytes, *secrets: str) -> None:
    """No secret appears in ``text``."""
    data = text if isinstance(text, bytes) else text.encode()
    for secret in secrets or (SECRET,):
        assert secret.encode() not in data, f"the secret leaked into {where}"


def stop(host: ProviderHost) -> tuple[bytes, bytes]:
    """Stop a provider host; everything it wrote on stdout (after its port) and stderr."""
    host.close()
    return host.stdout, host.stderr


@pytest.fixture
def account_db(tmp_path: Path) -> Path:
    return tmp_path / "account" / "account.db"


@pytest.fixture
def ci_emulator(account_db: Path) -> Iterator[EmulatorServer]:
    """A standalone emulator that knows only the CI key pair, with instant review."""
    store = Store(account_db)
    store.set_setting("review_speed", "instant")
    server = EmulatorServer(EmulatorApp(store, key_pairs={KEY_ID: SECRET})).start()
    yield server
    server.close()


def test_secret_stays_out_of_state_outputs_streams_and_the_database(tmp_path: Path, ci_emulator: EmulatorServer,
                                                                    account_db: Path) -> None:  # fmt: skip
    host = ProviderHost(str(tmp_path))
    host.configure(config_for(ci_emulator.url))
    recorded: list[Any] = []
    try:
        for type_name, inputs, changes in LIFECYCLE:
            driver = driver_for(host, type_name)
            id_, outs = driver.up(type_name, inputs)
            _, read, read_inputs = driver.read(type_name, id_, without(outs))
            checked, failures = driver.check(type_name, {**inputs, **changes}, olds=without(read))
            assert failures == []
            updated = driver.update(type_name, id_, without(read), without(checked))
            recorded += [outs, read, read_inputs, updated]
            driver.delete(type_name, id_, without(updated))
        templates = driver_for(host, "MessageTemplate")
        with pytest.raises(ProviderHostError) as refused:  # the account refuses it: an error message is produced
            templates.create("too-long", {"name": "Long", "type": "otp", "content": "x" * 501})
        assert "InvalidTemplateContent.Format" in str(refused.value)
        assert_hidden("a provider error", str(refused.value))
    finally:
        out, err = stop(host)
    for props in filter(None, recorded):
        assert_hidden("outputs", json.dumps(props, default=str))
        assert_hidden("the serialized provider in state", base64.b64decode(props[PROVIDER_KEY]))
    assert_hidden("the provider host's stdout", out)
    assert_hidden("the provider host's stderr", err)
    files = sorted(account_db.parent.glob(account_db.name + "*"))
    assert account_db in files
    for path in files:  # the database, its write-ahead log and shared memory
        assert_hidden(path.name, path.read_bytes())


@pytest.mark.parametrize("type_name", list(PROVIDERS))
def test_serialized_provider_holds_no_configuration(type_name: str) -> None:
    provider = PROVIDERS[type_name]()
    provider.configure(ConfigureRequest(Config(config_for("http://127.0.0.1:9"), PROJECT)))
    assert provider.account.rpc.endpoint == "http://127.0.0.1:9"  # configured: the client is built from it
    serialized = serialize_provider(provider)
    assert_hidden("the serialized provider", base64.b64decode(serialized))
    assert_hidden("the serialized provider", serialized)
    assert serialized == serialize_provider(PROVIDERS[type_name]())  # configuration changes nothing in state


def test_wrong_secret_fails_without_showing_either_secret(tmp_path: Path, ci_emulator: EmulatorServer) -> None:
    client = RpcClient(ci_emulator.url, Credentials(KEY_ID, WRONG_SECRET), retry=RetryPolicy(max_attempts=1))
    with pytest.raises(AliSmsApiError) as failure:
        client.call("2017-06-20", "QueryContactsListNew", {}, idempotent=True)
    client.close()
    assert failure.value.code == "SignatureDoesNotMatch"
    for text in (str(failure.value), repr(failure.value), "".join(traceback.format_exception(failure.value))):
        assert_hidden("an API error", text, SECRET, WRONG_SECRET)

    host = ProviderHost(str(tmp_path))
    host.configure(config_for(ci_emulator.url, WRONG_SECRET))
    try:
        with pytest.raises(ProviderHostError, match="SignatureDoesNotMatch") as refused:
            driver_for(host, "AlertContact").up("c", LIFECYCLE[2][1])
        assert_hidden("a provider error", str(refused.value), SECRET, WRONG_SECRET)
    finally:
        out, err = stop(host)
    assert_hidden("the provider host's output", out + err, SECRET, WRONG_SECRET)


def test_settings_and_credentials_never_show_the_secret() -> None:
    settings = AccountSettings.resolve(config_for("http://127.0.0.1:9"), env={})
    credentials = settings.credentials()
    assert credentials.access_key_secret == SECRET
    for text in (repr(settings), str(settings), repr(credentials), str(credentials), f"{settings!r} {credentials}"):
        assert_hidden("a repr", text)
    from_env = AccountSettings.resolve({}, env={"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID,
                                                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET})  # fmt: skip
    assert_hidden("a repr", repr(from_env))


def test_transport_failure_names_the_host_not_the_request() -> None:
    client = RpcClient("http://127.0.0.1:9", Credentials(KEY_ID, SECRET), retry=RetryPolicy(max_attempts=1),
                       transport=httpx.HTTPTransport(retries=0))  # fmt: skip
    with pytest.raises(AliSmsApiError) as failure:
        client.call("2017-06-20", "QueryContactsListNew", {}, idempotent=True)
    assert failure.value.code.startswith("Transport.")
    assert_hidden("a transport error", "".join(traceback.format_exception(failure.value)))


def test_a_check_failure_never_repeats_a_secret_input() -> None:
    from pulumi_alisms.resources.alert_contact import AlertContactProvider

    email = "alice.private@corp"
    result = AlertContactProvider().check({}, {"name": "On-call", "phone": "+8613800000000", "email": email})

    assert [failure.property for failure in result.failures] == ["email"]
    assert all(email not in failure.reason for failure in result.failures)
