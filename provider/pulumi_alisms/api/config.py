"""Which account to talk to: endpoint, state file, credentials and region, from config and environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.errors import ConfigurationError

EMBEDDED = "embedded"
ALIBABA = "alibaba"  # the real service, at the Dysmsapi endpoint of ``region_id``
DEFAULT_STATE_FILE = ".alisms/account.db"
DEFAULT_REGION = "ap-southeast-1"
# The embedded emulator's development key pair (documented in the README).
DEV_ACCESS_KEY_ID = "alisms-dev"
DEV_ACCESS_KEY_SECRET = "alisms-dev-secret"


@dataclass(frozen=True)
class AccountSettings:
    """Resolved settings. ``repr`` never shows the secret."""

    endpoint: str = EMBEDDED
    state_file: str = DEFAULT_STATE_FILE
    region_id: str = DEFAULT_REGION
    access_key_id: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)

    @classmethod
    def resolve(
        cls, config: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> "AccountSettings":
        """Stack config (``alisms:*`` keys) first, then the environment, then defaults."""
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

        return cls(
            endpoint=pick("endpoint", "ALISMS_ENDPOINT") or EMBEDDED,
            state_file=pick("stateFile", "ALISMS_STATE_FILE") or DEFAULT_STATE_FILE,
            region_id=pick("regionId", "ALIBABA_CLOUD_REGION_ID") or DEFAULT_REGION,
            access_key_id=pick("accessKeyId", "ALIBABA_CLOUD_ACCESS_KEY_ID"),
            access_key_secret=pick("accessKeySecret", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        )

    @property
    def url(self) -> str:
        """The endpoint URL (``alibaba`` means the real service in ``region_id``)."""
        if self.endpoint == ALIBABA:
            return f"https://dysmsapi.{self.region_id}.aliyuncs.com"
        return self.endpoint

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
