"""Chinese-mainland sending (Dysmsapi 2017-05-25): SendSms, SendBatchSms, QuerySendDetails.

SendSms takes up to 1000 comma-separated numbers, SendBatchSms up to 100 numbers with one signature and one
set of variable values each (JSON arrays of equal length). Numbers are mainland mobile numbers with or without
``+86`` / ``0086`` / ``86``; others are ``isv.MOBILE_NUMBER_ILLEGAL`` (this emulator sends abroad with
Dysmsapi 2018-05-01). QuerySendDetails reports ``SendStatus`` 3 (delivered) with ``ErrCode`` DELIVERED for the
messages to one number on one Beijing date (``yyyyMMdd``, the last 30 days), dates as Beijing time.
"""

from datetime import datetime, timedelta
from typing import Any

from pulumi_alisms.emulator.backends.mainland_sending import MainlandSendingBackend, Recipient
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import business, invalid
from pulumi_alisms.emulator.responses.common import page
from pulumi_alisms.rules.mainland import beijing_time, mainland_mobile

VERSION = "2017-05-25"
MAX_SEND_SMS_NUMBERS = 1000
MAX_BATCH_NUMBERS = 100
MAX_OUT_ID_LENGTH = 256
QUERY_DAYS = 30
DELIVERED_STATUS = 3  # SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered


def _number(text: str) -> str:
    phone = mainland_mobile(text)
    if phone is None:
        raise business("isv.MOBILE_NUMBER_ILLEGAL", f"{text[:32]!r} is not a Chinese-mainland mobile number such "
                       "as 13900001234 (with or without +86, 0086 or 86).")  # fmt: skip
    return phone


def _values(name: str, value: Any) -> dict[str, Any]:
    """A message's variable values: a JSON object (absent means none)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(name, 'must be a JSON object such as {"code":"123456"} (one per number in TemplateParamJson)')
    return value


def _out_id(ctx: Context) -> str | None:
    return ctx.params.text("OutId", required=False, max_length=MAX_OUT_ID_LENGTH) or None


def send_sms(ctx: Context) -> dict[str, Any]:
    """Send one approved template with one signature to one or more numbers."""
    numbers = [part.strip() for part in ctx.params.required_text("PhoneNumbers").split(",")]
    if len(numbers) > MAX_SEND_SMS_NUMBERS:
        raise business("isv.MOBILE_COUNT_OVER_LIMIT",
                       f"SendSms takes at most {MAX_SEND_SMS_NUMBERS} numbers, got {len(numbers)}.")  # fmt: skip
    sign_name = ctx.params.required_text("SignName")
    template_code = ctx.params.required_text("TemplateCode", max_length=64)
    values = _values("TemplateParam", ctx.params.json_value("TemplateParam"))
    ctx.params.text("SmsUpExtendCode", required=False)
    recipients = [Recipient(_number(number), sign_name, values) for number in numbers]
    return {"BizId": MainlandSendingBackend(ctx).send(template_code, recipients, _out_id(ctx))}


def _json_array(ctx: Context, name: str, *, required: bool, length: int | None = None) -> list[Any] | None:
    value = ctx.params.json_value(name, required=required)
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid(name, "must be a JSON array")
    if length is not None and len(value) != length:
        raise invalid(name, f"must have one entry per number of PhoneNumberJson ({length}), got {len(value)}")
    return value


def send_batch_sms(ctx: Context) -> dict[str, Any]:
    """Send one approved template to up to 100 numbers, each with its own signature and variable values."""
    numbers = _json_array(ctx, "PhoneNumberJson", required=True) or []
    if not numbers:
        raise invalid("PhoneNumberJson", "must name at least one number")
    if len(numbers) > MAX_BATCH_NUMBERS:
        raise business("isv.MOBILE_COUNT_OVER_LIMIT",
                       f"SendBatchSms takes at most {MAX_BATCH_NUMBERS} numbers, got {len(numbers)}.")  # fmt: skip
    sign_names = _json_array(ctx, "SignNameJson", required=True, length=len(numbers)) or []
    values = _json_array(ctx, "TemplateParamJson", required=False, length=len(numbers)) or [None] * len(numbers)
    _json_array(ctx, "SmsUpExtendCodeJson", required=False, length=len(numbers))
    template_code = ctx.params.required_text("TemplateCode", max_length=64)
    if not all(isinstance(item, str) for item in (*numbers, *sign_names)):
        raise invalid("PhoneNumberJson", "numbers and signature names must be strings")
    recipients = [
        Recipient(_number(number), sign, _values("TemplateParamJson", value))
        for number, sign, value in zip(numbers, sign_names, values, strict=True)
    ]
    return {"BizId": MainlandSendingBackend(ctx).send(template_code, recipients, _out_id(ctx))}


def query_send_details(ctx: Context) -> dict[str, Any]:
    """The delivery records of one number on one day, oldest first."""
    phone = _number(ctx.params.required_text("PhoneNumber"))
    send_date = ctx.params.required_text("SendDate")
    try:
        day = datetime.strptime(send_date, "%Y%m%d").date()
    except ValueError:
        raise invalid("SendDate", f"must be a date yyyyMMdd such as 20250601, got {send_date[:20]!r}") from None
    today = beijing_time(ctx.now).date()
    if not today - timedelta(days=QUERY_DAYS - 1) <= day <= today:
        raise invalid("SendDate", f"records are kept for the last {QUERY_DAYS} days (Beijing time); got {send_date}")
    number, size = page(ctx, "CurrentPage", required=True)
    biz_id = ctx.params.text("BizId", required=False) or None
    total, records = MainlandSendingBackend(ctx).details(phone, send_date, biz_id, number, size)
    details = []
    for record in records:
        sent = beijing_time(record.sent_at).strftime("%Y-%m-%d %H:%M:%S")
        detail = {"PhoneNum": record.phone, "SendStatus": DELIVERED_STATUS, "ErrCode": "DELIVERED",
                  "TemplateCode": record.template_code, "Content": record.content, "SendDate": sent,
                  "ReceiveDate": sent, "OutId": record.out_id}  # fmt: skip
        details.append({key: value for key, value in detail.items() if value is not None})
    return {"TotalCount": str(total), "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}}


OPERATIONS = {
    "SendSms": send_sms,
    "SendBatchSms": send_batch_sms,
    "QuerySendDetails": query_send_details,
}
