"""Sending rules of Dysmsapi 2018-05-01 that the emulator enforces and the client checks first.

SendMessageToGlobe and BatchSendMessageToGlobe send outside the Chinese mainland from a SenderID;
SendMessageWithTemplate sends only to the Chinese mainland, signed with an approved SMS signature.
"""

from datetime import UTC, datetime, timedelta, timezone

from pulumi_alisms.rules.phone_numbers import PhoneNumber
from pulumi_alisms.rules.problems import Problem

MAINLAND = "CN"
# The mainland's clock: the promotional ban of seed 004 is in its local time.
MAINLAND_TIME = timezone(timedelta(hours=8), "UTC+8")
PROMOTIONAL_START_HOUR = 8
PROMOTIONAL_END_HOUR = 20
# Per-number limits: the mainland's (seed 004) for notification and promotional messages; OTP messages
# follow the account's frequency settings (1/5/10 by default). International: every kind counts.
MAINLAND_NON_OTP_DAILY_LIMIT = 50
INTERNATIONAL_DAILY_LIMIT = 20
MAX_BATCH_NUMBERS = 1_000


def is_mainland(number: PhoneNumber) -> bool:
    """Whether the number is on the Chinese mainland (calling code 86; not Hong Kong, Macao or Taiwan)."""
    return number.country == MAINLAND


def promotional_hours_allow(moment: float) -> bool:
    """Whether a promotional message may be sent at ``moment`` (epoch seconds): 08:00-20:00 mainland time."""
    hour = datetime.fromtimestamp(moment, UTC).astimezone(MAINLAND_TIME).hour
    return PROMOTIONAL_START_HOUR <= hour < PROMOTIONAL_END_HOUR


def batch_problems(field: str, numbers: list[str]) -> list[Problem]:
    """A batch names 1 to 1,000 numbers."""
    if not numbers:
        return [Problem(field, "name at least one number")]
    if len(numbers) > MAX_BATCH_NUMBERS:
        return [Problem(field, f"at most {MAX_BATCH_NUMBERS} numbers per request, got {len(numbers)}")]
    return []
