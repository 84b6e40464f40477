"""What every backend shares: the operation it works in, and turning stored rows into its records."""

import sqlite3
from typing import Any, TypeVar

from pulumi_alisms.emulator.context import Context

Record = TypeVar("Record")


class Backend:
    """One API family's state for the account of one operation (``ctx.account``), at its time (``ctx.now``)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx


def from_row(record: type[Record], row: sqlite3.Row, **decoded: Any) -> Record:
    """``record`` built from every column of ``row`` but ``account``, with ``decoded`` replacing stored values."""
    values = dict(row)
    values.pop("account", None)
    return record(**{**values, **decoded})


def written(record: Record | None) -> Record:
    """The record of an object the backend has just written (so it exists)."""
    assert record is not None
    return record
