"""One object per account, with a client per API family."""

import httpx

from pulumi_alisms.api.cache import DEFAULT_MAX_AGE
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import AccountSettings, RetryPolicy
from pulumi_alisms.api.contacts import ContactsApi
from pulumi_alisms.api.fraud import FraudApi
from pulumi_alisms.api.frequency import FrequencyApi
from pulumi_alisms.api.quota import QuotaApi
from pulumi_alisms.api.sender_ids import SenderIdsApi
from pulumi_alisms.api.sending import SendingApi
from pulumi_alisms.api.templates import TemplatesApi
from pulumi_alisms.api.thresholds import ThresholdsApi

EMBEDDED_BASE_URL = "http://embedded.alisms"


class AccountClient:
    """The operations of one account, grouped by API family."""

    def __init__(self, rpc: RpcClient, *, list_cache_seconds: float = DEFAULT_MAX_AGE) -> None:
        self.rpc = rpc
        self.templates = TemplatesApi(rpc, list_cache_seconds=list_cache_seconds)
        self.contacts = ContactsApi(rpc, list_cache_seconds=list_cache_seconds)
        self.thresholds = ThresholdsApi(rpc)
        self.frequency = FrequencyApi(rpc)
        self.fraud = FraudApi(rpc)
        self.quota = QuotaApi(rpc)
        self.sending = SendingApi(rpc)
        self.sender_ids = SenderIdsApi(rpc, list_cache_seconds=list_cache_seconds)

    def close(self) -> None:
        """Release pooled connections."""
        self.rpc.close()


def open_account(settings: AccountSettings, *, retry: RetryPolicy | None = None) -> AccountClient:
    """A client for the configured account; ``embedded`` serves the emulator in-process over WSGI.

    The retry budget and the list cache's age limit come from ``settings``; ``retry`` replaces the former.
    """
    settings.validate()
    transport: httpx.BaseTransport | None = None
    endpoint = settings.url
    if settings.embedded:
        from pulumi_alisms.emulator.app import EmulatorApp  # the embedded account only
        from pulumi_alisms.emulator.store import Store

        transport = httpx.WSGITransport(app=EmulatorApp(Store(settings.state_file)))
        endpoint = EMBEDDED_BASE_URL
    rpc = RpcClient(endpoint, settings.credentials(), transport=transport, retry=retry or settings.retry)
    return AccountClient(rpc, list_cache_seconds=settings.list_cache_seconds)
