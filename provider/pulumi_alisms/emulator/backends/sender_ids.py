"""SenderID registrations and their review (this project's contract; see docs/api.md).

Review runs on the emulator clock: Submitted -> DocumentsToBeRendered -> DocumentsRendered (countries
that need documents; 30 days to upload, else Expired) -> UnderReview -> Approved | Rejected. Due
transitions are applied lazily at the start of every operation, each one timed from the previous
step's due time. An administrator may decide a registration directly (:meth:`SenderIdsBackend.decide`);
the automatic review does not revisit it.

Versions: an Approved registration is amended by a new version (``registration_versions``): the approved
version's fields keep serving while the amendment is UnderReview (the review step only: the approved version's
documents stand), its approval replaces them, its rejection keeps them and records the reason. The registration
stays Approved throughout. A registration without a ``registration_versions`` row (never amended, or kept by an
older emulator) is version 1.
"""

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from pulumi_alisms.emulator.backends._base import Backend, written
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
CREATE TABLE IF NOT EXISTS registration_versions (
    account TEXT NOT NULL, id TEXT NOT NULL, approved_version INTEGER NOT NULL, pending_version INTEGER,
    pending_fields TEXT, pending_status TEXT, pending_reason TEXT, pending_submitted_at REAL,
    pending_next_step_at REAL, pending_reviewed_at REAL, PRIMARY KEY (account, id));
"""
# The registration with its version columns: what every read of a registration selects.
_SELECT = (
    "SELECT r.*, v.approved_version, v.pending_version, v.pending_fields, v.pending_status, v.pending_reason, "
    "v.pending_submitted_at, v.pending_next_step_at, v.pending_reviewed_at FROM registrations r "
    "LEFT JOIN registration_versions v ON v.account = r.account AND v.id = r.id"
)
# The fields a version of an approved registration carries (its country, sender ID and documents stay).
VERSION_FIELDS = ("company_name", "website", "use_case", "business_info", "samples")
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
    approved_version: int | None = None  # the version serving; None unless Approved
    pending: "PendingVersion | None" = None  # the latest amendment, under review or rejected

    @property
    def label(self) -> str:
        """What the registration is, for people: ``MYBRAND for GB``."""
        return f"{self.sender_id} for {self.country}"

    def fields(self) -> dict[str, Any]:
        """The approved (or, before approval, submitted) version's fields, as :class:`Amendment` takes them."""
        return {"company_name": self.company_name, "website": self.website, "use_case": self.use_case,
                "business_info": self.business_info, "samples": self.samples}  # fmt: skip


@dataclass(frozen=True)
class PendingVersion:
    """An amendment of an Approved registration: its version, fields and review."""

    version: int
    fields: dict[str, Any]  # VERSION_FIELDS: company_name, website, use_case, business_info, samples
    status: RegistrationStatus  # UnderReview or Rejected
    reason: str | None
    submitted_at: float
    next_step_at: float | None
    reviewed_at: float | None


class SenderIdsBackend(Backend):
    """The account's SenderID registrations: the only code that reads or writes the ``registrations`` table."""

    def submit(self, country: str, fields: Amendment, client_token: str | None) -> tuple[Registration, bool]:
        """Register a SenderID for a country; a repeated ``client_token`` returns the registration it created.

        Also says whether the call was such a replay (``True``: this call created nothing)."""
        self._settle()
        columns = {"country": country, "website": None, "business_info": "{}", **fields.columns()}
        if client_token is not None:
            row = self.ctx.db.execute(
                f"{_SELECT} WHERE r.account = ? AND r.client_token = ?", (self.ctx.account, client_token)
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
        where, args = "r.account = ?", [self.ctx.account]
        if country:
            where, args = f"{where} AND r.country = ?", [*args, country]
        if status:
            where, args = f"{where} AND r.status = ?", [*args, status]
        total = self.ctx.db.execute(f"SELECT COUNT(*) FROM registrations r WHERE {where}", args).fetchone()[0]
        rows = self.ctx.db.execute(
            f"{_SELECT} WHERE {where} ORDER BY r.submitted_at, r.id LIMIT ? OFFSET ?",
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
        """Amend a registration and resubmit it (also how Rejected and Expired ones retry); an Approved one gets a
        new version for review instead (:meth:`_amend_approved`)."""
        registration = self.get(registration_id)
        if registration.status == RegistrationStatus.APPROVED:
            return self._amend_approved(registration, fields)
        changes = fields.columns()
        self._refuse_duplicate(registration.country, changes.get("sender_id", registration.sender_id),
                               exclude=registration.id)  # fmt: skip
        changes.update(status=RegistrationStatus.SUBMITTED, status_reason=None, documents="[]", documents_due_at=None,
                       reviewed_at=None, submitted_at=self.ctx.now, updated_at=self.ctx.now,
                       next_step_at=self.ctx.now)  # fmt: skip
        self._update(registration.id, changes)
        self._clear_pending(registration.id)
        return written(self._stored(registration.id))

    def delete(self, registration_id: str) -> None:
        """Withdraw and delete a registration in any status, with its versions."""
        self.get(registration_id)
        for table in ("registrations", "registration_versions"):
            self.ctx.db.execute(f"DELETE FROM {table} WHERE account = ? AND id = ?",
                                (self.ctx.account, registration_id))  # fmt: skip

    def decide(self, registration_id: str, reason: str | None) -> Registration | None:
        """An administrator's final decision, now: Approved (no ``reason``) or Rejected; ``None`` if unknown.

        The decision is the amendment's when one is under review: the registration stays Approved."""
        registration = self._stored(registration_id)
        if registration is None:
            return None
        if registration.pending is not None and registration.pending.status == RegistrationStatus.UNDER_REVIEW:
            self._decide_amendment(registration, registration.pending, reason, self.ctx.now)
            return written(self._stored(registration_id))
        status = RegistrationStatus.APPROVED if reason is None else RegistrationStatus.REJECTED
        self._clear_pending(registration_id)
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

    def _amend_approved(self, registration: Registration, fields: Amendment) -> Registration:
        """A new version of an Approved registration, reviewed while the approved one keeps serving; an amendment
        equal to the approved version withdraws the pending one instead. The sender ID cannot change."""
        if fields.sender_id not in (None, registration.sender_id):
            raise refused(
                "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPDATE",
                f"Registration {registration.id} is Approved: its SenderId cannot be amended; submit a new "
                "registration for the new SenderID instead.",
            )
        current = registration.fields()
        amended = {name: current[name] if getattr(fields, name) is None else getattr(fields, name)
                   for name in VERSION_FIELDS}  # fmt: skip
        amended["website"] = amended["website"] or None  # "" clears it
        approved_version = registration.approved_version or 1
        if amended == current:
            pending: dict[str, Any] = dict.fromkeys(_PENDING_COLUMNS)
        else:
            latest = max(approved_version, registration.pending.version if registration.pending else 0)
            due = step_done_at(self.ctx.now, "sender_id_review", self.ctx.speed)
            pending = {"pending_version": latest + 1, "pending_fields": json.dumps(amended, ensure_ascii=False),
                       "pending_status": RegistrationStatus.UNDER_REVIEW, "pending_reason": None,
                       "pending_submitted_at": self.ctx.now, "pending_reviewed_at": None,
                       "pending_next_step_at": due}  # fmt: skip
        self._set_versions(registration.id, approved_version, pending)
        self._update(registration.id, {"updated_at": self.ctx.now})
        return written(self._stored(registration.id))

    def _decide_amendment(self, registration: Registration, pending: PendingVersion, reason: str | None,
                          at: float) -> None:  # fmt: skip
        """Approve (no ``reason``: its fields become the approved version's) or reject an amendment, at ``at``."""
        label = f"{registration.label}, version {pending.version}"
        if reason is None:
            approved = Amendment(**{**pending.fields, "website": pending.fields["website"] or ""})
            self._update(registration.id, {**approved.columns(), "reviewed_at": at, "updated_at": at})
            self._set_versions(registration.id, pending.version, dict.fromkeys(_PENDING_COLUMNS))
        else:
            self.ctx.db.execute(
                "UPDATE registration_versions SET pending_status = ?, pending_reason = ?, pending_next_step_at = NULL, "
                "pending_reviewed_at = ? WHERE account = ? AND id = ?",
                (RegistrationStatus.REJECTED, reason, at, self.ctx.account, registration.id),
            )
            self._update(registration.id, {"updated_at": at})
        ContactsBackend(self.ctx).notify_review_result(KIND, registration.id, label, reason)

    def _set_versions(self, registration_id: str, approved_version: int, pending: dict[str, Any]) -> None:
        """Record a registration's approved version and its pending one (``_PENDING_COLUMNS``, ``None`` for none)."""
        columns = {"approved_version": approved_version, **pending}
        self.ctx.db.execute(
            f"INSERT OR REPLACE INTO registration_versions (account, id, {', '.join(columns)}) "
            f"VALUES (?, ?, {', '.join('?' * len(columns))})",
            (self.ctx.account, registration_id, *columns.values()),
        )

    def _clear_pending(self, registration_id: str) -> None:
        """Forget a registration's amendment (a decision or resubmission of the registration itself supersedes it)."""
        self.ctx.db.execute(
            f"UPDATE registration_versions SET {', '.join(f'{column} = NULL' for column in _PENDING_COLUMNS)} "
            "WHERE account = ? AND id = ?",
            (self.ctx.account, registration_id),
        )

    def _settle(self) -> None:
        """Apply every transition of the account's registrations and amendments that is due by now, until none is."""
        while True:
            due = self.ctx.db.execute(
                f"{_SELECT} WHERE r.account = ? AND r.next_step_at IS NOT NULL AND r.next_step_at <= ? "
                "ORDER BY r.next_step_at, r.id",
                (self.ctx.account, self.ctx.now),
            ).fetchall()
            amendments = self.ctx.db.execute(
                f"{_SELECT} WHERE r.account = ? AND r.status = ? AND v.pending_next_step_at IS NOT NULL "
                "AND v.pending_next_step_at <= ? ORDER BY v.pending_next_step_at, r.id",
                (self.ctx.account, RegistrationStatus.APPROVED, self.ctx.now),
            ).fetchall()
            if not due and not amendments:
                return
            for row in due:
                registration = _registration(row)
                self._update(registration.id, self._transition(registration))
            for row in amendments:
                registration = _registration(row)
                pending = registration.pending
                assert pending is not None and pending.next_step_at is not None
                reason = review_rejection(registration.sender_id, pending.fields["samples"])
                self._decide_amendment(registration, pending, reason, pending.next_step_at)

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
            f"{_SELECT} WHERE r.account = ? AND r.id = ?", (self.ctx.account, registration_id)
        ).fetchone()
        return None if row is None else _registration(row)


_PENDING_COLUMNS = ("pending_version", "pending_fields", "pending_status", "pending_reason", "pending_submitted_at",
                    "pending_next_step_at", "pending_reviewed_at")  # fmt: skip


def _registration(row: sqlite3.Row) -> Registration:
    """A registration from a ``_SELECT`` row: its approved version only while Approved (1 unless amended)."""
    status = RegistrationStatus(row["status"])
    values = dict(row)
    for column in ("account", "approved_version", *_PENDING_COLUMNS, "status", "business_info", "samples", "documents"):
        del values[column]
    pending = None
    if status == RegistrationStatus.APPROVED and row["pending_version"] is not None:
        pending = PendingVersion(
            version=row["pending_version"], fields=json.loads(row["pending_fields"]),
            status=RegistrationStatus(row["pending_status"]), reason=row["pending_reason"],
            submitted_at=row["pending_submitted_at"], next_step_at=row["pending_next_step_at"],
            reviewed_at=row["pending_reviewed_at"],
        )  # fmt: skip
    approved_version = (row["approved_version"] or 1) if status == RegistrationStatus.APPROVED else None
    return Registration(**values, status=status, business_info=json.loads(row["business_info"]),
                     samples=json.loads(row["samples"]), documents=json.loads(row["documents"]),
                     approved_version=approved_version, pending=pending)  # fmt: skip
