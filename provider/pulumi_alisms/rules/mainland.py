"""The Chinese mainland: mobile numbers as Alibaba accepts them, Beijing time and the promotional quiet hours."""

from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "UTC+8")
# Promotional messages cannot be sent from 20:00 to 08:00 (Beijing time).
QUIET_HOURS_START = 20
QUIET_HOURS_END = 8
NATIONAL_DIGITS = 11
CALLING_CODE = "86"


def mainland_mobile(text: str) -> str | None:
    """The 11-digit national number of a mainland mobile number, or ``None`` when it is not one.

    Accepts the prefixes Alibaba documents (``+``, ``+86``, ``0086``, ``86``) or none: ``13900001234``,
    ``+8613900001234``, ``008613900001234``. A national number starts with 1 and a second digit from 3 to 9.
    """
    digits = text.strip().removeprefix("+")
    if digits.startswith("00" + CALLING_CODE):
        digits = digits[4:]
    elif digits.startswith(CALLING_CODE) and len(digits) == len(CALLING_CODE) + NATIONAL_DIGITS:
        digits = digits[2:]
    if len(digits) != NATIONAL_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    if digits[0] != "1" or digits[1] not in "3456789":
        return None
    return digits


def beijing_time(timestamp: float) -> datetime:
    """A timestamp as Beijing time (UTC+8), the time zone of the mainland service's dates and rules."""
    return datetime.fromtimestamp(timestamp, UTC).astimezone(BEIJING)


def in_promotional_quiet_hours(timestamp: float) -> bool:
    """Whether promotional messages are banned at this moment (20:00 to 08:00 Beijing time)."""
    hour = beijing_time(timestamp).hour
    return hour >= QUIET_HOURS_START or hour < QUIET_HOURS_END
