"""International sending (Dysmsapi 2018-05-01): SendMessageToGlobe, SendMessageWithTemplate, QueryMessage.

Every send goes through the account's settings, in this order: the destination country (from the
calling code of ``To``), an approved SenderID where the country requires one, the promotional quiet
hours (20:00-08:00 UTC), the daily/monthly halt thresholds of the BizType (1 Chinese mainland, 2 the
rest, including Hong Kong, Macao and Taiwan), and the per-number frequency limits. A refused message is
not recorded. An accepted one is delivered at once (status ``DELIVERED``) and counts towards the
thresholds; reaching a warning threshold alerts the account's contacts once per day or month.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import business, invalid, not_found
from pulumi_alisms.emulator.frequency import flow_limits
from pulumi_alisms.emulator.sender_ids import approved_sender_id, settle_registrations
from pulumi_alisms.emulator.templates import APPROVED, settle_templates
from pulumi_alisms.emulator.thresholds import usage
from pulumi_alisms.rules.countries import country_rules
from pulumi_alisms.rules.limits import BIZ_TYPE_CODES, BIZ_TYPES_BY_CODE
from pulumi_alisms.rules.mainland import beijing_time
from pulumi_alisms.rules.phone_numbers import PhoneNumber, country_name, parse_phone_number
from pulumi_alisms.rules.sender_ids import sender_id_problems
from pulumi_alisms.rules.templates import INTL_TYPE_KINDS, TEMPLATE_KINDS_BY_CODE, template_variables

VERSION = "2018-05-01"
# SendMessageToGlobe ``Type`` -> the message kind stored with the message.
MESSAGE_TYPES: dict[str, str] = {"OTP": "otp", "NOTIFY": "notification", "MKT": "promotional"}
DEFAULT_KIND = "notification"
# The vendor's per-number limit for notification and promotional messages (OTP limits are configurable).
NON_OTP_DAILY_LIMIT = 50
MARKETING_START_HOUR = 8
MARKETING_END_HOUR = 20
MAX_TASK_ID_LENGTH = 255
CARRIER = "alisms-emulator"
# Per-number windows: DEFAULT_FREQUENCY key, seconds, unit.
_FREQUENCY_WINDOWS = (("per_minute", 60, "minute"), ("per_hour", 3600, "hour"), ("per_day", 86400, "day"))
_DELIVERY_STATUS = {"DELIVERED": "1", "FAILED": "2"}  # QueryMessage Status; anything else is "3" (sending)

# GSM 03.38: the default alphabet, and the extension table whose characters take two septets.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def count_segments(text: str) -> int:
    """Billable parts: 160 GSM-7 septets (153 per part when longer), else 70 UCS-2 units (67 per part)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        units = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        single, part = GSM_SINGLE, GSM_PART
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = UCS2_SINGLE, UCS2_PART
    return 1 if units <= single else math.ceil(units / part)


@dataclass(frozen=True)
class Outgoing:
    """One message on its way out."""

    to: PhoneNumber
    sender: str | None
    body: str
    kind: str
    template_code: str | None = None
    signed: bool = False  # sent with a mainland signature (SendSms), which stands in for a SenderID

    @property
    def biz_type(self) -> str:
        """``1`` for the Chinese mainland, ``2`` for everywhere else."""
        return BIZ_TYPE_CODES["domestic" if self.to.country == "CN" else "international"]


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
    answer = deliver(ctx, Outgoing(to, sender, ctx.params.required_text("Message"), kind))
    return {**answer, "From": sender} if sender else answer


def send_message_with_template(ctx: Context) -> dict[str, Any]:
    """Send an approved template, its ``${variables}`` filled from TemplateParam."""
    to = _destination(ctx)
    sender = _sender(ctx, required=True)
    code = ctx.params.required_text("TemplateCode")
    ctx.params.text("SmsUpExtendCode", required=False)
    ctx.params.integer("ValidityPeriod", low=1)
    settle_templates(ctx)
    template = ctx.db.execute(
        "SELECT type, intl_type, content, status FROM templates WHERE account = ? AND code = ?", (ctx.account, code)
    ).fetchone()
    if template is None:
        raise not_found("isv.SMS_TEMPLATE_ILLEGAL", f"The template {code} does not exist in this account.")
    if template["status"] != APPROVED:
        raise business(
            "isv.SMS_TEMPLATE_ILLEGAL", f"The template {code} is not approved (status {template['status']})."
        )
    body = fill_template(code, template["content"], ctx.params.json_value("TemplateParam"))
    return deliver(ctx, Outgoing(to, sender, body, _template_kind(template["type"], template["intl_type"]), code))


def query_message(ctx: Context) -> dict[str, Any]:
    """The delivery report of one message."""
    message_id = ctx.params.required_text("MessageId")
    row = ctx.db.execute(
        "SELECT * FROM messages WHERE account = ? AND message_id = ?", (ctx.account, message_id)
    ).fetchone()
    if row is None:
        raise not_found("InvalidMessageId.NotFound", f"The message {message_id[:64]} does not exist in this account.")
    sent = format_datetime(datetime.fromtimestamp(row["sent_at"], UTC))
    delivered = row["status"] == "DELIVERED"
    answer = {
        "ResponseCode": "OK",
        "ResponseDescription": "OK",
        "MessageId": row["message_id"],
        "To": row["to_number"],
        "Message": row["body"],
        "Status": _DELIVERY_STATUS.get(row["status"], "3"),
        "ErrorCode": "DELIVERED" if delivered else row["error_code"],
        "ErrorDescription": "success" if delivered else row["error_code"],
        "SendDate": sent,
        "ReceiveDate": sent if delivered else None,
        "NumberDetail": _number_detail(row["country"]),
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
    problems = sender_id_problems("From", sender)
    if problems:
        raise invalid("From", problems[0].message)
    return sender


def _template_kind(template_type: int, intl_type: int | None) -> str:
    kind = TEMPLATE_KINDS_BY_CODE.get(template_type, DEFAULT_KIND)
    if kind == "international":
        return INTL_TYPE_KINDS.get(intl_type, DEFAULT_KIND) if intl_type is not None else DEFAULT_KIND
    return kind


def fill_template(code: str, content: str, values: Any) -> str:
    """The template content with every ``${name}`` replaced; a variable without a value is refused."""
    values = {} if values is None else values
    if not isinstance(values, dict):
        raise invalid("TemplateParam", 'must be a JSON object such as {"code":"123456"}')
    for name in template_variables(content):
        value = values.get(name)
        if value is None:
            raise business("isv.TEMPLATE_MISSING_PARAMETERS",
                           f"TemplateParam has no value for ${{{name}}} of the template {code}.")  # fmt: skip
        if isinstance(value, dict | list):
            raise invalid("TemplateParam", f"the value of {name!r} must be text or a number")
        content = content.replace(f"${{{name}}}", str(value))
    return content


def deliver(ctx: Context, out: Outgoing) -> dict[str, Any]:
    """Apply the account's rules to one message, record it and raise the warnings it triggers.

    Mainland sending (``backends/mainland_sending.py``) delivers through here too, so limits count every message.
    """
    _check_sender_id(ctx, out)
    _check_marketing_hours(ctx, out)
    limits = ctx.db.execute(
        "SELECT * FROM thresholds WHERE account = ? AND biz_type = ?", (ctx.account, out.biz_type)
    ).fetchone()
    used = usage(ctx, out.biz_type)
    _check_halt(out, limits, used["DailyTotal"], used["MonthlyTotal"])
    _check_frequency(ctx, out)
    message_id = f"{uuid.uuid4().int % 10**20:020d}"
    segments = count_segments(out.body)
    ctx.db.execute(
        "INSERT INTO messages (account, message_id, to_number, sender, country, biz_type, body, kind, template_code, "
        "status, error_code, segments, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'DELIVERED', NULL, ?, ?)",
        (ctx.account, message_id, out.to.digits, out.sender, out.to.country, out.biz_type, out.body, out.kind,
         out.template_code, segments, ctx.now),
    )  # fmt: skip
    if limits is not None:
        _raise_warnings(ctx, out, limits, used["DailyTotal"] + 1, used["MonthlyTotal"] + 1)
    return {
        "ResponseCode": "OK",
        "ResponseDescription": "OK",
        "MessageId": message_id,
        "To": out.to.digits,
        "Segments": str(segments),
        "NumberDetail": _number_detail(out.to.country),
    }


def _check_sender_id(ctx: Context, out: Outgoing) -> None:
    rules = country_rules(out.to.country)
    if out.signed or rules is None or rules.registration != "required":
        return
    settle_registrations(ctx)
    if out.sender is None or not approved_sender_id(ctx, out.to.country, out.sender):
        shown = f"sender ID {out.sender!r}" if out.sender else "no sender ID (From)"
        raise business("isv.SENDER_ID_NOT_REGISTERED",
                       f"{country_name(out.to.country)} ({out.to.country}) requires a registered sender ID, and "
                       f"{shown} has no approved registration for {out.to.country}.")  # fmt: skip


def _check_marketing_hours(ctx: Context, out: Outgoing) -> None:
    # The mainland's quiet hours are Beijing time (UTC+8); elsewhere this emulator applies them in UTC.
    moment = beijing_time(ctx.now) if out.to.country == "CN" else datetime.fromtimestamp(ctx.now, UTC)
    zone = "Beijing time, UTC+8" if out.to.country == "CN" else "UTC"
    if out.kind == "promotional" and not MARKETING_START_HOUR <= moment.hour < MARKETING_END_HOUR:
        raise business("isv.MARKETING_TIME_LIMIT", f"Promotional messages cannot be sent from {MARKETING_END_HOUR}:00 "
                       f"to {MARKETING_START_HOUR:02d}:00 ({zone}); it is {moment.hour:02d}:xx.")  # fmt: skip


def _check_halt(out: Outgoing, limits: Any, daily: int, monthly: int) -> None:
    if limits is None:
        return
    scope = BIZ_TYPES_BY_CODE[out.biz_type]
    for code, period, limit, count, when in (
        ("isv.DAY_LIMIT_CONTROL", "daily", limits["daily_halt"], daily, "today"),
        ("isv.MONTH_LIMIT_CONTROL", "monthly", limits["monthly_halt"], monthly, "this month"),
    ):
        if limit is not None and count >= limit:
            raise business(code, f"sending suspended: {period} suspension threshold {limit} reached "
                           f"({count} {scope} messages sent {when}, UTC)")  # fmt: skip


def _check_frequency(ctx: Context, out: Outgoing) -> None:
    """Per-number limits: the BizType's OTP minute/hour/day limits, or the fixed daily limit for other kinds."""
    if out.kind == "otp":
        limits = flow_limits(ctx, out.biz_type)
        kinds: tuple[str, ...] = ("otp",)
    else:
        limits = {"per_day": NON_OTP_DAILY_LIMIT}
        kinds = ("notification", "promotional")
    label = "OTP" if out.kind == "otp" else "notification and promotional"
    for name, seconds, unit in _FREQUENCY_WINDOWS:
        limit = limits.get(name)
        if limit is None:
            continue
        count = ctx.db.execute(
            f"SELECT COUNT(*) FROM messages WHERE account = ? AND to_number = ? AND sent_at > ? "
            f"AND kind IN ({', '.join('?' * len(kinds))})",
            (ctx.account, out.to.digits, ctx.now - seconds, *kinds),
        ).fetchone()[0]
        if count >= limit:
            raise business("isv.BUSINESS_LIMIT_CONTROL",
                           f"{name.replace('_', '-')} limit reached: {count} {label} messages to {out.to.digits} "
                           f"in the last {unit}; the limit is {limit}.")  # fmt: skip


def _raise_warnings(ctx: Context, out: Outgoing, limits: Any, daily: int, monthly: int) -> None:
    """Alert the contacts once per period when a send brings usage to a warning threshold."""
    moment = datetime.fromtimestamp(ctx.now, UTC)
    scope = BIZ_TYPES_BY_CODE[out.biz_type]
    for period, label, limit, count, halt in (
        (moment.strftime("%Y-%m-%d"), "daily", limits["daily_warning"], daily, limits["daily_halt"]),
        (moment.strftime("%Y-%m"), "monthly", limits["monthly_warning"], monthly, limits["monthly_halt"]),
    ):
        if limit is None or count < limit:
            continue
        first = ctx.db.execute(
            "INSERT OR IGNORE INTO alerts_sent (account, kind, period) VALUES (?, ?, ?)",
            (ctx.account, f"{scope}_{label}_warning", period),
        ).rowcount
        if not first:
            continue
        subject = f"SMS {label} sending volume warning ({scope})"
        suspension = f" Sending is suspended at {halt}." if halt is not None else ""
        body = (f"{count} {scope} SMS messages were sent in {period} (UTC), reaching the {label} warning "
                f"threshold of {limit}.{suspension}")  # fmt: skip
        contacts = ctx.db.execute(
            "SELECT phone, email FROM contacts WHERE account = ? AND send_warning = 1 ORDER BY id", (ctx.account,)
        ).fetchall()
        for contact in contacts:
            ctx.record_outbox("sms", contact["phone"], subject, body)
            ctx.record_outbox("email", contact["email"], subject, body)


def _number_detail(country: str | None) -> dict[str, str]:
    name = country_name(country) if country else "Unknown"
    return {"Country": name, "Region": name, "Carrier": CARRIER}


OPERATIONS = {
    "SendMessageToGlobe": send_message_to_globe,
    "SendMessageWithTemplate": send_message_with_template,
    "QueryMessage": query_message,
}
