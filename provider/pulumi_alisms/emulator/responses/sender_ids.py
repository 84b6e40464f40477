"""SenderID registration (this project's contract, Version 2017-06-20; see docs/api.md).

Alibaba registers SenderIDs in the console only; these operations model it: SubmitSenderIdRegistration,
GetSenderIdRegistration, ListSenderIdRegistrations, UploadSenderIdDocuments, UpdateSenderIdRegistration,
DeleteSenderIdRegistration. The review itself is :mod:`pulumi_alisms.emulator.backends.sender_ids`.
Business errors (``isv.*``) are HTTP 400, as Dysms 2017-06-20 answers them.
"""

import base64
import binascii
from typing import Any

from pulumi_alisms.emulator.backends.sender_ids import Amendment, Document, Registration, SenderIdsBackend
from pulumi_alisms.emulator.clock import iso
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid, refuse_problems, refused
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.rules.countries import country_rules, registration_problems
from pulumi_alisms.rules.sender_ids import (
    DOCUMENT_TYPE,
    MAX_DOCUMENT_BYTES,
    REGISTRATION_TEXT,
    sample_template_problems,
    sender_id_problems,
    use_case_problems,
)
from pulumi_alisms.rules.statuses import RegistrationStatus
from pulumi_alisms.rules.text import TextRule

VERSION = "2017-06-20"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_REGISTRATION_ID_LENGTH = 64
MAX_CLIENT_TOKEN_LENGTH = 64
MAX_BUSINESS_INFO_FIELDS = 50
MAX_BUSINESS_INFO_VALUE_LENGTH = 1_000
MAX_DOCUMENTS_PER_UPLOAD = 20
FILE_NAME = TextRule(255, non_blank=True)
# Input field (rules.sender_ids.REGISTRATION_TEXT) -> the request parameter it travels in.
TEXT_PARAMETERS: dict[str, str] = {"company_name": "CompanyName", "website": "Website"}


def submit_registration(ctx: Context) -> dict[str, Any]:
    """Register a SenderID for one country; a repeated ClientToken returns the registration it created
    (``Replayed`` says which)."""
    country = _country(ctx.params)
    fields = _amendment(ctx.params, submit=True)
    token = ctx.params.text("ClientToken", required=False, max_length=MAX_CLIENT_TOKEN_LENGTH) or None
    registration, replayed = SenderIdsBackend(ctx).submit(country, fields, token)
    return {"RegistrationId": registration.id, "Status": registration.status, "Replayed": replayed}


def get_registration(ctx: Context) -> dict[str, Any]:
    """One registration, with its documents and review status."""
    return {"Registration": _answer(SenderIdsBackend(ctx).get(_registration_id(ctx.params)))}


def list_registrations(ctx: Context) -> dict[str, Any]:
    """A page of the account's registrations in submission order, optionally filtered by country and status."""
    page_no = ctx.params.integer("PageNo", low=1) or 1
    page_size = ctx.params.integer("PageSize", low=1, high=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    country = ctx.params.text("Country", required=False) or None
    total, registrations = SenderIdsBackend(ctx).page(page_no, page_size, country=country,
                                                      status=_status(ctx.params))  # fmt: skip
    return {"Registrations": [_answer(registration) for registration in registrations], "TotalCount": total,
            "PageNo": page_no, "PageSize": page_size}  # fmt: skip


def upload_documents(ctx: Context) -> dict[str, Any]:
    """Attach the documents a DocumentsRendered registration waits for and send it to review."""
    registration_id = _registration_id(ctx.params)
    registration = SenderIdsBackend(ctx).upload_documents(registration_id, _documents(ctx.params))
    return {"RegistrationId": registration.id, "Status": registration.status}


def update_registration(ctx: Context) -> dict[str, Any]:
    """Amend a registration and resubmit it (also how Rejected and Expired ones retry); an Approved one keeps
    serving while the amendment, a new version, is reviewed (``PendingVersion``, ``PendingStatus``)."""
    registration_id = _registration_id(ctx.params)
    registration = SenderIdsBackend(ctx).update(registration_id, _amendment(ctx.params, submit=False))
    return {"RegistrationId": registration.id, "Status": registration.status, **_versions(registration)}


def delete_registration(ctx: Context) -> dict[str, Any]:
    """Withdraw and delete a registration in any status."""
    registration_id = _registration_id(ctx.params)
    SenderIdsBackend(ctx).delete(registration_id)
    return {"RegistrationId": registration_id}


def _registration_id(params: Params) -> str:
    return params.required_text("RegistrationId", max_length=MAX_REGISTRATION_ID_LENGTH)


def _country(params: Params) -> str:
    """Country: unknown codes are a parameter error, those that cannot be registered online ``isv.*``."""
    country = params.required_text("Country")
    problems = registration_problems("Country", country)
    rules = country_rules(country)
    if rules is None:
        refuse_problems("Country", problems)
    elif problems:
        paid = rules.registration == "paid_offline"
        code = "isv.SENDER_ID_PAID_OFFLINE" if paid else "isv.SENDER_ID_SELF_REGISTRATION"
        raise refused(code, problems[0].message)
    return country


def _status(params: Params) -> RegistrationStatus | None:
    status = params.text("Status", required=False)
    if not status:
        return None
    try:
        return RegistrationStatus(status)
    except ValueError:
        raise invalid("Status", f"must be one of {', '.join(RegistrationStatus)}, got {status[:40]!r}") from None


def _amendment(params: Params, *, submit: bool) -> Amendment:
    """The amendable parameters present, checked; submitting needs all but Website and BusinessInfo."""
    sender_id = params.text("SenderId", required=submit)
    if sender_id is not None:
        refuse_problems("SenderId", sender_id_problems("SenderId", sender_id))
    company_name = params.text("CompanyName", required=submit)
    website = params.text("Website", required=False)
    for field, value in (("company_name", company_name), ("website", website)):
        parameter = TEXT_PARAMETERS[field]
        refuse_problems(parameter, REGISTRATION_TEXT[field].problems(parameter, value))
    use_case = params.text("UseCase", required=submit)
    if use_case is not None:
        refuse_problems("UseCase", use_case_problems("UseCase", use_case))
    business_info = _business_info(params) if "BusinessInfo" in params else None
    samples = params.string_list("SampleTemplates", required=submit)
    if samples is not None:
        refuse_problems("SampleTemplates", sample_template_problems("SampleTemplates", samples))
    return Amendment(sender_id=sender_id, company_name=company_name, website=website, use_case=use_case,
                     business_info=business_info, samples=samples)  # fmt: skip


def _business_info(params: Params) -> dict[str, str]:
    """BusinessInfo: a JSON object of string fields ("" means none)."""
    value = params.json_value("BusinessInfo") or {}
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise invalid("BusinessInfo", "must be a JSON object whose values are strings")
    if len(value) > MAX_BUSINESS_INFO_FIELDS:
        raise invalid("BusinessInfo", f"at most {MAX_BUSINESS_INFO_FIELDS} fields, got {len(value)}")
    for key, item in value.items():
        if len(item) > MAX_BUSINESS_INFO_VALUE_LENGTH:
            raise invalid(
                "BusinessInfo", f"field {key[:40]!r} has more than {MAX_BUSINESS_INFO_VALUE_LENGTH} characters"
            )
    return value


def _documents(params: Params) -> list[Document]:
    """The uploaded documents: a JSON array of objects with Type, FileName and ContentBase64."""
    value = params.json_value("Documents", required=True)
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_DOCUMENTS_PER_UPLOAD:
        raise invalid("Documents", f"must be a JSON array of 1-{MAX_DOCUMENTS_PER_UPLOAD} documents")
    documents: list[Document] = []
    for index, item in enumerate(value):
        where = f"Documents[{index}]"
        if not isinstance(item, dict):
            raise invalid("Documents", f"{where} must be an object with Type, FileName and ContentBase64")
        for key, rule in (("Type", DOCUMENT_TYPE), ("FileName", FILE_NAME)):
            text = item.get(key)
            if not isinstance(text, str):
                raise invalid("Documents", f"{where}.{key} must be a string")
            refuse_problems("Documents", rule.problems(f"{where}.{key}", text))
        try:
            content = base64.b64decode(str(item.get("ContentBase64") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise invalid("Documents", f"{where}.ContentBase64 ({item['FileName']}) is not valid base64") from None
        if not content:
            raise invalid("Documents", f"{where}.ContentBase64 ({item['FileName']}) is empty")
        if len(content) > MAX_DOCUMENT_BYTES:
            raise invalid("Documents", f"{where} ({item['FileName']}) is {len(content)} bytes; at most "
                          f"{MAX_DOCUMENT_BYTES} bytes (10 MB) per file")  # fmt: skip
        documents.append(Document(type=item["Type"], file_name=item["FileName"], content=content))
    return documents


def _answer(registration: Registration) -> dict[str, Any]:
    """The wire form of a registration; absent values are left out."""
    answer: dict[str, Any] = {
        "RegistrationId": registration.id,
        "Country": registration.country,
        "SenderId": registration.sender_id,
        "CompanyName": registration.company_name,
        "Website": registration.website,
        "UseCase": registration.use_case,
        "BusinessInfo": registration.business_info,
        "SampleTemplates": registration.samples,
        "Documents": [{**document, "UploadedAt": iso(document["UploadedAt"])} for document in registration.documents],
        "Status": registration.status,
        "StatusReason": registration.status_reason,
        "SubmittedAt": iso(registration.submitted_at),
        "ReviewedAt": iso(registration.reviewed_at),
        "DocumentsDueAt": iso(registration.documents_due_at),
        "UpdatedAt": iso(registration.updated_at),
        **_versions(registration),
    }
    pending = registration.pending
    if pending is not None:
        answer["PendingAmendment"] = _present({
            "CompanyName": pending.fields["company_name"],
            "Website": pending.fields["website"],
            "UseCase": pending.fields["use_case"],
            "BusinessInfo": pending.fields["business_info"],
            "SampleTemplates": pending.fields["samples"],
            "SubmittedAt": iso(pending.submitted_at),
            "ReviewedAt": iso(pending.reviewed_at),
        })  # fmt: skip
    return _present(answer)


def _versions(registration: Registration) -> dict[str, Any]:
    """The version fields: ``ApprovedVersion`` while Approved, and the amendment's ``Pending*`` when one exists."""
    pending = registration.pending
    return _present({
        "ApprovedVersion": registration.approved_version,
        "PendingVersion": pending.version if pending else None,
        "PendingStatus": pending.status if pending else None,
        "PendingReason": pending.reason if pending else None,
    })  # fmt: skip


def _present(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` without its absent values."""
    return {key: value for key, value in answer.items() if value is not None}


OPERATIONS = {
    "SubmitSenderIdRegistration": submit_registration,
    "GetSenderIdRegistration": get_registration,
    "ListSenderIdRegistrations": list_registrations,
    "UploadSenderIdDocuments": upload_documents,
    "UpdateSenderIdRegistration": update_registration,
    "DeleteSenderIdRegistration": delete_registration,
}
