"""Typed access to an operation's request parameters, raising Alibaba-style errors."""

import json
from collections.abc import Mapping
from typing import Any

from pulumi_alisms.emulator.errors import invalid, missing
from pulumi_alisms.rules.limits import BIZ_TYPES_BY_CODE

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MAX_LIST_ITEMS = 1_000  # a flat list ``Name.1`` ... ``Name.N``; no request carries that many parameters


class Params:
    """The merged query and form parameters of one request (all strings on the wire)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def raw(self) -> dict[str, str]:
        """A copy of every parameter."""
        return dict(self._values)

    def text(self, name: str, *, required: bool = True, max_length: int | None = None) -> str | None:
        """A string parameter; blank counts as absent for required parameters."""
        value = self._values.get(name)
        if value is None or (required and not value.strip()):
            if required:
                raise missing(name)
            return None
        if max_length is not None and len(value) > max_length:
            raise invalid(name, f"at most {max_length} characters, got {len(value)}")
        return value

    def required_text(self, name: str, *, max_length: int | None = None) -> str:
        """A required, non-blank string parameter."""
        value = self.text(name, required=True, max_length=max_length)
        assert value is not None
        return value

    def integer(
        self, name: str, *, required: bool = False, low: int | None = None, high: int | None = None
    ) -> int | None:
        """An integer parameter within bounds; unbounded sides default to a 32-bit integer's range."""
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        return _integer(name, value, INT32_MIN if low is None else low, INT32_MAX if high is None else high)

    def integer_list(self, name: str, *, low: int = 1, high: int = INT32_MAX) -> list[int]:
        """A required comma-separated list of integers (``Ids=3,5``), each within bounds."""
        return [_integer(name, part.strip(), low, high) for part in self.required_text(name).split(",")]

    def required_integer(self, name: str, *, low: int | None = None, high: int | None = None) -> int:
        """A required integer parameter within optional bounds."""
        value = self.integer(name, required=True, low=low, high=high)
        assert value is not None
        return value

    def biz_type(self) -> str:
        """The console settings' ``BizType``: ``1`` Chinese mainland, ``2`` international; absent means ``1``."""
        value = self.text("BizType", required=False) or "1"
        if value not in BIZ_TYPES_BY_CODE:
            raise invalid("BizType", f"must be 1 (Chinese mainland) or 2 (international), got {value[:20]!r}")
        return value

    def flag(self, name: str) -> bool | None:
        """A 0/1 (or true/false) switch."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        lowered = value.lower()
        if lowered in ("1", "true"):
            return True
        if lowered in ("0", "false"):
            return False
        raise invalid(name, f"must be 0 or 1, got {value[:40]!r}")

    def json_value(self, name: str, *, required: bool = False) -> Any:
        """A JSON-encoded parameter (lists and objects travel as JSON strings)."""
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            raise invalid(name, "must be valid JSON") from None

    def string_list(self, name: str, *, required: bool = False) -> list[str] | None:
        """A list of strings sent as a JSON array, or as ``Name.1``, ``Name.2``... flat parameters."""
        if name in self._values:
            value = self.json_value(name, required=required)
        else:
            flat = self._flat_list(name)
            if flat is None:
                if required:
                    raise missing(name)
                return None
            value = flat
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise invalid(name, "must be a JSON array of strings")
        return value

    def _flat_list(self, name: str) -> list[str] | None:
        prefix = f"{name}."
        indexed: list[tuple[int, str]] = []
        for key, value in self._values.items():
            index = key[len(prefix) :]
            if key.startswith(prefix) and index.isascii() and index.isdigit():
                indexed.append((_integer(name, index, 1, MAX_LIST_ITEMS), value))
        if not indexed:
            return None
        return [value for _, value in sorted(indexed)]


def _integer(name: str, text: str, low: int, high: int) -> int:
    """``text`` as an integer from ``low`` to ``high``: ASCII digits with an optional sign, nothing else.

    ``int()`` alone would take ``" 7"``, ``"1_000"`` and ``"٣"`` and fail on ``"²"``, which ``isdigit`` accepts.
    """
    digits = text[1:] if text[:1] in ("-", "+") else text
    if not (digits.isascii() and digits.isdigit()):
        raise invalid(name, f"must be an integer, got {text[:40]!r}")
    # Far out of range: say so without converting thousands of digits.
    in_reach = len(digits.lstrip("0")) <= len(str(max(abs(low), abs(high))))
    number = int(text) if in_reach else None
    if number is not None and low <= number <= high:
        return number
    too_low = number < low if number is not None else text.startswith("-")
    if too_low:
        raise invalid(name, f"must be at least {low}, got {text[:40]}")
    raise invalid(name, f"must be at most {high}, got {text[:40]}")
