"""Chinese-mainland qualifications and the administrator's phone verification codes.

A qualification is submitted with a verification code that RequiredPhoneCode sent to the administrator's
phone (the message lands in the outbox); the code is good for 15 minutes and one submission or amendment
(ValidPhoneCode checks it without using it up). Review runs on the emulator clock (``qualification_review``
step): :meth:`QualificationsBackend.settle` decides every due qualification with
``rules.qualifications.qualification_rejection`` and emails the contacts who receive review results. Every
submission and amendment gets a new review ticket (``WorkOrderId``), which amendments and deletions must name.
"""

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.backends.contacts import ContactsBackend
from pulumi_alisms.emulator.backends.outbox import OutboxBackend
from pulumi_alisms.emulator.errors import ApiError, invalid, not_found
from pulumi_alisms.rules.mainland import beijing_time
from pulumi_alisms.rules.qualifications import qualification_rejection
from pulumi_alisms.rules.statuses import ReviewStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS qualifications (
    id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, company_name TEXT NOT NULL,
    legal_person_name TEXT NOT NULL, use_by_self INTEGER NOT NULL, whether_share INTEGER NOT NULL, remark TEXT,
    details TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, work_order_id INTEGER NOT NULL,
    created_at REAL NOT NULL, decide_at REAL, reviewed_at REAL);
CREATE UNIQUE INDEX IF NOT EXISTS qualifications_name ON qualifications (account, name);
CREATE TABLE IF NOT EXISTS phone_codes (
    account TEXT NOT NULL, phone TEXT NOT NULL, code TEXT NOT NULL, sent_at REAL NOT NULL,
    PRIMARY KEY (account, phone));
"""

PHONE_CODE_TTL_SECONDS = 15 * 60
FIRST_ID = 1_000_001
KIND = "qualification"  # how notifications and the review desk name a qualification
NOT_FOUND_CODE = "QualificationNotFound"  # CreateSmsSign's published 404


@dataclass(frozen=True)
class Qualification:
    """One stored qualification; ``details`` holds the fields and document keys by rules field name."""

    id: int
    name: str
    company_name: str
    legal_person_name: str
    use_by_self: bool
    whether_share: bool
    remark: str | None
    details: dict[str, Any]
    status: ReviewStatus
    reason: str | None
    work_order_id: int
    created_at: float
    reviewed_at: float | None

    @property
    def label(self) -> str:
        """What the qualification is, for people (review results, the review desk)."""
        return f"{self.name}, {self.company_name}"


def _qualification(row: sqlite3.Row) -> Qualification:
    return Qualification(
        id=int(row["id"]), name=row["name"], company_name=row["company_name"],
        legal_person_name=row["legal_person_name"], use_by_self=bool(row["use_by_self"]),
        whether_share=bool(row["whether_share"]), remark=row["remark"], details=json.loads(row["details"]),
        status=ReviewStatus(row["status"]), reason=row["reason"], work_order_id=int(row["work_order_id"]),
        created_at=row["created_at"], reviewed_at=row["reviewed_at"],
    )  # fmt: skip


def forbidden(message: str) -> ApiError:
    """``ForbiddenAction``: the object's state does not allow the operation."""
    return ApiError("ForbiddenAction", message)


class QualificationsBackend(Backend):
    """The account's qualifications: submission, review, amendment, deletion; and phone codes."""

    def send_phone_code(self, phone: str) -> None:
        """Send a fresh 6-digit code to a mainland number (national form) and deliver it to the outbox."""
        code = f"{secrets.randbelow(10**6):06d}"
        self.ctx.db.execute(
            "INSERT INTO phone_codes (account, phone, code, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (account, phone) "
            "DO UPDATE SET code = excluded.code, sent_at = excluded.sent_at",
            (self.ctx.account, phone, code, self.ctx.now),
        )
        OutboxBackend(self.ctx).deliver("sms", phone, "Verification code",
                                f"Your Alibaba Cloud SMS qualification verification code is {code}. "
                                f"It is valid for {PHONE_CODE_TTL_SECONDS // 60} minutes.")  # fmt: skip

    def phone_code_is_valid(self, phone: str, code: str) -> bool:
        """Whether ``code`` is the latest unexpired code sent to ``phone``."""
        row = self.ctx.db.execute(
            "SELECT code, sent_at FROM phone_codes WHERE account = ? AND phone = ?", (self.ctx.account, phone)
        ).fetchone()
        if row is None or self.ctx.now - row["sent_at"] > PHONE_CODE_TTL_SECONDS:
            return False
        return secrets.compare_digest(code.strip().encode(), str(row["code"]).encode())

    def _use_phone_code(self, phone: str, code: str) -> None:
        if not self.phone_code_is_valid(phone, code):
            minutes = PHONE_CODE_TTL_SECONDS // 60
            raise invalid("CertifyCode", f"is not the latest verification code sent to AdminPhoneNo in the last "
                          f"{minutes} minutes: call RequiredPhoneCode and use the code it sends")  # fmt: skip
        self.ctx.db.execute("DELETE FROM phone_codes WHERE account = ? AND phone = ?", (self.ctx.account, phone))

    def submit(
        self, details: dict[str, Any], *, use_by_self: bool, whether_share: bool, remark: str | None, certify_code: str
    ) -> Qualification:
        """Submit a qualification for review; ``details`` has every field by rules name."""
        self._unique_name(details["qualification_name"])
        self._use_phone_code(details["admin_phone"], certify_code)
        next_id = self.ctx.db.execute("SELECT COALESCE(MAX(id) + 1, ?) FROM qualifications", (FIRST_ID,)).fetchone()[0]
        self.ctx.db.execute(
            "INSERT INTO qualifications (id, account, name, company_name, legal_person_name, use_by_self, "
            "whether_share, remark, details, status, work_order_id, created_at, decide_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (next_id, self.ctx.account, details["qualification_name"], details["company_name"],
             details["legal_person_name"], int(use_by_self), int(whether_share), remark, json.dumps(details),
             ReviewStatus.UNDER_REVIEW, review_ticket(), self.ctx.now, self._decide_at()),
        )  # fmt: skip
        return self.get(next_id)

    def get(self, qualification_id: int, work_order_id: int | None = None) -> Qualification:
        """One qualification after settling due reviews; 404 ``QualificationNotFound`` if absent (or another ticket)."""
        found = self.find(qualification_id)
        if found is None or (work_order_id is not None and work_order_id != found.work_order_id):
            ticket = "" if work_order_id is None else f" with the review ticket {work_order_id}"
            message = f"The qualification {qualification_id} does not exist in this account{ticket}."
            raise not_found(NOT_FOUND_CODE, message)
        return found

    def find(self, qualification_id: int) -> Qualification | None:
        """One qualification after settling due reviews, or ``None``."""
        self.settle()
        row = self.ctx.db.execute(
            "SELECT * FROM qualifications WHERE account = ? AND id = ?", (self.ctx.account, qualification_id)
        ).fetchone()
        return None if row is None else _qualification(row)

    def update(
        self, qualification_id: int, work_order_id: int, changes: dict[str, Any], certify_code: str
    ) -> Qualification:
        """Amend a qualification that is not under review and resubmit it; ``changes`` by rules field name."""
        current = self.get(qualification_id, work_order_id)
        if current.status == ReviewStatus.UNDER_REVIEW:
            raise forbidden(f"The qualification {qualification_id} is under review; amend it once it is reviewed.")
        details = {**current.details, **changes}
        if details["qualification_name"] != current.name:
            self._unique_name(details["qualification_name"])
        self._use_phone_code(details["admin_phone"], certify_code)
        self.ctx.db.execute(
            "UPDATE qualifications SET name = ?, company_name = ?, legal_person_name = ?, details = ?, status = ?, "
            "reason = NULL, reviewed_at = NULL, work_order_id = ?, decide_at = ? WHERE account = ? AND id = ?",
            (details["qualification_name"], details["company_name"], details["legal_person_name"],
             json.dumps(details), ReviewStatus.UNDER_REVIEW, review_ticket(), self._decide_at(),
             self.ctx.account, qualification_id),
        )  # fmt: skip
        return self.get(qualification_id)

    def delete(self, qualification_id: int, work_order_id: int) -> None:
        """Delete a qualification that is not under review (the caller checks that no signature uses it)."""
        current = self.get(qualification_id, work_order_id)
        if current.status == ReviewStatus.UNDER_REVIEW:
            raise forbidden(f"The qualification {qualification_id} is under review and cannot be deleted yet.")
        self.ctx.db.execute(
            "DELETE FROM qualifications WHERE account = ? AND id = ?", (self.ctx.account, qualification_id)
        )

    def page(self, filters: dict[str, Any], page: int, size: int) -> tuple[int, list[Qualification]]:
        """The total matching ``filters`` (column -> value) and one page of them, oldest first."""
        self.settle()
        where = " AND ".join(["account = ?", *(f"{column} = ?" for column in filters)])
        values = [self.ctx.account, *filters.values()]
        total = self.ctx.db.execute(f"SELECT COUNT(*) FROM qualifications WHERE {where}", values).fetchone()[0]
        rows = self.ctx.db.execute(
            f"SELECT * FROM qualifications WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
            (*values, size, (page - 1) * size),
        ).fetchall()
        return int(total), [_qualification(row) for row in rows]

    def settle(self) -> None:
        """Decide every qualification whose review is due."""
        due = self.ctx.db.execute(
            "SELECT * FROM qualifications WHERE account = ? AND status = ? AND decide_at <= ?",
            (self.ctx.account, ReviewStatus.UNDER_REVIEW, self.ctx.now),
        ).fetchall()
        for row in due:
            reviewed_on: date = beijing_time(row["decide_at"]).date()
            self._record(_qualification(row), qualification_rejection(json.loads(row["details"]), reviewed_on),
                         row["decide_at"])  # fmt: skip

    def decide(self, qualification_id: int, reason: str | None) -> Qualification:
        """A reviewer's decision, now: approved (``reason`` ``None``) or rejected with the reason."""
        current = self.find(qualification_id)
        if current is None:
            raise LookupError(f"no qualification {qualification_id} in account {self.ctx.account}")
        self._record(current, reason, self.ctx.now)
        return self.get(qualification_id)

    def administrator_conflict(self, qualification_id: int) -> str | None:
        """Why carriers refuse to register under this qualification: its administrator (ID number) also
        administers another company's qualification in the account. ``None`` when there is no such conflict."""
        current = self.find(qualification_id)
        if current is None:
            return None
        for row in self.ctx.db.execute(
            "SELECT company_name, details FROM qualifications WHERE account = ? AND id != ? AND company_name != ?",
            (self.ctx.account, qualification_id, current.company_name),
        ):
            if json.loads(row["details"]).get("admin_id_number") == current.details.get("admin_id_number"):
                return (f"The administrator of this qualification also administers the qualification of "
                        f"{row['company_name']}: carriers register one administrator per company")  # fmt: skip
        return None

    def _record(self, current: Qualification, reason: str | None, decided_at: float) -> None:
        status = ReviewStatus.APPROVED if reason is None else ReviewStatus.REJECTED
        self.ctx.db.execute(
            "UPDATE qualifications SET status = ?, reason = ?, reviewed_at = ?, decide_at = NULL "
            "WHERE account = ? AND id = ?",
            (status, reason, decided_at, self.ctx.account, current.id),
        )
        ContactsBackend(self.ctx).notify_review_result(KIND, str(current.id), current.label, reason)

    def _unique_name(self, name: str) -> None:
        taken = self.ctx.db.execute(
            "SELECT id FROM qualifications WHERE account = ? AND name = ?", (self.ctx.account, name)
        ).fetchone()
        if taken is not None:
            raise invalid("QualificationName", f"the account already has a qualification named {name!r} "
                          f"(QualificationGroupId {taken['id']}); names are unique")  # fmt: skip

    def _decide_at(self) -> float:
        return clock.step_done_at(self.ctx.now, "qualification_review", self.ctx.speed)


def review_ticket() -> int:
    """A new review ticket number (WorkOrderId, OrderId): 11 digits."""
    return 10**10 + secrets.randbelow(9 * 10**10)
