"""Authorization letters (powers of attorney) for signatures used on behalf of another entity.

A letter names the authorizing entity (``Authorization``, its ``OrganizationCode``), the authorized applicant
(``ProxyAuthorization``), the signatures it covers (``SignList``, at most 100), its validity and the uploaded
letter (a key from GetQualificationOssInfo). Its ``State`` is ``INT`` until a signature it covers is approved
(then ``PASSED``); its ``Status`` is ``VALID`` until the validity period ends (Beijing date), then ``INVALID``.
"""

import json
import sqlite3
from dataclasses import dataclass

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.errors import invalid, not_found
from pulumi_alisms.rules.mainland import beijing_time
from pulumi_alisms.rules.qualifications import validity_period

SCHEMA = """
CREATE TABLE IF NOT EXISTS authorization_letters (
    id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, letter_key TEXT NOT NULL,
    sign_list TEXT NOT NULL, validity TEXT NOT NULL, authorizer TEXT NOT NULL, organization_code TEXT NOT NULL,
    proxy TEXT NOT NULL, passed INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS authorization_letters_name ON authorization_letters (account, name);
"""

FIRST_ID = 100_001
NOT_FOUND_CODE = "AuthorizationLetterNotFound"  # this emulator's choice: Alibaba publishes none


@dataclass(frozen=True)
class AuthorizationLetter:
    """One stored authorization letter."""

    id: int
    name: str
    letter_key: str
    sign_list: list[str]
    validity: str
    authorizer: str
    organization_code: str
    proxy: str
    passed: bool
    valid: bool


class AuthorizationLettersBackend(Backend):
    """The account's authorization letters."""

    def create(self, *, name: str, letter_key: str, sign_list: list[str], validity: str, authorizer: str,
               organization_code: str, proxy: str) -> int:  # fmt: skip
        """Record a letter; returns its id."""
        taken = self.ctx.db.execute(
            "SELECT id FROM authorization_letters WHERE account = ? AND name = ?", (self.ctx.account, name)
        ).fetchone()
        if taken is not None:
            raise invalid("AuthorizationLetterName", f"the account already has an authorization letter named "
                          f"{name!r} (id {taken['id']}); names are unique")  # fmt: skip
        letter_id = int(
            self.ctx.db.execute("SELECT COALESCE(MAX(id) + 1, ?) FROM authorization_letters", (FIRST_ID,)).fetchone()[0]
        )
        self.ctx.db.execute(
            "INSERT INTO authorization_letters (id, account, name, letter_key, sign_list, validity, authorizer, "
            "organization_code, proxy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (letter_id, self.ctx.account, name, letter_key, json.dumps(sign_list, ensure_ascii=False), validity,
             authorizer, organization_code, proxy, self.ctx.now),
        )  # fmt: skip
        return letter_id

    def get(self, letter_id: int) -> AuthorizationLetter:
        """One letter; 404 ``AuthorizationLetterNotFound`` if the account has none with this id."""
        row = self.ctx.db.execute(
            "SELECT * FROM authorization_letters WHERE account = ? AND id = ?", (self.ctx.account, letter_id)
        ).fetchone()
        if row is None:
            raise not_found(NOT_FOUND_CODE, f"The authorization letter {letter_id} does not exist in this account.")
        return self._letter(row)

    def all(self) -> list[AuthorizationLetter]:
        """Every letter of the account, oldest first."""
        rows = self.ctx.db.execute(
            "SELECT * FROM authorization_letters WHERE account = ? ORDER BY id", (self.ctx.account,)
        ).fetchall()
        return [self._letter(row) for row in rows]

    def mark_passed(self, letter_id: int) -> None:
        """A signature the letter covers was approved."""
        self.ctx.db.execute(
            "UPDATE authorization_letters SET passed = 1 WHERE account = ? AND id = ?", (self.ctx.account, letter_id)
        )

    def _letter(self, row: sqlite3.Row) -> AuthorizationLetter:
        period = validity_period(row["validity"])
        valid = period is not None and beijing_time(self.ctx.now).date() <= period[1]
        return AuthorizationLetter(
            id=int(row["id"]), name=row["name"], letter_key=row["letter_key"], sign_list=json.loads(row["sign_list"]),
            validity=row["validity"], authorizer=row["authorizer"], organization_code=row["organization_code"],
            proxy=row["proxy"], passed=bool(row["passed"]), valid=valid,
        )  # fmt: skip
