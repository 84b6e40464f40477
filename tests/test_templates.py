"""Message templates: our client (embedded and over HTTP), the official SDK, review on the clock, lost answers."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from alibabacloud_dysmsapi20170525 import models as sdk
from alibabacloud_dysmsapi20170525.client import Client as SdkClient
from alibabacloud_tea_openapi.exceptions import ClientException

from contract import oracle
from mainland_helpers import SIGNATURE, mainland
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.api.templates import MainlandDetails, TemplatesApi
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.faults import FaultConfig
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from support import FAST_RETRY, assert_clean_error, run_cli, sdk_config

OTP = "Your verification code is ${code}. It expires in 5 minutes."
SIGNED = mainland(OTP)  # the signature and the rule of the OTP content
SIGNED_ONLY = mainland("no variables")  # the signature, for content without variables
SHORTENED = "Track your parcel at https://bit.ly/3xYz and reply STOP to opt out."
CONSOLE_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@pytest.fixture(params=["account", "remote_account"])
def client(request: pytest.FixtureRequest) -> AccountClient:
    """Our client on the embedded account and on the standalone emulator over HTTP."""
    account: AccountClient = request.getfixturevalue(request.param)
    return account


def _fast_review(store: Store) -> None:
    """Reviews take 2 emulator seconds, so 'UnderReview' can be observed until the clock moves."""
    store.set_setting("review_speed", "fast")


def test_template_is_reviewed_on_the_clock(client: AccountClient, store: Store, signed: str) -> None:
    _fast_review(store)
    code = client.templates.create("Login code", "otp", OTP, remark="Sign-in to example.com", details=mainland(OTP))
    assert re.fullmatch(r"SMS_\d{9}", code)

    reviewing = client.templates.get(code)
    assert reviewing is not None
    assert (reviewing.name, reviewing.type, reviewing.content) == ("Login code", "otp", OTP)
    assert (reviewing.status, reviewing.status_reason) == ("UnderReview", None)
    assert reviewing.remark == "Sign-in to example.com"
    assert (reviewing.signature, reviewing.template_rule) == (SIGNATURE, {"code": "numberCaptcha"})
    assert reviewing.order_id is not None and reviewing.order_id.isdigit()
    assert reviewing.created_at is not None and CONSOLE_DATE.fullmatch(reviewing.created_at)
    assert [(t.template_code, t.status) for t in client.templates.list_all()] == [(code, "UnderReview")]

    clock.advance(store, 3)
    approved = client.templates.get(code)
    assert approved is not None
    assert (approved.status, approved.status_reason) == ("Approved", None)


def test_instant_review_decides_on_the_next_read(client: AccountClient, signed: str) -> None:
    content = "Order ${order} has shipped."
    code = client.templates.create("Order shipped", "notification", content, details=mainland(content, "notification"))
    template = client.templates.get(code)
    assert template is not None and template.status == "Approved"


def test_url_shortener_is_rejected_with_a_reason(client: AccountClient, signed: str) -> None:
    code = client.templates.create("Parcel", "notification", SHORTENED, details=mainland(SHORTENED))
    template = client.templates.get(code)
    assert template is not None
    assert template.status == "Rejected"
    assert template.status_reason is not None and "URL shortener" in template.status_reason
    (listed,) = client.templates.list_all()
    assert (listed.status, listed.status_reason) == ("Rejected", template.status_reason)


@pytest.mark.parametrize(
    ("arguments", "code", "status", "parameter"),
    [
        ({"type": "promotional", "content": "Spring sale: ${percent} off everything!"},
         "InvalidTemplateContent.Format", 400, "variables"),
        ({"type": "international", "intl_type": 1, "content": "Hi ${name}, 20% off today"},
         "InvalidTemplateContent.Format", 400, "variables"),
        ({"type": "otp", "content": "x" * 501, "details": SIGNED}, "InvalidTemplateContent.Format", 400, "500"),
        ({"type": "otp", "content": OTP, "name": "n" * 31, "details": SIGNED},
         "InvalidParameter.TemplateName", 400, "TemplateName"),
        ({"type": "otp", "content": OTP, "name": " ", "details": SIGNED}, "MissingTemplateName", 404, "name"),
        ({"type": "otp", "content": OTP, "remark": "r" * 501, "details": SIGNED},
         "InvalidParameter.Remark", 400, "Remark"),
        ({"type": "otp", "content": OTP, "intl_type": 0, "details": SIGNED},
         "InvalidParameter.IntlType", 400, "IntlType"),
        ({"type": "otp", "content": OTP, "details": SIGNED.model_copy(update={"template_rule": {"other": "x"}})},
         "InvalidTemplateRule", 400, "code"),
        ({"type": "otp", "content": OTP, "details": MainlandDetails(related_sign_name=SIGNATURE)},
         "InvalidTemplateRule", 400, "required"),
        ({"type": "notification", "content": "Your parcel has shipped."}, "SmsSignatureNotFound", 404,
         "RelatedSignName"),
        ({"type": "otp", "content": OTP, "details": mainland(OTP, signature="Acme")},
         "SmsSignatureNotFound", 404, "Acme"),
    ],
)  # fmt: skip
def test_invalid_templates_are_refused_with_the_published_codes(
    account: AccountClient, signed: str, arguments: dict[str, Any], code: str, status: int, parameter: str
) -> None:
    with pytest.raises(AliSmsApiError) as raised:
        account.templates.create(**{"name": "Campaign", **arguments})
    assert (raised.value.code, raised.value.http_status) == (code, status)
    assert parameter in raised.value.message
    assert (oracle.published_error_statuses("2017-05-25", "CreateSmsTemplate") or {}).get(code, status) == status
    assert account.templates.list_all() == []


def test_international_notification_may_use_variables(account: AccountClient) -> None:
    code = account.templates.create("Intl OTP", "international", OTP, intl_type=0)
    template = account.templates.get(code)
    assert template is not None
    assert (template.type, template.intl_type, template.status) == ("international", 0, "Approved")


def test_update_resubmits_a_rejected_template(client: AccountClient, store: Store, signed: str) -> None:
    _fast_review(store)
    code = client.templates.create("Parcel", "notification", SHORTENED, details=mainland(SHORTENED))
    clock.advance(store, 3)
    rejected = client.templates.get(code)
    assert rejected is not None and rejected.status == "Rejected"

    fixed = "Track your parcel at https://parcels.example.com/${id}"
    rule = {"id": "other_number2"}
    client.templates.update(code, "Parcel tracking", "notification", fixed, remark="Delivery updates",
                            details=MainlandDetails(related_sign_name=SIGNATURE, template_rule=rule))  # fmt: skip
    resubmitted = client.templates.get(code)
    assert resubmitted is not None
    assert (resubmitted.status, resubmitted.status_reason) == ("UnderReview", None)
    assert (resubmitted.name, resubmitted.content, resubmitted.remark) == ("Parcel tracking", fixed, "Delivery updates")
    assert (resubmitted.signature, resubmitted.template_rule) == (SIGNATURE, rule)
    assert resubmitted.order_id != rejected.order_id
    with pytest.raises(AliSmsApiError) as under_review:
        client.templates.update(code, "Parcel tracking", "notification", fixed, details=mainland(fixed))
    assert under_review.value.code == "isv.SMS_TEMPLATE_STATUS_NOT_SUPPORT_UPDATE"

    clock.advance(store, 3)
    approved = client.templates.get(code)
    assert approved is not None and approved.status == "Approved"
    with pytest.raises(AliSmsApiError) as is_approved:
        client.templates.update(code, "Parcel tracking", "notification", "Changed after approval", details=SIGNED_ONLY)
    assert is_approved.value.code == "isv.SMS_TEMPLATE_STATUS_NOT_SUPPORT_UPDATE"


def test_delete(client: AccountClient, store: Store, signed: str) -> None:
    goodbye = "Your account ${name} was closed."
    code = client.templates.create("Goodbye", "notification", goodbye, details=mainland(goodbye))
    assert client.templates.delete(code) is True
    assert client.templates.get(code) is None
    assert client.templates.delete(code) is False
    assert client.templates.list_all() == []

    _fast_review(store)
    pending = "Your order ${id} is ready."
    reviewing = client.templates.create("Pending", "notification", pending, details=mainland(pending))
    with pytest.raises(AliSmsApiError) as raised:
        client.templates.delete(reviewing)
    assert raised.value.code == "isv.ERROR_Template_NOT_DELETE"
    assert client.templates.get(reviewing) is not None


def test_pagination_returns_every_template_once_in_creation_order(account: AccountClient) -> None:
    codes = [account.templates.create(f"Template {i}", "international", f"Notice {i}: ${{detail}}") for i in range(120)]
    assert [t.template_code for t in account.templates.list_all()] == codes

    last = account.templates.list_page(3, 50)
    assert (len(last.items), last.total_count, last.page, last.page_size) == (20, 120, 3, 50)
    assert account.templates.list_page(4, 50).items == []
    with pytest.raises(AliSmsApiError) as raised:
        account.templates.list_page(1, 51)
    assert raised.value.code == "InvalidParameter.PageSize"


def test_official_sdk_round_trip(emulator: EmulatorServer, signed: str) -> None:
    client = SdkClient(sdk_config(emulator.url))
    created = client.create_sms_template(sdk.CreateSmsTemplateRequest(
        template_name="Intl login", template_type=3, intl_type=2, template_content=OTP, remark="Sign-in codes",
    )).body  # fmt: skip
    assert created.code == "OK" and created.template_name == "Intl login"
    assert re.fullmatch(r"SMS_\d{9}", created.template_code) and created.order_id.isdigit()

    got = client.get_sms_template(sdk.GetSmsTemplateRequest(template_code=created.template_code)).body
    assert (got.code, got.template_code, got.template_name) == ("OK", created.template_code, "Intl login")
    assert (got.template_type, got.intl_type, got.template_status) == ("3", 2, "1")
    assert (got.template_content, got.remark, got.order_id) == (OTP, "Sign-in codes", created.order_id)
    assert CONSOLE_DATE.fullmatch(got.create_date) and CONSOLE_DATE.fullmatch(got.audit_info.audit_date)

    parcel = client.create_sms_template(sdk.CreateSmsTemplateRequest(
        template_name="Parcel", template_type=1, template_content=SHORTENED, related_sign_name=signed,
    )).body.template_code  # fmt: skip
    rejected = client.get_sms_template(sdk.GetSmsTemplateRequest(template_code=parcel)).body
    assert rejected.template_status == "2" and "URL shortener" in rejected.audit_info.reject_info
    fixed = "Track your parcel at https://parcels.example.com/${id}"
    updated = client.update_sms_template(sdk.UpdateSmsTemplateRequest(
        template_code=parcel, template_name="Parcel v2", template_type=1, template_content=fixed,
        related_sign_name=signed, template_rule=json.dumps({"id": "other_number2"}),
    )).body  # fmt: skip
    assert (updated.code, updated.template_code, updated.template_name) == ("OK", parcel, "Parcel v2")
    amended = client.get_sms_template(sdk.GetSmsTemplateRequest(template_code=parcel)).body
    assert amended.related_sign_name == signed and json.loads(amended.variable_attribute) == {"id": "other_number2"}

    page = client.query_sms_template_list(sdk.QuerySmsTemplateListRequest(page_index=1, page_size=10)).body
    assert (page.code, page.total_count, page.current_page, page.page_size) == ("OK", 2, 1, 10)
    first, second = page.sms_template_list
    assert (first.template_code, first.outer_template_type, first.template_type) == (created.template_code, 3, 6)
    assert (first.audit_status, first.template_content) == ("AUDIT_STATE_PASS", OTP)
    assert (second.template_code, second.template_name, second.template_content) == (parcel, "Parcel v2", fixed)
    assert (second.outer_template_type, second.template_type, second.audit_status) == (1, 0, "AUDIT_STATE_PASS")

    deleted = client.delete_sms_template(sdk.DeleteSmsTemplateRequest(template_code=parcel)).body
    assert (deleted.code, deleted.template_code) == ("OK", parcel)
    with pytest.raises(ClientException) as missing:
        client.get_sms_template(sdk.GetSmsTemplateRequest(template_code=parcel))
    assert (missing.value.code, missing.value.status_code) == ("TemplateNotFound", 404)


def _calls(store: Store, action: str) -> int:
    row = store.connection().execute("SELECT calls FROM counters WHERE action = ?", (action,)).fetchone()
    return int(row["calls"]) if row else 0


def test_lost_answers_create_no_duplicates(store: Store, account: AccountClient) -> None:
    faults = FaultConfig(drop_after_commit_rate=0.3, error_rate=0.1, seed=20261127)
    transport = httpx.WSGITransport(app=EmulatorApp(store, faults=faults))
    rpc = RpcClient("http://faulty.alisms", Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), transport=transport,
                    retry=FAST_RETRY)  # fmt: skip
    flaky = TemplatesApi(rpc)
    try:
        codes = [flaky.create(f"Notice {i}", "international", f"Notice {i}: ${{detail}}") for i in range(30)]
        rejected = [flaky.create(f"Parcel {i}", "international", f"{SHORTENED} #{i}") for i in range(10)]
        for i, code in enumerate(rejected):
            flaky.update(code, f"Parcel {i}", "international", f"Track parcel {i} at https://parcels.example.com")
    finally:
        rpc.close()

    assert _calls(store, "CreateSmsTemplate") > 40 and _calls(store, "UpdateSmsTemplate") > 10  # faults happened
    listed = account.templates.list_all()
    assert [t.template_code for t in listed] == codes + rejected
    assert {t.status for t in listed} == {"Approved"}


def listing_answer(items: list[dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    """A fake Dysmsapi that lists ``items`` (as QuerySmsTemplateList) and answers GetSmsTemplate from them."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["x-acs-action"] == "QuerySmsTemplateList":
            return httpx.Response(200, json={"Code": "OK", "RequestId": "r", "SmsTemplateList": items,
                                             "TotalCount": len(items), "CurrentPage": 1, "PageSize": 50})  # fmt: skip
        code = request.url.params["TemplateCode"]
        item = next(item for item in items if item["TemplateCode"] == code)
        return httpx.Response(200, json={"Code": "OK", "RequestId": "r", **{key: item[key] for key in (
            "TemplateCode", "TemplateName", "TemplateContent")}, "TemplateType": str(item["OuterTemplateType"]),
            "TemplateStatus": item["TemplateStatus"]})  # fmt: skip

    return answer


def test_review_states_and_kinds_this_client_does_not_know_never_break_a_listing() -> None:
    wire = [("AUDIT_SATE_CANCEL", "10", 1), ("AUDIT_STATE_CANCEL", "10", 0), ("AUDIT_STATE_SOMETHING_NEW", "11", 1),
            ("AUDIT_STATE_PASS", "1", 7), ("AUDIT_STATE_INIT", "0", 3)]  # fmt: skip
    items = [{"TemplateCode": f"SMS_{index}", "TemplateName": f"T{index}", "TemplateContent": "Hi ${name}",
              "AuditStatus": audit, "TemplateStatus": status, "OuterTemplateType": kind}
             for index, (audit, status, kind) in enumerate(wire)]  # fmt: skip
    rpc = RpcClient("http://fake.alisms", Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET),
                    transport=httpx.MockTransport(listing_answer(items)))  # fmt: skip
    templates = TemplatesApi(rpc)
    expected = [("Cancelled", "notification"), ("Cancelled", "otp"), ("Unknown", "notification"), ("Approved", "7"),
                ("UnderReview", "international")]  # fmt: skip
    assert [(t.status, t.type) for t in templates.iter_all()] == expected
    assert [(t.status, t.type) for t in (templates.get(item["TemplateCode"]) for item in items) if t] == expected


def test_an_international_template_without_intl_type_is_accepted_as_the_metadata_allows(account: AccountClient) -> None:
    code = account.templates.create("Intl notice", "international", "Your parcel has shipped.")
    template = account.templates.get(code)
    assert template is not None and (template.type, template.intl_type) == ("international", None)


def test_remarks_up_to_500_characters_and_mainland_details_are_accepted(account: AccountClient, signed: str) -> None:
    rule = MainlandDetails(related_sign_name=signed, template_rule={"code": "numberCaptcha"},
                           apply_scene_content="https://example.com/login",
                           more_data=["https://example.com/screenshot.png"])  # fmt: skip
    code = account.templates.create("Login", "otp", OTP, remark="r" * 500, details=rule)
    template = account.templates.get(code)
    assert template is not None and template.remark == "r" * 500


def test_an_account_with_cancelled_and_digital_templates_lists_exports_and_drifts(
    account: AccountClient, store: Store, tmp_path: Path, signed: str
) -> None:
    kept = account.templates.create("Parcel", "notification", "Your parcel has shipped.", details=SIGNED_ONLY)
    cancelled = account.templates.create("Old OTP", "otp", OTP, details=SIGNED)
    admin.cancel_template(store, cancelled)
    env = {"ALISMS_STATE_FILE": str(store.path), "ALISMS_ENDPOINT": "embedded"}
    added = run_cli("emulator", "template", "--add-digital", "Catalogue", "See our catalogue", env=env)
    assert added.returncode == 0, added.stderr
    digital = re.search(r"SMS_\d+", added.stdout)
    assert digital is not None

    listed = {t.template_code: (t.status, t.type) for t in account.templates.list_all()}
    assert listed == {kept: ("Approved", "notification"), cancelled: ("Cancelled", "otp"),
                      digital[0]: ("Approved", "7")}  # fmt: skip
    got = account.templates.get(cancelled)
    assert got is not None and got.status == "Cancelled"
    path = tmp_path / "account.yaml"
    exported = run_cli("export", "--file", path, env=env)
    assert exported.returncode == 0, exported.stderr
    drift = run_cli("drift", path, "--output", "json", env=env)
    assert drift.returncode in (0, 2), drift.stderr
    assert "Traceback" not in drift.stderr
    assert json.loads(drift.stdout)["changes"] == []


def test_the_template_admin_names_an_unknown_code(store: Store) -> None:
    result = run_cli("emulator", "template", "--cancel", "SMS_000000000", env={"ALISMS_STATE_FILE": str(store.path)})
    assert_clean_error(result, "no template SMS_000000000")
