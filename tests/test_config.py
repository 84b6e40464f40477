"""Which account the provider talks to and how: endpoint names, regions, credentials, retry budget, list cache."""

import json
from pathlib import Path

import pytest

from contract import oracle
from pulumi_alisms.api.account import open_account
from pulumi_alisms.api.config import (
    LIST_CACHE_SECONDS_ENV,
    RETRY_MAX_ATTEMPTS_ENV,
    RETRY_MAX_SECONDS_ENV,
    AccountSettings,
    RetryPolicy,
)
from pulumi_alisms.errors import ConfigurationError
from support import assert_clean_error, run_cli

REGIONS = ["ap-southeast-1", "ap-southeast-5", "cn-hongkong", "cn-beijing", "cn-hangzhou", "us-east-1",
           "eu-central-1", "me-east-1", "xx-unmapped-9"]  # fmt: skip
PRODUCTS = {"Dysmsapi/2017-05-25": "2017-05-25", "Dysmsapi/2018-05-01": "2018-05-01", "Dysms/2017-06-20": "2017-06-20"}


@pytest.mark.parametrize("region", REGIONS)
def test_alibaba_sends_each_product_where_the_official_sdk_does(region: str) -> None:
    settings = AccountSettings.resolve({"alisms:endpoint": "alibaba", "alisms:regionId": region}, env={})
    assert settings.urls() == {key: f"https://{oracle.sdk_endpoint(version, region)}"
                               for key, version in PRODUCTS.items()}  # fmt: skip


def test_alibaba_opens_a_client_per_product_host() -> None:
    settings = AccountSettings(endpoint="alibaba", region_id="cn-hongkong", access_key_id="id", access_key_secret="s")
    account = open_account(settings)
    try:
        assert account.templates._rpc.endpoint == "https://dysmsapi-xman.cn-hongkong.aliyuncs.com"
        assert account.sending._rpc.endpoint == "https://dysmsapi-xman.cn-hongkong.aliyuncs.com"
        for family in (account.contacts, account.thresholds, account.frequency, account.fraud, account.quota):
            assert family._rpc.endpoint == "https://dysms.aliyuncs.com"
    finally:
        account.close()


def test_a_url_endpoint_serves_every_product() -> None:
    settings = AccountSettings.resolve({"alisms:endpoint": "http://127.0.0.1:8080"}, env={})
    assert set(settings.urls().values()) == {"http://127.0.0.1:8080"}
    with pytest.raises(ConfigurationError, match="'embedded', 'alibaba' or an http"):
        AccountSettings(endpoint="ftp://example").validate()


def test_endpoints_command_prints_each_product_url() -> None:
    result = run_cli("endpoints", "--endpoint", "alibaba", "--region", "cn-beijing", "--output", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {key: f"https://{oracle.sdk_endpoint(version, 'cn-beijing')}"
                                         for key, version in PRODUCTS.items()}  # fmt: skip
    text = run_cli("endpoints", "--endpoint", "alibaba", "--region", "us-east-1")
    assert "Dysms/2017-06-20     https://dysms.aliyuncs.com" in text.stdout
    assert run_cli("endpoints", "--endpoint", "ftp://x").returncode == 1


def test_stack_config_wins_over_the_environment_and_secrets_stay_out_of_repr() -> None:
    env = {"ALISMS_ENDPOINT": "http://127.0.0.1:1", "ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-value"}  # fmt: skip
    settings = AccountSettings.resolve({"alisms:endpoint": "http://127.0.0.1:2"}, env=env)
    assert (settings.endpoint, settings.access_key_id) == ("http://127.0.0.1:2", "env-id")
    assert "env-secret-value" not in repr(settings)
    with pytest.raises(ConfigurationError, match="needs credentials"):
        AccountSettings(endpoint="alibaba").credentials()


def test_retry_budget_and_list_cache_age_come_from_the_environment() -> None:
    assert AccountSettings.resolve({}, env={}) == AccountSettings()
    assert (AccountSettings().retry, AccountSettings().list_cache_seconds) == (RetryPolicy(), 30.0)
    env = {RETRY_MAX_ATTEMPTS_ENV: "3", RETRY_MAX_SECONDS_ENV: "2.5", LIST_CACHE_SECONDS_ENV: " 0 "}
    settings = AccountSettings.resolve({}, env=env)
    assert settings.retry == RetryPolicy(max_attempts=3, max_total_seconds=2.5)
    assert settings.list_cache_seconds == 0.0


@pytest.mark.parametrize(
    ("name", "value"),
    [(RETRY_MAX_ATTEMPTS_ENV, "abc"), (RETRY_MAX_ATTEMPTS_ENV, "0"), (RETRY_MAX_ATTEMPTS_ENV, "2.5"),
     (RETRY_MAX_SECONDS_ENV, "soon"), (RETRY_MAX_SECONDS_ENV, "-1"), (RETRY_MAX_SECONDS_ENV, "0"),
     (LIST_CACHE_SECONDS_ENV, "-1"), (LIST_CACHE_SECONDS_ENV, "nan"), (LIST_CACHE_SECONDS_ENV, "inf")],
)  # fmt: skip
def test_a_bad_setting_in_the_environment_is_a_configuration_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{name} must be .*, got '{value}'$"):
        AccountSettings.resolve({}, env={name: value})


def test_the_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    result = run_cli("export", "--state-file", tmp_path / "account.db", env={RETRY_MAX_ATTEMPTS_ENV: "abc"})
    assert_clean_error(result, f"{RETRY_MAX_ATTEMPTS_ENV} must be a positive integer, got 'abc'")
