"""SenderID registrations and their review (this project's contract; see docs/api.md).

Review runs on the emulator clock: Submitted -> DocumentsToBeRendered -> DocumentsRendered (countries
that need documents; 30 days to upload, else Expired) -> UnderReview -> Approved | Rejected. Due
transitions are applied lazily at the start of every operation, each one timed from the previous
step's due time. An administrator may decide a registration directly (:meth:`SenderIdsBackend.decide`);
the automatic review does not revisit it.
"""

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from pulumi_alisms.emulator.backends._base import Backend, from_row, written
from pulumi_alisms.emulator.backends.contacts import ContactsBackend
from pulumi_alisms.emulator.clock import iso, step_done_at
from pulumi_alisms.emulator.errors import not_found, refused
from pulumi_alisms.rules.countries import country_rules
from pulumi_alisms.rules.sender_ids import DOCUMENT_WINDOW_DAYS, review_rejection
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES, RegistrationStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS registrations (
    account TEXT NOT NULL, id TEXT NOT NULL, country TEXT NOT NULL, sender_id TEXT NOT NULL,
    company_name TEXT NOT NULL, website TEXT, use_case TEXT NOT NULL, business_info TEXT NOT NULL,
    samples TEXT NOT NULL, documents TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT,
    client_token TEXT, submitted_at REAL NOT NULL, updated_at REAL NOT NULL, next_step_at REAL,
    documents_due_at REAL, reviewed_at REAL, PRIMARY KEY (account, id));
CREATE UNIQUE INDEX IF NOT EXISTS registrations_token ON registrations (account, client_token);
CREATE INDEX IF NOT EXISTS registrations_country ON registrations (account, country, status);
"""
ID_PREFIX = "sr-"
KIND = "SenderID registration"  # how notifications and the review desk name a registration
_DAY_SECONDS = 86_400.0
_CLOSED = tuple(sorted(CLOSED_REGISTRATION_STATUSES))


@dataclass(frozen=True)
class Amendment:
    """The registration fields a submission or an amendment carries; ``None`` leaves a field as it is."""

    sender_id: str | None = None
    company_name: str | None = None
    website: str | None = None  # "" clears it
    use_case: str | None = None
    business_info: dict[str, str] | None = None
    samples: list[str] | None = None

    def columns(self) -> dict[str, Any]:
        """The stored form of the fields given."""
        values: dict[str, Any] = {
            name: getattr(self, name) for name in ("sender_id", "company_name", "use_case")
            if getattr(self, name) is not None
        }  # fmt: skip
        if self.website is not None:
            values["website"] = self.website or None
        if self.business_info is not None:
            values["business_info"] = json.dumps(self.business_info, ensure_ascii=False, sort_keys=True,
                                                 separators=(",", ":"))  # fmt: skip
        if self.samples is not None:
            values["samples"] = json.dumps(self.samples, ensure_ascii=False)
        return values


@dataclass(frozen=True)
class Document:
    """An uploaded registration document; only its metadata is kept."""

    type: str
    file_name: str
    content: bytes


@dataclass(frozen=True)
class Registration:
    """One SenderID registration of the account and its review."""

    id: str
    country: str
    sender_id: str
    company_name: str
    website: str | None
    use_case: str
    business_info: dict[str, str]
    samples: list[str]
    documents: list[dict[str, Any]]  # Type, FileName, Size, Sha256, UploadedAt (epoch seconds)
    status: RegistrationStatus
    status_reason: str | None
    client_token: str | None
    submitted_at: float
    updated_at: float
    next_step_at: float | None
    documents_due_at: float | None
    reviewed_at: float | None

    @property
    def label(self) -> str:
        """What the registration is, for people: ``MYBRAND for GB``."""
        return f"{self.sender_id} for {self.country}"


class SenderIdsBackend(Backend):
    """The account's SenderID registrations: the only code that reads or writes the ``registrations`` table."""

    def submit(self, country: str, fields: Amendment, client_token: str | None) -> tuple[Registration, bool]:
        """Register a SenderID for a country; a repeated ``client_token`` returns the registration it created.

        Also says whether the call was such a replay (``True``: this call created nothing)."""
        self._settle()
        columns = {"country": country, "website": None, "business_info": "{}", **fields.columns()}
        if client_token is not None:
            row = self.ctx.db.execute(
                "SELECT * FROM registrations WHERE account = ? AND client_token = ?", (self.ctx.account, client_token)
            ).fetchone()
            if row is not None:
                if any(row[column] != value for column, value in columns.items()):
                    raise refused(
                        "IdempotentParameterMismatch",
                        f"The ClientToken {client_token!r} was already used for registration {row['id']} with "
                        "different parameters; use a new ClientToken for a new registration.",
                    )
                return _registration(row), True
        self._refuse_duplicate(country, columns["sender_id"], exclude=None)
        registration_id = ID_PREFIX + secrets.token_hex(6)
        self.ctx.db.execute(
            "INSERT INTO registrations (account, id, country, sender_id, company_name, website, use_case, "
            "business_info, samples, documents, status, client_token, submitted_at, updated_at, next_step_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?)",
            (self.ctx.account, registration_id, country, columns["sender_id"], columns["company_name"],
             columns["website"], columns["use_case"], columns["business_info"], columns["samples"],
             RegistrationStatus.SUBMITTED, client_token, self.ctx.now, self.ctx.now, self.ctx.now),
        )  # fmt: skip
        return written(self._stored(registration_id)), False

    def get(self, registration_id: str) -> Registration:
        """One registration, or ``InvalidRegistrationId.NotFound``."""
        self._settle()
        registration = self._stored(registration_id)
        if registration is None:
            raise not_found(
                "InvalidRegistrationId.NotFound",
                f"The SenderID registration {registration_id!r} does not exist in this account.",
            )
        return registration

    def page(
        self, page_no: int, page_size: int, *, country: str | None, status: RegistrationStatus | None
    ) -> tuple[int, list[Registration]]:
        """How many registrations match, and one page of them (``page_no`` from 1) in submission order."""
        self._settle()
        where, args = "account = ?", [self.ctx.account]
        if country:
            where, args = f"{where} AND country = ?", [*args, country]
        if status:
            where, args = f"{where} AND status = ?", [*args, status]
        total = self.ctx.db.execute(f"SELECT COUNT(*) FROM registrations WHERE {where}", args).fetchone()[0]
        rows = self.ctx.db.execute(
            f"SELECT * FROM registrations WHERE {where} ORDER BY submitted_at, id LIMIT ? OFFSET ?",
            (*args, page_size, (page_no - 1) * page_size),
        ).fetchall()
        return int(total), [_registration(row) for row in rows]

    def upload_documents(self, registration_id: str, documents: list[Document]) -> Registration:
        """Attach the documents a DocumentsRendered registration waits for and send it to review."""
        registration = self.get(registration_id)
        if registration.status != RegistrationStatus.DOCUMENTS_RENDERED:
            raise refused(
                "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPLOAD",
                f"Registration {registration.id} is {registration.status}: documents are accepted only while it is "
                f"{RegistrationStatus.DOCUMENTS_RENDERED}.",
            )
        kept = [{"Type": document.type, "FileName": document.file_name, "Size": len(document.content),
                 "Sha256": hashlib.sha256(document.content).hexdigest(), "UploadedAt": self.ctx.now}
                for document in documents]  # fmt: skip
        self._update(registration.id, {
            "status": RegistrationStatus.UNDER_REVIEW, "documents": json.dumps(kept), "documents_due_at": None,
            "status_reason": None, "next_step_at": step_done_at(self.ctx.now, "sender_id_review", self.ctx.speed),
            "updated_at": self.ctx.now,
        })  # fmt: skip
        return written(self._stored(registration.id))

    def update(self, registration_id: str, fields: Amendment) -> Registration:
        """Amend a registration that is not approved and resubmit it (also how Rejected and Expired ones retry)."""
        registration = self.get(registration_id)
        if registration.status == RegistrationStatus.APPROVED:
            raise refused(
                "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPDATE",
                f"Registration {registration.id} is Approved and cannot be amended: submit a new registration instead.",
            )
        changes = fields.columns()
        self._refuse_duplicate(registration.country, changes.get("sender_id", registration.sender_id),
                               exclude=registration.id)  # fmt: skip
        changes.update(status=RegistrationStatus.SUBMITTED, status_reason=None, documents="[]", documents_due_at=None,
                       reviewed_at=None, submitted_at=self.ctx.now, updated_at=self.ctx.now,
                       next_step_at=self.ctx.now)  # fmt: skip
        self._update(registration.id, changes)
        return written(self._stored(registration.id))

    def delete(self, registration_id: str) -> None:
        """Withdraw and delete a registration in any status."""
        self.get(registration_id)
        self.ctx.db.execute(
            "DELETE FROM registrations WHERE account = ? AND id = ?", (self.ctx.account, registration_id)
        )

    def decide(self, registration_id: str, reason: str | None) -> Registration | None:
        """An administrator's final decision, now: Approved (no ``reason``) or Rejected; ``None`` if unknown."""
        registration = self._stored(registration_id)
        if registration is None:
            return None
        status = RegistrationStatus.APPROVED if reason is None else RegistrationStatus.REJECTED
        self._update(registration_id, {"status": status, "status_reason": reason, "reviewed_at": self.ctx.now,
                                       "next_step_at": None, "documents_due_at": None,
                                       "updated_at": self.ctx.now})  # fmt: skip
        ContactsBackend(self.ctx).notify_review_result(KIND, registration_id, registration.label, reason)
        return written(self._stored(registration_id))

    def is_approved(self, country: str, sender_id: str) -> bool:
        """Whether the account holds an approved registration of ``sender_id`` for ``country``."""
        self._settle()
        row = self.ctx.db.execute(
            "SELECT 1 FROM registrations WHERE account = ? AND country = ? AND sender_id = ? AND status = ?",
            (self.ctx.account, country, sender_id, RegistrationStatus.APPROVED),
        ).fetchone()
        return row is not None

    def _settle(self) -> None:
        """Apply every transition of the account's registrations that is due by now, until none is."""
        while True:
            due = self.ctx.db.execute(
                "SELECT * FROM registrations WHERE account = ? AND next_step_at IS NOT NULL AND next_step_at <= ? "
                "ORDER BY next_step_at, id",
                (self.ctx.account, self.ctx.now),
            ).fetchall()
            if not due:
                return
            for row in due:
                registration = _registration(row)
                self._update(registration.id, self._transition(registration))

    def _transition(self, registration: Registration) -> dict[str, Any]:
        """The column changes of the one step a registration takes at its due time."""
        at = registration.next_step_at
        assert at is not None
        changes: dict[str, Any] = {"updated_at": at}
        status = registration.status
        if status == RegistrationStatus.SUBMITTED:
            rules = country_rules(registration.country)
            if rules is not None and rules.documents_required:
                changes.update(status=RegistrationStatus.DOCUMENTS_TO_BE_RENDERED,
                               next_step_at=step_done_at(at, "render", self.ctx.speed))  # fmt: skip
            else:
                changes.update(status=RegistrationStatus.UNDER_REVIEW,
                               next_step_at=step_done_at(at, "sender_id_review", self.ctx.speed))  # fmt: skip
        elif status == RegistrationStatus.DOCUMENTS_TO_BE_RENDERED:
            due = at + DOCUMENT_WINDOW_DAYS * _DAY_SECONDS
            changes.update(status=RegistrationStatus.DOCUMENTS_RENDERED, documents_due_at=due, next_step_at=due)
        elif status == RegistrationStatus.DOCUMENTS_RENDERED:
            changes.update(
                status=RegistrationStatus.EXPIRED,
                next_step_at=None,
                status_reason=f"The registration documents were not uploaded within {DOCUMENT_WINDOW_DAYS} days "
                f"(due {iso(at)}); update the registration to resubmit it",
            )
        elif status == RegistrationStatus.UNDER_REVIEW:
            reason = review_rejection(registration.sender_id, registration.samples)
            changes.update(status=RegistrationStatus.REJECTED if reason else RegistrationStatus.APPROVED,
                           status_reason=reason, reviewed_at=at, next_step_at=None)  # fmt: skip
            ContactsBackend(self.ctx).notify_review_result(KIND, registration.id, registration.label, reason)
        else:  # a decided registration (for example by an administrator) takes no further step
            changes.update(next_step_at=None)
        return changes

    def _refuse_duplicate(self, country: str, sender_id: str, *, exclude: str | None) -> None:
        """Refuse a SenderID that another live (not Rejected or Expired) registration holds for the country."""
        row = self.ctx.db.execute(
            "SELECT id, status FROM registrations WHERE account = ? AND country = ? AND sender_id = ? AND id IS NOT ? "
            f"AND status NOT IN ({', '.join('?' * len(_CLOSED))})",
            (self.ctx.account, country, sender_id, exclude, *_CLOSED),
        ).fetchone()
        if row is not None:
            raise refused(
                "isv.SENDER_ID_DUPLICATED",
                f"Sender ID {sender_id!r} is already registered for {country} in this account ({row['id']}, "
                f"{row['status']}): update or delete that registration instead.",
            )

    def _update(self, registration_id: str, changes: dict[str, Any]) -> None:
        """Set columns (names from this module, never from the request) of one registration."""
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.ctx.db.execute(
            f"UPDATE registrations SET {assignments} WHERE account = ? AND id = ?",
            (*changes.values(), self.ctx.account, registration_id),
        )

    def _stored(self, registration_id: str) -> Registration | None:
        row = self.ctx.db.execute(
            "SELECT * FROM registrations WHERE account = ? AND id = ?", (self.ctx.account, registration_id)
        ).fetchone()
        return None if row is None else _registration(row)


def _registration(row: sqlite3.Row) -> Registration:
    return from_row(Registration, row, status=RegistrationStatus(row["status"]),
                    business_info=json.loads(row["business_info"]), samples=json.loads(row["samples"]),
                    documents=json.loads(row["documents"]))  # fmt: skip
