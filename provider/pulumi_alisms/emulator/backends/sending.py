"""Sending: the messages the account sends, the rules each one passes, and the volume warnings they raise.

Every message goes through the account's settings, in this order: outside the Chinese mainland an
approved SenderID where the destination country requires one; to the mainland an approved SMS
signature and the promotional quiet hours (20:00-08:00 mainland time, UTC+8); the daily/monthly halt
thresholds of the BizType (1 Chinese mainland, 2 the rest, including Hong Kong, Macao and Taiwan); the
fraud prevention limits when the switch is on; and the per-number frequency limits. A refused message
is not recorded. An accepted one is delivered at once (status ``DELIVERED``) and counts towards the
thresholds; reaching a warning threshold alerts the account's contacts once per day or month.

Refusals carry Alibaba's international codes (no ``isv.`` prefix), as the 2018-05-01 API answers them;
a message sent by SendSms (Dysmsapi 2017-05-25, ``Outgoing.signed``) gets the domestic spelling of the same
refusal (``_DOMESTIC_CODES``).
"""

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from pulumi_alisms.emulator.backends._base import Backend, from_row
from pulumi_alisms.emulator.backends.contacts import ContactsBackend
from pulumi_alisms.emulator.backends.fraud import FraudBackend
from pulumi_alisms.emulator.backends.frequency import FrequencyBackend
from pulumi_alisms.emulator.backends.sender_ids import SenderIdsBackend
from pulumi_alisms.emulator.backends.signatures import SignaturesBackend
from pulumi_alisms.emulator.backends.thresholds import Thresholds, ThresholdsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, business, not_found
from pulumi_alisms.rules.countries import country_rules
from pulumi_alisms.rules.limits import BIZ_TYPE_CODES, BIZ_TYPES_BY_CODE
from pulumi_alisms.rules.phone_numbers import PhoneNumber, country_name
from pulumi_alisms.rules.sending import (
    INTERNATIONAL_DAILY_LIMIT,
    MAINLAND_NON_OTP_DAILY_LIMIT,
    PROMOTIONAL_END_HOUR,
    PROMOTIONAL_START_HOUR,
    is_mainland,
    promotional_hours_allow,
)
from pulumi_alisms.rules.statuses import ReviewStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    account TEXT NOT NULL, message_id TEXT NOT NULL, to_number TEXT NOT NULL, sender TEXT,
    country TEXT, biz_type TEXT NOT NULL, body TEXT NOT NULL, kind TEXT NOT NULL, template_code TEXT,
    status TEXT NOT NULL, error_code TEXT, segments INTEGER NOT NULL, sent_at REAL NOT NULL,
    PRIMARY KEY (account, message_id));
CREATE INDEX IF NOT EXISTS messages_usage ON messages (account, biz_type, sent_at);
CREATE INDEX IF NOT EXISTS messages_number ON messages (account, to_number, sent_at);
CREATE TABLE IF NOT EXISTS alerts_sent (
    account TEXT NOT NULL, kind TEXT NOT NULL, period TEXT NOT NULL, PRIMARY KEY (account, kind, period));
"""
DELIVERED = "DELIVERED"
# International refusal (2018-05-01) -> the code SendSms (2017-05-25) answers for it.
_DOMESTIC_CODES: dict[str, str] = {
    "BUSINESS_LIMIT_CONTROL_MINUTE": "isv.BUSINESS_LIMIT_CONTROL",
    "BUSINESS_LIMIT_CONTROL_HOUR": "isv.BUSINESS_LIMIT_CONTROL",
    "BUSINESS_LIMIT_CONTROL_DAY": "isv.BUSINESS_LIMIT_CONTROL",
    "MARKETING_TIME_LIMIT": "isv.MARKETING_TIME_LIMIT",
    "DAY_LIMIT_CONTROL": "isv.DAY_LIMIT_CONTROL",
    "MONTH_LIMIT_CONTROL": "isv.MONTH_LIMIT_CONTROL",
    "SMS_SECURITY_INTERCEPTED": "isv.SMS_SECURITY_INTERCEPTED",
}
# Per-number windows: rules.limits frequency field, seconds, unit.
_FREQUENCY_WINDOWS = (("per_minute", 60, "minute"), ("per_hour", 3600, "hour"), ("per_day", 86400, "day"))

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
    sender: str | None  # the SenderID outside the mainland, the SMS signature to it
    body: str
    kind: str  # "otp" | "notification" | "promotional"
    template_code: str | None = None
    signed: bool = False  # sent by SendSms with a mainland signature (checked there), which stands in for a SenderID

    def refused(self, code: str, message: str) -> ApiError:
        """The refusal of this message in the spelling of the API that sends it."""
        return business(_DOMESTIC_CODES.get(code, code) if self.signed else code, message)

    @property
    def biz_type(self) -> str:
        """``1`` for the Chinese mainland, ``2`` for everywhere else."""
        return BIZ_TYPE_CODES["domestic" if is_mainland(self.to) else "international"]


@dataclass(frozen=True)
class Message:
    """One message the account sent."""

    message_id: str
    to_number: str
    sender: str | None
    country: str | None
    biz_type: str
    body: str
    kind: str
    template_code: str | None
    status: str  # DELIVERED (a failed delivery would be FAILED, with an error code)
    error_code: str | None
    segments: int
    sent_at: float


class SendingBackend(Backend):
    """The account's messages: the only code that reads or writes the ``messages`` and ``alerts_sent`` tables."""

    def send(self, out: Outgoing) -> Message:
        """Apply the account's rules to one message, record it and raise the warnings it triggers."""
        if is_mainland(out.to):
            self._check_signature(out)
            self._check_promotional_hours(out)
        else:
            self._check_sender_id(out)
        limits = ThresholdsBackend(self.ctx).get(out.biz_type)
        used = self.usage(out.biz_type)
        _check_halt(out, limits, used["DailyTotal"], used["MonthlyTotal"])
        self._check_fraud_prevention(out)
        self._check_frequency(out)
        message_id = f"{uuid.uuid4().int % 10**20:020d}"
        self.ctx.db.execute(
            "INSERT INTO messages (account, message_id, to_number, sender, country, biz_type, body, kind, "
            "template_code, status, error_code, segments, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (self.ctx.account, message_id, out.to.digits, out.sender, out.to.country, out.biz_type, out.body, out.kind,
             out.template_code, DELIVERED, count_segments(out.body), self.ctx.now),
        )  # fmt: skip
        self._raise_warnings(out, limits, used["DailyTotal"] + 1, used["MonthlyTotal"] + 1)
        return self.get(message_id)

    def get(self, message_id: str) -> Message:
        """One message, or ``InvalidMessageId.NotFound``."""
        row = self.ctx.db.execute(
            "SELECT * FROM messages WHERE account = ? AND message_id = ?", (self.ctx.account, message_id)
        ).fetchone()
        if row is None:
            raise not_found(
                "InvalidMessageId.NotFound", f"The message {message_id[:64]} does not exist in this account."
            )
        return from_row(Message, row)

    def usage(self, biz_type: str) -> dict[str, int]:
        """Messages sent (total and successful) today and this month (UTC) for one BizType."""
        moment = datetime.fromtimestamp(self.ctx.now, UTC)
        day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        month_start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()
        counts: dict[str, int] = {}
        for period, start in (("Daily", day_start), ("Monthly", month_start)):
            row = self.ctx.db.execute(
                "SELECT COUNT(*) AS total, COALESCE(SUM(status = ?), 0) AS success FROM messages "
                "WHERE account = ? AND biz_type = ? AND sent_at >= ?",
                (DELIVERED, self.ctx.account, biz_type, start),
            ).fetchone()
            counts[f"{period}Total"] = int(row["total"])
            counts[f"{period}Success"] = int(row["success"])
        return counts

    def _check_sender_id(self, out: Outgoing) -> None:
        rules = country_rules(out.to.country)
        if out.signed or rules is None or rules.registration != "required":
            return
        if out.sender is None or not SenderIdsBackend(self.ctx).is_approved(out.to.country, out.sender):
            shown = f"sender ID {out.sender!r}" if out.sender else "no sender ID (From)"
            raise out.refused("INVALID_SENDERID",
                           f"{country_name(out.to.country)} ({out.to.country}) requires a registered sender ID, and "
                           f"{shown} has no approved registration for {out.to.country}.")  # fmt: skip

    def _check_signature(self, out: Outgoing) -> None:
        if out.signed:
            return
        if out.sender is None or not signature_approved(self.ctx, out.sender):
            raise business("SMS_SIGN_NAME_ILLEGAL", f"The SMS signature {str(out.sender)[:40]!r} is not an "
                           "approved signature of this account.")  # fmt: skip

    def _check_promotional_hours(self, out: Outgoing) -> None:
        if out.kind == "promotional" and not promotional_hours_allow(self.ctx.now):
            raise out.refused("MARKETING_TIME_LIMIT",
                           f"Promotional messages to the Chinese mainland cannot be sent from {PROMOTIONAL_END_HOUR}"
                           f":00 to {PROMOTIONAL_START_HOUR:02d}:00 Beijing time (UTC+8).")  # fmt: skip

    def _check_fraud_prevention(self, out: Outgoing) -> None:
        """With the switch on, verification messages beyond the hourly limit or its growth rate are intercepted."""
        fraud = FraudBackend(self.ctx)
        limits = fraud.get()
        if out.kind != "otp" or limits is None or not fraud.is_open():
            return
        this_hour, last_hour = (self._count(out.biz_type, ("otp",), start, start + 3600)
                                for start in (self.ctx.now - 3600, self.ctx.now - 7200))  # fmt: skip
        growth_limit = last_hour * (100 + limits.increase_rate) / 100
        if this_hour >= limits.hour_limit or (last_hour and this_hour + 1 > growth_limit):
            raise out.refused("SMS_SECURITY_INTERCEPTED",
                           f"Fraud prevention intercepted the message: {this_hour} verification messages in the last "
                           f"hour ({last_hour} the hour before); the limits are {limits.hour_limit} an hour and "
                           f"{limits.increase_rate}% growth.")  # fmt: skip

    def _count(self, biz_type: str, kinds: tuple[str, ...], start: float, end: float, to: str | None = None) -> int:
        """Messages of these kinds sent in ``(start, end]``, to one number or to any."""
        number = "" if to is None else " AND to_number = ?"
        return int(self.ctx.db.execute(
            f"SELECT COUNT(*) FROM messages WHERE account = ? AND biz_type = ? AND sent_at > ? AND sent_at <= ? "
            f"AND kind IN ({', '.join('?' * len(kinds))}){number}",
            (self.ctx.account, biz_type, start, end, *kinds, *(() if to is None else (to,))),
        ).fetchone()[0])  # fmt: skip

    def _check_frequency(self, out: Outgoing) -> None:
        """Per-number limits (``BUSINESS_LIMIT_CONTROL_<UNIT>``): see :func:`_frequency_limits`."""
        for limits, kinds, label in _frequency_limits(FrequencyBackend(self.ctx), out):
            for name, seconds, unit in _FREQUENCY_WINDOWS:
                limit = limits.get(name)
                if limit is None:
                    continue
                count = self._count(out.biz_type, kinds, self.ctx.now - seconds, self.ctx.now, out.to.digits)
                if count >= limit:
                    raise out.refused(f"BUSINESS_LIMIT_CONTROL_{unit.upper()}",
                                   f"{name.replace('_', '-')} limit reached: {count} {label} messages to "
                                   f"{out.to.digits} in the last {unit}; the limit is {limit}.")  # fmt: skip

    def _raise_warnings(self, out: Outgoing, limits: Thresholds, daily: int, monthly: int) -> None:
        """Alert the contacts once per period when a send brings usage to a warning threshold."""
        moment = datetime.fromtimestamp(self.ctx.now, UTC)
        scope = BIZ_TYPES_BY_CODE[out.biz_type]
        for period, label, limit, count, halt in (
            (moment.strftime("%Y-%m-%d"), "daily", limits.daily_warning, daily, limits.daily_halt),
            (moment.strftime("%Y-%m"), "monthly", limits.monthly_warning, monthly, limits.monthly_halt),
        ):
            if limit is None or count < limit:
                continue
            first = self.ctx.db.execute(
                "INSERT OR IGNORE INTO alerts_sent (account, kind, period) VALUES (?, ?, ?)",
                (self.ctx.account, f"{scope}_{label}_warning", period),
            ).rowcount
            if not first:
                continue
            suspension = f" Sending is suspended at {halt}." if halt is not None else ""
            ContactsBackend(self.ctx).alert(
                "send_warning",
                f"SMS {label} sending volume warning ({scope})",
                f"{count} {scope} SMS messages were sent in {period} (UTC), reaching the {label} warning "
                f"threshold of {limit}.{suspension}",
                by_sms=True,
            )


def _check_halt(out: Outgoing, limits: Thresholds, daily: int, monthly: int) -> None:
    scope = BIZ_TYPES_BY_CODE[out.biz_type]
    for code, period, limit, count, when in (
        ("DAY_LIMIT_CONTROL", "daily", limits.daily_halt, daily, "today"),
        ("MONTH_LIMIT_CONTROL", "monthly", limits.monthly_halt, monthly, "this month"),
    ):
        if limit is not None and count >= limit:
            raise out.refused(code, f"sending suspended: {period} suspension threshold {limit} reached "
                           f"({count} {scope} messages sent {when}, UTC)")  # fmt: skip


FrequencyCheck = tuple[dict[str, int], tuple[str, ...], str]


def _frequency_limits(frequency: FrequencyBackend, out: Outgoing) -> list[FrequencyCheck]:
    """The per-number limits a message passes: (limits by window, the kinds they count, label).

    Mainland: OTP messages the account's OTP limits (1/5/10 by default), other kinds 50 a day. Outside it:
    20 messages a day of any kind, and OTP messages the account's OTP limits once it has set them.
    """
    if is_mainland(out.to):
        if out.kind == "otp":
            return [(frequency.limits(out.biz_type), ("otp",), "OTP")]
        return [({"per_day": MAINLAND_NON_OTP_DAILY_LIMIT}, ("notification", "promotional"),
                 "notification and promotional")]  # fmt: skip
    checks: list[FrequencyCheck] = [
        ({"per_day": INTERNATIONAL_DAILY_LIMIT}, ("otp", "notification", "promotional"), "international")
    ]
    configured = frequency.configured(out.biz_type)
    if out.kind == "otp" and configured is not None:
        checks.insert(0, (configured, ("otp",), "OTP"))
    return checks


def signature_approved(ctx: Context, sign_name: str) -> bool:
    """Whether ``sign_name`` is an approved SMS signature of the account that a carrier has registered."""
    found = SignaturesBackend(ctx).find(sign_name)
    return found is not None and found.status == ReviewStatus.APPROVED and found.registered
