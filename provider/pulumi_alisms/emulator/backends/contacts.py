"""Alert contacts: who receives which alerts, and the verification of their phone and email.

A contact receives the alerts whose switches are on (:data:`ALERTS`). Saving without an id creates a
contact; with an id it updates that contact, and a value left out (``None``) keeps its stored one.
A verification code goes to every contact of the account with the target phone number or email
address; saving the contact with the latest code within 15 minutes marks it verified, and a code is
good for one use. Changing a contact's phone or email makes it unverified again.
"""

import secrets
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pulumi_alisms.emulator.backends._base import Backend, from_row
from pulumi_alisms.emulator.backends.outbox import OutboxBackend
from pulumi_alisms.emulator.errors import not_found, refuse_problems, refused
from pulumi_alisms.rules.contacts import contact_problems, email_problems, phone_problems

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, name TEXT NOT NULL, phone TEXT NOT NULL,
    email TEXT NOT NULL, send_warning INTEGER NOT NULL, prevent_brush_warning INTEGER NOT NULL,
    pkg_warning INTEGER NOT NULL, audit_result INTEGER NOT NULL, verified INTEGER NOT NULL DEFAULT 0,
    verification_code TEXT, code_sent_at REAL);
CREATE INDEX IF NOT EXISTS contacts_account ON contacts (account);
"""
# The alert switches, as Contact spells them: send volume, fraud prevention, package quota, review results.
ALERTS: tuple[str, ...] = ("send_warning", "prevent_brush_warning", "pkg_warning", "audit_result")
VERIFICATION_CODE_TTL_SECONDS = 15 * 60
# The request parameter each checked field comes from.
_PARAMETERS = {"name": "Name", "phone": "Phone", "email": "Email"}


@dataclass(frozen=True)
class Contact:
    """One alert contact of the account."""

    id: int
    name: str
    phone: str
    email: str
    send_warning: bool
    prevent_brush_warning: bool
    pkg_warning: bool
    audit_result: bool
    verified: bool
    verification_code: str | None
    code_sent_at: float | None


class ContactsBackend(Backend):
    """The account's alert contacts: the only code that reads or writes the ``contacts`` table."""

    def get(self, contact_id: int) -> Contact:
        """One contact, or ``InvalidContactId.NotFound``."""
        row = self.ctx.db.execute(
            "SELECT * FROM contacts WHERE account = ? AND id = ?", (self.ctx.account, contact_id)
        ).fetchone()
        if row is None:
            raise not_found(
                "InvalidContactId.NotFound", f"The alert contact {contact_id} does not exist in this account."
            )
        return _contact(row)

    def contacts(self) -> list[Contact]:
        """Every contact of the account, oldest first."""
        rows = self.ctx.db.execute("SELECT * FROM contacts WHERE account = ? ORDER BY id", (self.ctx.account,))
        return [_contact(row) for row in rows.fetchall()]

    def save(
        self,
        contact_id: int | None,
        *,
        name: str | None,
        phone: str | None,
        email: str | None,
        alerts: Mapping[str, bool | None],
        code: str | None,
    ) -> None:
        """Create a contact (no id) or update one, confirming a verification code if one is given."""
        current = self.get(contact_id) if contact_id is not None else None
        if current is not None:
            name = current.name if name is None else name
            phone = current.phone if phone is None else phone
            email = current.email if email is None else email
        assert name is not None and phone is not None and email is not None
        problems = contact_problems(name, phone, email, [])
        if problems:
            refuse_problems(_PARAMETERS[problems[0].field], problems)
        switches: dict[str, bool] = {}
        for alert in ALERTS:
            wanted = alerts.get(alert)
            switches[alert] = getattr(current, alert) if wanted is None and current is not None else bool(wanted)
        if current is None:
            self._create(name, phone, email, switches, code)
        else:
            self._update(current, name, phone, email, switches, code)

    def _create(self, name: str, phone: str, email: str, switches: dict[str, bool], code: str | None) -> None:
        if code:
            raise refused("isv.VERIFICATION_CODE_INVALID",
                          "No verification code was sent to this contact: save it, call SendVerificationNew, "
                          "then save it with its Id and the code.")  # fmt: skip
        self.ctx.db.execute(
            "INSERT INTO contacts (account, name, phone, email, send_warning, prevent_brush_warning, pkg_warning, "
            "audit_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.ctx.account, name, phone, email, *(int(on) for on in switches.values())),
        )

    def _update(
        self, current: Contact, name: str, phone: str, email: str, switches: dict[str, bool], code: str | None
    ) -> None:
        """Changing the phone or email drops the verification (and a pending code); a good code verifies."""
        target_changed = phone != current.phone or email != current.email
        verified = current.verified and not target_changed
        pending_code = None if target_changed else current.verification_code
        sent_at = None if target_changed else current.code_sent_at
        if code:
            self._check_code(code, pending_code, sent_at)
            verified, pending_code, sent_at = True, None, None
        self.ctx.db.execute(
            "UPDATE contacts SET name = ?, phone = ?, email = ?, send_warning = ?, prevent_brush_warning = ?, "
            "pkg_warning = ?, audit_result = ?, verified = ?, verification_code = ?, code_sent_at = ? "
            "WHERE account = ? AND id = ?",
            (name, phone, email, *(int(on) for on in switches.values()), int(verified), pending_code, sent_at,
             self.ctx.account, current.id),
        )  # fmt: skip

    def _check_code(self, code: str, pending_code: str | None, sent_at: float | None) -> None:
        if pending_code is None or sent_at is None:
            raise refused("isv.VERIFICATION_CODE_INVALID",
                          "No verification code is pending for this contact's phone and email: call "
                          "SendVerificationNew first.")  # fmt: skip
        if self.ctx.now - sent_at > VERIFICATION_CODE_TTL_SECONDS:
            raise refused("isv.VERIFICATION_CODE_EXPIRED",
                          f"The verification code expired {VERIFICATION_CODE_TTL_SECONDS // 60} minutes after it was "
                          "sent: call SendVerificationNew for a new one.")  # fmt: skip
        if not secrets.compare_digest(code.strip().encode(), pending_code.encode()):
            raise refused("isv.VERIFICATION_CODE_INVALID", "The verification code is wrong.")

    def delete(self, contact_ids: Iterable[int]) -> None:
        """Delete contacts; an unknown id is ``InvalidContactId.NotFound`` (the operation's rollback keeps the rest)."""
        for contact_id in dict.fromkeys(contact_ids):
            self.get(contact_id)
            self.ctx.db.execute("DELETE FROM contacts WHERE account = ? AND id = ?", (self.ctx.account, contact_id))

    def send_code(self, channel: str, target: str) -> None:
        """Send a fresh 6-digit code by ``channel`` ("sms" or "email") to the contacts with that phone or email."""
        if channel == "sms":
            refuse_problems("Target", phone_problems("Target", target))
            matching, key = "ltrim(phone, '+') = ?", target.lstrip("+")
        else:
            refuse_problems("Target", email_problems("Target", target))
            matching, key = "lower(email) = ?", target.lower()
        code = f"{secrets.randbelow(10**6):06d}"
        updated = self.ctx.db.execute(
            f"UPDATE contacts SET verification_code = ?, code_sent_at = ? WHERE account = ? AND {matching}",
            (code, self.ctx.now, self.ctx.account, key),
        )
        if updated.rowcount == 0:
            raise not_found("InvalidContact.NotFound", f"No alert contact of this account has the {channel} target "
                            f"{target!r}: save the contact first.")  # fmt: skip
        OutboxBackend(self.ctx).deliver(channel, target, "Verification code",
                                        f"Your Alibaba Cloud SMS alert contact verification code is {code}. "
                                        f"It is valid for {VERIFICATION_CODE_TTL_SECONDS // 60} minutes.")  # fmt: skip

    def alert(self, alert: str, subject: str, body: str, *, by_sms: bool) -> None:
        """Deliver one alert to every contact whose ``alert`` switch is on: by email, and by SMS if ``by_sms``."""
        outbox = OutboxBackend(self.ctx)
        for contact in self.contacts():
            if getattr(contact, alert):
                if by_sms:
                    outbox.deliver("sms", contact.phone, subject, body)
                outbox.deliver("email", contact.email, subject, body)

    def notify_review_result(self, kind: str, object_id: str, label: str, reason: str | None) -> None:
        """Email the contacts who receive review results: ``object_id`` was approved (no reason) or rejected."""
        verdict = "approved" if reason is None else "rejected"
        subject = f"Review result: {kind} {object_id} ({label}) {verdict}"
        body = f"Your {kind} {object_id} ({label}) was {verdict}" + ("." if reason is None else f": {reason}")
        self.alert("audit_result", subject, body, by_sms=False)


def _contact(row: sqlite3.Row) -> Contact:
    return from_row(Contact, row, **{name: bool(row[name]) for name in (*ALERTS, "verified")})
