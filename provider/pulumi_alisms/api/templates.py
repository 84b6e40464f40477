"""Message templates: CreateSmsTemplate, GetSmsTemplate, UpdateSmsTemplate, DeleteSmsTemplate,
QuerySmsTemplateList (Dysmsapi 2017-05-25).

CreateSmsTemplate and UpdateSmsTemplate take no ClientToken, so a blind retry after a lost answer could
create a duplicate (or fail, since only rejected templates can be updated). After a failure that may have
committed, the client's retry loop asks their look-ups whether the write landed before trying again. A
template already in the account with the same name, type and content counts as the one being created.

Review states are :class:`~pulumi_alisms.rules.statuses.ReviewStatus`; a state this module does not know
reads as ``Unknown``, and a template type it does not know keeps its wire code as text (docs/api.md), so that
a new kind of template in the account never breaks a listing.
"""

import json
from collections.abc import Iterator, Mapping
from typing import Any, cast

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.cache import DEFAULT_MAX_AGE, ListCache, invalidates
from pulumi_alisms.api.client import Answer, NotFoundTable, ParamValue, RpcClient
from pulumi_alisms.api.paging import every_item
from pulumi_alisms.errors import NotFoundError
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.templates import TEMPLATE_KINDS_BY_CODE, TEMPLATE_TYPE_CODES, TemplateKind

VERSION = "2017-05-25"
# GetSmsTemplate's answer for a missing code, as Alibaba's metadata publishes it (the emulator answers the same).
NOT_FOUND: NotFoundTable = frozenset({("TemplateNotFound", 404)})
MAX_PAGE_SIZE = 50

# GetSmsTemplate TemplateStatus / QuerySmsTemplateList AuditStatus (as the official SDK documents them,
# including its spelling AUDIT_SATE_CANCEL) -> status; anything else is Unknown.
_STATUS_BY_WIRE: dict[str, ReviewStatus] = {
    "0": ReviewStatus.UNDER_REVIEW, "1": ReviewStatus.APPROVED, "2": ReviewStatus.REJECTED,
    "10": ReviewStatus.CANCELLED,
    "AUDIT_STATE_INIT": ReviewStatus.UNDER_REVIEW, "AUDIT_STATE_PASS": ReviewStatus.APPROVED,
    "AUDIT_STATE_NOT_PASS": ReviewStatus.REJECTED, "AUDIT_SATE_CANCEL": ReviewStatus.CANCELLED,
    "AUDIT_STATE_CANCEL": ReviewStatus.CANCELLED,
}  # fmt: skip


class TemplateSummary(BaseModel):
    """A template as QuerySmsTemplateList reports it (no remark or intl_type: the list does not carry them).

    ``type`` is the wire code as text (``"7"``) for a kind of template this project does not manage.
    """

    model_config = ConfigDict(frozen=True, use_enum_values=True)

    template_code: str
    name: str
    type: TemplateKind | str
    content: str
    status: ReviewStatus
    status_reason: str | None = None
    created_at: str | None = None
    order_id: str | None = None


class Template(TemplateSummary):
    """A template with its review state, as GetSmsTemplate reports it. ``created_at`` is the service's text."""

    remark: str | None = None
    intl_type: int | None = None
    signature: str | None = None  # RelatedSignName: the mainland signature the template is bound to
    template_rule: dict[str, str] | None = None  # VariableAttribute: variable -> attribute (TemplateRule)


class MainlandDetails(BaseModel):
    """What CreateSmsTemplate/UpdateSmsTemplate take besides the template itself (Alibaba requires
    ``related_sign_name`` for Chinese mainland types, and ``template_rule`` when the content has variables)."""

    model_config = ConfigDict(frozen=True)

    related_sign_name: str | None = None
    template_rule: dict[str, str] | None = None  # variable -> attribute, e.g. {"code": "numberCaptcha"}
    apply_scene_content: str | None = None  # where the message is used (a URL or app name)
    traffic_driving: str | None = None
    more_data: list[str] | None = None  # URLs of supporting files

    def params(self) -> dict[str, ParamValue]:
        """The wire parameters (``None`` ones are not sent)."""
        return {"RelatedSignName": self.related_sign_name, "TemplateRule": self.template_rule,
                "ApplySceneContent": self.apply_scene_content, "TrafficDriving": self.traffic_driving,
                "MoreData": self.more_data}  # fmt: skip


class TemplatePage(BaseModel):
    """One page of QuerySmsTemplateList."""

    items: list[TemplateSummary]
    total_count: int
    page: int
    page_size: int


class TemplatesApi:
    """Create, read, update, delete and list the account's message templates."""

    def __init__(self, rpc: RpcClient, *, list_cache_seconds: float = DEFAULT_MAX_AGE) -> None:
        self._rpc = rpc
        self.list_cache: ListCache[str, TemplateSummary] = ListCache(
            lambda: {item.template_code: item for item in self.iter_all()}, list_cache_seconds
        )

    @invalidates
    def create(
        self,
        name: str,
        type: TemplateKind,
        content: str,
        remark: str | None = None,
        intl_type: int | None = None,
        details: MainlandDetails | None = None,
    ) -> str:
        """Submit a template for review (CreateSmsTemplate); returns its TemplateCode. Never duplicates.

        ``details.related_sign_name`` binds the template to an approved mainland signature (RelatedSignName).
        """

        def landed() -> dict[str, Any] | None:
            found = next(iter(self.matching(name, type, content)), None)
            return None if found is None else {"TemplateCode": found.template_code}

        params = {**_submission(name, type, content, remark, intl_type), **(details or MainlandDetails()).params()}
        data = self._rpc.call(VERSION, "CreateSmsTemplate", params, idempotent=False, landed=landed)
        return data.text("TemplateCode")

    def get(self, code: str) -> Template | None:
        """One template (GetSmsTemplate), or ``None`` when the account has no such template."""
        try:
            data = self._rpc.call(VERSION, "GetSmsTemplate", {"TemplateCode": code}, idempotent=True,
                                  not_found=NOT_FOUND)  # fmt: skip
        except NotFoundError:
            return None
        return data.build(
            Template,
            **_listed(data, "TemplateType", "TemplateStatus", "AuditInfo"),
            remark=data.optional_text("Remark") or None,
            intl_type=data.optional_integer("IntlType"),
            signature=data.optional_text("RelatedSignName") or None,
            template_rule=_rule(data.optional_text("VariableAttribute")),
        )

    def lookup(self, code: str, recorded: Mapping[str, Any] | None = None) -> Template | None:
        """One template, from the shared list snapshot (see ``api.cache``) where that is exact, else GetSmsTemplate.

        The list does not carry ``remark``, ``intl_type``, ``signature`` and ``template_rule``. They are taken
        from ``recorded`` (the template as the caller recorded it last, by field name) only when the template was
        approved then and is approved now with the same name, type and content: Alibaba modifies only templates
        that failed review, so an approved template's remark cannot have changed. Any other template is read with
        GetSmsTemplate.
        """

        def complete(listed: TemplateSummary) -> Template | None:
            if recorded is None or not _unchanged_since_approved(listed, recorded):
                return None
            intl_type = recorded.get("intl_type")
            return Template(**listed.model_dump(), remark=recorded.get("remark") or None,
                            intl_type=None if intl_type is None else int(intl_type),
                            signature=recorded.get("signature") or None,
                            template_rule=recorded.get("template_rule") or None)  # fmt: skip

        return self.list_cache.lookup(code, self.get, complete)

    @invalidates
    def update(
        self,
        code: str,
        name: str,
        type: TemplateKind,
        content: str,
        remark: str | None = None,
        intl_type: int | None = None,
        details: MainlandDetails | None = None,
    ) -> None:
        """Change a rejected template and resubmit it for review (UpdateSmsTemplate)."""
        mainland = details or MainlandDetails()

        def landed() -> dict[str, Any] | None:
            current = self.get(code)
            if current is None or current.status == ReviewStatus.REJECTED:
                return None
            same = (current.name, current.type, current.content, current.remark, current.intl_type, current.signature)
            return {} if same == (name, type, content, remark or None, intl_type, mainland.related_sign_name) else None

        params = {"TemplateCode": code, **_submission(name, type, content, remark, intl_type), **mainland.params()}
        self._rpc.call(VERSION, "UpdateSmsTemplate", params, idempotent=False, landed=landed, not_found=NOT_FOUND)

    @invalidates
    def delete(self, code: str) -> bool:
        """Delete a template (DeleteSmsTemplate); ``False`` when it did not exist."""
        try:
            self._rpc.call(VERSION, "DeleteSmsTemplate", {"TemplateCode": code}, idempotent=True, not_found=NOT_FOUND)
        except NotFoundError:
            return False
        return True

    def list_page(self, page: int = 1, size: int = MAX_PAGE_SIZE) -> TemplatePage:
        """One page of templates, oldest first (QuerySmsTemplateList; ``page`` from 1, ``size`` 1-50)."""
        data = self._rpc.call(
            VERSION, "QuerySmsTemplateList", {"PageIndex": page, "PageSize": size}, idempotent=True
        )  # fmt: skip
        items = [
            item.build(TemplateSummary, **_listed(item, "OuterTemplateType", "AuditStatus", "Reason"))
            for item in data.objects("SmsTemplateList")
        ]
        return data.build(
            TemplatePage,
            items=items,
            total_count=data.optional_integer("TotalCount") or 0,
            page=data.optional_integer("CurrentPage") or page,
            page_size=data.optional_integer("PageSize") or size,
        )

    def iter_all(self) -> Iterator[TemplateSummary]:
        """Every template of the account, page by page, each code once."""

        def page(number: int) -> tuple[list[TemplateSummary], int]:
            result = self.list_page(number, MAX_PAGE_SIZE)
            return result.items, result.total_count

        return every_item(page, lambda item: item.template_code, MAX_PAGE_SIZE)

    def list_all(self) -> list[TemplateSummary]:
        """Every template of the account."""
        return list(self.iter_all())

    def matching(self, name: str, type: TemplateKind, content: str) -> list[TemplateSummary]:
        """The account's templates with this name, type and content, from a fresh listing (never the list cache:
        a template another run created a moment ago must be in it)."""
        return [t for t in self.iter_all() if (t.name, t.type, t.content) == (name, type, content)]


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


def _kind(text: str) -> TemplateKind | str:
    """The kind of a wire TemplateType/OuterTemplateType; the code as text for a kind this project does not know."""
    kind = TEMPLATE_KINDS_BY_CODE.get(int(text)) if text.isdigit() else None
    return text if kind is None else cast(TemplateKind, kind)


def _rule(value: str | None) -> dict[str, str] | None:
    """GetSmsTemplate's VariableAttribute (a JSON object as text, like TemplateRule), or ``None``."""
    try:
        rule = json.loads(value) if value and value.strip() else None
    except ValueError:
        return None
    return {str(key): str(item) for key, item in rule.items()} if isinstance(rule, dict) and rule else None


def _listed(entry: Answer, type_field: str, status_field: str, review_field: str) -> dict[str, Any]:
    """The :class:`TemplateSummary` fields of a GetSmsTemplate answer or a QuerySmsTemplateList entry (which
    name the type, the status and the review details differently). A status it does not know is ``Unknown``."""
    return {
        "template_code": entry.text("TemplateCode"),
        "name": entry.text("TemplateName"),
        "type": _kind(entry.text(type_field)),
        "content": entry.text("TemplateContent"),
        "status": _STATUS_BY_WIRE.get(entry.optional_text(status_field) or "", ReviewStatus.UNKNOWN),
        "status_reason": entry.optional_object(review_field).optional_text("RejectInfo") or None,
        "created_at": entry.optional_text("CreateDate"),
        "order_id": entry.optional_text("OrderId"),
    }
