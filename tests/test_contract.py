"""The contract test: every request our client sends and every answer the emulator gives, held against Alibaba's
published metadata and the official SDKs (``tests/contract/oracle.py``), over a workflow that calls every client
operation against the embedded emulator.

For each recorded exchange: the request is one the official SDK could have sent (names known, required ones
present, lengths and enums respected, every parameter in the query string with an empty body, every x-acs-*
header signed); a successful answer carries no field the SDK's response model does not know; an error code that
Alibaba publishes for the operation comes with the published HTTP status. Our own SenderID family, which Alibaba
does not publish, must be documented in docs/api.md as this project's contract instead.
"""

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

import mainland_helpers
from contract import oracle
from pulumi_alisms.api.account import EMBEDDED_BASE_URL, AccountClient
from pulumi_alisms.api.authorization_letters import AuthorizationLetterRequest
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.fraud import FraudLimits
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.mainland_sending import BatchMessage
from pulumi_alisms.api.quota import PackageQuotaAlert
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.api.templates import MainlandDetails
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin, clock, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.routes import ROUTES
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.mainland import BEIJING
from support import FAST_RETRY

DOCS_API = Path(__file__).parent.parent / "docs" / "api.md"
PHONE = "+6591234567"
EMAIL = "sre@example.com"
OTP = "Your verification code is ${code}. It expires in 5 minutes."
UK = "447700900123"
# Our own operations: Alibaba publishes no SenderID registration API (docs/api.md, "this project's contract").
OWN_FAMILY_VERSION = "2017-06-20"
OWN_FAMILY_ACTION = re.compile(r"\w*SenderId\w*")
# Codes the emulator answers for published operations that Alibaba's per-operation table does not list: the
# gateway's generic parameter and flow-control errors, and the documented isv.* business errors (docs/api.md).
UNLISTED_CODES = re.compile(r"(MissingParameter|InvalidParameter)\.\w+|Throttling\.User|isv\.\w+")


@dataclass(frozen=True)
class Exchange:
    """One request our client sent and the emulator's answer."""

    version: str
    action: str
    query: dict[str, str]
    body: bytes
    headers: httpx.Headers
    status: int
    answer: dict[str, Any]


class RecordingTransport(httpx.WSGITransport):
    """The embedded emulator's transport, keeping every exchange."""

    def __init__(self, app: EmulatorApp) -> None:
        super().__init__(app=app)
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = super().handle_request(request)
        response.read()
        self.exchanges.append(Exchange(request.headers["x-acs-version"], request.headers["x-acs-action"],
                                       dict(request.url.params), body, request.headers, response.status_code,
                                       json.loads(response.content)))  # fmt: skip
        return response


def expect_error(call: Callable[[], object], code: str) -> None:
    """``call`` fails with ``code``."""
    with pytest.raises(AliSmsApiError) as raised:
        call()
    assert raised.value.code == code


def last_code(store: Store, recipient: str) -> str:
    """The verification code last delivered to ``recipient``."""
    body = [message["body"] for message in admin.outbox(store) if message["recipient"] == recipient][-1]
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None
    return found.group(1)


def workflow(account: AccountClient, store: Store) -> None:
    """Every client operation of the published families, with the errors a real account would give."""
    intl = account.templates.create("Parcel", "international", "Track it at https://bit.ly/x", intl_type=0)
    account.templates.list_page(1, 10)  # reviewed (rejected: a URL shortener), so it can be amended
    account.templates.update(intl, "Parcel", "international", "Track it at https://example.com/parcels", intl_type=0)
    contacts = account.contacts
    contact_id = contacts.save("On-call", PHONE, EMAIL, ["send_volume"])
    contacts.send_verification(PHONE, "phone")
    contacts.save("On-call", PHONE, EMAIL, ["send_volume"], contact_id=contact_id,
                  verification_code=last_code(store, PHONE))  # fmt: skip
    assert [contact.contact_id for contact in contacts.list()] == [contact_id]
    assert contacts.delete(contact_id) is True

    for biz_type in ("domestic", "international"):
        account.thresholds.set(WarningThreshold(biz_type=biz_type, daily_warning=80, daily_suspend=100))
        account.thresholds.get_with_usage(biz_type)
        account.frequency.set(FrequencyLimit(biz_type=biz_type, per_minute=1, per_hour=5, per_day=10))
        account.frequency.get(biz_type)
    account.fraud.set(FraudLimits(hourly_limit=100, increase_rate=50, success_rate=20))
    account.fraud.get()
    account.fraud.set_enabled(True)
    assert account.fraud.is_enabled() is True
    account.quota.set(PackageQuotaAlert(warning_limit=1000))
    account.quota.get()

    sent = account.sending.send(UK, "Acme", "Your parcel has shipped.")
    account.sending.send_batch([UK, "447700900124"], "Acme", "Your parcel has shipped.")
    account.sending.query(sent.message_id)
    with contextlib.suppress(AliSmsApiError):  # sent or refused by the sending rules: held against the contract
        account.sending.send_with_template(UK, "Acme", intl, {})


def mainland_workflow(account: AccountClient, store: Store) -> None:
    """Every client operation of the mainland families, in the order of the getting-started guide (seed 004)."""
    qualification_id = mainland_helpers.ready_signature(account, store)
    qualifications, signatures = account.qualifications, account.signatures
    account.qualifications.request_phone_code(mainland_helpers.ADMIN_PHONE)
    code = mainland_helpers.latest_code(store)
    assert qualifications.check_phone_code(mainland_helpers.ADMIN_PHONE, code) is True
    qualification = qualifications.get(qualification_id)
    assert qualification is not None
    qualifications.list_page()
    signatures.list_page()
    assert signatures.get(mainland_helpers.SIGNATURE) is not None
    account.uploads.upload_attachment("scene.png", b"\x89PNGscene")
    letter_id = account.authorization_letters.create(
        AuthorizationLetterRequest(
            name="ContractLetter",
            letter_key=account.uploads.upload_document("l.jpg", b"l"),
            signatures=[mainland_helpers.SIGNATURE],
            validity="2024-01-01~2099-12-31",
            authorizer=mainland_helpers.COMPANY,
            organization_code=mainland_helpers.CREDIT_CODE,
            proxy="北京代理有限公司",
        )
    )
    account.authorization_letters.query()
    second = mainland_helpers.submit_qualification(account, store, name="ContractSecond")
    admin.approve(store, str(second), kind="qualification")
    signatures.change_qualification(mainland_helpers.SIGNATURE, second, letter_id)
    mainland_admin.register_carrier(store, mainland_helpers.SIGNATURE, DEV_ACCESS_KEY_ID)
    template = mainland_helpers.approved_template(account, store)
    biz_id = account.mainland_sending.send([mainland_helpers.RECIPIENT], mainland_helpers.SIGNATURE, template,
                                           {"code": "123456"})  # fmt: skip
    account.mainland_sending.details(
        mainland_helpers.RECIPIENT, datetime.fromtimestamp(clock.now(store), BEIJING).date(), biz_id
    )
    clock.advance(store, 61)
    batch = [BatchMessage(phone="13700137000", signature=mainland_helpers.SIGNATURE, params={"code": "1"})]
    account.mainland_sending.send_batch(batch, template)
    rejected = signatures.create(SignatureRequest(name="测试", source="company", qualification_id=qualification_id))
    assert rejected
    signatures.update(SignatureRequest(name="测试", source="company", qualification_id=qualification_id,
                                       remark="resubmitted"))  # fmt: skip
    assert signatures.delete("测试") is True
    submitted = qualifications.get(second)
    assert submitted is not None
    qualifications.request_phone_code(mainland_helpers.ADMIN_PHONE)
    qualifications.update(second, submitted.work_order_id, mainland_helpers.submission(
        mainland_helpers.upload_documents(account)), mainland_helpers.latest_code(store))  # fmt: skip
    third = mainland_helpers.submit_qualification(account, store, name="ContractThird")
    third_record = qualifications.get(third)
    assert third_record is not None
    qualifications.delete(third, third_record.work_order_id)

    # Templates last: the mainland ones bind the signature made above.
    templates = account.templates
    details = MainlandDetails(related_sign_name=mainland_helpers.SIGNATURE, template_rule={"code": "numberCaptcha"},
                              apply_scene_content="https://example.com",
                              more_data=["https://example.com/a.png"])  # fmt: skip
    approved = templates.create("Login", "otp", OTP, remark="r" * 500, details=details)
    assert templates.get(approved) is not None
    templates.list_page(1, 10)
    expect_error(lambda: templates.create(" ", "otp", OTP, details=details), "MissingTemplateName")
    expect_error(lambda: templates.create("Sale", "promotional", "Sale ${pct}"), "InvalidTemplateContent.Format")
    expect_error(lambda: templates.create("Login", "otp", OTP, details=details.model_copy(
        update={"template_rule": {"x": "time"}})), "InvalidTemplateRule")  # fmt: skip
    expect_error(lambda: templates.create("Login", "otp", OTP, details=details.model_copy(
        update={"related_sign_name": "Acme"})),
                 "SmsSignatureNotFound")  # fmt: skip
    assert templates.delete(approved) is True
    assert templates.get(approved) is None  # 404 TemplateNotFound


@pytest.fixture(scope="module")
def exchanges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Exchange]]:
    """Every exchange of the workflow, on a fresh embedded account with instant review."""
    store = Store(tmp_path_factory.mktemp("contract") / "account.db")
    store.set_setting("review_speed", "instant")
    transport = RecordingTransport(EmulatorApp(store))
    rpc = RpcClient(EMBEDDED_BASE_URL, Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), transport=transport,
                    retry=FAST_RETRY)  # fmt: skip
    uploads = httpx.Client(transport=httpx.WSGITransport(app=transport.app))  # OSS posts: not RPC exchanges
    account = AccountClient(rpc, upload_http=uploads)
    try:
        workflow(account, store)
        mainland_workflow(account, store)
        yield transport.exchanges
    finally:
        account.close()


def published(exchange: Exchange) -> bool:
    """Whether Alibaba publishes the exchange's operation (the metadata or the official SDK has it)."""
    return exchange.action in oracle.operations(exchange.version)


def test_every_operation_the_emulator_serves_is_published_or_documented_as_ours(exchanges: list[Exchange]) -> None:
    docs = DOCS_API.read_text(encoding="utf-8")
    called = {(exchange.version, exchange.action) for exchange in exchanges}
    for version, action in sorted(ROUTES):
        if action in oracle.operations(version):
            assert (version, action) in called, f"the workflow never calls {version} {action}"
        else:
            assert version == OWN_FAMILY_VERSION and OWN_FAMILY_ACTION.fullmatch(action), (
                f"{version} {action} is served but Alibaba publishes no such operation")  # fmt: skip
            assert f"### {action}" in docs, f"{action} is not documented in docs/api.md as this project's contract"


def test_every_request_is_one_the_official_sdk_could_send(exchanges: list[Exchange]) -> None:
    problems = [
        problem
        for exchange in exchanges
        if published(exchange)
        for problem in oracle.request_problems(
            exchange.version, exchange.action, exchange.query, dict(parse_qsl(exchange.body.decode()))
        )
    ]
    assert problems == []


def test_every_request_signs_every_acs_header_and_its_body(exchanges: list[Exchange]) -> None:
    for exchange in exchanges:
        signed = re.search(r"SignedHeaders=([^,]+)", exchange.headers["authorization"])
        assert signed is not None
        acs = {name for name in exchange.headers if name.startswith("x-acs-")}
        assert acs <= set(signed.group(1).split(";")), exchange.action
        assert exchange.headers["x-acs-content-sha256"] == hashlib.sha256(exchange.body).hexdigest()
        assert bool(exchange.body) == ("content-type" in signed.group(1).split(";")), exchange.action


def test_no_answer_field_is_invented(exchanges: list[Exchange]) -> None:
    invented = {
        (exchange.action, field)
        for exchange in exchanges
        if published(exchange) and exchange.status == 200 and exchange.answer.get("Code", "OK") == "OK"
        for field in oracle.invented_answer_fields(exchange.version, exchange.action, exchange.answer)
    }
    assert invented == set()


def test_error_codes_come_with_the_published_http_status(exchanges: list[Exchange]) -> None:
    errors = [exchange for exchange in exchanges if published(exchange) and exchange.answer.get("Code", "OK") != "OK"]
    assert {"TemplateNotFound", "MissingTemplateName", "SmsSignatureNotFound"} <= {e.answer["Code"] for e in errors}
    wrong = []
    for exchange in errors:
        code = exchange.answer["Code"]
        statuses = oracle.published_error_statuses(exchange.version, exchange.action)
        if statuses is None:
            continue
        if code in statuses:
            if statuses[code] != exchange.status:
                wrong.append(f"{exchange.action} {code}: HTTP {exchange.status}, published {statuses[code]}")
        elif not UNLISTED_CODES.fullmatch(code):
            wrong.append(f"{exchange.action} {code} (HTTP {exchange.status}) is not a published code")
    assert wrong == []


def test_the_oracle_catches_the_old_wire() -> None:
    """What the client and the emulator did before: a form body, an invented Verified, a 100-character Remark."""
    form = {"TemplateName": "Login", "TemplateType": "0", "TemplateContent": OTP}
    assert "CreateSmsTemplate: TemplateName sent in the body, the SDK sends it in the query" in (
        oracle.request_problems("2017-05-25", "CreateSmsTemplate", {}, form))  # fmt: skip
    listed = {"List": [{"Id": 1, "Name": "Ops", "Verified": True}]}
    assert oracle.invented_answer_fields("2017-06-20", "QueryContactsListNew", listed) == ["List[].Verified"]
    assert oracle.parameters("2017-05-25", "CreateSmsTemplate")["Remark"].max_length == 500  # type: ignore[index]
