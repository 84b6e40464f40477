"""SenderID registration: the project's own operations, through our client, on the emulator's review clock."""

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_alisms.api.account import EMBEDDED_BASE_URL, AccountClient
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.sender_ids import DocumentUpload, Registration, SenderIdsApi
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.backends.sender_ids import SenderIdsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.faults import FaultConfig
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.sender_ids import MAX_DOCUMENT_BYTES
from support import FAST_RETRY

DAY = 86_400.0
SAMPLES = ["Your Acme code is ${code}. It expires in 5 minutes."]
NO_DOCUMENTS_COUNTRY = "MY"  # registration required, no documents
DOCUMENTS_COUNTRY = "ID"  # registration required, documents required


@pytest.fixture(params=["account", "remote_account"])
def client(request: pytest.FixtureRequest) -> AccountClient:
    """Our client on the embedded account and on the standalone emulator (same store)."""
    account: AccountClient = request.getfixturevalue(request.param)
    return account


def submit(api: SenderIdsApi, sender_id: str = "ACME", country: str = NO_DOCUMENTS_COUNTRY, **extra: Any) -> str:
    """Submit a registration with working defaults; the registration id."""
    fields: dict[str, Any] = {"company_name": "Acme Ltd", "use_case": "otp", "sample_templates": SAMPLES}
    fields.update(extra)
    return api.submit(country=country, sender_id=sender_id, **fields).registration_id


def current(api: SenderIdsApi, registration_id: str) -> Registration:
    """The registration, which must exist."""
    registration = api.get(registration_id)
    assert registration is not None
    return registration


@contextmanager
def faulty_api(store: Store, faults: FaultConfig) -> Iterator[SenderIdsApi]:
    """Our client behind an emulator that injects ``faults``."""
    transport = httpx.WSGITransport(app=EmulatorApp(store, faults=faults))
    rpc = RpcClient(EMBEDDED_BASE_URL, Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), transport=transport,
                    retry=FAST_RETRY)  # fmt: skip
    yield SenderIdsApi(rpc)
    rpc.close()


def set_clock_to(store: Store, moment: datetime) -> None:
    """Move the emulator clock forward to ``moment``."""
    clock.advance(store, moment.timestamp() - clock.now(store))


def test_generic_sender_id_is_rejected_with_a_reason(client: AccountClient) -> None:
    ack = client.sender_ids.submit(country="MY", sender_id="INFO", company_name="Acme Ltd", use_case="notification",
                                   sample_templates=SAMPLES, website="https://acme.example")  # fmt: skip
    assert ack.status == "Submitted"
    assert ack.registration_id.startswith("sr-") and len(ack.registration_id) == 15

    registration = current(client.sender_ids, ack.registration_id)
    assert registration.status == "Rejected"
    assert registration.status_reason is not None and "generic" in registration.status_reason
    assert registration.reviewed_at is not None
    assert (registration.country, registration.sender_id, registration.website) == (
        "MY",
        "INFO",
        "https://acme.example",
    )
    assert registration.sample_templates == SAMPLES


def test_documents_country_walks_the_status_machine(client: AccountClient, store: Store, tmp_path: Path) -> None:
    store.set_setting("review_speed", "realistic")
    registration_id = submit(client.sender_ids, country=DOCUMENTS_COUNTRY)
    assert current(client.sender_ids, registration_id).status == "DocumentsToBeRendered"
    letter = tmp_path / "authorization-letter.pdf"
    letter.write_bytes(b"%PDF-1.4 signed and stamped")
    upload = [DocumentUpload(type="AuthorizationLetter", path=str(letter))]
    with pytest.raises(AliSmsApiError) as early:
        client.sender_ids.upload_documents(registration_id, upload)
    assert early.value.code == "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPLOAD"

    clock.advance(store, 2 * DAY)  # rendering takes 2 review hours
    rendered = current(client.sender_ids, registration_id)
    assert rendered.status == "DocumentsRendered"
    assert rendered.documents_due_at is not None
    window = rendered.documents_due_at - rendered.updated_at
    assert window == timedelta(days=30)

    assert client.sender_ids.upload_documents(registration_id, upload).status == "UnderReview"
    reviewing = current(client.sender_ids, registration_id)
    assert reviewing.status == "UnderReview"
    assert reviewing.documents_due_at is None
    [document] = reviewing.documents
    assert (document.type, document.file_name, document.size) == ("AuthorizationLetter", letter.name, 27)
    assert document.sha256 == hashlib.sha256(letter.read_bytes()).hexdigest()

    clock.advance(store, 5 * DAY)  # review takes 36 review hours (three review days)
    approved = current(client.sender_ids, registration_id)
    assert approved.status == "Approved"
    assert approved.status_reason is None and approved.reviewed_at is not None


def test_documents_not_uploaded_in_30_days_expire_and_can_be_resubmitted(account: AccountClient, store: Store) -> None:
    registration_id = submit(account.sender_ids, country=DOCUMENTS_COUNTRY)
    assert current(account.sender_ids, registration_id).status == "DocumentsRendered"  # instant rendering
    clock.advance(store, 29 * DAY)
    assert current(account.sender_ids, registration_id).status == "DocumentsRendered"
    clock.advance(store, 2 * DAY)
    expired = current(account.sender_ids, registration_id)
    assert expired.status == "Expired"
    assert expired.status_reason is not None and "30 days" in expired.status_reason

    assert account.sender_ids.update(registration_id).status == "Submitted"
    resubmitted = current(account.sender_ids, registration_id)
    assert resubmitted.status == "DocumentsRendered"
    assert resubmitted.status_reason is None
    assert resubmitted.documents_due_at is not None and expired.documents_due_at is not None
    assert resubmitted.documents_due_at > expired.documents_due_at


def test_same_client_token_returns_the_same_registration(account: AccountClient) -> None:
    first = account.sender_ids.submit(country="MY", sender_id="ACME", company_name="Acme Ltd", use_case="otp",
                                      sample_templates=SAMPLES, client_token="deploy-42")  # fmt: skip
    again = account.sender_ids.submit(country="MY", sender_id="ACME", company_name="Acme Ltd", use_case="otp",
                                      sample_templates=SAMPLES, client_token="deploy-42")  # fmt: skip
    assert again.registration_id == first.registration_id
    assert [r.registration_id for r in account.sender_ids.list_all()] == [first.registration_id]

    with pytest.raises(AliSmsApiError) as mismatch:
        account.sender_ids.submit(country="MY", sender_id="ACME2", company_name="Acme Ltd", use_case="otp",
                                  sample_templates=SAMPLES, client_token="deploy-42")  # fmt: skip
    assert mismatch.value.code == "IdempotentParameterMismatch"
    assert len(account.sender_ids.list_all()) == 1


def test_lost_answers_do_not_duplicate_registrations(store: Store) -> None:
    with faulty_api(store, FaultConfig(drop_after_commit_rate=0.3, seed=11)) as api:
        ids = [submit(api, sender_id=f"BRAND{i:02d}") for i in range(40)]
    assert len(set(ids)) == 40
    assert admin.stats(store)["SubmitSenderIdRegistration"] > 40  # some answers were lost and retried
    with faulty_api(store, FaultConfig()) as api:
        listed = api.list_all()
    assert sorted(r.registration_id for r in listed) == sorted(ids)


def test_throttled_calls_are_retried(store: Store) -> None:
    with faulty_api(store, FaultConfig(throttle_rate=0.5, seed=3)) as api:
        registration_id = submit(api, sender_id="INFO")
        assert current(api, registration_id).status == "Rejected"
        assert api.update(registration_id, sender_id="ACME").status == "Submitted"
        assert current(api, registration_id).sender_id == "ACME"
        assert [r.status for r in api.list_all()] == ["Approved"]
        assert api.delete(registration_id) is True
    assert sum(admin.stats(store).values()) > 6  # six operations; the throttled attempts were retried


def test_pagination_returns_each_registration_once(account: AccountClient) -> None:
    ids = [submit(account.sender_ids, sender_id=f"BRAND{i:03d}", country=("MY", "GB")[i % 2]) for i in range(250)]
    listed = [r.registration_id for r in account.sender_ids.iter_all()]
    assert sorted(listed) == sorted(ids) and len(listed) == 250
    assert listed == ids  # submission order
    last = account.sender_ids.list_page(3, 100)
    assert (last.total_count, last.page_no, last.page_size, len(last.registrations)) == (250, 3, 100, 50)
    gb = account.sender_ids.list_all(country="GB")
    assert len(gb) == 125 and {r.country for r in gb} == {"GB"}
    assert len(account.sender_ids.list_all(status="Approved")) == 250
    assert account.sender_ids.list_all(status="UnderReview") == []


def test_paid_offline_countries_are_refused(client: AccountClient) -> None:
    for country in ("RU", "KH", "VN", "RS", "KZ"):
        with pytest.raises(AliSmsApiError) as refused:
            submit(client.sender_ids, country=country)
        assert refused.value.code == "isv.SENDER_ID_PAID_OFFLINE", country
        assert "contact your account manager" in refused.value.message
    assert client.sender_ids.list_all() == []


def test_singapore_is_refused_as_self_registration(client: AccountClient) -> None:
    with pytest.raises(AliSmsApiError) as refused:
        submit(client.sender_ids, country="SG")
    assert refused.value.code == "isv.SENDER_ID_SELF_REGISTRATION"
    assert "regulator" in refused.value.message


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"sender_id": "阿里云"}, "InvalidParameter.SenderId", "non-Latin"),
        ({"sender_id": "ACMEBRANDLONG"}, "InvalidParameter.SenderId", "11"),
        ({"sample_templates": [f"Sample {i}" for i in range(21)]}, "InvalidParameter.SampleTemplates", "20"),
        ({"sample_templates": []}, "InvalidParameter.SampleTemplates", "at least one"),
        ({"use_case": "marketing"}, "InvalidParameter.UseCase", "otp"),
        ({"country": "XX"}, "InvalidParameter.Country", "ISO 3166-1"),
    ],
)
def test_invalid_submissions_name_the_parameter(
    client: AccountClient, fields: dict[str, Any], code: str, words: str
) -> None:
    with pytest.raises(AliSmsApiError) as refused:
        submit(client.sender_ids, **fields)
    assert refused.value.code == code
    assert code.split(".")[1] in refused.value.message and words in refused.value.message
    assert client.sender_ids.list_all() == []


def test_a_live_sender_id_cannot_be_registered_twice_for_a_country(account: AccountClient) -> None:
    submit(account.sender_ids, sender_id="ACME", country="MY")
    with pytest.raises(AliSmsApiError) as duplicated:
        submit(account.sender_ids, sender_id="ACME", country="MY")
    assert (duplicated.value.code, duplicated.value.http_status) == ("isv.SENDER_ID_DUPLICATED", 400)  # docs/api.md
    submit(account.sender_ids, sender_id="ACME", country="GB")  # another country is another registration
    rejected = submit(account.sender_ids, sender_id="INFO", country="MY")
    assert current(account.sender_ids, rejected).status == "Rejected"
    submit(account.sender_ids, sender_id="INFO", country="MY")  # a rejected one does not hold the name
    assert len(account.sender_ids.list_all()) == 4


def test_a_rejected_registration_is_fixed_and_resubmitted(client: AccountClient) -> None:
    registration_id = submit(client.sender_ids, sample_templates=["Track your order at https://bit.ly/3xYz"])
    rejected = current(client.sender_ids, registration_id)
    assert rejected.status == "Rejected"
    assert rejected.status_reason is not None and "URL shortener" in rejected.status_reason

    fixed = ["Track your order at https://acme.example/orders"]
    assert client.sender_ids.update(registration_id, sample_templates=fixed).status == "Submitted"
    approved = current(client.sender_ids, registration_id)
    assert (approved.status, approved.status_reason, approved.sample_templates) == ("Approved", None, fixed)
    assert approved.submitted_at >= rejected.submitted_at

    with pytest.raises(AliSmsApiError) as refused:  # an approved registration keeps its sender ID
        client.sender_ids.update(registration_id, sender_id="ACMENEW")
    assert refused.value.code == "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPDATE"
    assert current(client.sender_ids, registration_id).sender_id == "ACME"


def test_review_happens_only_in_review_hours(client: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")
    start = datetime.fromtimestamp(clock.now(store), UTC).replace(hour=20, minute=0, second=0, microsecond=0)
    start += timedelta(days=1)
    set_clock_to(store, start)
    registration_id = submit(client.sender_ids)  # 36 review hours: 1 today, 12 + 12 next days, 11 on the third
    for moment in (
        start + timedelta(hours=3),
        start + timedelta(hours=36),
        start + timedelta(days=2, hours=23, minutes=50),
    ):
        set_clock_to(store, moment)
        assert current(client.sender_ids, registration_id).status == "UnderReview", moment
    set_clock_to(store, start + timedelta(days=3, minutes=10))
    approved = current(client.sender_ids, registration_id)
    assert approved.status == "Approved"
    assert approved.reviewed_at is not None
    assert abs(approved.reviewed_at - (start + timedelta(days=3))) < timedelta(minutes=1)


def test_delete_withdraws_in_any_status(client: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")
    registration_id = submit(client.sender_ids)
    assert current(client.sender_ids, registration_id).status == "UnderReview"
    assert client.sender_ids.delete(registration_id) is True
    assert client.sender_ids.get(registration_id) is None
    assert client.sender_ids.delete(registration_id) is False
    submit(client.sender_ids)  # the name is free again


def test_unknown_registration_is_not_found(client: AccountClient) -> None:
    assert client.sender_ids.get("sr-000000000000") is None
    with pytest.raises(AliSmsApiError) as missing:
        client.sender_ids.update("sr-000000000000", company_name="Acme Ltd")
    assert (missing.value.code, missing.value.http_status) == ("InvalidRegistrationId.NotFound", 404)


def test_upload_names_a_missing_file_before_calling(account: AccountClient, store: Store, tmp_path: Path) -> None:
    registration_id = submit(account.sender_ids, country=DOCUMENTS_COUNTRY)
    calls = admin.stats(store).get("UploadSenderIdDocuments", 0)
    missing_file = tmp_path / "license.pdf"
    with pytest.raises(FileNotFoundError, match=r"license\.pdf"):
        account.sender_ids.upload_documents(
            registration_id, [DocumentUpload(type="BusinessLicense", path=str(missing_file))]
        )
    assert admin.stats(store).get("UploadSenderIdDocuments", 0) == calls
    assert current(account.sender_ids, registration_id).status == "DocumentsRendered"


def test_documents_over_10_mb_are_refused_by_the_service(account: AccountClient) -> None:
    registration_id = submit(account.sender_ids, country=DOCUMENTS_COUNTRY)
    oversized = base64.b64encode(b"\0" * (MAX_DOCUMENT_BYTES + 1)).decode()
    with pytest.raises(AliSmsApiError) as refused:
        account.rpc.call(
            "2017-06-20",
            "UploadSenderIdDocuments",
            {"RegistrationId": registration_id},
            body={"Documents": [{"Type": "BusinessLicense", "FileName": "license.pdf", "ContentBase64": oversized}]},
            idempotent=False,
        )
    assert refused.value.code == "InvalidParameter.Documents"
    assert "license.pdf" in refused.value.message
    assert current(account.sender_ids, registration_id).status == "DocumentsRendered"


def test_sending_sees_only_approved_sender_ids(account: AccountClient, store: Store) -> None:
    submit(account.sender_ids, sender_id="ACME", country="MY")
    submit(account.sender_ids, sender_id="ACME", country=DOCUMENTS_COUNTRY)
    with store.transaction() as db:
        ctx = Context(account=DEV_ACCESS_KEY_ID, params=Params({}), db=db, now=clock.now(store), speed="instant")
        registrations = SenderIdsBackend(ctx)
        assert registrations.is_approved("MY", "ACME") is True
        assert registrations.is_approved(DOCUMENTS_COUNTRY, "ACME") is False  # waiting for documents
        assert registrations.is_approved("MY", "OTHER") is False


def test_review_decisions_email_contacts_who_receive_review_results(account: AccountClient, store: Store) -> None:
    account.contacts.save(
        name="Reviews", phone="+8613800000001", email="reviews@example.com", alerts=["review_results"]
    )
    account.contacts.save(name="Volume", phone="+8613800000002", email="volume@example.com", alerts=["send_volume"])
    registration_id = submit(account.sender_ids, sender_id="INFO")
    assert current(account.sender_ids, registration_id).status == "Rejected"
    mails = [row for row in admin.outbox(store) if row["channel"] == "email"]
    assert [row["recipient"] for row in mails] == ["reviews@example.com"]
    assert registration_id in mails[0]["subject"] and "generic" in mails[0]["body"]
