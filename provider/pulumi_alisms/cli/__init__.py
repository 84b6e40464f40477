"""The ``alisms`` command line: GitOps checks of account files and the emulator's admin commands."""

import argparse
from typing import TypeAlias

# What a command group's ``register(commands)`` receives from ``argparse.add_subparsers``.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CliError(Exception):
    """A failure the user can act on: reported as one line on stderr, exit status 1, no traceback."""
