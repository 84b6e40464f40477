"""International sending (Dysmsapi 2018-05-01): SendMessageToGlobe, BatchSendMessageToGlobe,
SendMessageWithTemplate, QueryMessage.

SendMessageToGlobe and BatchSendMessageToGlobe send outside the Chinese mainland, ``From`` a SenderID
(letters and digits); SendMessageWithTemplate sends an approved mainland template only to the mainland,
``From`` an approved SMS signature (which may be Chinese). The destination country comes from the calling
code of ``To``; the rules every message then passes are :mod:`pulumi_alisms.emulator.backends.sending`'s.
Errors use Alibaba's international codes (no ``isv.`` prefix) with HTTP 200, the code in ``ResponseCode``.
"""

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from pulumi_alisms.emulator.backends.sending import DELIVERED, Message, Outgoing, SendingBackend
from pulumi_alisms.emulator.backends.templates import MISSING_PARAMETERS, TemplatesBackend, TemplateState
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, business, invalid
from pulumi_alisms.rules.phone_numbers import PhoneNumber, country_name, parse_phone_number
from pulumi_alisms.rules.sender_ids import sender_id_problems
from pulumi_alisms.rules.sending import MAX_BATCH_NUMBERS, is_mainland

VERSION = "2018-05-01"
# SendMessageToGlobe ``Type`` -> the message kind stored with the message.
MESSAGE_TYPES: dict[str, str] = {"OTP": "otp", "NOTIFY": "notification", "MKT": "promotional"}
DEFAULT_KIND = "notification"
MAX_TASK_ID_LENGTH = 255
CARRIER = "alisms-emulator"
_DELIVERY_STATUS = {DELIVERED: "1", "FAILED": "2"}  # QueryMessage Status; anything else is "3" (sending)


def send_message_to_globe(ctx: Context) -> dict[str, Any]:
    """Send a text to a number outside the Chinese mainland."""
    to = _abroad(_number(ctx.params.required_text("To")))
    sender, kind = _globe_parameters(ctx)
    answer = _sent(SendingBackend(ctx).send(Outgoing(to, sender, ctx.params.required_text("Message"), kind)))
    return {**answer, "From": sender} if sender else answer


def batch_send_message_to_globe(ctx: Context) -> dict[str, Any]:
    """Send one text to up to 1,000 numbers outside the mainland; the numbers refused are the ``FailedList``."""
    numbers = ctx.params.json_value("To", required=True)
    if not isinstance(numbers, list) or not all(isinstance(number, str) for number in numbers):
        raise invalid("To", 'must be a JSON array of numbers such as ["6591234567","447700900123"]')
    if len(numbers) > MAX_BATCH_NUMBERS:
        raise business("MOBILE_COUNT_OVER_LIMIT", f"at most {MAX_BATCH_NUMBERS} numbers a request, got {len(numbers)}")
    sender, kind = _globe_parameters(ctx)
    text = ctx.params.required_text("Message")
    backend = SendingBackend(ctx)
    sent: list[str] = []
    failed: list[str] = []
    for number in numbers:
        try:
            sent.append(backend.send(Outgoing(_abroad(_number(number)), sender, text, kind)).message_id)
        except ApiError as refusal:
            if refusal.status != 200:
                raise
            failed.append(number)
    answer = {
        "ResponseCode": "OK",
        "ResponseDescription": "OK",
        "MessageIdList": json.dumps(sent),
        "FailedList": json.dumps(failed),
        "SuccessCount": str(len(sent)),
    }
    return {**answer, "From": sender} if sender else answer


def send_message_with_template(ctx: Context) -> dict[str, Any]:
    """Send an approved mainland template to the Chinese mainland, ``${variables}`` filled from TemplateParam."""
    to = _number(ctx.params.required_text("To"))
    if not is_mainland(to):
        raise business("NOT_SUPPORTED_COUNTRY", f"SendMessageWithTemplate sends only to the Chinese mainland (86); "
                       f"{to.digits} is in {country_name(to.country)}: use SendMessageToGlobe")  # fmt: skip
    sign_name = ctx.params.required_text("From")
    code = ctx.params.required_text("TemplateCode")
    ctx.params.text("SmsUpExtendCode", required=False)
    ctx.params.text("ChannelId", required=False)
    ctx.params.integer("ValidityPeriod", low=1)
    values = ctx.params.json_value("TemplateParam")
    values = {} if values is None else values
    if not isinstance(values, dict):
        raise invalid("TemplateParam", 'must be a JSON object such as {"code":"123456"}')
    template = TemplatesBackend(ctx).get(code)
    if template is None or template.intl_type is not None:
        raise business("SMS_CONTENT_CODE_ILLEGAL", f"The template {code[:40]} is not a mainland template of this "
                       "account.")  # fmt: skip
    if template.status != TemplateState.APPROVED:
        raise business("SMS_CONTENT_CODE_ILLEGAL", f"The template {code} is not approved (status {template.status}).")
    try:
        body = template.fill(values)
    except ApiError as refused:
        if refused.code != MISSING_PARAMETERS:
            raise
        raise business("CONTENT_MISSING_PARAMETERS", refused.message) from None  # the 2018-05-01 spelling
    return _sent(SendingBackend(ctx).send(Outgoing(to, sign_name, body, template.message_kind, code)))


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


def _number(to: str) -> PhoneNumber:
    number = parse_phone_number(to)
    if number is None:
        raise business("MOBILE_NUMBER_ILLEGAL", f"The number {to[:32]!r} is not an international mobile number "
                       "with a known calling code, such as 6281234567890.")  # fmt: skip
    return number


def _abroad(number: PhoneNumber) -> PhoneNumber:
    if is_mainland(number):
        raise business("NOT_SUPPORTED_COUNTRY", f"SendMessageToGlobe cannot send to the Chinese mainland "
                       f"({number.digits}); use SendMessageWithTemplate with an approved template")  # fmt: skip
    return number


def _globe_parameters(ctx: Context) -> tuple[str | None, str]:
    """The SenderID (``From``, letters and digits) and the message kind of a SendMessageToGlobe-style request."""
    sender = ctx.params.text("From", required=False) or None
    if sender is not None:
        problems = sender_id_problems("From", sender)
        if problems:
            raise business("INVALID_SENDERID", f"The sender ID (From) is invalid: {problems[0].message}")
    message_type = ctx.params.text("Type", required=False) or None
    if message_type is not None and message_type not in MESSAGE_TYPES:
        raise invalid("Type", f"must be one of {', '.join(MESSAGE_TYPES)}, got {message_type[:20]!r}")
    ctx.params.text("TaskId", required=False, max_length=MAX_TASK_ID_LENGTH)
    ctx.params.text("ChannelId", required=False)
    ctx.params.integer("ValidityPeriod", low=1)
    return sender, MESSAGE_TYPES[message_type] if message_type else DEFAULT_KIND


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
    "BatchSendMessageToGlobe": batch_send_message_to_globe,
    "SendMessageWithTemplate": send_message_with_template,
    "QueryMessage": query_message,
}
