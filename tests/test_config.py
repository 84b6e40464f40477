"""Which account the provider talks to: endpoint names, regions, credentials."""

import pytest

from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.errors import ConfigurationError


def test_alibaba_endpoint_follows_the_region() -> None:
    settings = AccountSettings.resolve({"alisms:endpoint": "alibaba", "alisms:regionId": "ap-southeast-5"}, env={})
    assert settings.url == "https://dysmsapi.ap-southeast-5.aliyuncs.com"
    assert AccountSettings.resolve({"alisms:endpoint": "alibaba"}, env={}).url.endswith(".ap-southeast-1.aliyuncs.com")
    with pytest.raises(ConfigurationError, match="'embedded', 'alibaba' or an http"):
        AccountSettings(endpoint="ftp://example").validate()


def test_stack_config_wins_over_the_environment_and_secrets_stay_out_of_repr() -> None:
    env = {"ALISMS_ENDPOINT": "http://127.0.0.1:1", "ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-value"}  # fmt: skip
    settings = AccountSettings.resolve({"alisms:endpoint": "http://127.0.0.1:2"}, env=env)
    assert (settings.endpoint, settings.access_key_id) == ("http://127.0.0.1:2", "env-id")
    assert "env-secret-value" not in repr(settings)
    with pytest.raises(ConfigurationError, match="needs credentials"):
        AccountSettings(endpoint="alibaba").credentials()
