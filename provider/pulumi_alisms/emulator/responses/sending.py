"""International sending (Dysmsapi 2018-05-01): SendMessageToGlobe, SendMessageWithTemplate, QueryMessage.

The destination country comes from the calling code of ``To``; the rules every message then passes are
:mod:`pulumi_alisms.emulator.backends.sending`'s. Business errors (``isv.*``) are HTTP 200 with the code
in the body (and in ``ResponseCode``).
"""

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from pulumi_alisms.emulator.backends.sending import DELIVERED, Message, Outgoing, SendingBackend
from pulumi_alisms.emulator.backends.templates import TemplatesBackend, TemplateState
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import business, invalid, not_found, refuse_problems
from pulumi_alisms.rules.phone_numbers import PhoneNumber, country_name, parse_phone_number
from pulumi_alisms.rules.sender_ids import sender_id_problems

VERSION = "2018-05-01"
# SendMessageToGlobe ``Type`` -> the message kind stored with the message.
MESSAGE_TYPES: dict[str, str] = {"OTP": "otp", "NOTIFY": "notification", "MKT": "promotional"}
DEFAULT_KIND = "notification"
MAX_TASK_ID_LENGTH = 255
CARRIER = "alisms-emulator"
_DELIVERY_STATUS = {DELIVERED: "1", "FAILED": "2"}  # QueryMessage Status; anything else is "3" (sending)


def send_message_to_globe(ctx: Context) -> dict[str, Any]:
    """Send a text to a number outside the Chinese mainland."""
    to = _destination(ctx)
    if to.country == "CN":
        raise business("isv.MAINLAND_NOT_SUPPORTED", f"SendMessageToGlobe cannot send to the Chinese mainland "
                       f"({to.digits}); use SendMessageWithTemplate with an approved template")  # fmt: skip
    sender = _sender(ctx, required=False)
    message_type = ctx.params.text("Type", required=False) or None
    if message_type is not None and message_type not in MESSAGE_TYPES:
        raise invalid("Type", f"must be one of {', '.join(MESSAGE_TYPES)}, got {message_type[:20]!r}")
    ctx.params.text("TaskId", required=False, max_length=MAX_TASK_ID_LENGTH)
    ctx.params.integer("ValidityPeriod", low=1)
    kind = MESSAGE_TYPES[message_type] if message_type else DEFAULT_KIND
    answer = _sent(SendingBackend(ctx).send(Outgoing(to, sender, ctx.params.required_text("Message"), kind)))
    return {**answer, "From": sender} if sender else answer


def send_message_with_template(ctx: Context) -> dict[str, Any]:
    """Send an approved template, its ``${variables}`` filled from TemplateParam."""
    to = _destination(ctx)
    sender = _sender(ctx, required=True)
    code = ctx.params.required_text("TemplateCode")
    ctx.params.text("SmsUpExtendCode", required=False)
    ctx.params.integer("ValidityPeriod", low=1)
    values = ctx.params.json_value("TemplateParam")
    values = {} if values is None else values
    if not isinstance(values, dict):
        raise invalid("TemplateParam", 'must be a JSON object such as {"code":"123456"}')
    template = TemplatesBackend(ctx).get(code)
    if template is None:
        raise not_found("isv.SMS_TEMPLATE_ILLEGAL", f"The template {code} does not exist in this account.")
    if template.status != TemplateState.APPROVED:
        raise business("isv.SMS_TEMPLATE_ILLEGAL", f"The template {code} is not approved (status {template.status}).")
    body = template.fill(values)
    return _sent(SendingBackend(ctx).send(Outgoing(to, sender, body, template.message_kind, code)))


def query_message(ctx: Context) -> dict[str, Any]:
    """The delivery report of one message."""
    message = SendingBackend(ctx).get(ctx.params.required_text("MessageId"))
    sent = format_datetime(datetime.fromtimestamp(message.sent_at, UTC))
    delivered = message.status == DELIVERED
    answer = {
        "ResponseCode": "OK",
        "ResponseDescription": "OK",
        "MessageId": message.message_id,
        "To": message.to_number,
        "Message": message.body,
        "Status": _DELIVERY_STATUS.get(message.status, "3"),
        "ErrorCode": "DELIVERED" if delivered else message.error_code,
        "ErrorDescription": "success" if delivered else message.error_code,
        "SendDate": sent,
        "ReceiveDate": sent if delivered else None,
        "NumberDetail": _number_detail(message.country),
    }
    return {key: value for key, value in answer.items() if value is not None}


def _destination(ctx: Context) -> PhoneNumber:
    to = ctx.params.required_text("To")
    number = parse_phone_number(to)
    if number is None:
        raise business("isv.MOBILE_NUMBER_ILLEGAL", f"The number {to[:32]!r} is not an international mobile number "
                       "with a known calling code, such as 6281234567890.")  # fmt: skip
    return number


def _sender(ctx: Context, *, required: bool) -> str | None:
    sender = ctx.params.text("From", required=required)
    if not sender:
        return None
    refuse_problems("From", sender_id_problems("From", sender))
    return sender


def _sent(message: Message) -> dict[str, Any]:
    return {
        "ResponseCode": "OK",
        "ResponseDescription": "OK",
        "MessageId": message.message_id,
        "To": message.to_number,
        "Segments": str(message.segments),
        "NumberDetail": _number_detail(message.country),
    }


def _number_detail(country: str | None) -> dict[str, str]:
    name = country_name(country) if country else "Unknown"
    return {"Country": name, "Region": name, "Carrier": CARRIER}


OPERATIONS = {
    "SendMessageToGlobe": send_message_to_globe,
    "SendMessageWithTemplate": send_message_with_template,
    "QueryMessage": query_message,
}
