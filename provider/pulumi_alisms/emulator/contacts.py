"""Alert contacts (Dysms 2017-06-20): SaveContactsNew, QueryContactsListNew, DeleteContactsNew, SendVerificationNew.

A contact receives the alerts whose flags are 1 (``OpenSendWarning``, ``OpenPreventBrushWarning``,
``OpenPkgWarning``, ``ReceiveSignTemplateAuditResult``). SaveContactsNew creates a contact when ``Id``
is absent; with ``Id`` it updates that contact, and a parameter left out keeps its stored value.

Verification: SendVerificationNew (``BizType=CONTACT``, ``VerifyType`` ``SMS`` or ``EMAIL``) sends a
6-digit code to every contact of the account with that phone number or email address (the message lands
in the outbox). Saving the contact with ``Id`` and the latest code within 15 minutes marks it verified;
a code is good for one use. Changing a contact's phone or email makes it unverified again. The SDK's list
model has no verification field: QueryContactsListNew adds ``Verified`` (boolean) to each entry, which the
SDK ignores.
"""

import secrets
import sqlite3
from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, invalid, not_found
from pulumi_alisms.rules.contacts import contact_problems, email_problems, phone_problems

VERSION = "2017-06-20"
VERIFICATION_CODE_TTL_SECONDS = 15 * 60
VERIFICATION_BIZ_TYPE = "CONTACT"
# VerifyType (case-insensitive) -> the outbox channel the code travels on.
VERIFY_CHANNELS = {"SMS": "sms", "PHONE": "sms", "EMAIL": "email"}
# Flag parameter (rules.contacts.ALERT_FLAGS values) -> contacts column.
_FLAG_COLUMNS = {
    "OpenSendWarning": "send_warning",
    "OpenPreventBrushWarning": "prevent_brush_warning",
    "OpenPkgWarning": "pkg_warning",
    "ReceiveSignTemplateAuditResult": "audit_result",
}
_WIRE_FIELDS = {"name": "Name", "phone": "Phone", "email": "Email"}


def _refused(code: str, message: str) -> ApiError:
    """An ``isv.*`` business error; Dysms 2017-06-20 answers them with HTTP 400."""
    return ApiError(code, message, 400, business=True)


def _contact(ctx: Context, contact_id: int) -> sqlite3.Row:
    row = ctx.db.execute("SELECT * FROM contacts WHERE account = ? AND id = ?", (ctx.account, contact_id)).fetchone()
    if row is None:
        raise not_found("InvalidContactId.NotFound", f"The alert contact {contact_id} does not exist in this account.")
    return row


def save_contacts(ctx: Context) -> dict[str, Any]:
    """Create a contact (no ``Id``) or update one, optionally confirming a verification code."""
    contact_id = ctx.params.integer("Id", low=1)
    current = _contact(ctx, contact_id) if contact_id is not None else None
    required = current is None
    name = ctx.params.text("Name", required=required)
    phone = ctx.params.text("Phone", required=required)
    email = ctx.params.text("Email", required=required)
    code = ctx.params.text("VerificationCode", required=False)
    if current is not None:
        name = current["name"] if name is None else name
        phone = current["phone"] if phone is None else phone
        email = current["email"] if email is None else email
    assert name is not None and phone is not None and email is not None
    problems = contact_problems(name, phone, email, [])
    if problems:
        raise invalid(_WIRE_FIELDS[problems[0].field], "; ".join(str(p) for p in problems))
    values: dict[str, int] = {}
    for param, column in _FLAG_COLUMNS.items():
        flag = ctx.params.flag(param)
        values[column] = int(current[column]) if flag is None and current is not None else int(bool(flag))
    if current is None:
        if code:
            raise _refused("isv.VERIFICATION_CODE_INVALID",
                           "No verification code was sent to this contact: save it, call SendVerificationNew, "
                           "then save it with its Id and the code.")  # fmt: skip
        ctx.db.execute(
            "INSERT INTO contacts (account, name, phone, email, send_warning, prevent_brush_warning, pkg_warning, "
            "audit_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ctx.account, name, phone, email, *values.values()),
        )
        return {"Result": True}
    target_changed = phone != current["phone"] or email != current["email"]
    verified = bool(current["verified"]) and not target_changed
    pending_code = None if target_changed else current["verification_code"]
    sent_at = None if target_changed else current["code_sent_at"]
    if code:
        _check_code(ctx, code, pending_code, sent_at)
        verified, pending_code, sent_at = True, None, None
    ctx.db.execute(
        "UPDATE contacts SET name = ?, phone = ?, email = ?, send_warning = ?, prevent_brush_warning = ?, "
        "pkg_warning = ?, audit_result = ?, verified = ?, verification_code = ?, code_sent_at = ? "
        "WHERE account = ? AND id = ?",
        (name, phone, email, *values.values(), int(verified), pending_code, sent_at, ctx.account, contact_id),
    )
    return {"Result": True}


def _check_code(ctx: Context, code: str, pending_code: str | None, sent_at: float | None) -> None:
    if pending_code is None or sent_at is None:
        raise _refused("isv.VERIFICATION_CODE_INVALID",
                       "No verification code is pending for this contact's phone and email: call SendVerificationNew "
                       "first.")  # fmt: skip
    if ctx.now - sent_at > VERIFICATION_CODE_TTL_SECONDS:
        raise _refused("isv.VERIFICATION_CODE_EXPIRED",
                       f"The verification code expired {VERIFICATION_CODE_TTL_SECONDS // 60} minutes after it was "
                       "sent: call SendVerificationNew for a new one.")  # fmt: skip
    if not secrets.compare_digest(code.strip().encode(), pending_code.encode()):
        raise _refused("isv.VERIFICATION_CODE_INVALID", "The verification code is wrong.")


def query_contacts_list(ctx: Context) -> dict[str, Any]:
    """Every contact of the account, oldest first, in one page."""
    rows = ctx.db.execute("SELECT * FROM contacts WHERE account = ? ORDER BY id", (ctx.account,)).fetchall()
    entries = [
        {
            "Id": int(row["id"]),
            "Name": row["name"],
            "Phone": row["phone"],
            "Email": row["email"],
            **{param: int(row[column]) for param, column in _FLAG_COLUMNS.items()},
            "Verified": bool(row["verified"]),
        }
        for row in rows
    ]
    return {"List": entries, "PageNo": 1, "PageSize": len(entries), "Total": len(entries)}


def delete_contacts(ctx: Context) -> dict[str, Any]:
    """Delete the contacts listed in ``Ids`` (comma-separated); nothing is deleted if one is unknown."""
    for contact_id in dict.fromkeys(ctx.params.integer_list("Ids")):
        _contact(ctx, contact_id)
        ctx.db.execute("DELETE FROM contacts WHERE account = ? AND id = ?", (ctx.account, contact_id))
    return {"Result": True}


def send_verification(ctx: Context) -> dict[str, Any]:
    """Send a fresh 6-digit code to a phone number or email address of the account's contacts."""
    biz_type = ctx.params.required_text("BizType")
    if biz_type.upper() != VERIFICATION_BIZ_TYPE:
        raise invalid("BizType", f"must be {VERIFICATION_BIZ_TYPE}, got {biz_type[:20]!r}")
    verify_type = ctx.params.required_text("VerifyType")
    channel = VERIFY_CHANNELS.get(verify_type.upper())
    if channel is None:
        raise invalid("VerifyType", f"must be SMS or EMAIL, got {verify_type[:20]!r}")
    target = ctx.params.required_text("Target").strip()
    if channel == "sms":
        problems = phone_problems("Target", target)
        matching = "ltrim(phone, '+') = ?"
        key = target.lstrip("+")
    else:
        problems = email_problems("Target", target)
        matching = "lower(email) = ?"
        key = target.lower()
    if problems:
        raise invalid("Target", "; ".join(p.message for p in problems))
    code = f"{secrets.randbelow(10**6):06d}"
    updated = ctx.db.execute(
        f"UPDATE contacts SET verification_code = ?, code_sent_at = ? WHERE account = ? AND {matching}",
        (code, ctx.now, ctx.account, key),
    )
    if updated.rowcount == 0:
        raise not_found("InvalidContact.NotFound", f"No alert contact of this account has the {channel} target "
                        f"{target!r}: save the contact first.")  # fmt: skip
    ctx.record_outbox(channel, target, "Verification code",
                      f"Your Alibaba Cloud SMS alert contact verification code is {code}. "
                      f"It is valid for {VERIFICATION_CODE_TTL_SECONDS // 60} minutes.")  # fmt: skip
    return {"Result": "true"}


OPERATIONS = {
    "SaveContactsNew": save_contacts,
    "QueryContactsListNew": query_contacts_list,
    "DeleteContactsNew": delete_contacts,
    "SendVerificationNew": send_verification,
}
