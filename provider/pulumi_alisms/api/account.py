"""One object per account, with a client per API family, each on its API product's endpoint."""

from collections.abc import Mapping

import httpx

from pulumi_alisms.api import (
    authorization_letters,
    contacts,
    fraud,
    frequency,
    mainland_sending,
    qualifications,
    quota,
    sender_ids,
    sending,
    signatures,
    templates,
    thresholds,
    uploads,
)
from pulumi_alisms.api.authorization_letters import AuthorizationLettersApi
from pulumi_alisms.api.cache import DEFAULT_MAX_AGE
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import AccountSettings, RetryPolicy
from pulumi_alisms.api.console_registrations import ConsoleRegistrations
from pulumi_alisms.api.contacts import ContactsApi
from pulumi_alisms.api.endpoints import DYSMSAPI_2017, PRODUCTS
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
    """The operations of one account, grouped by API family.

    ``rpc`` serves every API version that ``by_version`` (version -> client of that product's endpoint) does not;
    ``upload_http`` carries OSS uploads to the hosts that upload policies name (a plain client by default).
    ``registrations`` is where SenderID registrations are read: the SenderID operations (``sender_ids``, the
    default), or console mode's records (``api.console_registrations``), where the operations are never called.
    """

    def __init__(
        self,
        rpc: RpcClient,
        *,
        list_cache_seconds: float = DEFAULT_MAX_AGE,
        by_version: Mapping[str, RpcClient] | None = None,
        upload_http: httpx.Client | None = None,
        registrations: ConsoleRegistrations | None = None,
    ) -> None:
        self.rpc = rpc
        self._clients = {rpc, *(by_version or {}).values()}
        self._upload_http = upload_http or httpx.Client(timeout=UPLOAD_TIMEOUT_SECONDS)

        def on(version: str) -> RpcClient:
            return (by_version or {}).get(version, rpc)

        self.templates = TemplatesApi(on(templates.VERSION), list_cache_seconds=list_cache_seconds)
        self.contacts = ContactsApi(on(contacts.VERSION), list_cache_seconds=list_cache_seconds)
        self.thresholds = ThresholdsApi(on(thresholds.VERSION))
        self.frequency = FrequencyApi(on(frequency.VERSION))
        self.fraud = FraudApi(on(fraud.VERSION))
        self.quota = QuotaApi(on(quota.VERSION))
        self.sending = SendingApi(on(sending.VERSION))
        self.sender_ids = SenderIdsApi(on(sender_ids.VERSION), list_cache_seconds=list_cache_seconds)
        self.registrations: SenderIdsApi | ConsoleRegistrations = registrations or self.sender_ids
        self.uploads = UploadsApi(on(uploads.VERSION), self._upload_http)
        self.qualifications = QualificationsApi(on(qualifications.VERSION))
        self.authorization_letters = AuthorizationLettersApi(on(authorization_letters.VERSION))
        self.signatures = SignaturesApi(on(signatures.VERSION))
        self.mainland_sending = MainlandSendingApi(on(mainland_sending.VERSION))

    def end_by(self, seconds: float) -> None:
        """Give every call of this account from now on at most ``seconds`` in all (a command's deadline)."""
        for client in self._clients:
            client.end_by(seconds)

    def stop(self) -> None:
        """End every call in progress or to come at once (``RpcClient.stop``)."""
        for client in self._clients:
            client.stop()

    def close(self) -> None:
        """Release pooled connections."""
        for client in self._clients:
            client.close()
        self._upload_http.close()


def open_account(settings: AccountSettings, *, retry: RetryPolicy | None = None) -> AccountClient:
    """A client for the configured account; ``embedded`` serves the emulator in-process over WSGI.

    Each API version is called at the URL ``settings.url_for`` gives it, one connection pool per distinct URL.
    The retry budget and the list cache's age limit come from ``settings``; ``retry`` replaces the former. In
    console mode (``settings.sender_id_registration``) registrations are read from ``settings.console_records``.
    """
    settings.validate()
    credentials = settings.credentials()
    console = settings.sender_id_registration == "console"
    registrations = ConsoleRegistrations(settings.console_records) if console else None
    if settings.embedded:
        from pulumi_alisms.emulator.app import EmulatorApp  # the embedded account only
        from pulumi_alisms.emulator.store import Store

        transport = httpx.WSGITransport(app=EmulatorApp(Store(settings.state_file, read_only=settings.read_only)))
        rpc = RpcClient(EMBEDDED_BASE_URL, credentials, transport=transport, retry=retry or settings.retry)
        upload_http = httpx.Client(transport=transport, timeout=UPLOAD_TIMEOUT_SECONDS)  # policies name the emulator
        return AccountClient(
            rpc, list_cache_seconds=settings.list_cache_seconds, upload_http=upload_http, registrations=registrations
        )
    by_url: dict[str, RpcClient] = {}
    by_version: dict[str, RpcClient] = {}
    for _, version in PRODUCTS:
        url = settings.url_for(version)
        if url not in by_url:
            by_url[url] = RpcClient(url, credentials, retry=retry or settings.retry)
        by_version[version] = by_url[url]
    return AccountClient(by_version[DYSMSAPI_2017[1]], list_cache_seconds=settings.list_cache_seconds,
                         by_version=by_version, registrations=registrations)  # fmt: skip
