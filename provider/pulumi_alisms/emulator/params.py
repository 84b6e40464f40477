"""Typed access to an operation's request parameters, raising Alibaba-style errors."""

import json
from collections.abc import Mapping
from typing import Any

from pulumi_alisms.emulator.errors import invalid, missing
from pulumi_alisms.rules.limits import BIZ_TYPES_BY_CODE

# The largest limit a console-settings operation accepts (thresholds, frequency, fraud, package quota).
MAX_LIMIT = 1_000_000_000


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
        """An integer parameter within optional bounds."""
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        try:
            number = int(value)
        except ValueError:
            raise invalid(name, f"must be an integer, got {value[:40]!r}") from None
        if low is not None and number < low:
            raise invalid(name, f"must be at least {low}, got {number}")
        if high is not None and number > high:
            raise invalid(name, f"must be at most {high}, got {number}")
        return number

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
            if key.startswith(prefix) and key[len(prefix) :].isdigit():
                indexed.append((int(key[len(prefix) :]), value))
        if not indexed:
            return None
        return [value for _, value in sorted(indexed)]
