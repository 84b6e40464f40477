"""Message templates and their review.

``type`` 0 OTP, 1 notification, 2 promotional, 3 international; international templates have an
``intl_type`` (0 notification, 1 promotional, 2 OTP) and no other type has one. A code is ``SMS_`` and
9 digits, unique per account; the order id (the review ticket) changes with every submission.

Review runs on the emulator clock: creating and updating put the template under review and schedule
the decision (``template_review`` step). Every read decides the account's due templates first: a URL
shortener in the content is rejected with a reason, anything else is approved. An administrator may
decide a template directly (:meth:`TemplatesBackend.decide`); the automatic review does not revisit it.

A template is bound to an approved mainland signature (``related_sign_name``), which Chinese-mainland types
require (``rules.templates``; without one: 404 ``SmsSignatureNotFound``); the signatures backend keeps the
binding and refuses an unknown or unapproved signature. A mainland template whose content has variables needs a
``template_rule`` naming exactly them (400 ``InvalidTemplateRule``); it is kept in ``template_rules``.
"""

import json
import secrets
import sqlite3
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends._base import Backend, from_row, written
from pulumi_alisms.emulator.backends.contacts import ContactsBackend
from pulumi_alisms.emulator.backends.signatures import SignaturesBackend
from pulumi_alisms.emulator.errors import ApiError, business, invalid, not_found
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import (
    INTL_TYPE_KINDS,
    TEMPLATE_KINDS_BY_CODE,
    template_problems,
    template_rejection,
    template_variables,
)

MISSING_PARAMETERS = "isv.TEMPLATE_MISSING_PARAMETERS"  # a template variable TemplateParam gives no value
SCHEMA = """
CREATE TABLE IF NOT EXISTS templates (
    account TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, type INTEGER NOT NULL,
    intl_type INTEGER, content TEXT NOT NULL, remark TEXT, status TEXT NOT NULL, reject_info TEXT,
    order_id TEXT NOT NULL, created_at REAL NOT NULL, decide_at REAL, reviewed_at REAL,
    PRIMARY KEY (account, code));
CREATE TABLE IF NOT EXISTS template_rules (
    account TEXT NOT NULL, template_code TEXT NOT NULL, rule TEXT NOT NULL, PRIMARY KEY (account, template_code));
"""
INTERNATIONAL = 3
CODE_PREFIX = "SMS_"
KIND = "template"  # how notifications and the review desk name a template
# Rule field (snake_case) -> the request parameter it comes from.
_PARAMETER_OF_FIELD: dict[str, str] = {
    "name": "TemplateName", "type": "TemplateType", "content": "TemplateContent", "remark": "Remark",
    "intl_type": "IntlType",
}  # fmt: skip


class TemplateState(StrEnum):
    """A template's review state as stored, in Alibaba's own encoding (``AuditStatus``)."""

    REVIEWING = "AUDITING"
    APPROVED = "AUDIT_STATE_PASS"
    REJECTED = "AUDIT_STATE_NOT_PASS"
    CANCELLED = "AUDIT_SATE_CANCEL"  # sic: Alibaba's spelling (the SDK documents it so)

    @property
    def review_status(self) -> ReviewStatus:
        """The state in the project's status vocabulary, for people (``alisms emulator approve`` prints it)."""
        return _REVIEW_STATUS[self]


_REVIEW_STATUS = {
    TemplateState.REVIEWING: ReviewStatus.UNDER_REVIEW, TemplateState.APPROVED: ReviewStatus.APPROVED,
    TemplateState.REJECTED: ReviewStatus.REJECTED, TemplateState.CANCELLED: ReviewStatus.CANCELLED,
}  # fmt: skip


@dataclass(frozen=True)
class TemplateFields:
    """What a create or update submits for review."""

    name: str
    type: int
    intl_type: int | None
    content: str
    remark: str | None
    related_sign_name: str | None = None  # the mainland signature to bind the template to
    template_rule: dict[str, str] | None = None  # variable -> its attribute, as TemplateRule says


@dataclass(frozen=True)
class Template:
    """One template of the account and its review."""

    code: str
    name: str
    type: int
    intl_type: int | None
    content: str
    remark: str | None
    status: TemplateState
    reject_info: str | None
    order_id: str
    created_at: float
    decide_at: float | None
    reviewed_at: float | None
    related_sign_name: str | None = None  # the mainland signature it is bound to (read by ``get``/``find``)
    template_rule: dict[str, str] | None = None  # its variables' attributes (read by ``get``/``find``)

    @property
    def label(self) -> str:
        """What the template is, for people: its name."""
        return self.name

    def fill(self, values: dict[str, Any]) -> str:
        """The content with every ``${name}`` replaced from ``values``; a variable without a value is refused."""
        content = self.content
        for name in template_variables(content):
            value = values.get(name)
            if value is None:
                raise business(MISSING_PARAMETERS,
                               f"TemplateParam has no value for ${{{name}}} of the template {self.code}.")  # fmt: skip
            if isinstance(value, dict | list):
                raise invalid("TemplateParam", f"the value of {name!r} must be text or a number")
            content = content.replace(f"${{{name}}}", str(value))
        return content

    @property
    def message_kind(self) -> str:
        """What the template sends: ``otp``, ``notification`` or ``promotional``."""
        kind = TEMPLATE_KINDS_BY_CODE.get(self.type, "notification")
        if kind == "international":
            return INTL_TYPE_KINDS.get(self.intl_type, "notification") if self.intl_type is not None else "notification"
        return kind


class TemplatesBackend(Backend):
    """The account's templates: the only code that reads or writes the ``templates`` table."""

    def create(self, fields: TemplateFields) -> Template:
        """Submit a new template for review (refused with Alibaba's published codes if it breaks a rule)."""
        self._check(fields)
        code = self._new_code()
        self.ctx.db.execute(
            "INSERT INTO templates (account, code, name, type, intl_type, content, remark, status, order_id, "
            "created_at, decide_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.ctx.account, code, fields.name, fields.type, fields.intl_type, fields.content, fields.remark,
             TemplateState.REVIEWING, _order_id(), self.ctx.now, self._decision_due()),
        )  # fmt: skip
        self._bind(code, fields)
        return written(self._stored(code))

    def get(self, code: str) -> Template | None:
        """One template after deciding the due reviews, or ``None``."""
        self._settle()
        return self._stored(code)

    def find(self, code: str) -> Template:
        """One template after deciding the due reviews, or HTTP 404 ``TemplateNotFound`` (Alibaba's code)."""
        template = self.get(code)
        if template is None:
            raise not_found("TemplateNotFound", f"The template {code} does not exist in this account.")
        return template

    def update(self, code: str, fields: TemplateFields) -> Template:
        """Change a rejected template and resubmit it for review."""
        template = self.find(code)
        if template.status != TemplateState.REJECTED:
            state = {TemplateState.REVIEWING: "under review", TemplateState.CANCELLED: "cancelled"}.get(
                template.status, "approved")  # fmt: skip
            raise business(
                "isv.SMS_TEMPLATE_STATUS_NOT_SUPPORT_UPDATE",
                f"The template {code} is {state}; only templates that failed review can be modified.",
            )
        self._check(fields)
        self.ctx.db.execute(
            "UPDATE templates SET name = ?, type = ?, intl_type = ?, content = ?, remark = ?, status = ?, "
            "reject_info = NULL, reviewed_at = NULL, order_id = ?, decide_at = ? WHERE account = ? AND code = ?",
            (fields.name, fields.type, fields.intl_type, fields.content, fields.remark, TemplateState.REVIEWING,
             _order_id(), self._decision_due(), self.ctx.account, code),
        )  # fmt: skip
        self._bind(code, fields)
        return written(self._stored(code))

    def delete(self, code: str) -> None:
        """Delete a template that is not under review (``isv.ERROR_Template_NOT_DELETE`` while it is)."""
        if self.find(code).status == TemplateState.REVIEWING:
            raise business(
                "isv.ERROR_Template_NOT_DELETE",
                f"The template {code} is under review and cannot be deleted; delete it once it is reviewed.",
            )
        self.ctx.db.execute("DELETE FROM templates WHERE account = ? AND code = ?", (self.ctx.account, code))
        SignaturesBackend(self.ctx).bind_template(code, None)
        self._forget_rule(code)

    def page(self, index: int, size: int) -> tuple[int, list[Template]]:
        """The number of templates and one page of them (``index`` from 1), oldest first."""
        self._settle()
        total = self.ctx.db.execute("SELECT COUNT(*) FROM templates WHERE account = ?", (self.ctx.account,))
        rows = self.ctx.db.execute(
            "SELECT * FROM templates WHERE account = ? ORDER BY rowid LIMIT ? OFFSET ?",
            (self.ctx.account, size, (index - 1) * size),
        )
        return int(total.fetchone()[0]), [_template(row) for row in rows.fetchall()]

    def decide(self, code: str, reason: str | None) -> Template | None:
        """An administrator's final decision, now: approved (no ``reason``) or rejected; ``None`` if unknown."""
        template = self._stored(code)
        if template is None:
            return None
        self._record_decision(template, reason, self.ctx.now)
        return written(self._stored(code))

    def cancel(self, code: str) -> Template | None:
        """An administrator cancels a template's review (Alibaba: TemplateStatus 10); ``None`` if unknown."""
        if self._stored(code) is None:
            return None
        self.ctx.db.execute(
            "UPDATE templates SET status = ?, decide_at = NULL, reviewed_at = ? WHERE account = ? AND code = ?",
            (TemplateState.CANCELLED, self.ctx.now, self.ctx.account, code),
        )
        return written(self._stored(code))

    def add_unmanaged(self, name: str, template_type: int, content: str) -> Template:
        """Put a template of a kind the API cannot create (for example digital SMS, type 7) in the account,
        approved, as the console would; its rules are not checked."""
        code = self._new_code()
        self.ctx.db.execute(
            "INSERT INTO templates (account, code, name, type, content, status, order_id, created_at, reviewed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.ctx.account, code, name, template_type, content, TemplateState.APPROVED, _order_id(), self.ctx.now,
             self.ctx.now),
        )  # fmt: skip
        return written(self._stored(code))

    def _check(self, fields: TemplateFields) -> None:
        """Refuse a submission that breaks a template rule, with the codes and statuses Alibaba publishes."""
        problems = template_problems(
            name=fields.name, kind=TEMPLATE_KINDS_BY_CODE[fields.type], content=fields.content, remark=fields.remark,
            intl_type=fields.intl_type, signature=fields.related_sign_name, template_rule=fields.template_rule,
        )  # fmt: skip
        for problem in problems:
            if problem.field == "name" and not fields.name.strip():
                raise ApiError("MissingTemplateName", "The template name is empty.", 404)
            if problem.field == "content":
                raise ApiError("InvalidTemplateContent.Format", f"The template content is invalid: {problem.message}")
            if problem.field == "signature":
                raise not_found("SmsSignatureNotFound", f"RelatedSignName {problem.message}.")
            if problem.field == "template_rule":
                raise ApiError("InvalidTemplateRule", f"TemplateRule {problem.message}.")
            raise invalid(_PARAMETER_OF_FIELD.get(problem.field, problem.field), problem.message)

    def _bind(self, code: str, fields: TemplateFields) -> None:
        """Bind a submitted template to its signature and keep its variable rule (replacing earlier ones)."""
        SignaturesBackend(self.ctx).bind_template(code, fields.related_sign_name)
        self._forget_rule(code)
        if fields.template_rule:
            rule = json.dumps(fields.template_rule, ensure_ascii=False)
            self.ctx.db.execute(
                "INSERT INTO template_rules (account, template_code, rule) VALUES (?, ?, ?)",
                (self.ctx.account, code, rule),
            )

    def _forget_rule(self, code: str) -> None:
        self.ctx.db.execute(  # a template's variable rule goes with it
            "DELETE FROM template_rules WHERE account = ? AND template_code = ?", (self.ctx.account, code)
        )

    def _settle(self) -> None:
        """Decide every template of the account whose review is due, at its due time."""
        due = self.ctx.db.execute(
            "SELECT * FROM templates WHERE account = ? AND status = ? AND decide_at <= ?",
            (self.ctx.account, TemplateState.REVIEWING, self.ctx.now),
        ).fetchall()
        for row in due:
            template = _template(row)
            assert template.decide_at is not None
            self._record_decision(template, template_rejection(template.content), template.decide_at)

    def _record_decision(self, template: Template, reason: str | None, at: float) -> None:
        self.ctx.db.execute(
            "UPDATE templates SET status = ?, reject_info = ?, reviewed_at = ?, decide_at = NULL "
            "WHERE account = ? AND code = ?",
            (TemplateState.APPROVED if reason is None else TemplateState.REJECTED, reason, at, self.ctx.account,
             template.code),
        )  # fmt: skip
        ContactsBackend(self.ctx).notify_review_result(KIND, template.code, template.label, reason)

    def _stored(self, code: str) -> Template | None:
        row = self.ctx.db.execute(
            "SELECT * FROM templates WHERE account = ? AND code = ?", (self.ctx.account, code)
        ).fetchone()
        if row is None:
            return None
        rule = self.ctx.db.execute(
            "SELECT rule FROM template_rules WHERE account = ? AND template_code = ?", (self.ctx.account, code)
        ).fetchone()
        return replace(_template(row), related_sign_name=SignaturesBackend(self.ctx).template_signature(code),
                       template_rule=None if rule is None else json.loads(rule["rule"]))  # fmt: skip

    def _new_code(self) -> str:
        while True:
            code = f"{CODE_PREFIX}{10**8 + secrets.randbelow(9 * 10**8)}"
            if self._stored(code) is None:
                return code

    def _decision_due(self) -> float:
        return clock.step_done_at(self.ctx.now, "template_review", self.ctx.speed)


def _order_id() -> str:
    return str(10**10 + secrets.randbelow(9 * 10**10))


def _template(row: sqlite3.Row) -> Template:
    return from_row(Template, row, status=TemplateState(row["status"]))
