"""Message templates: CreateSmsTemplate, GetSmsTemplate, UpdateSmsTemplate, DeleteSmsTemplate,
QuerySmsTemplateList (Dysmsapi 2017-05-25).

CreateSmsTemplate and UpdateSmsTemplate take no ClientToken, so a blind retry after a lost answer could
create a duplicate (or fail, since only rejected templates can be updated). Both run once per attempt;
after a failure that may have committed, they look at the account to see whether the write landed
before trying again. A template already in the account with the same name, type and content counts as
the one being created.
"""

import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.cache import ListCache, invalidates
from pulumi_alisms.api.client import ParamValue, RpcClient
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import TEMPLATE_KINDS_BY_CODE, TEMPLATE_TYPE_CODES, TemplateKind

VERSION = "2017-05-25"
NOT_FOUND_CODE = "isv.TEMPLATE_NOT_EXIST"
MAX_PAGE_SIZE = 50

# GetSmsTemplate TemplateStatus / QuerySmsTemplateList AuditStatus -> status.
_STATUS_BY_WIRE: dict[str, ReviewStatus] = {
    "0": ReviewStatus.UNDER_REVIEW, "1": ReviewStatus.APPROVED, "2": ReviewStatus.REJECTED,
    "AUDIT_STATE_INIT": ReviewStatus.UNDER_REVIEW, "AUDIT_STATE_PASS": ReviewStatus.APPROVED,
    "AUDIT_STATE_NOT_PASS": ReviewStatus.REJECTED,
}  # fmt: skip


class TemplateSummary(BaseModel):
    """A template as QuerySmsTemplateList reports it (no remark or intl_type: the list does not carry them)."""

    model_config = ConfigDict(frozen=True)

    template_code: str
    name: str
    type: TemplateKind
    content: str
    status: ReviewStatus
    status_reason: str | None = None
    created_at: str | None = None
    order_id: str | None = None


class Template(TemplateSummary):
    """A template with its review state, as GetSmsTemplate reports it. ``created_at`` is the service's text."""

    remark: str | None = None
    intl_type: int | None = None


class TemplatePage(BaseModel):
    """One page of QuerySmsTemplateList."""

    items: list[TemplateSummary]
    total_count: int
    page: int
    page_size: int


class TemplatesApi:
    """Create, read, update, delete and list the account's message templates."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc
        self._rng = random.Random()
        self.list_cache: ListCache[str, TemplateSummary] = ListCache(
            lambda: {item.template_code: item for item in self.iter_all()}
        )

    @invalidates
    def create(
        self, name: str, type: TemplateKind, content: str, remark: str | None = None, intl_type: int | None = None
    ) -> str:
        """Submit a template for review (CreateSmsTemplate); returns its TemplateCode. Never duplicates."""

        def landed() -> dict[str, Any] | None:
            found = next(
                (t for t in self.iter_all() if (t.name, t.type, t.content) == (name, type, content)), None
            )  # fmt: skip
            return None if found is None else {"TemplateCode": found.template_code}

        data = self._write("CreateSmsTemplate", _submission(name, type, content, remark, intl_type), landed)
        return str(data["TemplateCode"])

    def get(self, code: str) -> Template | None:
        """One template (GetSmsTemplate), or ``None`` when the account has no such template."""
        try:
            data = self._rpc.call(VERSION, "GetSmsTemplate", {"TemplateCode": code}, idempotent=True)
        except AliSmsApiError as error:
            if error.code == NOT_FOUND_CODE:
                return None
            raise
        audit = data.get("AuditInfo") or {}
        return Template(
            template_code=str(data["TemplateCode"]),
            name=str(data["TemplateName"]),
            type=_kind("GetSmsTemplate", data["TemplateType"]),
            content=str(data["TemplateContent"]),
            status=_status("GetSmsTemplate", data.get("TemplateStatus")),
            status_reason=audit.get("RejectInfo") or None,
            created_at=data.get("CreateDate"),
            order_id=data.get("OrderId"),
            remark=data.get("Remark") or None,
            intl_type=data.get("IntlType"),
        )

    def lookup(self, code: str, recorded: Mapping[str, Any] | None = None) -> Template | None:
        """One template, from the shared list snapshot (see ``api.cache``) where that is exact, else GetSmsTemplate.

        The list does not carry ``remark`` and ``intl_type``. They are taken from ``recorded`` (the template as
        the caller recorded it last, by field name) only when the template was approved then and is approved now
        with the same name, type and content: Alibaba modifies only templates that failed review, so an approved
        template's remark cannot have changed. Any other template is read with GetSmsTemplate.
        """
        listed = self.list_cache.get(code)
        if listed is None or recorded is None or not _unchanged_since_approved(listed, recorded):
            return self.get(code)
        intl_type = recorded.get("intl_type")
        return Template(**listed.model_dump(), remark=recorded.get("remark") or None,
                        intl_type=None if intl_type is None else int(intl_type))  # fmt: skip

    @invalidates
    def update(
        self,
        code: str,
        name: str,
        type: TemplateKind,
        content: str,
        remark: str | None = None,
        intl_type: int | None = None,
    ) -> None:
        """Change a rejected template and resubmit it for review (UpdateSmsTemplate)."""

        def landed() -> dict[str, Any] | None:
            current = self.get(code)
            if current is None or current.status == ReviewStatus.REJECTED:
                return None
            same = (current.name, current.type, current.content, current.remark, current.intl_type)
            return {} if same == (name, type, content, remark or None, intl_type) else None

        params = {"TemplateCode": code, **_submission(name, type, content, remark, intl_type)}
        self._write("UpdateSmsTemplate", params, landed)

    @invalidates
    def delete(self, code: str) -> bool:
        """Delete a template (DeleteSmsTemplate); ``False`` when it did not exist."""
        try:
            self._rpc.call(VERSION, "DeleteSmsTemplate", {"TemplateCode": code}, idempotent=True)
        except AliSmsApiError as error:
            if error.code == NOT_FOUND_CODE:
                return False
            raise
        return True

    def list_page(self, page: int = 1, size: int = MAX_PAGE_SIZE) -> TemplatePage:
        """One page of templates, oldest first (QuerySmsTemplateList; ``page`` from 1, ``size`` 1-50)."""
        data = self._rpc.call(
            VERSION, "QuerySmsTemplateList", {"PageIndex": page, "PageSize": size}, idempotent=True
        )  # fmt: skip
        items = [_summary(item) for item in data.get("SmsTemplateList") or []]
        return TemplatePage(
            items=items,
            total_count=int(data.get("TotalCount") or 0),
            page=int(data.get("CurrentPage") or page),
            page_size=int(data.get("PageSize") or size),
        )

    def iter_all(self) -> Iterator[TemplateSummary]:
        """Every template of the account, page by page, each code once."""
        seen: set[str] = set()
        page = 1
        while True:
            result = self.list_page(page, MAX_PAGE_SIZE)
            for item in result.items:
                if item.template_code not in seen:
                    seen.add(item.template_code)
                    yield item
            if not result.items or page * MAX_PAGE_SIZE >= result.total_count:
                return
            page += 1

    def list_all(self) -> list[TemplateSummary]:
        """Every template of the account."""
        return list(self.iter_all())

    def _write(
        self, action: str, params: dict[str, ParamValue], landed: Callable[[], dict[str, Any] | None]
    ) -> dict[str, Any]:
        """Run a write without a ClientToken; after a failure that may have committed, ask ``landed`` first."""
        policy = self._rpc.retry
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._rpc.call(VERSION, action, params, idempotent=False)
            except AliSmsApiError as error:
                pause = policy.delay(attempt, self._rng)
                out_of_time = time.monotonic() - started + pause > policy.max_total_seconds
                if not error.retryable or attempt >= policy.max_attempts or out_of_time:
                    raise
            time.sleep(pause)
            found = landed()
            if found is not None:
                return found


def _submission(
    name: str, kind: TemplateKind, content: str, remark: str | None, intl_type: int | None
) -> dict[str, ParamValue]:
    return {
        "TemplateName": name,
        "TemplateType": TEMPLATE_TYPE_CODES[kind],
        "TemplateContent": content,
        "Remark": remark,
        "IntlType": intl_type,
    }


def _unchanged_since_approved(listed: TemplateSummary, recorded: Mapping[str, Any]) -> bool:
    if listed.status != ReviewStatus.APPROVED or recorded.get("status") != ReviewStatus.APPROVED:
        return False
    return all(recorded.get(name) == getattr(listed, name) for name in ("template_code", "name", "type", "content"))


def _kind(action: str, value: Any) -> TemplateKind:
    kind = TEMPLATE_KINDS_BY_CODE.get(int(value)) if str(value).isdigit() else None
    if kind is None:
        raise AliSmsApiError(action, "InvalidResponse", f"unknown template type {value!r}")
    return cast(TemplateKind, kind)


def _status(action: str, value: Any) -> ReviewStatus:
    status = _STATUS_BY_WIRE.get(str(value))
    if status is None:
        raise AliSmsApiError(action, "InvalidResponse", f"unknown template review status {value!r}")
    return status


def _summary(item: dict[str, Any]) -> TemplateSummary:
    reason = item.get("Reason") or {}
    return TemplateSummary(
        template_code=str(item["TemplateCode"]),
        name=str(item["TemplateName"]),
        type=_kind("QuerySmsTemplateList", item["OuterTemplateType"]),
        content=str(item["TemplateContent"]),
        status=_status("QuerySmsTemplateList", item.get("AuditStatus")),
        status_reason=reason.get("RejectInfo") or None,
        created_at=item.get("CreateDate"),
        order_id=item.get("OrderId"),
    )
