"""Alert contacts (Dysms 2017-06-20): SaveContactsNew, QueryContactsListNew, DeleteContactsNew, SendVerificationNew.

A contact receives the alerts whose flags are 1 (``OpenSendWarning``, ``OpenPreventBrushWarning``,
``OpenPkgWarning``, ``ReceiveSignTemplateAuditResult``). SaveContactsNew creates a contact when ``Id``
is absent; with ``Id`` it updates that contact, and a parameter left out keeps its stored value.

Verification: SendVerificationNew (``BizType=CONTACT``, ``VerifyType`` ``SMS`` or ``EMAIL``) sends a
6-digit code to every contact of the account with that phone number or email address (the message lands
in the outbox). Saving the contact with ``Id`` and the latest code within 15 minutes marks it verified;
a code is good for one use. Changing a contact's phone or email makes it unverified again. The account keeps
the verification, but no answer reports it: QueryContactsListNew carries only the fields of the SDK's list
model, which has none (a client knows a contact is verified from its successful save with the code).
"""

from typing import Any

from pulumi_alisms.emulator.backends.contacts import ContactsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid

VERSION = "2017-06-20"
VERIFICATION_BIZ_TYPE = "CONTACT"
# VerifyType (case-insensitive) -> the outbox channel the code travels on.
VERIFY_CHANNELS = {"SMS": "sms", "PHONE": "sms", "EMAIL": "email"}
# Flag parameter (rules.contacts.ALERT_FLAGS values) -> the contact's alert switch.
_FLAG_ALERTS = {
    "OpenSendWarning": "send_warning",
    "OpenPreventBrushWarning": "prevent_brush_warning",
    "OpenPkgWarning": "pkg_warning",
    "ReceiveSignTemplateAuditResult": "audit_result",
}


def save_contacts(ctx: Context) -> dict[str, Any]:
    """Create a contact (no ``Id``) or update one, optionally confirming a verification code."""
    contact_id = ctx.params.integer("Id", low=1)
    required = contact_id is None
    ContactsBackend(ctx).save(
        contact_id,
        name=ctx.params.text("Name", required=required),
        phone=ctx.params.text("Phone", required=required),
        email=ctx.params.text("Email", required=required),
        alerts={alert: ctx.params.flag(param) for param, alert in _FLAG_ALERTS.items()},
        code=ctx.params.text("VerificationCode", required=False),
    )
    return {"Result": True}


def query_contacts_list(ctx: Context) -> dict[str, Any]:
    """Every contact of the account, oldest first, in one page."""
    entries = [
        {
            "Id": contact.id,
            "Name": contact.name,
            "Phone": contact.phone,
            "Email": contact.email,
            **{param: int(getattr(contact, alert)) for param, alert in _FLAG_ALERTS.items()},
        }
        for contact in ContactsBackend(ctx).contacts()
    ]
    return {"List": entries, "PageNo": 1, "PageSize": len(entries), "Total": len(entries)}


def delete_contacts(ctx: Context) -> dict[str, Any]:
    """Delete the contacts listed in ``Ids`` (comma-separated); nothing is deleted if one is unknown."""
    ContactsBackend(ctx).delete(list(dict.fromkeys(ctx.params.integer_list("Ids"))))
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
    ContactsBackend(ctx).send_code(channel, ctx.params.required_text("Target").strip())
    return {"Result": "true"}


OPERATIONS = {
    "SaveContactsNew": save_contacts,
    "QueryContactsListNew": query_contacts_list,
    "DeleteContactsNew": delete_contacts,
    "SendVerificationNew": send_verification,
}
