"""An answer that lacks a field the client reads, or carries it with the wrong type, fails as one
``InvalidResponse`` line naming the action and the field, never a KeyError, ValueError or pydantic traceback,
and never echoing the value; a status the client does not know reads as its documented fallback."""

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from mainland_helpers import submission
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.authorization_letters import AuthorizationLetterRequest
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import RetryPolicy
from pulumi_alisms.api.mainland_sending import BatchMessage
from pulumi_alisms.api.qualifications import QualificationDocuments
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.statuses import ReviewStatus

SECRET = "SECRET-7f3a"  # in every mistyped value: it must never reach the error
POLICY = {"AccessKeyId": "LTAI-oss", "Policy": "eyJ9", "Signature": "c2ln", "Host": "https://oss.example",
          "StartPath": "dysms/123"}  # fmt: skip
# The answers as the emulator gives them (held against Alibaba's metadata and SDKs by tests/test_contract.py).
FULL: dict[str, dict[str, Any]] = {
    "QueryFlowLimitNew": {"MinuteLimit": 1, "HourLimit": 5, "DailyLimit": 10},
    "QueryPrevLimitNew": {"HourLimit": 100, "IncreaseRate": 50, "SuccessRate": 10, "Switch": "off"},
    "QueryContactsListNew": {"List": [{"Id": 7, "Name": "SRE", "Phone": "+8613800000000", "Email": "a@b.c"}]},
    "CreateSmsTemplate": {"TemplateCode": "SMS_1", "TemplateName": "otp", "OrderId": "100"},
    "GetSmsTemplate": {"TemplateCode": "SMS_1", "TemplateName": "otp", "TemplateContent": "Code ${code}",
                       "TemplateType": "3", "IntlType": 2, "TemplateStatus": "2",
                       "AuditInfo": {"RejectInfo": "unclear", "AuditDate": "2024-01-02 10:00:00"},
                       "Remark": "login", "CreateDate": "2024-01-01 10:00:00", "OrderId": "100",
                       "VariableAttribute": '{"code":"numberCaptcha"}'},
    "QuerySmsTemplateList": {"SmsTemplateList": [{"TemplateCode": "SMS_1", "TemplateName": "otp",
                                                  "OuterTemplateType": 3, "AuditStatus": "AUDIT_STATE_PASS",
                                                  "TemplateContent": "Code ${code}", "CreateDate": "2024-01-01",
                                                  "OrderId": "100", "TemplateType": 3}],
                             "TotalCount": 1, "CurrentPage": 1, "PageSize": 50},
    "CreateSmsSign": {"SignName": "示例科技", "OrderId": "200"},
    "GetSmsSign": {"SignName": "示例科技", "SignStatus": 1, "CreateDate": "2024-01-01", "OrderId": "200",
                   "QualificationId": 1000001, "Remark": "brand", "AuditInfo": {"AuditDate": "2024-01-02"},
                   "FileUrlList": ["https://oss.example/a.png"], "SignCode": "SIGN_1", "SignTag": "2",
                   "ApplyScene": "https://example.com", "ThirdParty": False, "SignUsage": "通用",
                   "RegisterResult": 1,
                   "SignIspRegisterDetailList": [{"OperatorCode": "mobile", "RegisterStatus": 3,
                                                  "RegisterStatusReasons": [{"ReasonCode": "OK",
                                                                             "ReasonDescList": []}],
                                                  "OperatorCompleteTime": "2024-01-03"}]},
    "QuerySmsSignList": {"SmsSignList": [{"SignName": "示例科技", "AuditStatus": "AUDIT_STATE_NOT_PASS",
                                          "CreateDate": "2024-01-01", "BusinessType": "通用", "OrderId": "200",
                                          "Reason": {"RejectInfo": "unclear", "RejectDate": "2024-01-02"}}],
                         "TotalCount": 1, "CurrentPage": 1, "PageSize": 50},
    "SubmitSmsQualification": {"Success": True, "Data": "1000001"},
    "QuerySingleSmsQualification": {"Success": True, "Data": {
        "QualificationGroupId": 1000001, "QualificationName": "ExampleTech", "CompanyName": "示例",
        "CompanyType": "COMPANY", "AdminName": "李四", "AdminIDCardFrontFace": "https://oss.example/f.jpg",
        "BusinessLicensePics": [{"LicensePic": "dysms/1/l.png", "PicUrl": "https://oss.example/l.png",
                                 "Type": "businessLicense"}],
        "OtherFiles": [], "State": "PASSED", "UseBySelf": True, "WhetherShare": False, "WorkOrderId": 300}},
    "QuerySmsQualificationRecord": {"Success": True, "Data": {
        "List": [{"GroupId": 1000001, "QualificationGroupName": "ExampleTech", "CompanyName": "示例",
                  "StateName": "PASS", "CreateDate": "2024-01-01", "UseBySelf": "true", "WorkOrderId": 300}],
        "PageNo": 1, "PageSize": 50, "Total": 1}},
    "CreateSmsAuthorizationLetter": {"Success": True, "Data": "4000001"},
    "QuerySmsAuthorizationLetter": {"Success": True, "Data": [
        {"AuthorizationLetterId": 4000001, "AuthorizationLetterName": "letter", "SignScope": "示例科技",
         "AuthorizationLetterPic": "https://oss.example/letter.png", "State": "INT", "Status": "VALID"}]},
    "GetQualificationOssInfo": {"Success": True, "Data": {**POLICY, "Expire": 1767225600}},
    "GetOSSInfoForUploadFile": {"Success": True, "Model": {**POLICY, "ExpireTime": "1767225600"}},
    "SendMessageToGlobe": {"MessageId": "m-1", "To": "6281234567890", "Segments": "1"},
    "BatchSendMessageToGlobe": {"MessageIdList": '["m-1"]', "FailedList": "[]", "SuccessCount": 1},
    "SendMessageWithTemplate": {"MessageId": "m-2", "To": "8613800138000", "Segments": "1"},
    "QueryMessage": {"MessageId": "m-1", "To": "6281234567890", "Status": "1", "Message": "hi",
                     "SendDate": "2024-01-01 10:00:00"},
    "SendSms": {"BizId": "900^1"},
    "GetSenderIdRegistration": {"Registration": {
        "RegistrationId": "sr-0123456789ab", "Country": "ID", "SenderId": "ACMEPAY", "CompanyName": "Acme",
        "UseCase": "otp", "SampleTemplates": ["Code 1."], "Status": "Approved", "SubmittedAt": "2024-01-01T00:00:00Z",
        "UpdatedAt": "2024-01-02T00:00:00Z", "ApprovedVersion": 1,
        "Documents": [{"Type": "business_license", "FileName": "l.pdf", "Size": 8, "Sha256": "ab",
                       "UploadedAt": "2024-01-01T00:00:00Z"}]}},
    "SendBatchSms": {"BizId": "901^1"},
    "QuerySendDetails": {"TotalCount": "1", "SmsSendDetailDTOs": {"SmsSendDetailDTO": [
        {"PhoneNum": "13800138000", "SendStatus": 3, "TemplateCode": "SMS_1", "Content": "code",
         "SendDate": "2024-01-01 10:00:00"}]}},
}  # fmt: skip
_DOCUMENTS = QualificationDocuments(admin_id_front="dysms/1/f.jpg", admin_id_back="dysms/1/b.jpg")
_LETTER = AuthorizationLetterRequest(name="letter", letter_key="dysms/1/letter.png", signatures=["示例科技"],
                                     validity="2024-01-01~2030-01-01", authorizer="示例", organization_code="91330",
                                     proxy="代理")  # fmt: skip
READS: dict[str, Callable[[AccountClient], Any]] = {
    "QueryFlowLimitNew": lambda account: account.frequency.get("international"),
    "QueryPrevLimitNew": lambda account: account.fraud.get(),
    "QueryContactsListNew": lambda account: account.contacts.list(),
    "CreateSmsTemplate": lambda account: account.templates.create("otp", "international", "Code ${code}"),
    "GetSmsTemplate": lambda account: account.templates.get("SMS_1"),
    "QuerySmsTemplateList": lambda account: account.templates.list_page().items[0],
    "CreateSmsSign": lambda account: account.signatures.create(
        SignatureRequest(name="示例科技", source="company", qualification_id=1000001)
    ),
    "GetSmsSign": lambda account: account.signatures.get("示例科技"),
    "QuerySmsSignList": lambda account: account.signatures.list_page().items[0],
    "SubmitSmsQualification": lambda account: account.qualifications.submit(submission(_DOCUMENTS), "123456"),
    "QuerySingleSmsQualification": lambda account: account.qualifications.get(1000001),
    "QuerySmsQualificationRecord": lambda account: account.qualifications.list_page().items[0],
    "CreateSmsAuthorizationLetter": lambda account: account.authorization_letters.create(_LETTER),
    "QuerySmsAuthorizationLetter": lambda account: account.authorization_letters.query(),
    "GetQualificationOssInfo": lambda account: account.uploads.qualification_policy(),
    "GetOSSInfoForUploadFile": lambda account: account.uploads.attachment_policy(),
    "SendMessageToGlobe": lambda account: account.sending.send("+6281234567890", "Brand", "hi"),
    "BatchSendMessageToGlobe": lambda account: account.sending.send_batch(["+6281234567890"], "Brand", "hi"),
    "SendMessageWithTemplate": lambda account: account.sending.send_with_template(
        "+8613800138000", "示例科技", "SMS_1", {"code": "1234"}
    ),
    "QueryMessage": lambda account: account.sending.query("m-1"),
    "SendSms": lambda account: account.mainland_sending.send(["13800138000"], "示例科技", "SMS_1"),
    "GetSenderIdRegistration": lambda account: account.sender_ids.get("sr-0123456789ab"),
    "SendBatchSms": lambda account: account.mainland_sending.send_batch(
        [BatchMessage(phone="13800138000", signature="示例科技")], "SMS_1"
    ),
    "QuerySendDetails": lambda account: account.mainland_sending.details("13800138000", date(2024, 1, 1)).items[0],
}
REMOVED = object()


def account_answering(answers: dict[str, dict[str, Any]]) -> AccountClient:
    """An account whose service answers each action with ``answers[action]`` (and RequestId, Code OK)."""

    def handle(request: httpx.Request) -> httpx.Response:
        action = request.headers["x-acs-action"]
        return httpx.Response(200, json={"RequestId": "r-1", "Code": "OK", **answers[action]})

    retry = RetryPolicy(max_attempts=1)
    return AccountClient(RpcClient("http://fake", Credentials("id", "secret"), transport=httpx.MockTransport(handle),
                                   retry=retry))  # fmt: skip


def changed(answer: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """``answer`` with the field at ``path`` (``Data.List[].GroupId``: ``[]`` is every item) set to ``value``,
    or removed for REMOVED."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        return {**answer, head[:-2]: [changed(item, rest, value) for item in answer[head[:-2]]]}
    if rest:
        return {**answer, head: changed(answer[head], rest, value)}
    if value is REMOVED:
        return {name: item for name, item in answer.items() if name != head}
    return {**answer, head: value}


def read_with(action: str, path: str, value: object) -> Any:
    return READS[action](account_answering({**FULL, action: changed(FULL[action], path, value)}))


def failure(action: str, path: str, value: object) -> str:
    """The one line a read of ``action`` fails with when its answer has ``value`` at ``path``."""
    with pytest.raises(AliSmsApiError) as raised:
        read_with(action, path, value)
    error = raised.value
    assert (error.action, error.code) == (action, "InvalidResponse")
    assert "\n" not in str(error) and SECRET not in str(error)
    return str(error)


@pytest.mark.parametrize("action", FULL)
def test_complete_answers_are_read(action: str) -> None:
    assert READS[action](account_answering(FULL)) is not None


def test_complete_answers_are_read_as_the_service_states_them() -> None:
    account = account_answering(FULL)
    assert account.frequency.get("international").per_minute == 1
    assert account.contacts.list()[0].contact_id == 7
    template = account.templates.get("SMS_1")
    assert template is not None
    assert (template.status, template.status_reason, template.intl_type) == (ReviewStatus.REJECTED, "unclear", 2)
    signature = account.signatures.get("示例科技")
    assert signature is not None and signature.registered and signature.qualification_id == 1000001
    assert account.qualifications.list_page().items[0].use_by_self is True
    assert account.uploads.attachment_policy().expires_at == 1767225600
    assert account.sending.send_batch(["+6281234567890"], "Brand", "hi").message_ids == ["m-1"]


MISSING = [
    ("QueryFlowLimitNew", "MinuteLimit"), ("QueryFlowLimitNew", "DailyLimit"), ("QueryPrevLimitNew", "SuccessRate"),
    ("QueryContactsListNew", "List[].Id"), ("CreateSmsTemplate", "TemplateCode"), ("GetSmsTemplate", "TemplateType"),
    ("QuerySmsTemplateList", "SmsTemplateList[].TemplateContent"), ("QuerySmsSignList", "SmsSignList[].SignName"),
    ("SubmitSmsQualification", "Data"), ("QuerySingleSmsQualification", "Data"),
    ("QuerySingleSmsQualification", "Data.QualificationGroupId"),
    ("QuerySmsQualificationRecord", "Data.List[].GroupId"), ("CreateSmsAuthorizationLetter", "Data"),
    ("QuerySmsAuthorizationLetter", "Data[].AuthorizationLetterId"), ("GetQualificationOssInfo", "Data"),
    ("GetQualificationOssInfo", "Data.Host"), ("GetOSSInfoForUploadFile", "Model.Signature"),
    ("GetOSSInfoForUploadFile", "Model.Policy"), ("SendMessageToGlobe", "MessageId"),
    ("SendMessageWithTemplate", "MessageId"), ("SendSms", "BizId"), ("SendBatchSms", "BizId"),
    ("GetSenderIdRegistration", "Registration.Status"), ("GetSenderIdRegistration", "Registration.Documents[].Size"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "path"), MISSING)
def test_an_answer_without_a_field_fails_in_one_line_naming_it(action: str, path: str) -> None:
    field = path.rsplit(".", 1)[-1].removesuffix("[]")
    assert f"{action} answered without {field}" in failure(action, path, REMOVED)


MISTYPED = [
    ("CreateSmsTemplate", "TemplateCode", {"code": SECRET}, "text"),
    ("GetSmsTemplate", "TemplateName", [SECRET], "text"),
    ("GetSmsTemplate", "IntlType", SECRET, "an integer"),
    ("GetSmsTemplate", "AuditInfo", SECRET, "an object"),
    ("GetSmsTemplate", "TemplateStatus", {"state": SECRET}, "text"),
    ("QuerySmsTemplateList", "TotalCount", SECRET, "an integer"),
    ("QuerySmsTemplateList", "SmsTemplateList", SECRET, "a list of objects"),
    ("QuerySmsTemplateList", "SmsTemplateList[].Reason", SECRET, "an object"),
    ("CreateSmsSign", "OrderId", {"id": SECRET}, "text"),
    ("GetSmsSign", "QualificationId", SECRET, "an integer"),
    ("GetSmsSign", "FileUrlList", {"url": SECRET}, "a list of texts"),
    ("GetSmsSign", "ThirdParty", SECRET, "a boolean"),
    ("GetSmsSign", "SignIspRegisterDetailList[].RegisterStatus", {"s": SECRET}, "text"),
    ("GetSmsSign", "SignIspRegisterDetailList[].RegisterStatusReasons", [SECRET], "a list of objects"),
    ("QuerySmsSignList", "SmsSignList[].Reason", SECRET, "an object"),
    ("QuerySmsSignList", "SmsSignList[].AuthorizationLetterId", SECRET, "an integer"),
    ("SubmitSmsQualification", "Data", SECRET, "an integer"),
    ("QuerySingleSmsQualification", "Data", SECRET, "an object"),
    ("QuerySingleSmsQualification", "Data.WorkOrderId", SECRET, "an integer"),
    ("QuerySingleSmsQualification", "Data.AdminName", {"name": SECRET}, "text"),
    ("QuerySingleSmsQualification", "Data.UseBySelf", SECRET, "a boolean"),
    ("QuerySingleSmsQualification", "Data.BusinessLicensePics", SECRET, "a list of objects"),
    ("QuerySmsQualificationRecord", "Data.List[].GroupId", {"id": SECRET}, "an integer"),
    ("QuerySmsQualificationRecord", "Data.List[].UseBySelf", SECRET, "a boolean"),
    ("CreateSmsAuthorizationLetter", "Data", {"id": SECRET}, "an integer"),
    ("QuerySmsAuthorizationLetter", "Data[].AuthorizationLetterPic", {"url": SECRET}, "text"),
    ("QuerySmsAuthorizationLetter", "Data", SECRET, "a list of objects"),
    ("GetQualificationOssInfo", "Data.Expire", SECRET, "an integer"),
    ("GetQualificationOssInfo", "Data.Host", {"host": SECRET}, "text"),
    ("GetOSSInfoForUploadFile", "Model.Policy", [SECRET], "text"),
    ("SendMessageToGlobe", "Segments", SECRET, "an integer"),
    ("BatchSendMessageToGlobe", "MessageIdList", SECRET, "a list of texts"),
    ("BatchSendMessageToGlobe", "FailedList", f'{{"n": "{SECRET}"}}', "a list of texts"),
    ("SendMessageWithTemplate", "MessageId", {"id": SECRET}, "text"),
    ("QueryMessage", "Message", {"text": SECRET}, "text"),
    ("SendSms", "BizId", {"id": SECRET}, "text"),
    ("GetSenderIdRegistration", "Registration.Country", {"c": SECRET}, "text"),
    ("GetSenderIdRegistration", "Registration.Documents[].Size", SECRET, "an integer"),
    ("GetSenderIdRegistration", "Registration.SampleTemplates", {"s": SECRET}, "a list of texts"),
    ("SendBatchSms", "BizId", [SECRET], "text"),
    ("QuerySendDetails", "TotalCount", SECRET, "an integer"),
    ("QuerySendDetails", "SmsSendDetailDTOs.SmsSendDetailDTO[].SendDate", {"d": SECRET}, "text"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "path", "value", "expected"), MISTYPED)
def test_a_mistyped_field_fails_in_one_line_naming_it_not_its_value(
    action: str, path: str, value: object, expected: str
) -> None:
    field = path.rsplit(".", 1)[-1].removesuffix("[]")
    assert f"{action} answered {field} that is not {expected} (" in failure(action, path, value)


@pytest.mark.parametrize("value", ["many", None, [1], {"n": 1}, True, 1.5])
def test_a_field_of_the_wrong_type_fails_in_one_line_naming_its_type(value: object) -> None:
    message = failure("QueryFlowLimitNew", "MinuteLimit", value)
    assert "QueryFlowLimitNew answered MinuteLimit that is not an integer" in message


@pytest.mark.parametrize(
    ("action", "path", "value", "rule"),
    [("QueryFlowLimitNew", "MinuteLimit", 0, "per_minute that breaks its rule (Input should be greater than 0)"),
     ("QueryPrevLimitNew", "SuccessRate", "-7", "success_rate that breaks its rule (Input should be greater than")],
)  # fmt: skip
def test_a_value_the_model_refuses_fails_in_one_line_naming_the_field_and_rule(
    action: str, path: str, value: object, rule: str
) -> None:
    assert f"{action} answered {rule}" in failure(action, path, value)


UNKNOWN_STATUSES = [
    ("GetSmsTemplate", "TemplateStatus", "5"),
    ("QuerySmsTemplateList", "SmsTemplateList[].AuditStatus", "AUDIT_STATE_NEW"),
    ("GetSmsSign", "SignStatus", 7),
    ("QuerySmsSignList", "SmsSignList[].AuditStatus", "AUDIT_STATE_NEW"),
    ("QuerySingleSmsQualification", "Data.State", "ARCHIVED"),
    ("QuerySmsQualificationRecord", "Data.List[].StateName", "ARCHIVED"),
]


@pytest.mark.parametrize(("action", "path", "value"), UNKNOWN_STATUSES)
def test_a_review_state_the_client_does_not_know_reads_as_unknown(action: str, path: str, value: object) -> None:
    assert read_with(action, path, value).status == ReviewStatus.UNKNOWN


def test_delivery_and_carrier_states_the_client_does_not_know_read_as_their_fallbacks() -> None:
    assert read_with("QueryMessage", "Status", "9").status == "sending"
    assert read_with("QuerySendDetails", "SmsSendDetailDTOs.SmsSendDetailDTO[].SendStatus", 9).status == "sending"
    signature = read_with("GetSmsSign", "SignIspRegisterDetailList[].RegisterStatus", 9)
    assert [entry.status for entry in signature.carrier_registration] == ["NotRegistered"]


def test_a_registration_status_outside_our_contract_fails_in_one_line() -> None:
    message = failure("GetSenderIdRegistration", "Registration.Status", SECRET)
    assert "GetSenderIdRegistration answered status that breaks its rule (Input should be 'Submitted'" in message
