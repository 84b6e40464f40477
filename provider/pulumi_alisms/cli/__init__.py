"""The ``alisms`` command line: GitOps checks of account files and the emulator's admin commands."""

import argparse
from collections.abc import Sequence
from typing import TypeAlias

from pulumi_alisms.rules.text import visible

# What a command group's ``register(commands)`` receives from ``argparse.add_subparsers``.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CliError(Exception):
    """A failure the user can act on: reported as one line on stderr, exit status 1, no traceback."""


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns two spaces apart, for readable output on a terminal; control and bidi characters
    in a cell are shown as escapes (``rules.text.visible``), so no cell can hide or forge a row."""
    headers, rows = [visible(cell) for cell in headers], [[visible(cell) for cell in row] for row in rows]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in (headers, *rows))  # fmt: skip
