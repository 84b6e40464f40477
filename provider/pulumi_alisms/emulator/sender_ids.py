"""SenderID registration (this project's contract, Version 2017-06-20; see docs/api.md).

Alibaba registers SenderIDs in the console only; these operations model it: SubmitSenderIdRegistration,
GetSenderIdRegistration, ListSenderIdRegistrations, UploadSenderIdDocuments, UpdateSenderIdRegistration,
DeleteSenderIdRegistration. Review runs on the emulator clock: Submitted -> DocumentsToBeRendered ->
DocumentsRendered (countries that need documents; 30 days to upload, else Expired) -> UnderReview ->
Approved | Rejected. Due transitions are applied lazily by :func:`settle_registrations` at the start of
every operation, each one timed from the previous step's due time.
"""

import base64
import binascii
import hashlib
import json
import secrets
import sqlite3
from typing import Any

from pulumi_alisms.emulator.clock import iso, step_done_at
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, business, invalid, not_found
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.rules.countries import country_rules, registration_problems
from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.sender_ids import (
    DOCUMENT_WINDOW_DAYS,
    MAX_DOCUMENT_BYTES,
    review_rejection,
    sample_template_problems,
    sender_id_problems,
    use_case_problems,
)

VERSION = "2017-06-20"
STATUSES: tuple[str, ...] = (
    "Submitted", "DocumentsToBeRendered", "DocumentsRendered", "UnderReview", "Approved", "Rejected", "Expired",
)  # fmt: skip
# Statuses that no longer hold the SenderID for their country: the same SenderID may be registered again.
CLOSED_STATUSES: tuple[str, ...] = ("Rejected", "Expired")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_CLIENT_TOKEN_LENGTH = 64
MAX_COMPANY_NAME_LENGTH = 128
MAX_WEBSITE_LENGTH = 256
MAX_BUSINESS_INFO_FIELDS = 50
MAX_BUSINESS_INFO_VALUE_LENGTH = 1_000
MAX_DOCUMENTS_PER_UPLOAD = 20
MAX_DOCUMENT_TYPE_LENGTH = 64
MAX_FILE_NAME_LENGTH = 255
_DAY_SECONDS = 86_400.0


def settle_registrations(ctx: Context) -> None:
    """Apply every transition of the account's registrations that is due by ``ctx.now``, until none is."""
    while True:
        due = ctx.db.execute(
            "SELECT id, country, sender_id, samples, status, next_step_at FROM registrations "
            "WHERE account = ? AND next_step_at IS NOT NULL AND next_step_at <= ? ORDER BY next_step_at, id",
            (ctx.account, ctx.now),
        ).fetchall()
        if not due:
            return
        for row in due:
            _update(ctx, row["id"], _transition(ctx, row, float(row["next_step_at"])))


def approved_sender_id(ctx: Context, country: str, sender_id: str) -> bool:
    """Whether the account holds an approved registration of ``sender_id`` for ``country`` (settles first)."""
    settle_registrations(ctx)
    row = ctx.db.execute(
        "SELECT 1 FROM registrations WHERE account = ? AND country = ? AND sender_id = ? AND status = 'Approved'",
        (ctx.account, country, sender_id),
    ).fetchone()
    return row is not None


def _transition(ctx: Context, row: sqlite3.Row, at: float) -> dict[str, Any]:
    """The column changes of the one step a registration takes at its due time ``at``."""
    changes: dict[str, Any] = {"updated_at": at}
    status = row["status"]
    if status == "Submitted":
        rules = country_rules(row["country"])
        if rules is not None and rules.documents_required:
            changes.update(status="DocumentsToBeRendered", next_step_at=step_done_at(at, "render", ctx.speed))
        else:
            changes.update(status="UnderReview", next_step_at=step_done_at(at, "sender_id_review", ctx.speed))
    elif status == "DocumentsToBeRendered":
        due = at + DOCUMENT_WINDOW_DAYS * _DAY_SECONDS
        changes.update(status="DocumentsRendered", documents_due_at=due, next_step_at=due)
    elif status == "DocumentsRendered":
        changes.update(
            status="Expired",
            next_step_at=None,
            status_reason=f"The registration documents were not uploaded within {DOCUMENT_WINDOW_DAYS} days "
            f"(due {iso(at)}); update the registration to resubmit it",
        )
    elif status == "UnderReview":
        reason = review_rejection(row["sender_id"], json.loads(row["samples"]))
        changes.update(status="Rejected" if reason else "Approved", status_reason=reason, reviewed_at=at,
                       next_step_at=None)  # fmt: skip
        label = f"{row['sender_id']} for {row['country']}"
        ctx.notify_review_result(
            "SenderID registration", row["id"], label, "rejected" if reason else "approved", reason
        )
    else:  # a decided registration (for example by an administrator) takes no further step
        changes.update(next_step_at=None)
    return changes


def submit_registration(ctx: Context) -> dict[str, Any]:
    """Register a SenderID for one country; a repeated ClientToken returns the registration it created."""
    settle_registrations(ctx)
    country = ctx.params.required_text("Country")
    _check_country(country)
    fields = {"country": country, "website": None, "business_info": "{}", **_amendable_fields(ctx.params, submit=True)}
    token = ctx.params.text("ClientToken", required=False, max_length=MAX_CLIENT_TOKEN_LENGTH) or None
    if token is not None:
        earlier = ctx.db.execute(
            "SELECT * FROM registrations WHERE account = ? AND client_token = ?", (ctx.account, token)
        ).fetchone()
        if earlier is not None:
            if any(earlier[column] != value for column, value in fields.items()):
                raise ApiError(
                    "IdempotentParameterMismatch",
                    f"The ClientToken {token!r} was already used for registration {earlier['id']} with different "
                    "parameters; use a new ClientToken for a new registration.",
                )
            return {"RegistrationId": earlier["id"], "Status": earlier["status"]}
    _refuse_duplicate(ctx, country, fields["sender_id"], exclude=None)
    registration_id = "sr-" + secrets.token_hex(6)
    ctx.db.execute(
        "INSERT INTO registrations (account, id, country, sender_id, company_name, website, use_case, business_info, "
        "samples, documents, status, client_token, submitted_at, updated_at, next_step_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 'Submitted', ?, ?, ?, ?)",
        (ctx.account, registration_id, country, fields["sender_id"], fields["company_name"], fields["website"],
         fields["use_case"], fields["business_info"], fields["samples"], token, ctx.now, ctx.now, ctx.now),
    )  # fmt: skip
    return {"RegistrationId": registration_id, "Status": "Submitted"}


def get_registration(ctx: Context) -> dict[str, Any]:
    """One registration, with its documents and review status."""
    settle_registrations(ctx)
    return {"Registration": _registration_answer(_find(ctx))}


def list_registrations(ctx: Context) -> dict[str, Any]:
    """A page of the account's registrations in submission order, optionally filtered by country and status."""
    settle_registrations(ctx)
    page_no = ctx.params.integer("PageNo", low=1) or 1
    page_size = ctx.params.integer("PageSize", low=1, high=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    where, args = "account = ?", [ctx.account]
    country = ctx.params.text("Country", required=False)
    if country:
        where, args = f"{where} AND country = ?", [*args, country]
    status = ctx.params.text("Status", required=False)
    if status:
        if status not in STATUSES:
            raise invalid("Status", f"must be one of {', '.join(STATUSES)}, got {status[:40]!r}")
        where, args = f"{where} AND status = ?", [*args, status]
    total = ctx.db.execute(f"SELECT COUNT(*) FROM registrations WHERE {where}", args).fetchone()[0]
    rows = ctx.db.execute(
        f"SELECT * FROM registrations WHERE {where} ORDER BY submitted_at, id LIMIT ? OFFSET ?",
        (*args, page_size, (page_no - 1) * page_size),
    ).fetchall()
    return {"Registrations": [_registration_answer(row) for row in rows], "TotalCount": total, "PageNo": page_no,
            "PageSize": page_size}  # fmt: skip


def upload_documents(ctx: Context) -> dict[str, Any]:
    """Attach the documents a DocumentsRendered registration waits for and send it to review."""
    settle_registrations(ctx)
    row = _find(ctx)
    if row["status"] != "DocumentsRendered":
        raise business(
            "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPLOAD",
            f"Registration {row['id']} is {row['status']}: documents are accepted only while it is DocumentsRendered.",
        )
    documents = _documents(ctx.params, ctx.now)
    next_step_at = step_done_at(ctx.now, "sender_id_review", ctx.speed)
    _update(ctx, row["id"], {"status": "UnderReview", "documents": json.dumps(documents), "documents_due_at": None,
                             "status_reason": None, "next_step_at": next_step_at, "updated_at": ctx.now})  # fmt: skip
    return {"RegistrationId": row["id"], "Status": "UnderReview"}


def update_registration(ctx: Context) -> dict[str, Any]:
    """Amend a registration that is not approved and resubmit it (also how Rejected and Expired ones retry)."""
    settle_registrations(ctx)
    row = _find(ctx)
    if row["status"] == "Approved":
        raise business(
            "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPDATE",
            f"Registration {row['id']} is Approved and cannot be amended: submit a new registration instead.",
        )
    changes = _amendable_fields(ctx.params, submit=False)
    _refuse_duplicate(ctx, row["country"], changes.get("sender_id", row["sender_id"]), exclude=row["id"])
    changes.update(status="Submitted", status_reason=None, documents="[]", documents_due_at=None, reviewed_at=None,
                   submitted_at=ctx.now, updated_at=ctx.now, next_step_at=ctx.now)  # fmt: skip
    _update(ctx, row["id"], changes)
    return {"RegistrationId": row["id"], "Status": "Submitted"}


def delete_registration(ctx: Context) -> dict[str, Any]:
    """Withdraw and delete a registration in any status."""
    settle_registrations(ctx)
    row = _find(ctx)
    ctx.db.execute("DELETE FROM registrations WHERE account = ? AND id = ?", (ctx.account, row["id"]))
    return {"RegistrationId": row["id"]}


def _update(ctx: Context, registration_id: str, changes: dict[str, Any]) -> None:
    """Set columns (names from this module, never from the request) of one registration."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    ctx.db.execute(
        f"UPDATE registrations SET {assignments} WHERE account = ? AND id = ?",
        (*changes.values(), ctx.account, registration_id),
    )


def _find(ctx: Context) -> sqlite3.Row:
    """The registration the request's RegistrationId names, or ``InvalidRegistrationId.NotFound``."""
    registration_id = ctx.params.required_text("RegistrationId", max_length=64)
    row = ctx.db.execute(
        "SELECT * FROM registrations WHERE account = ? AND id = ?", (ctx.account, registration_id)
    ).fetchone()
    if row is None:
        raise not_found(
            "InvalidRegistrationId.NotFound",
            f"The SenderID registration {registration_id!r} does not exist in this account.",
        )
    return row


def _check_country(country: str) -> None:
    """Refuse unknown countries (a parameter error) and those that cannot be registered online (isv.*)."""
    problems = registration_problems("Country", country)
    if not problems:
        return
    rules = country_rules(country)
    if rules is None:
        raise invalid("Country", problems[0].message)
    code = "isv.SENDER_ID_PAID_OFFLINE" if rules.registration == "paid_offline" else "isv.SENDER_ID_SELF_REGISTRATION"
    raise business(code, problems[0].message)


def _refuse_duplicate(ctx: Context, country: str, sender_id: str, *, exclude: str | None) -> None:
    """Refuse a SenderID that another live (not Rejected or Expired) registration holds for the country."""
    row = ctx.db.execute(
        "SELECT id, status FROM registrations WHERE account = ? AND country = ? AND sender_id = ? AND id IS NOT ? "
        "AND status NOT IN (?, ?)",
        (ctx.account, country, sender_id, exclude, *CLOSED_STATUSES),
    ).fetchone()
    if row is not None:
        raise business(
            "isv.SENDER_ID_DUPLICATED",
            f"Sender ID {sender_id!r} is already registered for {country} in this account ({row['id']}, "
            f"{row['status']}): update or delete that registration instead.",
        )


def _amendable_fields(params: Params, *, submit: bool) -> dict[str, Any]:
    """The validated columns of the amendable parameters present; submitting needs all but Website, BusinessInfo."""
    values: dict[str, Any] = {}
    sender_id = params.text("SenderId", required=submit)
    if sender_id is not None:
        _raise_problems("SenderId", sender_id_problems("SenderId", sender_id))
        values["sender_id"] = sender_id
    company_name = params.text("CompanyName", required=submit, max_length=MAX_COMPANY_NAME_LENGTH)
    if company_name is not None:
        if not company_name.strip():
            raise invalid("CompanyName", "must not be blank")
        values["company_name"] = company_name
    website = params.text("Website", required=False, max_length=MAX_WEBSITE_LENGTH)
    if website is not None:
        values["website"] = website or None  # an empty Website clears it
    use_case = params.text("UseCase", required=submit)
    if use_case is not None:
        _raise_problems("UseCase", use_case_problems("UseCase", use_case))
        values["use_case"] = use_case
    if "BusinessInfo" in params:
        values["business_info"] = _business_info(params)
    samples = params.string_list("SampleTemplates", required=submit)
    if samples is not None:
        _raise_problems("SampleTemplates", sample_template_problems("SampleTemplates", samples))
        values["samples"] = json.dumps(samples, ensure_ascii=False)
    return values


def _raise_problems(name: str, problems: list[Problem]) -> None:
    """``InvalidParameter.<name>`` listing every problem (naming the item when it is not the whole parameter)."""
    if problems:
        raise invalid(name, "; ".join(p.message if p.field == name else str(p) for p in problems))


def _business_info(params: Params) -> str:
    """BusinessInfo: a JSON object of string fields, stored in a canonical form ("" or absent means none)."""
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
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _documents(params: Params, now: float) -> list[dict[str, Any]]:
    """The uploaded documents' metadata (type, file name, size, SHA-256); the content is not kept."""
    value = params.json_value("Documents", required=True)
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_DOCUMENTS_PER_UPLOAD:
        raise invalid("Documents", f"must be a JSON array of 1-{MAX_DOCUMENTS_PER_UPLOAD} documents")
    documents: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        where = f"Documents[{index}]"
        if not isinstance(item, dict):
            raise invalid("Documents", f"{where} must be an object with Type, FileName and ContentBase64")
        for key, limit in (("Type", MAX_DOCUMENT_TYPE_LENGTH), ("FileName", MAX_FILE_NAME_LENGTH)):
            text = item.get(key)
            if not isinstance(text, str) or not text.strip() or len(text) > limit:
                raise invalid("Documents", f"{where}.{key} must be a non-blank string of at most {limit} characters")
        try:
            content = base64.b64decode(str(item.get("ContentBase64") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise invalid("Documents", f"{where}.ContentBase64 ({item['FileName']}) is not valid base64") from None
        if not content:
            raise invalid("Documents", f"{where}.ContentBase64 ({item['FileName']}) is empty")
        if len(content) > MAX_DOCUMENT_BYTES:
            raise invalid("Documents", f"{where} ({item['FileName']}) is {len(content)} bytes; at most "
                          f"{MAX_DOCUMENT_BYTES} bytes (10 MB) per file")  # fmt: skip
        documents.append({"Type": item["Type"], "FileName": item["FileName"], "Size": len(content),
                          "Sha256": hashlib.sha256(content).hexdigest(), "UploadedAt": now})  # fmt: skip
    return documents


def _registration_answer(row: sqlite3.Row) -> dict[str, Any]:
    """The wire form of a registration; absent values are left out."""
    answer: dict[str, Any] = {
        "RegistrationId": row["id"],
        "Country": row["country"],
        "SenderId": row["sender_id"],
        "CompanyName": row["company_name"],
        "Website": row["website"],
        "UseCase": row["use_case"],
        "BusinessInfo": json.loads(row["business_info"]),
        "SampleTemplates": json.loads(row["samples"]),
        "Documents": [
            {**document, "UploadedAt": iso(document["UploadedAt"])} for document in json.loads(row["documents"])
        ],
        "Status": row["status"],
        "StatusReason": row["status_reason"],
        "SubmittedAt": iso(row["submitted_at"]),
        "ReviewedAt": iso(row["reviewed_at"]),
        "DocumentsDueAt": iso(row["documents_due_at"]),
        "UpdatedAt": iso(row["updated_at"]),
    }
    return {key: value for key, value in answer.items() if value is not None}


OPERATIONS = {
    "SubmitSenderIdRegistration": submit_registration,
    "GetSenderIdRegistration": get_registration,
    "ListSenderIdRegistrations": list_registrations,
    "UploadSenderIdDocuments": upload_documents,
    "UpdateSenderIdRegistration": update_registration,
    "DeleteSenderIdRegistration": delete_registration,
}
