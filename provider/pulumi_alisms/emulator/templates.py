"""Message templates (Dysmsapi 2017-05-25): CreateSmsTemplate, GetSmsTemplate, UpdateSmsTemplate,
DeleteSmsTemplate, QuerySmsTemplateList.

``TemplateType`` 0 OTP, 1 notification, 2 promotional, 3 international; international templates need
``IntlType`` (0 notification, 1 promotional, 2 OTP) and no other type accepts it. ``TemplateCode`` is
``SMS_`` and 9 digits, unique per account; ``OrderId`` (the review ticket) is digits and changes with
every submission. ``RelatedSignName`` binds the template to a mainland signature, which must exist
(404 ``SmsSignatureNotFound``) and be approved (400 ``AssocSignUnapproved``; see ``backends/signatures.py``);
GetSmsTemplate reports it. ``TemplateRule``, ``MoreData``, ``ApplySceneContent`` and ``TrafficDriving`` are
accepted and ignored.

Review runs on the emulator clock: create and update set the status to reviewing and schedule the
decision (``template_review`` step). :func:`settle_templates` decides every due template when an
operation reads templates; a URL shortener in the content is rejected with a reason, anything else is
approved. ``alisms emulator`` admin commands may decide a template directly (status, ``reject_info``,
``reviewed_at``, ``decide_at`` NULL).

Stored status -> wire: ``AUDITING`` is ``TemplateStatus`` "0" / ``AuditStatus`` AUDIT_STATE_INIT,
``AUDIT_STATE_PASS`` is "1", ``AUDIT_STATE_NOT_PASS`` is "2". QuerySmsTemplateList reports the public
type as ``OuterTemplateType`` and the internal one as ``TemplateType`` (0 notification, 1 promotional,
2 OTP, 6 international), as the SDK models document them.

Errors (business errors are HTTP 200 with the code in the body):
- a broken content/name/remark rule: ``isv.SMS_TEMPLATE_ILLEGAL``, the message names the parameter;
- an unknown ``TemplateCode``: ``isv.TEMPLATE_NOT_EXIST`` (this emulator's choice; Alibaba documents none);
- UpdateSmsTemplate of a template that is not rejected: ``isv.SMS_TEMPLATE_STATUS_NOT_SUPPORT_UPDATE``
  (Alibaba: "you can only modify templates that have failed review"); the update resubmits for review;
- DeleteSmsTemplate of a template under review: ``isv.ERROR_Template_NOT_DELETE`` (Alibaba's code:
  templates under review cannot be deleted).
"""

import secrets
import sqlite3
from typing import Any

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends.signatures import SignaturesBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import business, invalid, missing
from pulumi_alisms.rules.templates import TEMPLATE_KINDS_BY_CODE, template_problems, template_rejection

VERSION = "2017-05-25"

REVIEWING = "AUDITING"
APPROVED = "AUDIT_STATE_PASS"
REJECTED = "AUDIT_STATE_NOT_PASS"
# Stored status -> (GetSmsTemplate TemplateStatus, QuerySmsTemplateList AuditStatus).
_WIRE_STATUS: dict[str, tuple[str, str]] = {
    REVIEWING: ("0", "AUDIT_STATE_INIT"),
    APPROVED: ("1", "AUDIT_STATE_PASS"),
    REJECTED: ("2", "AUDIT_STATE_NOT_PASS"),
}
# Public TemplateType -> the internal TemplateType that QuerySmsTemplateList reports.
_LIST_TEMPLATE_TYPE: dict[int, int] = {0: 2, 1: 0, 2: 1, 3: 6}
INTERNATIONAL = 3
# Rule field (snake_case) -> the request parameter it comes from.
_PARAMETER_OF_FIELD: dict[str, str] = {
    "name": "TemplateName", "type": "TemplateType", "content": "TemplateContent", "remark": "Remark",
    "intl_type": "IntlType",
}  # fmt: skip
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_PAGE_INDEX = 1_000_000


def settle_templates(ctx: Context) -> None:
    """Decide every template of the account whose review is due: rejected with a reason, or approved."""
    due = ctx.db.execute(
        "SELECT code, name, content, decide_at FROM templates WHERE account = ? AND status = ? AND decide_at <= ?",
        (ctx.account, REVIEWING, ctx.now),
    ).fetchall()
    for row in due:
        reason = template_rejection(row["content"])
        ctx.db.execute(
            "UPDATE templates SET status = ?, reject_info = ?, reviewed_at = ?, decide_at = NULL "
            "WHERE account = ? AND code = ?",
            (APPROVED if reason is None else REJECTED, reason, row["decide_at"], ctx.account, row["code"]),
        )
        verdict = "approved" if reason is None else "rejected"
        ctx.notify_review_result("template", row["code"], row["name"], verdict, reason)


def _submission(ctx: Context) -> dict[str, Any]:
    """The template fields of a Create/Update request, checked against the template rules."""
    name = ctx.params.required_text("TemplateName")
    content = ctx.params.required_text("TemplateContent")
    remark = ctx.params.text("Remark", required=False) or None
    template_type = ctx.params.integer("TemplateType", required=True, low=0, high=INTERNATIONAL)
    assert template_type is not None
    intl_type = ctx.params.integer("IntlType")
    if template_type == INTERNATIONAL and intl_type is None:
        raise missing("IntlType")
    if template_type != INTERNATIONAL and intl_type is not None:
        raise invalid("IntlType", "applies only to international templates (TemplateType 3)")
    kind = TEMPLATE_KINDS_BY_CODE[template_type]
    problems = template_problems(name=name, kind=kind, content=content, remark=remark, intl_type=intl_type)
    if problems:
        detail = "; ".join(f"{_PARAMETER_OF_FIELD.get(p.field, p.field)}: {p.message}" for p in problems)
        raise business("isv.SMS_TEMPLATE_ILLEGAL", f"The template is invalid: {detail}")
    return {"name": name, "content": content, "remark": remark, "type": template_type, "intl_type": intl_type}


def _order_id() -> str:
    return str(10**10 + secrets.randbelow(9 * 10**10))


def _new_code(db: sqlite3.Connection, account: str) -> str:
    while True:
        code = f"SMS_{10**8 + secrets.randbelow(9 * 10**8)}"
        if db.execute("SELECT 1 FROM templates WHERE account = ? AND code = ?", (account, code)).fetchone() is None:
            return code


def find_template(ctx: Context, code: str) -> sqlite3.Row | None:
    """A template of the account after settling due reviews, or ``None``."""
    settle_templates(ctx)
    row: sqlite3.Row | None = ctx.db.execute(
        "SELECT * FROM templates WHERE account = ? AND code = ?", (ctx.account, code)
    ).fetchone()
    return row


def _template(ctx: Context) -> sqlite3.Row:
    """The template the request's TemplateCode names, after settling due reviews."""
    code = ctx.params.required_text("TemplateCode", max_length=64)
    row = find_template(ctx, code)
    if row is None:
        raise business("isv.TEMPLATE_NOT_EXIST", f"The template {code} does not exist in this account.")
    return row


def create_sms_template(ctx: Context) -> dict[str, Any]:
    """Submit a new template for review."""
    fields = _submission(ctx)
    code = _new_code(ctx.db, ctx.account)
    order_id = _order_id()
    ctx.db.execute(
        "INSERT INTO templates (account, code, name, type, intl_type, content, remark, status, order_id, created_at, "
        "decide_at) VALUES (:account, :code, :name, :type, :intl_type, :content, :remark, :status, :order_id, :now, "
        ":decide_at)",
        {**fields, "account": ctx.account, "code": code, "status": REVIEWING, "order_id": order_id, "now": ctx.now,
         "decide_at": clock.step_done_at(ctx.now, "template_review", ctx.speed)},
    )  # fmt: skip
    SignaturesBackend(ctx).bind_template(code, ctx.params.text("RelatedSignName", required=False) or None)
    return {"TemplateCode": code, "TemplateName": fields["name"], "OrderId": order_id}


def get_sms_template(ctx: Context) -> dict[str, Any]:
    """One template's content and review details."""
    row = _template(ctx)
    audit_info = {"RejectInfo": row["reject_info"], "AuditDate": clock.console_date(row["reviewed_at"])}
    answer: dict[str, Any] = {
        "TemplateCode": row["code"],
        "TemplateName": row["name"],
        "TemplateContent": row["content"],
        "TemplateType": str(row["type"]),
        "IntlType": row["intl_type"],
        "TemplateStatus": _WIRE_STATUS[row["status"]][0],
        "AuditInfo": {key: value for key, value in audit_info.items() if value is not None},
        "Remark": row["remark"],
        "CreateDate": clock.console_date(row["created_at"]),
        "OrderId": row["order_id"],
        "RelatedSignName": SignaturesBackend(ctx).template_signature(row["code"]),
    }
    return {key: value for key, value in answer.items() if value is not None}


def update_sms_template(ctx: Context) -> dict[str, Any]:
    """Change a rejected template and resubmit it for review."""
    row = _template(ctx)
    if row["status"] != REJECTED:
        state = "under review" if row["status"] == REVIEWING else "approved"
        raise business(
            "isv.SMS_TEMPLATE_STATUS_NOT_SUPPORT_UPDATE",
            f"The template {row['code']} is {state}; only templates that failed review can be modified.",
        )
    fields = _submission(ctx)
    order_id = _order_id()
    ctx.db.execute(
        "UPDATE templates SET name = :name, type = :type, intl_type = :intl_type, content = :content, "
        "remark = :remark, status = :status, reject_info = NULL, reviewed_at = NULL, order_id = :order_id, "
        "decide_at = :decide_at WHERE account = :account AND code = :code",
        {**fields, "account": ctx.account, "code": row["code"], "status": REVIEWING, "order_id": order_id,
         "decide_at": clock.step_done_at(ctx.now, "template_review", ctx.speed)},
    )  # fmt: skip
    SignaturesBackend(ctx).bind_template(row["code"], ctx.params.text("RelatedSignName", required=False) or None)
    return {"TemplateCode": row["code"], "TemplateName": fields["name"], "OrderId": order_id}


def delete_sms_template(ctx: Context) -> dict[str, Any]:
    """Delete a template that is not under review."""
    row = _template(ctx)
    if row["status"] == REVIEWING:
        raise business(
            "isv.ERROR_Template_NOT_DELETE",
            f"The template {row['code']} is under review and cannot be deleted; delete it once it is reviewed.",
        )
    ctx.db.execute("DELETE FROM templates WHERE account = ? AND code = ?", (ctx.account, row["code"]))
    SignaturesBackend(ctx).bind_template(row["code"], None)
    return {"TemplateCode": row["code"]}


def _list_item(row: sqlite3.Row) -> dict[str, Any]:
    item: dict[str, Any] = {
        "TemplateCode": row["code"],
        "TemplateName": row["name"],
        "TemplateContent": row["content"],
        "TemplateType": _LIST_TEMPLATE_TYPE[row["type"]],
        "OuterTemplateType": row["type"],
        "AuditStatus": _WIRE_STATUS[row["status"]][1],
        "CreateDate": clock.console_date(row["created_at"]),
        "OrderId": row["order_id"],
    }
    if row["status"] == REJECTED:
        item["Reason"] = {"RejectInfo": row["reject_info"], "RejectDate": clock.console_date(row["reviewed_at"])}
    return item


def query_sms_template_list(ctx: Context) -> dict[str, Any]:
    """One page of the account's templates, oldest first (PageIndex from 1, PageSize 1-50, default 10)."""
    page = ctx.params.integer("PageIndex", low=1, high=MAX_PAGE_INDEX) or 1
    size = ctx.params.integer("PageSize", low=1, high=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    settle_templates(ctx)
    total = ctx.db.execute("SELECT COUNT(*) FROM templates WHERE account = ?", (ctx.account,)).fetchone()[0]
    rows = ctx.db.execute(
        "SELECT * FROM templates WHERE account = ? ORDER BY rowid LIMIT ? OFFSET ?",
        (ctx.account, size, (page - 1) * size),
    ).fetchall()
    return {
        "SmsTemplateList": [_list_item(row) for row in rows],
        "TotalCount": total,
        "CurrentPage": page,
        "PageSize": size,
    }


OPERATIONS = {
    "CreateSmsTemplate": create_sms_template,
    "GetSmsTemplate": get_sms_template,
    "UpdateSmsTemplate": update_sms_template,
    "DeleteSmsTemplate": delete_sms_template,
    "QuerySmsTemplateList": query_sms_template_list,
}
