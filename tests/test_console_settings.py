"""Console settings (Dysms 2017-06-20): alert contacts, thresholds, frequency, fraud and package quota alerts.

Through our client (embedded and over HTTP) and through the official SDK, unchanged but for the endpoint.
"""

import re
from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
from alibabacloud_dysms20170620 import models as sdk
from alibabacloud_dysms20170620.client import Client as SdkClient
from alibabacloud_tea_openapi.exceptions import ClientException

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.contacts import ContactsApi
from pulumi_alisms.api.fraud import FraudLimits, FraudSettings
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.quota import PackageQuotaAlert
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.backends import contacts as contacts_backend
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from support import FAST_RETRY, sdk_config

PHONE = "+6591234567"
EMAIL = "sre@example.com"


@pytest.fixture(params=["embedded", "http"])
def client(request: pytest.FixtureRequest) -> AccountClient:
    """Our client on the embedded account and over HTTP to a standalone emulator."""
    name = "account" if request.param == "embedded" else "remote_account"
    client: AccountClient = request.getfixturevalue(name)
    return client


@pytest.fixture
def sdk_client(emulator: EmulatorServer) -> SdkClient:
    """The official Dysms 2017-06-20 SDK client on the standalone emulator."""
    return SdkClient(sdk_config(emulator.url))


def last_code(store: Store, recipient: str) -> str:
    """The verification code most recently delivered to ``recipient`` (read from the outbox)."""
    bodies = [message["body"] for message in admin.outbox(store) if message["recipient"] == recipient]
    assert bodies, f"no message to {recipient}"
    match = re.search(r"\b(\d{6})\b", bodies[-1])
    assert match is not None
    return match.group(1)


def is_verified(store: Store, contact_id: int) -> bool:
    """Whether the account holds the contact as verified (server-side state: no answer reports it)."""
    with store.transaction() as db:
        row = db.execute("SELECT verified FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    assert row is not None, f"contact {contact_id} is gone"
    return bool(row[0])


# Alert contacts through our client.


def test_contact_create_update_delete(client: AccountClient) -> None:
    assert client.contacts.list() == []
    contact_id = client.contacts.save("On-call", PHONE, EMAIL, ["send_volume", "package_quota"])
    contact = client.contacts.get(contact_id)
    assert contact is not None
    assert (contact.name, contact.phone, contact.email) == ("On-call", PHONE, EMAIL)
    assert sorted(contact.alerts) == ["package_quota", "send_volume"]

    assert client.contacts.save("On-call SRE", PHONE, EMAIL, ["review_results"], contact_id=contact_id) == contact_id
    updated = client.contacts.get(contact_id)
    assert updated is not None
    assert (updated.name, updated.alerts) == ("On-call SRE", ["review_results"])
    assert [c.contact_id for c in client.contacts.list()] == [contact_id]

    assert client.contacts.delete(contact_id) is True
    assert client.contacts.get(contact_id) is None
    assert client.contacts.delete(contact_id) is False


def test_two_contacts_with_the_same_details_get_their_own_ids(account: AccountClient) -> None:
    first = account.contacts.save("Ops", PHONE, EMAIL, [])
    second = account.contacts.save("Ops", PHONE, EMAIL, [])
    assert first != second
    assert {c.contact_id for c in account.contacts.list()} == {first, second}


def test_update_of_unknown_contact_is_not_found(account: AccountClient) -> None:
    with pytest.raises(AliSmsApiError) as caught:
        account.contacts.save("Ops", PHONE, EMAIL, [], contact_id=4242)
    assert (caught.value.code, caught.value.http_status) == ("InvalidContactId.NotFound", 404)


@pytest.mark.parametrize(
    ("phone", "email", "code", "field"),
    [
        (PHONE, "not-an-email", "InvalidParameter.Email", "email"),
        ("0123", EMAIL, "InvalidParameter.Phone", "phone"),
    ],
)
def test_contact_validation_names_the_field(
    account: AccountClient, phone: str, email: str, code: str, field: str
) -> None:
    with pytest.raises(AliSmsApiError) as caught:
        account.contacts.save("Ops", phone, email, ["send_volume"])
    assert caught.value.code == code
    assert f"{field}:" in caught.value.message
    assert account.contacts.list() == []


def test_unknown_alert_is_refused_before_calling(account: AccountClient) -> None:
    with pytest.raises(ValueError, match="unknown alerts"):
        account.contacts.save("Ops", PHONE, EMAIL, ["weather"])


def test_verification_round_trip(client: AccountClient, store: Store) -> None:
    contact_id = client.contacts.save("Ops", PHONE, EMAIL, ["fraud_prevention"])
    client.contacts.send_verification(PHONE, "phone")
    code = last_code(store, PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(AliSmsApiError) as caught:
        client.contacts.save("Ops", PHONE, EMAIL, ["fraud_prevention"], contact_id=contact_id, verification_code=wrong)
    assert (caught.value.code, caught.value.http_status) == ("isv.VERIFICATION_CODE_INVALID", 400)
    assert is_verified(store, contact_id) is False

    saved = client.contacts.save(
        "Ops", PHONE, EMAIL, ["fraud_prevention"], contact_id=contact_id, verification_code=code
    )
    assert saved == contact_id
    assert is_verified(store, contact_id) is True

    with pytest.raises(AliSmsApiError) as reused:
        client.contacts.save("Ops", PHONE, EMAIL, [], contact_id=contact_id, verification_code=code)
    assert reused.value.code == "isv.VERIFICATION_CODE_INVALID"


def test_email_verification_and_changing_the_email_unverifies(account: AccountClient, store: Store) -> None:
    contact_id = account.contacts.save("Ops", PHONE, EMAIL, [])
    account.contacts.send_verification(EMAIL, "email")
    assert [message["channel"] for message in admin.outbox(store) if message["recipient"] == EMAIL] == ["email"]
    account.contacts.save("Ops", PHONE, EMAIL, [], contact_id=contact_id, verification_code=last_code(store, EMAIL))
    assert is_verified(store, contact_id) is True

    account.contacts.save("Ops", PHONE, "oncall@example.com", [], contact_id=contact_id)
    assert is_verified(store, contact_id) is False


def test_verification_code_expires_after_15_minutes(account: AccountClient, store: Store) -> None:
    contact_id = account.contacts.save("Ops", PHONE, EMAIL, [])
    account.contacts.send_verification(PHONE, "phone")
    code = last_code(store, PHONE)
    clock.advance(store, 16 * 60)
    with pytest.raises(AliSmsApiError) as caught:
        account.contacts.save("Ops", PHONE, EMAIL, [], contact_id=contact_id, verification_code=code)
    assert caught.value.code == "isv.VERIFICATION_CODE_EXPIRED"


def test_only_the_latest_code_counts(account: AccountClient, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = iter([111_111, 222_222])
    monkeypatch.setattr(contacts_backend.secrets, "randbelow", lambda _: next(codes))
    contact_id = account.contacts.save("Ops", PHONE, EMAIL, [])
    account.contacts.send_verification(PHONE, "phone")
    account.contacts.send_verification(PHONE, "phone")
    assert last_code(store, PHONE) == "222222"
    with pytest.raises(AliSmsApiError) as caught:
        account.contacts.save("Ops", PHONE, EMAIL, [], contact_id=contact_id, verification_code="111111")
    assert caught.value.code == "isv.VERIFICATION_CODE_INVALID"
    account.contacts.save("Ops", PHONE, EMAIL, [], contact_id=contact_id, verification_code="222222")
    assert is_verified(store, contact_id) is True


def test_verification_needs_a_contact_with_that_target(account: AccountClient) -> None:
    with pytest.raises(AliSmsApiError) as caught:
        account.contacts.send_verification("+6590000000", "phone")
    assert caught.value.http_status == 404
    with pytest.raises(AliSmsApiError) as invalid:
        account.contacts.send_verification("not-an-email", "email")
    assert invalid.value.code == "InvalidParameter.Target"


class LoseFirstSave:
    """WSGI middleware: the first SaveContactsNew answers 503, after (``commit``) or instead of running it."""

    def __init__(self, app: EmulatorApp, *, commit: bool) -> None:
        self.app = app
        self.commit = commit
        self.saves = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("HTTP_X_ACS_ACTION") == "SaveContactsNew":
            self.saves += 1
            if self.saves == 1:
                if self.commit:
                    self.app(environ, lambda status, headers: None)
                start_response("503 Service Unavailable", [("Content-Type", "application/json")])
                return [b'{"Code": "ServiceUnavailable", "Message": "lost"}']
        return self.app(environ, start_response)


@pytest.fixture
def flaky_contacts(store: Store, request: pytest.FixtureRequest) -> Iterator[tuple[ContactsApi, LoseFirstSave]]:
    """A ContactsApi whose first SaveContactsNew answer is lost."""
    middleware = LoseFirstSave(EmulatorApp(store), commit=request.param)
    credentials = Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET)
    rpc = RpcClient(
        "http://embedded.alisms", credentials, transport=httpx.WSGITransport(app=middleware), retry=FAST_RETRY
    )
    yield ContactsApi(rpc), middleware
    rpc.close()


@pytest.mark.parametrize(
    "flaky_contacts", [True, False], ids=["lost-after-commit", "failed-before-commit"], indirect=True
)
def test_create_is_safe_when_the_answer_is_lost(flaky_contacts: tuple[ContactsApi, LoseFirstSave]) -> None:
    contacts, middleware = flaky_contacts
    existing = contacts.save("Ops", PHONE, EMAIL, ["send_volume"])  # a twin that must not be mistaken for the new one
    middleware.saves = 0
    contact_id = contacts.save("Ops", PHONE, EMAIL, ["send_volume"])
    assert contact_id != existing
    assert sorted(c.contact_id for c in contacts.list()) == sorted([existing, contact_id])
    assert middleware.saves == (1 if middleware.commit else 2)


# Thresholds, frequency, fraud and package quota through our client.


def test_settings_start_at_their_defaults_and_round_trip(client: AccountClient) -> None:
    assert client.thresholds.get("international") == WarningThreshold(biz_type="international")
    assert client.frequency.get("international") == FrequencyLimit(
        biz_type="international", per_minute=1, per_hour=5, per_day=10
    )
    assert client.fraud.get() is None
    assert client.quota.get() == PackageQuotaAlert()

    threshold = WarningThreshold(
        biz_type="international", daily_warning=800, daily_suspend=1000, monthly_warning=20_000, monthly_suspend=25_000
    )
    frequency = FrequencyLimit(biz_type="international", per_minute=2, per_hour=8, per_day=30)
    fraud = FraudLimits(hourly_limit=300, increase_rate=50, success_rate=20)
    client.thresholds.set(threshold)
    client.frequency.set(frequency)
    client.fraud.set(fraud)
    client.quota.set(PackageQuotaAlert(warning_limit=5_000))

    assert client.thresholds.get("international") == threshold
    assert client.frequency.get("international") == frequency
    assert client.fraud.get() == fraud
    assert client.quota.get().warning_limit == 5_000
    # The other biz type keeps its own settings.
    assert client.thresholds.get("domestic") == WarningThreshold(biz_type="domestic")
    assert client.frequency.get("domestic").per_day == 10


def test_package_quota_alert_clears(account: AccountClient) -> None:
    account.quota.set(PackageQuotaAlert(warning_limit=5_000))
    account.quota.set(PackageQuotaAlert())
    assert account.quota.get().warning_limit is None


def test_warning_above_suspend_is_refused(account: AccountClient) -> None:
    with pytest.raises(AliSmsApiError) as caught:
        account.thresholds.set(WarningThreshold(biz_type="international", daily_warning=500, daily_suspend=100))
    assert caught.value.http_status == 400
    assert "daily_warning" in caught.value.message


def test_frequency_minute_above_hour_is_refused(account: AccountClient) -> None:
    with pytest.raises(AliSmsApiError) as caught:
        account.frequency.set(FrequencyLimit(biz_type="international", per_minute=20, per_hour=5, per_day=50))
    assert "per_minute" in caught.value.message
    assert account.frequency.get("international").per_minute == 1


def test_fraud_switch_is_off_until_turned_on(account: AccountClient) -> None:
    assert account.fraud.is_enabled() is False
    assert account.fraud.settings() is None  # a new account: switch off, no limits
    account.fraud.set_enabled(True)
    assert account.fraud.is_enabled() is True
    assert account.fraud.settings() == FraudSettings(enabled=True)
    account.fraud.set(FraudLimits(hourly_limit=300, increase_rate=50, success_rate=20))
    account.fraud.set_enabled(False)
    assert account.fraud.settings() == FraudSettings(enabled=False, hourly_limit=300, increase_rate=50, success_rate=20)


def test_fraud_success_rate_above_100_is_refused(account: AccountClient) -> None:
    with pytest.raises(AliSmsApiError) as caught:
        account.fraud.set(FraudLimits(hourly_limit=300, increase_rate=50, success_rate=120))
    assert "success_rate" in caught.value.message
    assert account.fraud.get() is None


# The official SDK, unchanged but for the endpoint.


def _sdk_error(call: Any) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call()
    return caught.value


def test_sdk_contacts_and_verification(sdk_client: SdkClient, store: Store) -> None:
    created = sdk_client.save_contacts_new(
        sdk.SaveContactsNewRequest(
            name="Ops", phone=PHONE, email=EMAIL, open_send_warning=1, open_prevent_brush_warning=0,
            open_pkg_warning=1, receive_sign_template_audit_result=0,
        )
    )  # fmt: skip
    assert created.body.result is True
    listed = sdk_client.query_contacts_list_new(sdk.QueryContactsListNewRequest()).body
    assert (listed.total, listed.page_no) == (1, 1)
    entry = listed.list[0]
    assert isinstance(entry.id, int)
    assert (entry.name, entry.phone, entry.email) == ("Ops", PHONE, EMAIL)
    assert (entry.open_send_warning, entry.open_pkg_warning, entry.open_prevent_brush_warning) == (1, 1, 0)

    sent = sdk_client.send_verification_new(
        sdk.SendVerificationNewRequest(biz_type="CONTACT", verify_type="SMS", target=PHONE)
    )
    assert sent.status_code == 200
    code = last_code(store, PHONE)
    wrong_code = "111111" if code == "000000" else "000000"
    wrong = _sdk_error(
        lambda: sdk_client.save_contacts_new(sdk.SaveContactsNewRequest(id=entry.id, verification_code=wrong_code))
    )
    assert (wrong.code, wrong.status_code) == ("isv.VERIFICATION_CODE_INVALID", 400)
    sdk_client.save_contacts_new(sdk.SaveContactsNewRequest(id=entry.id, verification_code=code))
    raw = sdk_client.query_contacts_list_new(sdk.QueryContactsListNewRequest()).body
    assert raw.list[0].name == "Ops"  # a save with only Id and the code keeps the other fields

    bad_email = _sdk_error(
        lambda: sdk_client.save_contacts_new(sdk.SaveContactsNewRequest(name="X", phone=PHONE, email="nope"))
    )
    assert bad_email.code == "InvalidParameter.Email"
    missing = _sdk_error(lambda: sdk_client.delete_contacts_new(sdk.DeleteContactsNewRequest(ids=f"{entry.id},999")))
    assert missing.status_code == 404
    deleted = sdk_client.delete_contacts_new(sdk.DeleteContactsNewRequest(ids=str(entry.id)))
    assert deleted.body.result is True
    assert sdk_client.query_contacts_list_new(sdk.QueryContactsListNewRequest()).body.list == []


def test_a_contact_verified_through_the_sdk_is_listed_with_only_the_sdk_fields(
    sdk_client: SdkClient, remote_account: AccountClient, store: Store
) -> None:
    contact_id = remote_account.contacts.save("Ops", PHONE, EMAIL, ["review_results"])
    sdk_client.send_verification_new(
        sdk.SendVerificationNewRequest(biz_type="CONTACT", verify_type="EMAIL", target=EMAIL)
    )
    sdk_client.save_contacts_new(sdk.SaveContactsNewRequest(id=contact_id, verification_code=last_code(store, EMAIL)))
    assert is_verified(store, contact_id) is True
    listed = sdk_client.query_contacts_list_new(sdk.QueryContactsListNewRequest()).body.to_map()["List"]
    assert set(listed[0]) == {"Id", "Name", "Phone", "Email", "OpenSendWarning", "OpenPreventBrushWarning",
                              "OpenPkgWarning", "ReceiveSignTemplateAuditResult"}  # fmt: skip
    contact = remote_account.contacts.get(contact_id)
    assert contact is not None and contact.alerts == ["review_results"]


def test_sdk_warning_thresholds(sdk_client: SdkClient) -> None:
    sdk_client.create_warning_threshold_new(
        sdk.CreateWarningThresholdNewRequest(
            biz_type="2", daily_warning_limit=80, daily_halt_limit=100, monthly_warning_limit=2000,
            monthly_halt_limit=2500,
        )
    )  # fmt: skip
    body = sdk_client.query_warning_threshold_new(sdk.QueryWarningThresholdNewRequest(biz_type="2")).body
    assert (body.biz_type, body.daily_warning_limit, body.daily_halt_limit) == ("2", 80, 100)
    assert (body.monthly_warning_limit, body.monthly_halt_limit) == (2000, 2500)
    assert (body.out_daily_total, body.out_monthly_success) == (0, 0)
    refused = _sdk_error(
        lambda: sdk_client.create_warning_threshold_new(
            sdk.CreateWarningThresholdNewRequest(biz_type="2", daily_warning_limit=500, daily_halt_limit=100)
        )
    )
    assert refused.status_code == 400
    assert "daily_warning" in refused.message


def test_sdk_flow_limits(sdk_client: SdkClient) -> None:
    defaults = sdk_client.query_flow_limit_new(sdk.QueryFlowLimitNewRequest(biz_type="2")).body
    assert (defaults.minute_limit, defaults.hour_limit, defaults.daily_limit) == (1, 5, 10)
    created = sdk_client.create_flow_limit_new(
        sdk.CreateFlowLimitNewRequest(biz_type="2", minute_limit="3", hour_limit="12", daily_limit="40")
    )
    assert created.body.result is True
    body = sdk_client.query_flow_limit_new(sdk.QueryFlowLimitNewRequest(biz_type="2")).body
    assert (body.minute_limit, body.hour_limit, body.daily_limit) == (3, 12, 40)
    refused = _sdk_error(
        lambda: sdk_client.create_flow_limit_new(
            sdk.CreateFlowLimitNewRequest(biz_type="2", minute_limit="9", hour_limit="4", daily_limit="40")
        )
    )
    assert "per_minute" in refused.message


def test_sdk_prev_limits(sdk_client: SdkClient) -> None:
    unset = sdk_client.query_prev_limit_new(sdk.QueryPrevLimitNewRequest()).body
    assert (unset.hour_limit, unset.increase_rate, unset.success_rate) == (None, None, None)
    sdk_client.create_prev_limit_new(sdk.CreatePrevLimitNewRequest(hour_limit=200, increase_rate=30, success_rate=60))
    body = sdk_client.query_prev_limit_new(sdk.QueryPrevLimitNewRequest()).body
    assert (body.hour_limit, body.increase_rate, body.success_rate) == (200, 30, 60)
    negative = _sdk_error(
        lambda: sdk_client.create_prev_limit_new(
            sdk.CreatePrevLimitNewRequest(hour_limit=-1, increase_rate=30, success_rate=60)
        )
    )
    assert (negative.code, negative.status_code) == ("InvalidParameter.HourLimit", 400)


def test_sdk_prev_flag(sdk_client: SdkClient) -> None:
    assert sdk_client.query_openc_flag_new(sdk.QueryOpencFlagNewRequest()).body.is_open == 0
    opened = sdk_client.openc_prev_flag_new(sdk.OpencPrevFlagNewRequest(is_open=1)).body
    assert opened.result == "true" and opened.request_id
    assert sdk_client.query_openc_flag_new(sdk.QueryOpencFlagNewRequest()).body.is_open == 1
    sdk_client.openc_prev_flag_new(sdk.OpencPrevFlagNewRequest(is_open=0))
    assert sdk_client.query_openc_flag_new(sdk.QueryOpencFlagNewRequest()).body.is_open == 0
    refused = _sdk_error(lambda: sdk_client.openc_prev_flag_new(sdk.OpencPrevFlagNewRequest(is_open=2)))
    assert (refused.code, refused.status_code) == ("InvalidParameter.IsOpen", 400)


def test_sdk_pkg_threshold(sdk_client: SdkClient) -> None:
    assert sdk_client.query_pkg_threshold_new(sdk.QueryPkgThresholdNewRequest()).body.package_warning_limit is None
    sdk_client.create_pkg_threshold_new(sdk.CreatePkgThresholdNewRequest(package_warning_limit="1500"))
    body = sdk_client.query_pkg_threshold_new(sdk.QueryPkgThresholdNewRequest()).body
    assert body.package_warning_limit == 1500
    negative = _sdk_error(
        lambda: sdk_client.create_pkg_threshold_new(sdk.CreatePkgThresholdNewRequest(package_warning_limit="-5"))
    )
    assert negative.code == "InvalidParameter.PackageWarningLimit"
