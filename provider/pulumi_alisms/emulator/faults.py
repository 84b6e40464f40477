"""Seeded fault injection: throttling, 5xx errors, latency and responses lost after commit."""

import random
import threading
from dataclasses import dataclass
from typing import Literal

Fault = Literal["throttle", "error"]


@dataclass(frozen=True)
class FaultConfig:
    """Rates are probabilities per request (0-1); latency is added to every request."""

    throttle_rate: float = 0.0
    error_rate: float = 0.0
    latency_ms: int = 0
    drop_after_commit_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("throttle_rate", "error_rate", "drop_after_commit_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must not be negative, got {self.latency_ms}")

    @property
    def active(self) -> bool:
        """Whether any fault is configured."""
        return bool(self.throttle_rate or self.error_rate or self.latency_ms or self.drop_after_commit_rate)


class FaultInjector:
    """Draws faults from one seeded random stream shared by every thread."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)
        self._lock = threading.Lock()

    def _draw(self) -> float:
        with self._lock:
            return self._random.random()

    def before(self) -> Fault | None:
        """The fault to answer with instead of running the operation, if any."""
        if self.config.throttle_rate and self._draw() < self.config.throttle_rate:
            return "throttle"
        if self.config.error_rate and self._draw() < self.config.error_rate:
            return "error"
        return None

    def drop_after_commit(self) -> bool:
        """Whether to lose this response after its write committed."""
        return bool(self.config.drop_after_commit_rate) and self._draw() < self.config.drop_after_commit_rate
