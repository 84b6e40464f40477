"""The result type of every rule check."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule: the snake_case field it concerns and a sentence saying what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def within(field: str, value: int | None, *, low: int = 0, high: int | None = None) -> list[Problem]:
    """Check an optional integer bound; ``None`` means "not set" and is always fine."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [Problem(field, f"must be a whole number, got {value!r}")]
    if value < low:
        return [Problem(field, f"must be at least {low}, got {value}")]
    if high is not None and value > high:
        return [Problem(field, f"must be at most {high}, got {value}")]
    return []
