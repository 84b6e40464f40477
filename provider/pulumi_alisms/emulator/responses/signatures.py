"""Signatures (Dysmsapi 2017-05-25): CreateSmsSign, GetSmsSign, UpdateSmsSign, DeleteSmsSign, QuerySmsSignList,
ChangeSignatureQualification.

Errors use the codes Alibaba publishes for these operations: ``MissingSignName``, ``InvalidSignName`` (not 2-12
characters; symbols and generic words are the review's to reject), ``SignName.Exists``, 404
``QualificationNotFound``, ``InvalidQualification`` (not approved, or an authorization letter of another
organization), ``ParameterMismatch.ThirdParty``, ``MissApplySceneContent`` / ``InvalidApplySceneContent`` (a
source that needs a link or name), 404 ``SignatureNotFound``; modifying a signature that is not rejected is
``isv.ERROR_SIGN_NOT_MODIFY`` and deleting one under review ``isv.ERROR_SIGN_NOT_DELETE``. ``TrademarkId`` and
``AppIcpRecordId`` (required by the trademark and app sources) are not checked against any registry.

Wire status: GetSmsSign ``SignStatus`` 0 under review, 1 approved, 2 rejected, 10 cancelled; QuerySmsSignList
``AuditStatus`` AUDIT_STATE_INIT / PASS / NOT_PASS / CANCEL. Carrier registration: ``SignIspRegisterDetailList``
per carrier (mobile, unicom, telecom) with ``RegisterStatus`` -2 not registered, -1 registering, 0 failed,
1 registered awaiting verification, 2 expired, 3 registered, and the deprecated summary ``RegisterResult``.
"""

from typing import Any

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends.authorization_letters import AuthorizationLettersBackend
from pulumi_alisms.emulator.backends.signatures import Application, Signature, SignaturesBackend
from pulumi_alisms.emulator.backends.uploads import ATTACHMENT_BUCKET, UploadsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, missing, refuse_problems
from pulumi_alisms.emulator.responses.common import MAX_ID, page
from pulumi_alisms.rules.signatures import (
    SIGN_SOURCES_BY_CODE,
    SIGN_TYPE_CODES,
    SIGNATURE_TEXT,
    name_length_problems,
    source_problems,
)
from pulumi_alisms.rules.statuses import CarrierRegistrationStatus, ReviewStatus

VERSION = "2017-05-25"
# Input field (rules.signatures.SIGNATURE_TEXT) -> the request parameter it travels in.
TEXT_PARAMETERS: dict[str, str] = {"remark": "Remark", "apply_scene": "ApplySceneContent"}
_SIGN_STATUS = {ReviewStatus.UNDER_REVIEW: 0, ReviewStatus.APPROVED: 1, ReviewStatus.REJECTED: 2,
                ReviewStatus.CANCELLED: 10}  # fmt: skip
_AUDIT_STATUS = {
    ReviewStatus.UNDER_REVIEW: "AUDIT_STATE_INIT", ReviewStatus.APPROVED: "AUDIT_STATE_PASS",
    ReviewStatus.REJECTED: "AUDIT_STATE_NOT_PASS", ReviewStatus.CANCELLED: "AUDIT_STATE_CANCEL",
}  # fmt: skip
_REGISTER_STATUS = {
    CarrierRegistrationStatus.NOT_REGISTERED: (-2, "NON_REGISTER"),
    CarrierRegistrationStatus.REGISTERING: (-1, "REGISTERING"),
    CarrierRegistrationStatus.FAILED: (0, "QUALIFICATION_ERROR"),
    CarrierRegistrationStatus.PENDING_VERIFICATION: (1, "DETECTING"),
    CarrierRegistrationStatus.EXPIRED: (2, "NO_SEND_RECORD"),
    CarrierRegistrationStatus.REGISTERED: (3, "DETECT_SUCCESS"),
}
# SignType -> GetSmsSign SignUsage / QuerySmsSignList BusinessType.
_USAGE = {SIGN_TYPE_CODES["otp"]: "Verification code", SIGN_TYPE_CODES["general"]: "General-purpose"}
_SOURCE_PARAMETERS = {"trademark_id": "TrademarkId", "app_icp_record_id": "AppIcpRecordId"}


def _sign_name(ctx: Context, parameter: str = "SignName") -> str:
    name = ctx.params.text(parameter, required=False)
    if name is None or not name.strip():
        raise ApiError("MissingSignName", f'The input parameter "{parameter}" that is mandatory is not supplied.')
    return name


def _application(ctx: Context) -> tuple[str, Application]:
    """The signature name and what Create/UpdateSmsSign submit, checked against the parameter rules."""
    name = _sign_name(ctx)
    length = name_length_problems("SignName", name)
    if length:
        raise ApiError("InvalidSignName", f"The signature name {length[0].message}.")
    source = ctx.params.integer("SignSource", required=True, low=0, high=max(SIGN_SOURCES_BY_CODE))
    qualification_id = ctx.params.integer("QualificationId", required=True, low=1, high=MAX_ID)
    assert source is not None and qualification_id is not None
    sign_type = ctx.params.integer("SignType", low=0, high=1)
    application = Application(
        source=source,
        type=SIGN_TYPE_CODES["general"] if sign_type is None else sign_type,
        qualification_id=qualification_id,
        third_party=bool(ctx.params.flag("ThirdParty")),
        authorization_letter_id=ctx.params.integer("AuthorizationLetterId", low=1, high=MAX_ID),
        trademark_id=ctx.params.integer("TrademarkId", low=1, high=MAX_ID),
        app_icp_record_id=ctx.params.integer("AppIcpRecordId", low=1, high=MAX_ID),
        remark=_text(ctx, "remark"),
        apply_scene=_text(ctx, "apply_scene"),
        more_data=ctx.params.string_list("MoreData") or [],
    )  # fmt: skip
    for problem in source_problems(SIGN_SOURCES_BY_CODE[source], apply_scene=application.apply_scene,
                                   trademark_id=application.trademark_id,
                                   app_icp_record_id=application.app_icp_record_id):  # fmt: skip
        if problem.field in _SOURCE_PARAMETERS:
            raise missing(_SOURCE_PARAMETERS[problem.field])
        code = "InvalidApplySceneContent" if application.apply_scene else "MissApplySceneContent"
        raise ApiError(code, f"ApplySceneContent: {problem.message}.")
    uploads = UploadsBackend(ctx)
    for key in application.more_data:
        uploads.require(ATTACHMENT_BUCKET, key, "MoreData")
    return name, application


def _text(ctx: Context, field: str) -> str | None:
    """A plain text field of the application, refused by its rule in ``SIGNATURE_TEXT``; blank is absent."""
    parameter = TEXT_PARAMETERS[field]
    value = ctx.params.text(parameter, required=False) or None
    refuse_problems(parameter, SIGNATURE_TEXT[field].problems(parameter, value))
    return value


def create_sms_sign(ctx: Context) -> dict[str, Any]:
    """Submit a signature for review."""
    name, application = _application(ctx)
    created = SignaturesBackend(ctx).create(name, application)
    return {"SignName": created.name, "OrderId": created.order_id}


def update_sms_sign(ctx: Context) -> dict[str, Any]:
    """Change a rejected signature and resubmit it for review."""
    name, application = _application(ctx)
    updated = SignaturesBackend(ctx).update(name, application)
    return {"SignName": updated.name, "OrderId": updated.order_id}


def delete_sms_sign(ctx: Context) -> dict[str, Any]:
    """Delete a signature that is not under review."""
    name = _sign_name(ctx)
    SignaturesBackend(ctx).delete(name)
    return {"SignName": name}


def _letter_passed(ctx: Context, signature: Signature) -> bool | None:
    letter_id = signature.application.authorization_letter_id
    return None if letter_id is None else AuthorizationLettersBackend(ctx).get(letter_id).passed


def _register_result(signature: Signature) -> int:
    if signature.registered:
        return 1
    failed = any(carrier.status == CarrierRegistrationStatus.FAILED for carrier in signature.carriers)
    return 0 if failed else -1


def get_sms_sign(ctx: Context) -> dict[str, Any]:
    """One signature: its application, review and carrier registration."""
    signature = SignaturesBackend(ctx).get(ctx.params.required_text("SignName"))
    application = signature.application
    uploads = UploadsBackend(ctx)
    audit = {"RejectInfo": signature.reason, "AuditDate": clock.console_date(signature.reviewed_at)}
    carriers = []
    for carrier in signature.carriers:
        status, reason_code = _REGISTER_STATUS[carrier.status]
        reason = {"ReasonCode": reason_code, "ReasonDescList": [] if carrier.reason is None else [carrier.reason]}
        entry = {"OperatorCode": carrier.carrier, "RegisterStatus": status, "RegisterStatusReasons": [reason],
                 "OperatorCompleteTime": clock.console_date(carrier.completed_at)}  # fmt: skip
        carriers.append({key: value for key, value in entry.items() if value is not None})
    answer: dict[str, Any] = {
        "SignName": signature.name,
        "SignStatus": _SIGN_STATUS[signature.status],
        "CreateDate": clock.console_date(signature.created_at),
        "OrderId": signature.order_id,
        "QualificationId": application.qualification_id,
        "Remark": application.remark,
        "AuditInfo": {key: value for key, value in audit.items() if value is not None},
        "FileUrlList": [uploads.url(ATTACHMENT_BUCKET, key) for key in application.more_data],
        "SignCode": signature.sign_code,
        "SignTag": "2",  # created by the user
        "ApplyScene": application.apply_scene,
        "ThirdParty": application.third_party,
        "SignUsage": _USAGE[application.type],
        "AuthorizationLetterId": application.authorization_letter_id,
        "AuthorizationLetterAuditPass": _letter_passed(ctx, signature),
        "TrademarkId": application.trademark_id,
        "AppIcpRecordId": application.app_icp_record_id,
        "RegisterResult": _register_result(signature),
        "SignIspRegisterDetailList": carriers,
    }
    return {key: value for key, value in answer.items() if value is not None}


def _list_item(ctx: Context, signature: Signature) -> dict[str, Any]:
    application = signature.application
    item: dict[str, Any] = {
        "SignName": signature.name,
        "AuditStatus": _AUDIT_STATUS[signature.status],
        "CreateDate": clock.console_date(signature.created_at),
        "BusinessType": _USAGE[application.type],
        "OrderId": signature.order_id,
        "AuthorizationLetterId": application.authorization_letter_id,
        "authorizationLetterAuditPass": _letter_passed(ctx, signature),
        "TrademarkId": application.trademark_id,
        "AppIcpRecordId": application.app_icp_record_id,
    }
    if signature.status == ReviewStatus.REJECTED:
        item["Reason"] = {"RejectInfo": signature.reason, "RejectDate": clock.console_date(signature.reviewed_at)}
    return {key: value for key, value in item.items() if value is not None}


def query_sms_sign_list(ctx: Context) -> dict[str, Any]:
    """One page of the account's signatures, oldest first (PageIndex from 1, PageSize 1-50, default 10)."""
    number, size = page(ctx, "PageIndex")
    total, signatures = SignaturesBackend(ctx).page(number, size)
    return {"SmsSignList": [_list_item(ctx, signature) for signature in signatures], "TotalCount": total,
            "CurrentPage": number, "PageSize": size}  # fmt: skip


def change_signature_qualification(ctx: Context) -> dict[str, Any]:
    """Bind a signature to another approved qualification (and authorization letter)."""
    name = _sign_name(ctx, "SignatureName")
    qualification_id = ctx.params.integer("QualificationId", required=True, low=1, high=MAX_ID)
    assert qualification_id is not None
    letter_id = ctx.params.integer("AuthorizationLetterId", low=1, high=MAX_ID)
    SignaturesBackend(ctx).change_qualification(name, qualification_id, letter_id)
    return {"Success": True, "Data": {"Success": True}}


OPERATIONS = {
    "CreateSmsSign": create_sms_sign,
    "GetSmsSign": get_sms_sign,
    "UpdateSmsSign": update_sms_sign,
    "DeleteSmsSign": delete_sms_sign,
    "QuerySmsSignList": query_sms_sign_list,
    "ChangeSignatureQualification": change_signature_qualification,
}
