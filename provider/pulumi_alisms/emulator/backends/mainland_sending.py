"""Chinese-mainland sending (SendSms, SendBatchSms) and its delivery records (QuerySendDetails).

A send names an approved domestic template and an approved signature, which need not be the one the template is
bound to (the SDK: "the signature associated here is unrelated to the one you select when sending"); the signature
must be registered with a carrier (else ``PORT_NOT_REGISTERED``), and a verification-code signature sends OTP templates
only. Each message then goes through the account's shared sending rules (``emulator/sending.py``: promotional
quiet hours 20:00-08:00 Beijing time, the domestic halt thresholds, the per-number limits OTP 1/minute,
5/hour, 10/day and 50/day for notification and promotional messages), so international and mainland messages
count together. One call is all or nothing: a refused message refuses the call. Accepted messages are
delivered at once and recorded with the call's ``BizId`` for QuerySendDetails (dates are Beijing time).
"""

import secrets
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.backends.sending import Outgoing, SendingBackend
from pulumi_alisms.emulator.backends.signatures import Signature, SignaturesBackend
from pulumi_alisms.emulator.backends.templates import INTERNATIONAL, TemplatesBackend, TemplateState
from pulumi_alisms.emulator.errors import business
from pulumi_alisms.rules.mainland import CALLING_CODE, beijing_time
from pulumi_alisms.rules.phone_numbers import PhoneNumber
from pulumi_alisms.rules.signatures import SIGN_TYPE_CODES

SCHEMA = """
CREATE TABLE IF NOT EXISTS mainland_messages (
    account TEXT NOT NULL, message_id TEXT NOT NULL, biz_id TEXT NOT NULL, phone TEXT NOT NULL,
    sign_name TEXT NOT NULL, template_code TEXT NOT NULL, content TEXT NOT NULL, out_id TEXT,
    send_date TEXT NOT NULL, sent_at REAL NOT NULL, PRIMARY KEY (account, message_id));
CREATE INDEX IF NOT EXISTS mainland_messages_phone ON mainland_messages (account, phone, send_date, sent_at);
"""


@dataclass(frozen=True)
class Recipient:
    """One message of a send: the national number, the signature, the template's variable values."""

    phone: str
    sign_name: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SentRecord:
    """A delivered mainland message, as QuerySendDetails reports it."""

    phone: str
    template_code: str
    content: str
    out_id: str | None
    sent_at: float


class MainlandSendingBackend(Backend):
    """Mainland sends and their delivery records."""

    def send(self, template_code: str, recipients: list[Recipient], out_id: str | None) -> str:
        """Send one template to every recipient; returns the call's BizId."""
        template = TemplatesBackend(self.ctx).get(template_code)
        if template is None or template.status != TemplateState.APPROVED:
            state = "does not exist in this account" if template is None else "is not approved"
            raise business("isv.SMS_TEMPLATE_ILLEGAL", f"The template {template_code[:64]} {state}.")
        if template.type == INTERNATIONAL:
            raise business("isv.DOMESTIC_NUMBER_NOT_SUPPORTED", f"The template {template_code} is international; "
                           "mainland numbers need a domestic template.")  # fmt: skip
        kind = template.message_kind
        signatures = SignaturesBackend(self.ctx)
        biz_id = f"{10**17 + secrets.randbelow(9 * 10**17)}^0"
        checked: dict[str, Signature] = {}
        for recipient in recipients:
            if recipient.sign_name not in checked:
                checked[recipient.sign_name] = signatures.sendable(recipient.sign_name)
            signature = checked[recipient.sign_name]
            if signature.application.type == SIGN_TYPE_CODES["otp"] and kind != "otp":
                raise business("isv.SMS_SIGNATURE_SCENE_ILLEGAL", f"The signature {recipient.sign_name!r} is for "
                               f"verification codes; the template {template_code} is a {kind} template.")  # fmt: skip
            content = f"【{recipient.sign_name}】" + template.fill(recipient.values)
            to = PhoneNumber(digits=CALLING_CODE + recipient.phone, calling_code=CALLING_CODE, country="CN")
            message = SendingBackend(self.ctx).send(Outgoing(to, recipient.sign_name, content, kind, template_code,
                                                             signed=True))  # fmt: skip
            self.ctx.db.execute(
                "INSERT INTO mainland_messages (account, message_id, biz_id, phone, sign_name, template_code, "
                "content, out_id, send_date, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.ctx.account, message.message_id, biz_id, recipient.phone, recipient.sign_name, template_code,
                 content, out_id, beijing_time(self.ctx.now).strftime("%Y%m%d"), self.ctx.now),
            )  # fmt: skip
        return biz_id

    def details(
        self, phone: str, send_date: str, biz_id: str | None, page: int, size: int
    ) -> tuple[int, list[SentRecord]]:
        """The messages to one number on one Beijing date (``yyyyMMdd``), optionally of one BizId: count and page."""
        where = "account = ? AND phone = ? AND send_date = ?" + ("" if biz_id is None else " AND biz_id = ?")
        values = [self.ctx.account, phone, send_date, *([] if biz_id is None else [biz_id])]
        total = self.ctx.db.execute(f"SELECT COUNT(*) FROM mainland_messages WHERE {where}", values).fetchone()[0]
        rows: list[sqlite3.Row] = self.ctx.db.execute(
            f"SELECT * FROM mainland_messages WHERE {where} ORDER BY sent_at, rowid LIMIT ? OFFSET ?",
            (*values, size, (page - 1) * size),
        ).fetchall()
        records = [SentRecord(row["phone"], row["template_code"], row["content"], row["out_id"], row["sent_at"])
                   for row in rows]  # fmt: skip
        return int(total), records
