"""Chinese-mainland SMS signatures: review, carrier registration, and the templates bound to them.

Review runs on the emulator clock (``signature_review`` step): :meth:`SignaturesBackend.settle` decides each
due signature with ``rules.signatures.signature_rejection`` (symbols or generic words in the name, a
``company``-source name that is not part of the qualification's company, a third-party signature without
an authorization letter or outside its signature list). Approval starts the second phase, the real-name
registration with each carrier (``carrier_registration`` step, 7 days of review hours when realistic); it
fails when the qualification's administrator also administers another company's qualification (the SDK's
documented cause), else every carrier registers. Until one carrier has registered, sends fail with
``PORT_NOT_REGISTERED``. ``alisms emulator register-carrier`` completes a registration at once.

A template is bound to at most one signature (CreateSmsTemplate's ``RelatedSignName``), which must exist
(404 ``SmsSignatureNotFound``) and be approved (400 ``AssocSignUnapproved``) when the template is submitted.
"""

import json
import secrets
import sqlite3
from dataclasses import dataclass, field, replace

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.backends.authorization_letters import AuthorizationLettersBackend
from pulumi_alisms.emulator.backends.contacts import ContactsBackend
from pulumi_alisms.emulator.backends.qualifications import NOT_FOUND_CODE as QUALIFICATION_NOT_FOUND
from pulumi_alisms.emulator.backends.qualifications import QualificationsBackend, review_ticket
from pulumi_alisms.emulator.errors import ApiError, business, not_found
from pulumi_alisms.rules.signatures import CARRIERS, SIGN_SOURCES_BY_CODE, signature_rejection
from pulumi_alisms.rules.statuses import SENDABLE_CARRIER_STATUSES, CarrierRegistrationStatus, ReviewStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    account TEXT NOT NULL, name TEXT NOT NULL, source INTEGER NOT NULL, type INTEGER NOT NULL,
    qualification_id INTEGER NOT NULL, third_party INTEGER NOT NULL, authorization_letter_id INTEGER,
    trademark_id INTEGER, app_icp_record_id INTEGER, remark TEXT, apply_scene TEXT, more_data TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, order_id TEXT NOT NULL, sign_code TEXT NOT NULL, created_at REAL NOT NULL,
    decide_at REAL, reviewed_at REAL, PRIMARY KEY (account, name));
CREATE INDEX IF NOT EXISTS signatures_qualification ON signatures (account, qualification_id);
CREATE TABLE IF NOT EXISTS carrier_registrations (
    account TEXT NOT NULL, sign_name TEXT NOT NULL, carrier TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
    due_at REAL, completed_at REAL, PRIMARY KEY (account, sign_name, carrier));
CREATE TABLE IF NOT EXISTS template_signatures (
    account TEXT NOT NULL, template_code TEXT NOT NULL, sign_name TEXT NOT NULL, PRIMARY KEY (account, template_code));
"""

KIND = "signature"  # how notifications and the review desk name a signature
NOT_FOUND_CODE = "SignatureNotFound"  # GetSmsSign's published 404


@dataclass(frozen=True)
class Application:
    """What CreateSmsSign / UpdateSmsSign submit besides the name."""

    source: int
    type: int
    qualification_id: int
    third_party: bool = False
    authorization_letter_id: int | None = None
    trademark_id: int | None = None
    app_icp_record_id: int | None = None
    remark: str | None = None
    apply_scene: str | None = None
    more_data: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CarrierRegistration:
    """A signature's registration with one carrier."""

    carrier: str
    status: CarrierRegistrationStatus
    reason: str | None = None
    completed_at: float | None = None


@dataclass(frozen=True)
class Signature:
    """One stored signature with its review and carrier registration state."""

    name: str
    application: Application
    status: ReviewStatus
    reason: str | None
    order_id: str
    sign_code: str
    created_at: float
    reviewed_at: float | None
    carriers: list[CarrierRegistration]

    @property
    def label(self) -> str:
        """What the signature is, for people (review results, the review desk)."""
        return f"qualification {self.application.qualification_id}"

    @property
    def registered(self) -> bool:
        """Whether at least one carrier delivers the signature's messages."""
        return any(carrier.status in SENDABLE_CARRIER_STATUSES for carrier in self.carriers)


class SignaturesBackend(Backend):
    """The account's signatures, their carrier registrations and template bindings."""

    def create(self, name: str, application: Application) -> Signature:
        """Submit a new signature for review."""
        if self.find(name) is not None:
            raise ApiError("SignName.Exists", f"The account already has the signature {name!r}.")
        self._check(name, application)
        self.ctx.db.execute(
            "INSERT INTO signatures (account, name, source, type, qualification_id, third_party, "
            "authorization_letter_id, trademark_id, app_icp_record_id, remark, apply_scene, more_data, status, "
            "order_id, sign_code, created_at, decide_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.ctx.account, name, *_application_columns(application), ReviewStatus.UNDER_REVIEW,
             str(review_ticket()), f"SIGN_{10**14 + secrets.randbelow(9 * 10**14)}", self.ctx.now, self._decide_at()),
        )  # fmt: skip
        return self.get(name)

    def update(self, name: str, application: Application) -> Signature:
        """Change a rejected signature and resubmit it (``isv.ERROR_SIGN_NOT_MODIFY`` otherwise)."""
        current = self.get(name)
        if current.status != ReviewStatus.REJECTED:
            state = "under review" if current.status == ReviewStatus.UNDER_REVIEW else str(current.status).lower()
            raise business("isv.ERROR_SIGN_NOT_MODIFY", f"The signature {name!r} is {state}; only signatures that "
                           "failed review can be modified.")  # fmt: skip
        self._check(name, application)
        self.ctx.db.execute(
            "UPDATE signatures SET source = ?, type = ?, qualification_id = ?, third_party = ?, "
            "authorization_letter_id = ?, trademark_id = ?, app_icp_record_id = ?, remark = ?, apply_scene = ?, "
            "more_data = ?, status = ?, reason = NULL, reviewed_at = NULL, order_id = ?, decide_at = ? "
            "WHERE account = ? AND name = ?",
            (*_application_columns(application), ReviewStatus.UNDER_REVIEW, str(review_ticket()), self._decide_at(),
             self.ctx.account, name),
        )  # fmt: skip
        self._clear_registration(name)
        return self.get(name)

    def delete(self, name: str) -> None:
        """Delete a signature that is not under review (``isv.ERROR_SIGN_NOT_DELETE`` otherwise)."""
        if self.get(name).status == ReviewStatus.UNDER_REVIEW:
            raise business("isv.ERROR_SIGN_NOT_DELETE",
                           f"The signature {name!r} is under review and cannot be deleted yet.")  # fmt: skip
        self.ctx.db.execute("DELETE FROM signatures WHERE account = ? AND name = ?", (self.ctx.account, name))
        self._clear_registration(name)

    def get(self, name: str) -> Signature:
        """One signature after settling; 404 ``SignatureNotFound`` if the account has none with this name."""
        found = self.find(name)
        if found is None:
            raise not_found(NOT_FOUND_CODE, f"The signature {name[:64]!r} does not exist in this account.")
        return found

    def find(self, name: str) -> Signature | None:
        """One signature after settling due reviews and registrations, or ``None``."""
        self.settle()
        row = self.ctx.db.execute(
            "SELECT * FROM signatures WHERE account = ? AND name = ?", (self.ctx.account, name)
        ).fetchone()
        return None if row is None else self._signature(row)

    def page(self, page: int, size: int) -> tuple[int, list[Signature]]:
        """The account's signature count and one page of signatures, oldest first."""
        self.settle()
        total = self.ctx.db.execute("SELECT COUNT(*) FROM signatures WHERE account = ?", (self.ctx.account,)).fetchone()
        rows = self.ctx.db.execute(
            "SELECT * FROM signatures WHERE account = ? ORDER BY created_at, rowid LIMIT ? OFFSET ?",
            (self.ctx.account, size, (page - 1) * size),
        ).fetchall()
        return int(total[0]), [self._signature(row) for row in rows]

    def change_qualification(self, name: str, qualification_id: int, letter_id: int | None) -> Signature:
        """Bind another qualification (and letter); an approved signature registers with the carriers again."""
        current = self.get(name)
        application = replace(current.application, qualification_id=qualification_id, authorization_letter_id=letter_id)
        self._check(name, application)
        self.ctx.db.execute(
            "UPDATE signatures SET qualification_id = ?, authorization_letter_id = ? WHERE account = ? AND name = ?",
            (qualification_id, letter_id, self.ctx.account, name),
        )
        if current.status == ReviewStatus.APPROVED:
            self._start_registration(name, self.ctx.now)
        return self.get(name)

    def using_qualification(self, qualification_id: int) -> list[str]:
        """The names of the signatures bound to a qualification."""
        rows = self.ctx.db.execute(
            "SELECT name FROM signatures WHERE account = ? AND qualification_id = ? ORDER BY name",
            (self.ctx.account, qualification_id),
        ).fetchall()
        return [str(row["name"]) for row in rows]

    def settle(self) -> None:
        """Decide every due review, then complete every due carrier registration."""
        due = self.ctx.db.execute(
            "SELECT * FROM signatures WHERE account = ? AND status = ? AND decide_at <= ?",
            (self.ctx.account, ReviewStatus.UNDER_REVIEW, self.ctx.now),
        ).fetchall()
        for row in due:
            signature = self._signature(row)
            self._record(signature, self._rejection(signature), row["decide_at"])
        registering = self.ctx.db.execute(
            "SELECT sign_name, MAX(due_at) AS due_at FROM carrier_registrations WHERE account = ? AND status = ? "
            "GROUP BY sign_name HAVING MAX(due_at) <= ?",
            (self.ctx.account, CarrierRegistrationStatus.REGISTERING, self.ctx.now),
        ).fetchall()
        for row in registering:
            bound = self.ctx.db.execute(
                "SELECT qualification_id FROM signatures WHERE account = ? AND name = ?",
                (self.ctx.account, row["sign_name"]),
            ).fetchone()
            conflict = QualificationsBackend(self.ctx).administrator_conflict(int(bound["qualification_id"]))
            self._complete_registration(str(row["sign_name"]), row["due_at"], conflict)

    def decide(self, name: str, reason: str | None) -> Signature:
        """A reviewer's decision, now: approved (``reason`` ``None``) or rejected with the reason."""
        current = self.find(name)
        if current is None:
            raise LookupError(f"no signature {name!r} in account {self.ctx.account}")
        self._record(current, reason, self.ctx.now)
        return self.get(name)

    def register_with_carriers(self, name: str) -> Signature:
        """Complete an approved signature's carrier registration now, with every carrier."""
        current = self.find(name)
        if current is None:
            raise LookupError(f"no signature {name!r} in account {self.ctx.account}")
        if current.status != ReviewStatus.APPROVED:
            raise ValueError(f"the signature {name!r} is {current.status}: carriers register approved signatures only")
        self._complete_registration(name, self.ctx.now, None)
        return self.get(name)

    def sendable(self, name: str) -> Signature:
        """A signature messages can be sent with: it exists, is approved and a carrier registered it."""
        found = self.find(name)
        if found is None:
            raise business("isv.SMS_SIGNATURE_ILLEGAL", f"The account has no signature {name[:64]!r}.")
        if found.status != ReviewStatus.APPROVED:
            raise business("isv.SIGN_STATE_ILLEGAL", f"The signature {name!r} is {found.status}, not approved.")
        if not found.registered:
            raise business("PORT_NOT_REGISTERED", f"The signature {name!r} has not completed its real-name "
                           "registration with the carriers (the port number is not registered); registration "
                           "takes 7 to 10 business days after approval.")  # fmt: skip
        return found

    def bind_template(self, template_code: str, sign_name: str | None) -> None:
        """Bind a template to an approved signature, or unbind it (``sign_name`` ``None``)."""
        if sign_name is None:
            self.ctx.db.execute(
                "DELETE FROM template_signatures WHERE account = ? AND template_code = ?",
                (self.ctx.account, template_code),
            )
            return
        found = self.find(sign_name)
        if found is None:
            raise not_found("SmsSignatureNotFound", f"The signature {sign_name[:64]!r} (RelatedSignName) does not "
                            "exist in this account.")  # fmt: skip
        if found.status != ReviewStatus.APPROVED:
            raise ApiError("AssocSignUnapproved", f"The signature {sign_name!r} (RelatedSignName) is "
                           f"{found.status}; templates can be bound to approved signatures only.")  # fmt: skip
        self.ctx.db.execute(
            "INSERT INTO template_signatures (account, template_code, sign_name) VALUES (?, ?, ?) "
            "ON CONFLICT (account, template_code) DO UPDATE SET sign_name = excluded.sign_name",
            (self.ctx.account, template_code, sign_name),
        )

    def template_signature(self, template_code: str) -> str | None:
        """The signature a template is bound to."""
        row = self.ctx.db.execute(
            "SELECT sign_name FROM template_signatures WHERE account = ? AND template_code = ?",
            (self.ctx.account, template_code),
        ).fetchone()
        return None if row is None else str(row["sign_name"])

    def _check(self, name: str, application: Application) -> None:
        """The bound qualification exists and is approved for the same use; the letter is the same entity's."""
        qualification = QualificationsBackend(self.ctx).find(application.qualification_id)
        if qualification is None:
            raise not_found(QUALIFICATION_NOT_FOUND, f"The qualification {application.qualification_id} "
                            "(QualificationId) does not exist in this account.")  # fmt: skip
        if qualification.status != ReviewStatus.APPROVED:
            raise ApiError("InvalidQualification", f"The qualification {qualification.id} is {qualification.status}; "
                           "signatures need an approved qualification.")  # fmt: skip
        if qualification.use_by_self == application.third_party:
            use = "third-party use" if application.third_party else "own use"
            flag = str(qualification.use_by_self).lower()
            raise ApiError("ParameterMismatch.ThirdParty", f"The signature is for {use} but the qualification "
                           f"{qualification.id} is not (UseBySelf {flag}).")  # fmt: skip
        if application.authorization_letter_id is not None:
            letter = AuthorizationLettersBackend(self.ctx).get(application.authorization_letter_id)
            if letter.organization_code != qualification.details.get("organization_code"):
                raise ApiError("InvalidQualification", f"The authorization letter {letter.id} is for the organization "
                               f"code {letter.organization_code}, not the qualification's.")  # fmt: skip

    def _rejection(self, signature: Signature) -> str | None:
        application = signature.application
        qualification = QualificationsBackend(self.ctx).find(application.qualification_id)
        letter_id = application.authorization_letter_id
        letter = None if letter_id is None else AuthorizationLettersBackend(self.ctx).get(letter_id)
        return signature_rejection(
            signature.name,
            source=SIGN_SOURCES_BY_CODE[application.source],
            company_name=None if qualification is None else qualification.company_name,
            third_party=application.third_party,
            authorized_signatures=None if letter is None else letter.sign_list,
        )

    def _record(self, signature: Signature, reason: str | None, decided_at: float) -> None:
        status = ReviewStatus.APPROVED if reason is None else ReviewStatus.REJECTED
        self.ctx.db.execute(
            "UPDATE signatures SET status = ?, reason = ?, reviewed_at = ?, decide_at = NULL "
            "WHERE account = ? AND name = ?",
            (status, reason, decided_at, self.ctx.account, signature.name),
        )
        if reason is None:
            self._start_registration(signature.name, decided_at)
            if signature.application.authorization_letter_id is not None:
                AuthorizationLettersBackend(self.ctx).mark_passed(signature.application.authorization_letter_id)
        else:
            self._clear_registration(signature.name)
        ContactsBackend(self.ctx).notify_review_result(KIND, signature.name, signature.label, reason)

    def _start_registration(self, name: str, started_at: float) -> None:
        due_at = clock.step_done_at(started_at, "carrier_registration", self.ctx.speed)
        self.ctx.db.executemany(
            "INSERT INTO carrier_registrations (account, sign_name, carrier, status, due_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (account, sign_name, carrier) DO UPDATE SET status = excluded.status, reason = NULL, "
            "due_at = excluded.due_at, completed_at = NULL",
            [(self.ctx.account, name, carrier, CarrierRegistrationStatus.REGISTERING, due_at) for carrier in CARRIERS],
        )

    def _complete_registration(self, name: str, completed_at: float, failure: str | None) -> None:
        status = CarrierRegistrationStatus.REGISTERED if failure is None else CarrierRegistrationStatus.FAILED
        self.ctx.db.execute(
            "UPDATE carrier_registrations SET status = ?, reason = ?, due_at = NULL, completed_at = ? "
            "WHERE account = ? AND sign_name = ?",
            (status, failure, completed_at, self.ctx.account, name),
        )

    def _clear_registration(self, name: str) -> None:
        self.ctx.db.execute(
            "DELETE FROM carrier_registrations WHERE account = ? AND sign_name = ?", (self.ctx.account, name)
        )

    def _signature(self, row: sqlite3.Row) -> Signature:
        rows = self.ctx.db.execute(
            "SELECT * FROM carrier_registrations WHERE account = ? AND sign_name = ?", (self.ctx.account, row["name"])
        )
        registrations = {
            item["carrier"]: CarrierRegistration(
                item["carrier"], CarrierRegistrationStatus(item["status"]), item["reason"], item["completed_at"]
            )
            for item in rows
        }
        application = Application(
            source=row["source"], type=row["type"], qualification_id=row["qualification_id"],
            third_party=bool(row["third_party"]), authorization_letter_id=row["authorization_letter_id"],
            trademark_id=row["trademark_id"], app_icp_record_id=row["app_icp_record_id"], remark=row["remark"],
            apply_scene=row["apply_scene"], more_data=json.loads(row["more_data"]),
        )  # fmt: skip
        return Signature(
            name=row["name"], application=application, status=ReviewStatus(row["status"]), reason=row["reason"],
            order_id=row["order_id"], sign_code=row["sign_code"], created_at=row["created_at"],
            reviewed_at=row["reviewed_at"],
            carriers=[registrations.get(carrier, CarrierRegistration(carrier, CarrierRegistrationStatus.NOT_REGISTERED))
                      for carrier in CARRIERS],
        )  # fmt: skip

    def _decide_at(self) -> float:
        return clock.step_done_at(self.ctx.now, "signature_review", self.ctx.speed)


def _application_columns(application: Application) -> tuple[object, ...]:
    return (application.source, application.type, application.qualification_id, int(application.third_party),
            application.authorization_letter_id, application.trademark_id, application.app_icp_record_id,
            application.remark, application.apply_scene, json.dumps(application.more_data))  # fmt: skip
