"""One object per account, with a client per API family."""

import httpx

from pulumi_alisms.api.authorization_letters import AuthorizationLettersApi
from pulumi_alisms.api.cache import DEFAULT_MAX_AGE
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import AccountSettings, RetryPolicy
from pulumi_alisms.api.contacts import ContactsApi
from pulumi_alisms.api.fraud import FraudApi
from pulumi_alisms.api.frequency import FrequencyApi
from pulumi_alisms.api.mainland_sending import MainlandSendingApi
from pulumi_alisms.api.qualifications import QualificationsApi
from pulumi_alisms.api.quota import QuotaApi
from pulumi_alisms.api.sender_ids import SenderIdsApi
from pulumi_alisms.api.sending import SendingApi
from pulumi_alisms.api.signatures import SignaturesApi
from pulumi_alisms.api.templates import TemplatesApi
from pulumi_alisms.api.thresholds import ThresholdsApi
from pulumi_alisms.api.uploads import UploadsApi

EMBEDDED_BASE_URL = "http://embedded.alisms"
UPLOAD_TIMEOUT_SECONDS = 60.0


class AccountClient:
    """The operations of one account, grouped by API family."""

    def __init__(
        self, rpc: RpcClient, *, list_cache_seconds: float = DEFAULT_MAX_AGE, upload_http: httpx.Client | None = None
    ) -> None:
        """``upload_http`` carries OSS uploads to the hosts that upload policies name (a plain client by default)."""
        self.rpc = rpc
        self._upload_http = upload_http or httpx.Client(timeout=UPLOAD_TIMEOUT_SECONDS)
        self.templates = TemplatesApi(rpc, list_cache_seconds=list_cache_seconds)
        self.contacts = ContactsApi(rpc, list_cache_seconds=list_cache_seconds)
        self.thresholds = ThresholdsApi(rpc)
        self.frequency = FrequencyApi(rpc)
        self.fraud = FraudApi(rpc)
        self.quota = QuotaApi(rpc)
        self.sending = SendingApi(rpc)
        self.sender_ids = SenderIdsApi(rpc, list_cache_seconds=list_cache_seconds)
        self.uploads = UploadsApi(rpc, self._upload_http)
        self.qualifications = QualificationsApi(rpc)
        self.authorization_letters = AuthorizationLettersApi(rpc)
        self.signatures = SignaturesApi(rpc)
        self.mainland_sending = MainlandSendingApi(rpc)

    def close(self) -> None:
        """Release pooled connections."""
        self.rpc.close()
        self._upload_http.close()


def open_account(settings: AccountSettings, *, retry: RetryPolicy | None = None) -> AccountClient:
    """A client for the configured account; ``embedded`` serves the emulator in-process over WSGI.

    The retry budget and the list cache's age limit come from ``settings``; ``retry`` replaces the former.
    """
    settings.validate()
    transport: httpx.BaseTransport | None = None
    upload_http: httpx.Client | None = None
    endpoint = settings.url
    if settings.embedded:
        from pulumi_alisms.emulator.app import EmulatorApp  # the embedded account only
        from pulumi_alisms.emulator.store import Store

        transport = httpx.WSGITransport(app=EmulatorApp(Store(settings.state_file)))
        endpoint = EMBEDDED_BASE_URL
        upload_http = httpx.Client(transport=transport, timeout=UPLOAD_TIMEOUT_SECONDS)  # policies name the emulator
    rpc = RpcClient(endpoint, settings.credentials(), transport=transport, retry=retry or settings.retry)
    return AccountClient(rpc, list_cache_seconds=settings.list_cache_seconds, upload_http=upload_http)
