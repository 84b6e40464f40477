"""The emulator's clock: wall time plus an offset that ``alisms emulator advance`` moves forward.

Review speeds decide how long each review step takes. ``realistic`` counts only review hours,
9:00-21:00 UTC every day (the vendor reviews Monday to Sunday).
"""

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Literal

from pulumi_alisms.emulator.store import Store

ReviewSpeed = Literal["instant", "fast", "realistic"]
REVIEW_SPEEDS: tuple[str, ...] = ("instant", "fast", "realistic")
DEFAULT_REVIEW_SPEED: ReviewSpeed = "realistic"
REVIEW_DAY_START_HOUR = 9
REVIEW_DAY_END_HOUR = 21
# Far enough for any review or expiry scenario, near enough that every derived time is a valid date.
MAX_CLOCK_OFFSET_YEARS = 100
MAX_CLOCK_OFFSET_SECONDS = MAX_CLOCK_OFFSET_YEARS * 365.25 * 86_400

# Step -> (fast seconds, realistic review hours).
_STEP_DURATIONS: dict[str, tuple[float, float]] = {
    "render": (1.0, 2.0),
    "sender_id_review": (2.0, 36.0),
    "template_review": (2.0, 2.0),
    "qualification_review": (2.0, 24.0),  # "up to 2 business days"
    "signature_review": (2.0, 2.0),  # "typically within 2 hours"
    "carrier_registration": (4.0, 84.0),  # "7 to 10 business days": 7 days of review hours
}


def now(store: Store) -> float:
    """The emulator's current time (epoch seconds)."""
    return time.time() + clock_offset(store)


def clock_offset(store: Store) -> float:
    """How far the emulator's clock is ahead of wall time, in seconds.

    A stored value outside ``0..MAX_CLOCK_OFFSET_SECONDS`` (written by a version that did not bound it,
    or by hand) is read as the nearest bound, so that every time stays printable.
    """
    try:
        offset = float(store.setting("clock_offset", "0"))
    except ValueError:
        return 0.0
    return min(max(offset, 0.0), MAX_CLOCK_OFFSET_SECONDS) if math.isfinite(offset) else 0.0


def advance(store: Store, seconds: float) -> float:
    """Move the emulator's clock forward, at most to ``MAX_CLOCK_OFFSET_SECONDS`` ahead; returns the new offset."""
    if not seconds >= 0:  # also refuses NaN
        raise ValueError("the clock only moves forward")
    current = clock_offset(store)
    if seconds > MAX_CLOCK_OFFSET_SECONDS - current:  # compared before any float conversion: seconds may be huge
        raise ValueError(
            f"the emulator's clock stays within {MAX_CLOCK_OFFSET_YEARS} years of real time: it is "
            f"{current / 86_400:.0f} days ahead, so it can move at most "
            f"{(MAX_CLOCK_OFFSET_SECONDS - current) / 86_400:.0f} more days"
        )
    offset = current + float(seconds)
    store.set_setting("clock_offset", repr(offset))
    return offset


def review_speed(store: Store) -> ReviewSpeed:
    """The stored review speed."""
    speed = store.setting("review_speed", DEFAULT_REVIEW_SPEED)
    return speed if speed in REVIEW_SPEEDS else DEFAULT_REVIEW_SPEED  # type: ignore[return-value]


def step_done_at(start: float, step: str, speed: ReviewSpeed) -> float:
    """When a review step that starts at ``start`` finishes."""
    fast_seconds, review_hours = _STEP_DURATIONS[step]
    if speed == "instant":
        return start
    if speed == "fast":
        return start + fast_seconds
    return add_review_hours(start, review_hours)


def add_review_hours(start: float, hours: float) -> float:
    """``start`` plus ``hours`` of review time, skipping the hours outside 9:00-21:00 UTC."""
    moment = datetime.fromtimestamp(start, UTC)
    remaining = timedelta(hours=hours)
    while remaining > timedelta(0):
        day_start = moment.replace(hour=REVIEW_DAY_START_HOUR, minute=0, second=0, microsecond=0)
        day_end = moment.replace(hour=REVIEW_DAY_END_HOUR, minute=0, second=0, microsecond=0)
        if moment < day_start:
            moment = day_start
        elif moment >= day_end:
            moment = day_start + timedelta(days=1)
            continue
        available = day_end - moment
        step = min(available, remaining)
        moment += step
        remaining -= step
    return moment.timestamp()


def iso(timestamp: float | None) -> str | None:
    """ISO 8601 UTC text for a stored timestamp."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def console_date(timestamp: float | None) -> str | None:
    """Alibaba console date text (``2026-11-27 09:30:00``, UTC) for a stored timestamp."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")
