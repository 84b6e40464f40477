"""Message templates (Dysmsapi 2017-05-25): CreateSmsTemplate, GetSmsTemplate, UpdateSmsTemplate,
DeleteSmsTemplate, QuerySmsTemplateList.

``TemplateType`` 0 OTP, 1 notification, 2 promotional, 3 international. ``IntlType`` (0 notification,
1 promotional, 2 OTP) is optional, as the metadata says; an international template without it sends as a
notification, and no other type accepts it. ``TemplateRule`` (a JSON object: variable -> attribute, such as
``{"code": "numberCaptcha"}``) must name exactly the content's variables when given, and is required for a
mainland type (0, 1, 2) whose content has variables (400 ``InvalidTemplateRule``); GetSmsTemplate reports it as
``VariableAttribute`` (the same JSON, as text). ``RelatedSignName`` binds the template to a mainland signature:
required for types 0, 1 and 2 (the SDK: "required if TemplateType is set to 0, 1, or 2"; without one 404
``SmsSignatureNotFound``, as for a name the account does not have), it must exist (404 ``SmsSignatureNotFound``)
and be approved (400 ``AssocSignUnapproved``); GetSmsTemplate reports it. ``ApplySceneContent``,
``TrafficDriving`` and ``MoreData`` (a JSON list) are accepted and not stored.

Stored review state -> wire: ``AUDITING`` is ``TemplateStatus`` "0" / ``AuditStatus`` AUDIT_STATE_INIT,
``AUDIT_STATE_PASS`` is "1", ``AUDIT_STATE_NOT_PASS`` is "2", ``AUDIT_SATE_CANCEL`` (sic) is "10".
QuerySmsTemplateList reports the public type as ``OuterTemplateType`` and the internal one as
``TemplateType`` (0 notification, 1 promotional, 2 OTP, 6 international), as the SDK models document them; a
kind the API cannot create (digital SMS, 7, made by ``alisms emulator add-template``) reports its own code.

Errors, with the codes and HTTP statuses Alibaba publishes where it publishes them:
- an unknown ``TemplateCode``: HTTP 404 ``TemplateNotFound`` (GetSmsTemplate's published code; also for
  Update and Delete, for which Alibaba publishes none);
- create/update: an empty name is HTTP 404 ``MissingTemplateName``, broken content HTTP 400
  ``InvalidTemplateContent.Format``, a TemplateRule that does not match the variables HTTP 400
  ``InvalidTemplateRule`` (not JSON: ``InvalidTemplateRule.Format``), MoreData that is not a JSON list HTTP 400
  ``InvalidMoreData``, an unknown RelatedSignName HTTP 404 ``SmsSignatureNotFound``; a name over 30 or a remark
  over 500 characters ``InvalidParameter.<Name>``;
- UpdateSmsTemplate of a template that is not rejected: ``isv.SMS_TEMPLATE_STATUS_NOT_SUPPORT_UPDATE``
  (HTTP 200; Alibaba: "you can only modify templates that have failed review"); the update resubmits it;
- DeleteSmsTemplate of a template under review: ``isv.ERROR_Template_NOT_DELETE`` (HTTP 200).
"""

import json
from typing import Any

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends.templates import (
    INTERNATIONAL,
    Template,
    TemplateFields,
    TemplatesBackend,
    TemplateState,
)
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, invalid
from pulumi_alisms.emulator.params import Params

VERSION = "2017-05-25"
# Stored review state -> (GetSmsTemplate TemplateStatus, QuerySmsTemplateList AuditStatus).
_WIRE_STATUS: dict[TemplateState, tuple[str, str]] = {
    TemplateState.REVIEWING: ("0", "AUDIT_STATE_INIT"),
    TemplateState.APPROVED: ("1", TemplateState.APPROVED),
    TemplateState.REJECTED: ("2", TemplateState.REJECTED),
    TemplateState.CANCELLED: ("10", TemplateState.CANCELLED),
}
# Public TemplateType -> the internal TemplateType that QuerySmsTemplateList reports.
_LIST_TEMPLATE_TYPE: dict[int, int] = {0: 2, 1: 0, 2: 1, 3: 6}
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_PAGE_INDEX = 1_000_000
MAX_CODE_LENGTH = 64


def create_sms_template(ctx: Context) -> dict[str, Any]:
    """Submit a new template for review."""
    template = TemplatesBackend(ctx).create(_submission(ctx.params))
    return {"TemplateCode": template.code, "TemplateName": template.name, "OrderId": template.order_id}


def get_sms_template(ctx: Context) -> dict[str, Any]:
    """One template's content and review details."""
    template = TemplatesBackend(ctx).find(_code(ctx.params))
    audit_info = {"RejectInfo": template.reject_info, "AuditDate": clock.console_date(template.reviewed_at)}
    answer: dict[str, Any] = {
        "TemplateCode": template.code,
        "TemplateName": template.name,
        "TemplateContent": template.content,
        "TemplateType": str(template.type),
        "IntlType": template.intl_type,
        "TemplateStatus": _WIRE_STATUS[template.status][0],
        "AuditInfo": {key: value for key, value in audit_info.items() if value is not None},
        "Remark": template.remark,
        "CreateDate": clock.console_date(template.created_at),
        "OrderId": template.order_id,
        "RelatedSignName": template.related_sign_name,
        "VariableAttribute": None
        if template.template_rule is None
        else json.dumps(template.template_rule, ensure_ascii=False, separators=(",", ":")),
    }
    return {key: value for key, value in answer.items() if value is not None}


def update_sms_template(ctx: Context) -> dict[str, Any]:
    """Change a rejected template and resubmit it for review."""
    code = _code(ctx.params)
    template = TemplatesBackend(ctx).update(code, _submission(ctx.params))
    return {"TemplateCode": template.code, "TemplateName": template.name, "OrderId": template.order_id}


def delete_sms_template(ctx: Context) -> dict[str, Any]:
    """Delete a template that is not under review."""
    code = _code(ctx.params)
    TemplatesBackend(ctx).delete(code)
    return {"TemplateCode": code}


def query_sms_template_list(ctx: Context) -> dict[str, Any]:
    """One page of the account's templates, oldest first (PageIndex from 1, PageSize 1-50, default 10)."""
    page = ctx.params.integer("PageIndex", low=1, high=MAX_PAGE_INDEX) or 1
    size = ctx.params.integer("PageSize", low=1, high=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    total, templates = TemplatesBackend(ctx).page(page, size)
    return {
        "SmsTemplateList": [_list_item(template) for template in templates],
        "TotalCount": total,
        "CurrentPage": page,
        "PageSize": size,
    }


def _code(params: Params) -> str:
    return params.required_text("TemplateCode", max_length=MAX_CODE_LENGTH)


def _submission(params: Params) -> TemplateFields:
    """The template fields of a Create/Update request."""
    name = params.text("TemplateName", required=False) or ""  # empty: MissingTemplateName, from the backend
    content = params.required_text("TemplateContent")
    remark = params.text("Remark", required=False) or None
    template_type = params.required_integer("TemplateType", low=0, high=INTERNATIONAL)
    intl_type = params.integer("IntlType")
    if template_type != INTERNATIONAL and intl_type is not None:
        raise invalid("IntlType", "applies only to international templates (TemplateType 3)")
    return TemplateFields(name=name, type=template_type, intl_type=intl_type, content=content, remark=remark,
                          related_sign_name=params.text("RelatedSignName", required=False) or None,
                          template_rule=_template_rule(params))  # fmt: skip


def _template_rule(params: Params) -> dict[str, str] | None:
    """TemplateRule as a mapping (``InvalidTemplateRule.Format`` unless a JSON object of strings); checks MoreData."""
    more_data = params.text("MoreData", required=False)
    if more_data is not None and not isinstance(_json(more_data), list):
        raise ApiError("InvalidMoreData", "MoreData must be a JSON list of file URLs.")
    text = params.text("TemplateRule", required=False)
    if text is None or not text.strip():
        return None
    rule = _json(text)
    if not isinstance(rule, dict) or not all(isinstance(value, str) for value in rule.values()):
        raise ApiError("InvalidTemplateRule.Format",
                       'TemplateRule must be a JSON object such as {"code": "numberCaptcha"}.')  # fmt: skip
    return {str(key): value for key, value in rule.items()}


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _list_item(template: Template) -> dict[str, Any]:
    item: dict[str, Any] = {
        "TemplateCode": template.code,
        "TemplateName": template.name,
        "TemplateContent": template.content,
        "TemplateType": _LIST_TEMPLATE_TYPE.get(template.type, template.type),
        "OuterTemplateType": template.type,
        "AuditStatus": _WIRE_STATUS[template.status][1],
        "CreateDate": clock.console_date(template.created_at),
        "OrderId": template.order_id,
    }
    if template.status == TemplateState.REJECTED:
        item["Reason"] = {"RejectInfo": template.reject_info, "RejectDate": clock.console_date(template.reviewed_at)}
    return item


OPERATIONS = {
    "CreateSmsTemplate": create_sms_template,
    "GetSmsTemplate": get_sms_template,
    "UpdateSmsTemplate": update_sms_template,
    "DeleteSmsTemplate": delete_sms_template,
    "QuerySmsTemplateList": query_sms_template_list,
}
