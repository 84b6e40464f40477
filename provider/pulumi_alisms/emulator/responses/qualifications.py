"""Qualifications (Dysmsapi 2017-05-25): SubmitSmsQualification, QuerySingleSmsQualification,
QuerySmsQualificationRecord, UpdateSmsQualification, DeleteSmsQualification, RequiredPhoneCode, ValidPhoneCode.

Documents are keys of objects uploaded with GetQualificationOssInfo's policy; answers show them as full URLs
(``LicensePic`` keeps the key). Review status on the wire: QuerySingleSmsQualification ``State`` INT / PASSED /
FAILED / NOT_FINISH / CANCELED, QuerySmsQualificationRecord ``StateName`` (and its ``State`` filter) INIT /
PASS / NOT_PASS / NOT_FINISH / CANCEL, as the SDK models document them. Refusals: a broken field rule is
``InvalidParameter.<Name>`` (every problem listed), an unknown id or review ticket 404 ``QualificationNotFound``,
an amendment or deletion under review, or a deletion while signatures use the qualification, ``ForbiddenAction``.
"""

from typing import Any

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends.qualifications import Qualification, QualificationsBackend, forbidden
from pulumi_alisms.emulator.backends.signatures import SignaturesBackend
from pulumi_alisms.emulator.backends.uploads import QUALIFICATION_BUCKET, UploadsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid, missing
from pulumi_alisms.emulator.responses.common import MAX_ID, object_list, page, refuse, required_flag
from pulumi_alisms.rules.mainland import mainland_mobile
from pulumi_alisms.rules.qualifications import license_type_problems, qualification_problems
from pulumi_alisms.rules.statuses import ReviewStatus

VERSION = "2017-05-25"
# Wire parameter -> rules field, for the text fields.
FIELDS: dict[str, str] = {
    "QualificationName": "qualification_name", "CompanyName": "company_name", "CompanyType": "company_type",
    "OrganizationCode": "organization_code", "BussinessLicenseExpDate": "business_license_validity",
    "LegalPersonName": "legal_person_name", "LegalPersonIDCardNo": "legal_person_id_number",
    "LegalPersonIDCardType": "legal_person_id_type", "LegalPersonIdCardEffTime": "legal_person_id_validity",
    "AdminName": "admin_name", "AdminIDCardNo": "admin_id_number", "AdminIDCardType": "admin_id_type",
    "AdminIDCardExpDate": "admin_id_validity", "AdminPhoneNo": "admin_phone",
}  # fmt: skip
# UpdateSmsQualification takes every text field but these (and requires AdminPhoneNo).
_FIXED_FIELDS = ("QualificationName", "CompanyType", "OrganizationCode")
# Wire parameter -> document field (an uploaded object's key); the first two are required on submission.
DOCUMENTS: dict[str, str] = {
    "AdminIDCardFrontFace": "admin_id_front", "AdminIDCardPic": "admin_id_back",
    "LegalPersonIdCardFrontSide": "legal_person_id_front", "LegalPersonIdCardBackSide": "legal_person_id_back",
}  # fmt: skip
_REQUIRED_DOCUMENTS = ("AdminIDCardFrontFace", "AdminIDCardPic")
_SINGLE_STATE = {ReviewStatus.UNDER_REVIEW: "INT", ReviewStatus.APPROVED: "PASSED", ReviewStatus.REJECTED: "FAILED",
                 ReviewStatus.MATERIALS_REQUIRED: "NOT_FINISH", ReviewStatus.CANCELLED: "CANCELED"}  # fmt: skip
_RECORD_STATE = {ReviewStatus.UNDER_REVIEW: "INIT", ReviewStatus.APPROVED: "PASS", ReviewStatus.REJECTED: "NOT_PASS",
                 ReviewStatus.MATERIALS_REQUIRED: "NOT_FINISH", ReviewStatus.CANCELLED: "CANCEL"}  # fmt: skip
_STATUS_OF_RECORD_STATE = {state: status for status, state in _RECORD_STATE.items()}


def _phone(ctx: Context, name: str) -> str:
    text = ctx.params.required_text(name)
    phone = mainland_mobile(text)
    if phone is None:
        raise invalid(name, "must be a Chinese-mainland mobile number such as 13900001234 (optionally +86, 0086 or 86)")
    return phone


def _details(ctx: Context, *, submission: bool) -> dict[str, Any]:
    """The request's fields and document keys by rules name (an amendment's absent ones left out)."""
    names = [name for name in FIELDS if submission or name not in _FIXED_FIELDS]
    texts = {FIELDS[name]: ctx.params.text(name, required=submission or name == "AdminPhoneNo") for name in names}
    details: dict[str, Any] = {field: value for field, value in texts.items() if value is not None}
    refuse(qualification_problems(details), FIELDS)
    details["admin_phone"] = _phone(ctx, "AdminPhoneNo")
    for name, field in DOCUMENTS.items():
        key = ctx.params.text(name, required=submission and name in _REQUIRED_DOCUMENTS)
        if key is not None:
            details[field] = key
    licenses = object_list(ctx, "BusinessLicensePics")
    if licenses is not None:
        details["business_licenses"] = [_license(item) for item in licenses]
    others = object_list(ctx, "OtherFiles")
    if others is not None:
        details["other_files"] = [_file_key("OtherFiles", item) for item in others]
    return details


def _require_documents(ctx: Context, details: dict[str, Any]) -> None:
    """Every document key names an object this account uploaded with GetQualificationOssInfo's policy."""
    uploads = UploadsBackend(ctx)
    for name, field in DOCUMENTS.items():
        if field in details:
            uploads.require(QUALIFICATION_BUCKET, details[field], name)
    for item in details.get("business_licenses", []):
        uploads.require(QUALIFICATION_BUCKET, item["key"], "BusinessLicensePics")
    for key in details.get("other_files", []):
        uploads.require(QUALIFICATION_BUCKET, key, "OtherFiles")


def _file_key(name: str, item: dict[str, Any]) -> str:
    key = item.get("LicensePic")
    if not isinstance(key, str) or not key:
        raise invalid(name, "each entry needs LicensePic, the key of an uploaded file")
    return key


def _license(item: dict[str, Any]) -> dict[str, str]:
    kind = item.get("Type")
    problems = license_type_problems("BusinessLicensePics", kind if isinstance(kind, str) else None)
    if problems:
        raise invalid("BusinessLicensePics", problems[0].message)
    return {"key": _file_key("BusinessLicensePics", item), "type": str(kind)}


def submit_sms_qualification(ctx: Context) -> dict[str, Any]:
    """Submit a qualification for review; ``Data`` is its QualificationGroupId (text)."""
    details = _details(ctx, submission=True)
    use_by_self = required_flag(ctx, "UseBySelf")
    whether_share = required_flag(ctx, "WhetherShare")
    if not use_by_self and not details.get("business_licenses"):
        raise missing("BusinessLicensePics")
    remark = ctx.params.text("Remark", required=False) or None
    certify_code = ctx.params.required_text("CertifyCode")
    _require_documents(ctx, details)
    qualification = QualificationsBackend(ctx).submit(
        details, use_by_self=use_by_self, whether_share=whether_share, remark=remark, certify_code=certify_code
    )
    return {"Success": True, "Data": str(qualification.id)}


def _ids(ctx: Context, *, ticket_required: bool) -> tuple[int, int | None]:
    group = ctx.params.integer("QualificationGroupId", required=True, low=1, high=MAX_ID)
    assert group is not None
    return group, ctx.params.integer("OrderId", required=ticket_required, low=1, high=MAX_ID)


def query_single_sms_qualification(ctx: Context) -> dict[str, Any]:
    """One qualification with its fields, documents (as URLs) and review state."""
    group, ticket = _ids(ctx, ticket_required=False)
    found = QualificationsBackend(ctx).get(group, ticket)
    uploads = UploadsBackend(ctx)
    details = found.details

    def url(field: str) -> str | None:
        return uploads.url(QUALIFICATION_BUCKET, details[field]) if field in details else None

    data: dict[str, Any] = {
        **{name: details.get(field) for name, field in FIELDS.items() if name != "BussinessLicenseExpDate"},
        "EffTimeStr": details.get("business_license_validity"),
        "AdminIDCardFrontFace": url("admin_id_front"),
        "AdminIDCardPic": url("admin_id_back"),
        "BusinessLicensePics": [
            {"LicensePic": item["key"], "PicUrl": uploads.url(QUALIFICATION_BUCKET, item["key"]), "Type": item["type"]}
            for item in details.get("business_licenses", [])
        ],
        "OtherFiles": [
            {"LicensePic": key, "PicUrl": uploads.url(QUALIFICATION_BUCKET, key)}
            for key in details.get("other_files", [])
        ],
        "QualificationGroupId": found.id,
        "QualificationName": found.name,
        "Remark": found.remark,
        "State": _SINGLE_STATE.get(found.status, "INT"),
        "UseBySelf": found.use_by_self,
        "WhetherShare": found.whether_share,
        "WorkOrderId": found.work_order_id,
    }
    return {"Success": True, "Data": {key: value for key, value in data.items() if value is not None}}


def _record(found: Qualification) -> dict[str, Any]:
    record = {
        "GroupId": found.id,
        "QualificationGroupName": found.name,
        "CompanyName": found.company_name,
        "LegalPersonName": found.legal_person_name,
        "StateName": _RECORD_STATE.get(found.status, "INIT"),
        "AuditRemark": found.reason,
        "AuditTime": clock.console_date(found.reviewed_at),
        "CreateDate": clock.console_date(found.created_at),
        "UseBySelf": str(found.use_by_self).lower(),
        "WorkOrderId": found.work_order_id,
    }
    return {key: value for key, value in record.items() if value is not None}


def query_sms_qualification_record(ctx: Context) -> dict[str, Any]:
    """One page of the account's qualifications, oldest first, filtered by exact values."""
    filters: dict[str, Any] = {}
    for name, column in (("QualificationGroupName", "name"), ("CompanyName", "company_name"),
                         ("LegalPersonName", "legal_person_name")):  # fmt: skip
        value = ctx.params.text(name, required=False)
        if value:
            filters[column] = value
    state = ctx.params.text("State", required=False)
    if state:
        if state not in _STATUS_OF_RECORD_STATE:
            raise invalid("State", f"must be one of {', '.join(_STATUS_OF_RECORD_STATE)}, got {state[:20]!r}")
        filters["status"] = _STATUS_OF_RECORD_STATE[state]
    ticket = ctx.params.integer("WorkOrderId", low=1, high=MAX_ID)
    if ticket is not None:
        filters["work_order_id"] = ticket
    use_by_self = ctx.params.flag("UseBySelf")
    if use_by_self is not None:
        filters["use_by_self"] = int(use_by_self)
    number, size = page(ctx, "PageNo")
    total, found = QualificationsBackend(ctx).page(filters, number, size)
    return {"Success": True, "Data": {"List": [_record(item) for item in found], "PageNo": number,
                                      "PageSize": size, "Total": total}}  # fmt: skip


def update_sms_qualification(ctx: Context) -> dict[str, Any]:
    """Amend a qualification that is not under review and resubmit it; ``Data`` is its id (text)."""
    group, ticket = _ids(ctx, ticket_required=True)
    assert ticket is not None
    changes = _details(ctx, submission=False)
    certify_code = ctx.params.required_text("CertifyCode")
    _require_documents(ctx, changes)
    updated = QualificationsBackend(ctx).update(group, ticket, changes, certify_code)
    return {"Success": True, "Data": str(updated.id)}


def delete_sms_qualification(ctx: Context) -> dict[str, Any]:
    """Delete a qualification that is not under review and that no signature uses."""
    group, ticket = _ids(ctx, ticket_required=True)
    assert ticket is not None
    qualifications = QualificationsBackend(ctx)
    qualifications.get(group, ticket)
    in_use = SignaturesBackend(ctx).using_qualification(group)
    if in_use:
        raise forbidden(f"The qualification {group} is used by the signatures {', '.join(in_use)}; bind them to "
                        "another qualification (ChangeSignatureQualification) or delete them first.")  # fmt: skip
    qualifications.delete(group, ticket)
    return {"Success": True, "Data": True}


def required_phone_code(ctx: Context) -> dict[str, Any]:
    """Send a verification code to the administrator's phone (it lands in the outbox)."""
    QualificationsBackend(ctx).send_phone_code(_phone(ctx, "PhoneNo"))
    return {"Success": True}


def valid_phone_code(ctx: Context) -> dict[str, Any]:
    """Whether a code is the latest one sent to the phone and still valid (``Data``); the code stays usable."""
    phone = _phone(ctx, "PhoneNo")
    valid = QualificationsBackend(ctx).phone_code_is_valid(phone, ctx.params.required_text("CertifyCode"))
    return {"Success": True, "Data": valid}


OPERATIONS = {
    "SubmitSmsQualification": submit_sms_qualification,
    "QuerySingleSmsQualification": query_single_sms_qualification,
    "QuerySmsQualificationRecord": query_sms_qualification_record,
    "UpdateSmsQualification": update_sms_qualification,
    "DeleteSmsQualification": delete_sms_qualification,
    "RequiredPhoneCode": required_phone_code,
    "ValidPhoneCode": valid_phone_code,
}
