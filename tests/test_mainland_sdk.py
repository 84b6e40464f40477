"""The official SDK (alibabacloud_dysmsapi20170525, unchanged but for the endpoint and the development key pair)
round-trips every mainland operation against a standalone emulator; the OSS upload endpoint; the published
metadata (tests/contract/, read through ``contract.oracle``) as a contract."""

import json
import re
from datetime import datetime
from typing import Any

import httpx
import pytest
from alibabacloud_dysmsapi20170525 import models as sdk
from alibabacloud_dysmsapi20170525.client import Client as SdkClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract import oracle
from mainland_helpers import (
    ADMIN_PHONE,
    COMPANY,
    CREDIT_CODE,
    RECIPIENT,
    SIGNATURE,
    advance_to_beijing_hour,
    latest_code,
)
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator import admin, clock, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.routes import ROUTES
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.mainland import BEIJING
from support import sdk_config

# The mainland workflow's operations and the template operations that bind signatures, as the oracle knows them.
MAINLAND_OPERATIONS = (
    "SubmitSmsQualification", "QuerySingleSmsQualification", "QuerySmsQualificationRecord", "UpdateSmsQualification",
    "DeleteSmsQualification", "RequiredPhoneCode", "ValidPhoneCode", "GetQualificationOssInfo",
    "GetOSSInfoForUploadFile", "CreateSmsSign", "GetSmsSign", "UpdateSmsSign", "DeleteSmsSign", "QuerySmsSignList",
    "ChangeSignatureQualification", "CreateSmsAuthorizationLetter", "QuerySmsAuthorizationLetter", "SendSms",
    "SendBatchSms", "QuerySendDetails", "CreateSmsTemplate", "GetSmsTemplate",
)  # fmt: skip
VERSION = "2017-05-25"
JPEG = b"\xff\xd8\xff\xe0" + b"x" * 64


@pytest.fixture
def sdk_client(emulator: EmulatorServer) -> SdkClient:
    """The official SDK pointed at the standalone emulator."""
    return SdkClient(sdk_config(emulator.url))


@pytest.fixture
def raw(emulator: EmulatorServer) -> RpcClient:
    """Our RPC client on the same emulator, for answers as JSON."""
    return RpcClient(emulator.url, Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET))


def unknown_to_the_sdk(answer: Any, model: Any) -> set[str]:
    """Fields of an answer that the SDK's response model would drop (nested objects and lists included)."""
    if not isinstance(answer, dict):
        return set()
    known = model.from_map(answer).to_map()
    missing = {key for key in answer if key not in known}
    for key, value in answer.items():
        if key in known and isinstance(value, dict):
            missing |= {f"{key}.{inner}" for inner in _unknown_nested(value, known[key])}
        if key in known and isinstance(value, list) and value and isinstance(value[0], dict):
            missing |= {f"{key}[].{inner}" for inner in _unknown_nested(value[0], known[key][0])}
    return missing


def _unknown_nested(value: dict[str, Any], known: Any) -> set[str]:
    return {key for key in value if not isinstance(known, dict) or key not in known}


def upload(info: Any, name: str, content: bytes = JPEG) -> str:
    """POST a file to the host an SDK upload policy names; the object key."""
    key = f"{info.start_path}/{name}"
    form = {"key": key, "policy": info.policy, "OSSAccessKeyId": info.access_key_id, "Signature": info.signature}
    response = httpx.post(info.host, data=form, files={"file": (name, content, "image/jpeg")})
    assert response.status_code == 204, response.text
    return key


def sdk_error(call: Any, request: Any) -> ClientException:
    """The SDK's exception for a refused call (an error HTTP status)."""
    with pytest.raises(ClientException) as caught:
        call(request)
    return caught.value


def submit_request(keys: dict[str, str], code: str, **changes: Any) -> sdk.SubmitSmsQualificationRequest:
    """A SubmitSmsQualificationRequest for the documents in ``keys``."""
    fields: dict[str, Any] = dict(
        qualification_name="ExampleTech",
        use_by_self=True,
        whether_share=False,
        company_type="COMPANY",
        company_name=COMPANY,
        organization_code=CREDIT_CODE,
        bussiness_license_exp_date="2020-01-01~2099-12-31",
        legal_person_name="张三",
        legal_person_idcard_no="330100199001011234",
        legal_person_idcard_type="identityCard",
        legal_person_id_card_eff_time="2020-01-01~2040-01-01",
        admin_name="李四",
        admin_idcard_no="330100199202025678",
        admin_idcard_type="identityCard",
        admin_idcard_exp_date="2020-01-01~2040-01-01",
        admin_phone_no=ADMIN_PHONE,
        admin_idcard_front_face=keys["front"],
        admin_idcard_pic=keys["back"],
        certify_code=code,
        business_license_pics=[
            sdk.SubmitSmsQualificationRequestBusinessLicensePics(license_pic=keys["license"], type="businessLicense")
        ],
        other_files=[sdk.SubmitSmsQualificationRequestOtherFiles(license_pic=keys["other"])],
    )
    return sdk.SubmitSmsQualificationRequest(**{**fields, **changes})


def letter_request(letter_key: str) -> sdk.CreateSmsAuthorizationLetterRequest:
    """A letter by which ``COMPANY`` authorizes a proxy to use ``SIGNATURE``."""
    return sdk.CreateSmsAuthorizationLetterRequest(
        authorization_letter_name="ExampleLetter",
        authorization_letter_pic=letter_key,
        sign_list=[SIGNATURE],
        authorization_letter_exp_date="2024-01-01~2099-12-31",
        authorization=COMPANY,
        organization_code=CREDIT_CODE,
        proxy_authorization="北京代理有限公司",
    )


def test_the_sdk_round_trips_every_mainland_operation(sdk_client: SdkClient, raw: RpcClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")
    advance_to_beijing_hour(store, 10)
    assert sdk_client.required_phone_code(sdk.RequiredPhoneCodeRequest(phone_no=f"+86{ADMIN_PHONE}")).body.success
    code = latest_code(store)
    valid = sdk_client.valid_phone_code(sdk.ValidPhoneCodeRequest(phone_no=ADMIN_PHONE, certify_code=code)).body
    wrong = sdk_client.valid_phone_code(sdk.ValidPhoneCodeRequest(phone_no=ADMIN_PHONE, certify_code="x")).body
    assert (valid.code, valid.data, wrong.data) == ("OK", True, False)

    info = sdk_client.get_qualification_oss_info(sdk.GetQualificationOssInfoRequest(biz_type="dysms")).body.data
    assert info.host.endswith("/oss/alicom-qualification") and info.start_path.isdigit()
    assert isinstance(info.expire, int) and info.expire > clock.now(store)
    keys = {name: upload(info, f"{name}.jpg") for name in ("front", "back", "license", "other", "letter")}
    attachment_info = sdk_client.get_ossinfo_for_upload_file(sdk.GetOSSInfoForUploadFileRequest()).body.model
    assert attachment_info.host.endswith("/oss/alicom-fc-media") and attachment_info.expire_time.isdigit()
    attachment = upload(attachment_info, "screenshot.jpg")

    submitted = sdk_client.submit_sms_qualification(submit_request(keys, code)).body
    assert (submitted.code, submitted.success) == ("OK", True) and submitted.data.isdigit()
    qualification_id = int(submitted.data)
    single = sdk_client.query_single_sms_qualification(
        sdk.QuerySingleSmsQualificationRequest(qualification_group_id=qualification_id)
    ).body.data
    assert (single.qualification_group_id, single.state, single.company_name) == (qualification_id, "INT", COMPANY)
    assert (single.eff_time_str, single.use_by_self, single.whether_share) == ("2020-01-01~2099-12-31", True, False)
    assert single.admin_idcard_pic == f"{info.host}/{keys['back']}"
    assert [(p.license_pic, p.type) for p in single.business_license_pics] == [(keys["license"], "businessLicense")]
    assert single.other_files[0].pic_url == f"{info.host}/{keys['other']}"
    admin.reject(store, str(qualification_id), "The business license photo is unreadable")
    records = sdk_client.query_sms_qualification_record(
        sdk.QuerySmsQualificationRecordRequest(page_no=1, page_size=10, state="NOT_PASS")
    ).body.data
    (record,) = records.list
    assert (record.group_id, record.state_name, record.use_by_self, records.total) == (
        qualification_id,
        "NOT_PASS",
        "true",
        1,
    )
    assert (
        record.audit_remark == "The business license photo is unreadable"
        and record.work_order_id == single.work_order_id
    )

    sdk_client.required_phone_code(sdk.RequiredPhoneCodeRequest(phone_no=ADMIN_PHONE))
    updated = sdk_client.update_sms_qualification(
        sdk.UpdateSmsQualificationRequest(
            qualification_group_id=qualification_id,
            order_id=single.work_order_id,
            admin_phone_no=ADMIN_PHONE,
            certify_code=latest_code(store),
            business_license_pics=[
                sdk.UpdateSmsQualificationRequestBusinessLicensePics(
                    license_pic=keys["front"], type="socialCreditLicense"
                )
            ],
        )
    ).body
    assert updated.success and updated.data == str(qualification_id)
    admin.approve(store, str(qualification_id), kind="qualification")

    letter = sdk_client.create_sms_authorization_letter(letter_request(keys["letter"])).body
    letters = sdk_client.query_sms_authorization_letter(
        sdk.QuerySmsAuthorizationLetterRequest(authorization_letter_id_list=[int(letter.data)])
    ).body.data
    assert [(item.sign_scope, item.state, item.status) for item in letters] == [(SIGNATURE, "INT", "VALID")]

    created = sdk_client.create_sms_sign(
        sdk.CreateSmsSignRequest(
            sign_name=SIGNATURE,
            sign_source=0,
            sign_type=1,
            qualification_id=qualification_id,
            remark="Our company",
            more_data=[attachment],
            authorization_letter_id=int(letter.data),
        )
    ).body
    assert (created.code, created.sign_name) == ("OK", SIGNATURE) and created.order_id.isdigit()
    admin.reject(store, SIGNATURE, "Describe the business scenario")
    listed = sdk_client.query_sms_sign_list(sdk.QuerySmsSignListRequest(page_index=1, page_size=10)).body
    assert [(s.sign_name, s.audit_status, s.reason.reject_info) for s in listed.sms_sign_list] == [
        (SIGNATURE, "AUDIT_STATE_NOT_PASS", "Describe the business scenario")
    ]
    resubmitted = sdk_client.update_sms_sign(
        sdk.UpdateSmsSignRequest(
            sign_name=SIGNATURE,
            sign_source=0,
            qualification_id=qualification_id,
            remark="Order notices for our shop",
            authorization_letter_id=int(letter.data),
        )
    ).body
    assert resubmitted.order_id != created.order_id
    admin.approve(store, SIGNATURE, kind="signature")
    sign = sdk_client.get_sms_sign(sdk.GetSmsSignRequest(sign_name=SIGNATURE)).body
    assert (sign.sign_status, sign.qualification_id, sign.sign_usage, sign.register_result) == (
        1,
        qualification_id,
        "General-purpose",
        -1,
    )
    assert sign.authorization_letter_audit_pass is True
    assert {(d.operator_code, d.register_status) for d in sign.sign_isp_register_detail_list} == {
        ("mobile", -1),
        ("unicom", -1),
        ("telecom", -1),
    }
    changed = sdk_client.change_signature_qualification(
        sdk.ChangeSignatureQualificationRequest(
            signature_name=SIGNATURE, qualification_id=qualification_id, authorization_letter_id=int(letter.data)
        )
    ).body
    assert changed.success and changed.data.success
    mainland_admin.register_carrier(store, SIGNATURE, DEV_ACCESS_KEY_ID)
    sign = sdk_client.get_sms_sign(sdk.GetSmsSignRequest(sign_name=SIGNATURE)).body
    assert {d.register_status for d in sign.sign_isp_register_detail_list} == {3} and sign.register_result == 1

    template = sdk_client.create_sms_template(
        sdk.CreateSmsTemplateRequest(
            template_name="Login",
            template_content="您的验证码为${code}",
            template_type=0,
            related_sign_name=SIGNATURE,
            template_rule='{"code":"numberCaptcha"}',
        )
    ).body
    admin.approve(store, template.template_code)
    got = sdk_client.get_sms_template(sdk.GetSmsTemplateRequest(template_code=template.template_code)).body
    assert (got.related_sign_name, json.loads(got.variable_attribute)) == (SIGNATURE, {"code": "numberCaptcha"})
    sent = sdk_client.send_sms(
        sdk.SendSmsRequest(
            phone_numbers=RECIPIENT,
            sign_name=SIGNATURE,
            template_code=template.template_code,
            template_param='{"code":"8888"}',
            out_id="login-1",
        )
    ).body
    assert sent.code == "OK" and re.fullmatch(r"\d+\^0", sent.biz_id)
    clock.advance(store, 61)
    batch = sdk_client.send_batch_sms(
        sdk.SendBatchSmsRequest(
            phone_number_json=json.dumps([RECIPIENT, "13700137000"]),
            sign_name_json=json.dumps([SIGNATURE] * 2),
            template_code=template.template_code,
            template_param_json=json.dumps([{"code": "1"}, {"code": "2"}]),
        )
    ).body
    assert batch.code == "OK" and batch.biz_id != sent.biz_id
    day = datetime.fromtimestamp(clock.now(store), BEIJING).strftime("%Y%m%d")
    details = sdk_client.query_send_details(
        sdk.QuerySendDetailsRequest(phone_number=RECIPIENT, send_date=day, page_size=10, current_page=1)
    ).body
    assert details.total_count == "2"
    first = details.sms_send_detail_dtos.sms_send_detail_dto[0]
    assert (first.send_status, first.err_code, first.out_id) == (3, "DELIVERED", "login-1")
    assert first.content == f"【{SIGNATURE}】您的验证码为8888"


def test_the_sdk_deletes_signatures_and_qualifications(sdk_client: SdkClient, store: Store) -> None:
    sdk_client.required_phone_code(sdk.RequiredPhoneCodeRequest(phone_no=ADMIN_PHONE))
    info = sdk_client.get_qualification_oss_info(sdk.GetQualificationOssInfoRequest(biz_type="dysms")).body.data
    keys = {name: upload(info, f"{name}.jpg") for name in ("front", "back", "license", "other")}
    qualification_id = int(sdk_client.submit_sms_qualification(submit_request(keys, latest_code(store))).body.data)
    sdk_client.create_sms_sign(
        sdk.CreateSmsSignRequest(sign_name=SIGNATURE, sign_source=0, qualification_id=qualification_id)
    )
    single = sdk_client.query_single_sms_qualification(
        sdk.QuerySingleSmsQualificationRequest(qualification_group_id=qualification_id)
    ).body.data
    delete_qualification = sdk.DeleteSmsQualificationRequest(
        qualification_group_id=qualification_id, order_id=single.work_order_id
    )
    assert sdk_error(sdk_client.delete_sms_qualification, delete_qualification).code == "ForbiddenAction"
    deleted = sdk_client.delete_sms_sign(sdk.DeleteSmsSignRequest(sign_name=SIGNATURE)).body
    assert (deleted.code, deleted.sign_name) == ("OK", SIGNATURE)
    gone = sdk_error(sdk_client.get_sms_sign, sdk.GetSmsSignRequest(sign_name=SIGNATURE))
    assert (gone.code, gone.status_code) == ("SignatureNotFound", 404)
    assert sdk_client.delete_sms_qualification(delete_qualification).body.data is True
    missing = sdk_error(
        sdk_client.query_single_sms_qualification,
        sdk.QuerySingleSmsQualificationRequest(qualification_group_id=qualification_id),
    )
    assert (missing.code, missing.status_code) == ("QualificationNotFound", 404)


def test_the_sdk_meets_the_published_signature_errors(sdk_client: SdkClient, store: Store) -> None:
    published = set(oracle.published_error_statuses(VERSION, "CreateSmsSign") or {})
    cases = [
        (sdk.CreateSmsSignRequest(sign_name="A", sign_source=0, qualification_id=1), "InvalidSignName"),
        (sdk.CreateSmsSignRequest(sign_source=0, qualification_id=1), "MissingSignName"),
        (sdk.CreateSmsSignRequest(sign_name=SIGNATURE, sign_source=0, qualification_id=99), "QualificationNotFound"),
        (sdk.CreateSmsSignRequest(sign_name=SIGNATURE, sign_source=1, qualification_id=99), "MissApplySceneContent"),
        (
            sdk.CreateSmsSignRequest(
                sign_name=SIGNATURE, sign_source=1, qualification_id=99, apply_scene_content="example.com"
            ),
            "InvalidApplySceneContent",
        ),
    ]
    for request, code in cases:
        assert code in published
        assert sdk_error(sdk_client.create_sms_sign, request).code == code
    template_errors = oracle.published_error_statuses(VERSION, "CreateSmsTemplate") or {}
    rule = '{"code":"numberCaptcha"}'
    for sign_name in ("无此签名", None):  # a name the account does not have, and none at all for a mainland type
        template = sdk.CreateSmsTemplateRequest(
            template_name="Login", template_content="码${code}", template_type=0, related_sign_name=sign_name,
            template_rule=rule,
        )  # fmt: skip
        error = sdk_error(sdk_client.create_sms_template, template)
        assert (error.code, error.status_code) == ("SmsSignatureNotFound", template_errors["SmsSignatureNotFound"])
    no_rule = sdk.CreateSmsTemplateRequest(template_name="Login", template_content="码${code}", template_type=0,
                                           related_sign_name=SIGNATURE)  # fmt: skip
    error = sdk_error(sdk_client.create_sms_template, no_rule)
    assert (error.code, error.status_code) == ("InvalidTemplateRule", template_errors["InvalidTemplateRule"])


def test_every_answer_is_one_the_sdk_models_know(sdk_client: SdkClient, raw: RpcClient, store: Store) -> None:
    raw.call(VERSION, "RequiredPhoneCode", {"PhoneNo": ADMIN_PHONE}, idempotent=True)
    info = sdk_client.get_qualification_oss_info(sdk.GetQualificationOssInfoRequest(biz_type="dysms")).body.data
    keys = {name: upload(info, f"{name}.jpg") for name in ("front", "back", "license", "other", "letter")}
    request = submit_request(keys, latest_code(store))
    qualification = sdk_client.submit_sms_qualification(request).body.data
    letter = sdk_client.create_sms_authorization_letter(letter_request(keys["letter"])).body.data
    sdk_client.create_sms_sign(
        sdk.CreateSmsSignRequest(
            sign_name=SIGNATURE, sign_source=0, qualification_id=int(qualification), authorization_letter_id=int(letter)
        )
    )
    mainland_admin.register_carrier(store, SIGNATURE, DEV_ACCESS_KEY_ID)
    day = datetime.fromtimestamp(clock.now(store), BEIJING).strftime("%Y%m%d")
    answers = {
        sdk.GetQualificationOssInfoResponseBody: ("GetQualificationOssInfo", {"BizType": "dysms"}),
        sdk.GetOSSInfoForUploadFileResponseBody: ("GetOSSInfoForUploadFile", {}),
        sdk.QuerySingleSmsQualificationResponseBody: (
            "QuerySingleSmsQualification",
            {"QualificationGroupId": qualification},
        ),
        sdk.QuerySmsQualificationRecordResponseBody: ("QuerySmsQualificationRecord", {}),
        sdk.ValidPhoneCodeResponseBody: ("ValidPhoneCode", {"PhoneNo": ADMIN_PHONE, "CertifyCode": "1"}),
        sdk.GetSmsSignResponseBody: ("GetSmsSign", {"SignName": SIGNATURE}),
        sdk.QuerySmsSignListResponseBody: ("QuerySmsSignList", {}),
        sdk.QuerySmsAuthorizationLetterResponseBody: ("QuerySmsAuthorizationLetter", {}),
        sdk.QuerySendDetailsResponseBody: (
            "QuerySendDetails",
            {"PhoneNumber": RECIPIENT, "SendDate": day, "PageSize": 10, "CurrentPage": 1},
        ),
    }
    for model, (action, params) in answers.items():
        answer = raw.call(VERSION, action, params, idempotent=True)
        assert unknown_to_the_sdk(answer, model()) == set(), action
        # The 2024 snapshot's fields are all there, but for those this signature has no value for.
        published = oracle.published_response_fields(VERSION, action)
        assert published - set(answer) <= {"Remark", "ApplyScene"}, action


def test_missing_parameters_are_the_published_required_ones(raw: RpcClient) -> None:
    for action in MAINLAND_OPERATIONS:
        required = {name for name, needed in oracle.published_parameters(VERSION, action).items() if needed}
        try:
            raw.call(VERSION, action, {}, idempotent=True)
        except AliSmsApiError as error:
            named = error.code.removeprefix("MissingParameter.")
            assert named in required or error.code == "MissingSignName", (action, error.code)
            assert error.http_status == 400
        else:
            assert not required, action


# --- the OSS upload endpoint --------------------------------------------------------------------------------


def test_uploads_must_carry_the_policy_the_emulator_signed(sdk_client: SdkClient, store: Store) -> None:
    info = sdk_client.get_qualification_oss_info(sdk.GetQualificationOssInfoRequest(biz_type="dysms")).body.data
    form = {
        "key": f"{info.start_path}/id.jpg",
        "policy": info.policy,
        "OSSAccessKeyId": info.access_key_id,
        "Signature": info.signature,
        "success_action_status": "201",
    }

    def post(content: bytes = JPEG, **changes: str) -> httpx.Response:
        return httpx.post(info.host, data={**form, **changes}, files={"file": ("id.jpg", content)})

    created = post()
    assert created.status_code == 201 and f"<Key>{info.start_path}/id.jpg</Key>" in created.text
    for changes, status, code in [
        ({"Signature": "AAAA" + info.signature[4:]}, 403, "SignatureDoesNotMatch"),
        ({"OSSAccessKeyId": "LTAIsomeoneelse"}, 403, "InvalidAccessKeyId"),
        ({"key": "9999999999999999/id.jpg"}, 403, "AccessDenied"),
    ]:
        refused = post(**changes)
        assert refused.status_code == status and f"<Code>{code}</Code>" in refused.text, refused.text
    too_large = post(b"x" * (5 * 1024 * 1024 + 1))
    assert too_large.status_code == 400 and "<Code>EntityTooLarge</Code>" in too_large.text
    assert (
        httpx.post(
            info.host.replace("alicom-qualification", "nope"), data=form, files={"file": ("id.jpg", JPEG)}
        ).status_code
        == 404
    )
    assert httpx.get(f"{info.host}/{form['key']}").status_code == 405
    clock.advance(store, 31 * 60)
    expired = post()
    assert expired.status_code == 403 and "Policy expired" in expired.text


def test_another_accounts_uploads_are_not_documents_of_this_one(
    emulator: EmulatorServer, sdk_client: SdkClient, store: Store
) -> None:
    emulator.app.key_pairs["other"] = "other-secret"
    other = SdkClient(
        Config(
            access_key_id="other",
            access_key_secret="other-secret",
            endpoint=emulator.url.removeprefix("http://"),
            protocol="http",
        )
    )
    policy = sdk.GetQualificationOssInfoRequest(biz_type="dysms")
    theirs = other.get_qualification_oss_info(policy).body.data
    assert theirs.start_path != sdk_client.get_qualification_oss_info(policy).body.data.start_path
    foreign = upload(theirs, "front.jpg")
    sdk_client.required_phone_code(sdk.RequiredPhoneCodeRequest(phone_no=ADMIN_PHONE))
    keys = {"front": foreign, "back": foreign, "license": foreign, "other": foreign}
    error = sdk_error(sdk_client.submit_sms_qualification, submit_request(keys, latest_code(store)))
    assert (error.code, error.status_code) == ("InvalidParameter.AdminIDCardFrontFace", 400)


# --- hostile input --------------------------------------------------------------------------------------------

MAINLAND_ACTIONS = sorted(action for version, action in ROUTES if version == VERSION and action in MAINLAND_OPERATIONS)
PARAMETER_NAMES = sorted(
    {name for action in MAINLAND_OPERATIONS for name in oracle.published_parameters(VERSION, action)}
)
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "2",
            "5",
            "-1",
            "true",
            "false",
            "[]",
            "{}",
            '["a"]',
            '[{"LicensePic":1}]',
            "[1,2]",
            "dysms",
            "fcMediaSms",
            "13900001234",
            "2020-01-01~2099-12-31",
            "20261201",
            "null",
        ]
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(MAINLAND_ACTIONS), params=st.dictionaries(st.sampled_from(PARAMETER_NAMES), VALUES))
def test_arbitrary_parameters_never_cause_a_server_error(store: Store, action: str, params: dict[str, str]) -> None:
    client = RpcClient(
        "http://embedded.alisms",
        Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET),
        transport=httpx.WSGITransport(app=EmulatorApp(store)),
    )
    try:
        client.call(VERSION, action, params, idempotent=False)
    except AliSmsApiError as error:
        assert 400 <= error.http_status < 500 or (error.http_status == 200 and error.code.startswith("isv.")), error
        assert error.code != "InternalError"
    finally:
        client.close()
