"""One object per account, with a client per API family."""

import httpx

from pulumi_alisms.api.client import RetryPolicy, RpcClient
from pulumi_alisms.api.config import AccountSettings
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

    def __init__(self, rpc: RpcClient) -> None:
        self.rpc = rpc
        self.templates = TemplatesApi(rpc)
        self.contacts = ContactsApi(rpc)
        self.thresholds = ThresholdsApi(rpc)
        self.frequency = FrequencyApi(rpc)
        self.fraud = FraudApi(rpc)
        self.quota = QuotaApi(rpc)
        self.sending = SendingApi(rpc)
        self.sender_ids = SenderIdsApi(rpc)

    def close(self) -> None:
        """Release pooled connections."""
        self.rpc.close()


def open_account(settings: AccountSettings, *, retry: RetryPolicy | None = None) -> AccountClient:
    """A client for the configured account; ``embedded`` serves the emulator in-process over WSGI."""
    settings.validate()
    transport: httpx.BaseTransport | None = None
    endpoint = settings.url
    if settings.embedded:
        from pulumi_alisms.emulator.app import EmulatorApp  # the embedded account only
        from pulumi_alisms.emulator.store import Store

        transport = httpx.WSGITransport(app=EmulatorApp(Store(settings.state_file)))
        endpoint = EMBEDDED_BASE_URL
    return AccountClient(RpcClient(endpoint, settings.credentials(), transport=transport, retry=retry))
