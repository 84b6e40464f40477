"""Parameter helpers shared by the responses modules: switches, pages, JSON lists and rule problems."""

from collections.abc import Mapping
from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import ApiError, invalid, missing
from pulumi_alisms.rules.problems import Problem

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_PAGE = 1_000_000
MAX_ID = 2**63 - 1  # ids, review tickets: 64-bit integers in the published metadata


def required_flag(ctx: Context, name: str) -> bool:
    """A required true/false parameter."""
    value = ctx.params.flag(name)
    if value is None:
        raise missing(name)
    return value


def page(ctx: Context, page_name: str, size_name: str = "PageSize", *, required: bool = False) -> tuple[int, int]:
    """(page from 1, page size 1-50, default 10)."""
    number = ctx.params.integer(page_name, required=required, low=1, high=MAX_PAGE) or 1
    size = ctx.params.integer(size_name, required=required, low=1, high=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    return number, size


def object_list(ctx: Context, name: str) -> list[dict[str, Any]] | None:
    """A JSON array of objects, such as ``[{"LicensePic": "...", "Type": "businessLicense"}]``."""
    value = ctx.params.json_value(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid(name, "must be a JSON array of objects")
    return value


def refuse(problems: list[Problem], parameters: Mapping[str, str]) -> None:
    """Raise ``InvalidParameter.<first parameter>`` listing every problem under its wire name, if any."""
    if not problems:
        return
    wire = {field: parameter for parameter, field in parameters.items()}
    detail = "; ".join(f"{wire.get(p.field, p.field)}: {p.message}" for p in problems)
    name = wire.get(problems[0].field, problems[0].field)
    raise ApiError(f"InvalidParameter.{name}", f'The parameter "{name}" is invalid: {detail}')
