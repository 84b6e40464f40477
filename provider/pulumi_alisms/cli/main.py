"""``alisms``: the console script. Each command group module adds its commands with ``register(commands)``.

Importing this module stays light: groups import the emulator, the API client or pydantic inside the
commands that need them.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from pulumi_alisms.cli import CliError, Commands, emulator, endpoints, gitops
from pulumi_alisms.errors import AliSmsError
from pulumi_alisms.rules.text import visible

# Each group adds its subcommands; a subcommand sets ``handler(args) -> exit status`` as a default.
COMMAND_GROUPS: tuple[Callable[[Commands], None], ...] = (gitops.register, emulator.register, endpoints.register)
ERROR_EXIT = 1
INTERRUPTED_EXIT = 128 + 2  # as a shell reports a command ended by SIGINT


class Parser(argparse.ArgumentParser):
    """Usage errors exit 1 like every other error (2 means "changes found" for ``alisms plan`` / ``drift``)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ERROR_EXIT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command tree."""
    description = "Alibaba Cloud international SMS as code: GitOps checks and the live-account emulator."
    parser: argparse.ArgumentParser = Parser(prog="alisms", description=description)
    parser.add_argument("--version", action=_PrintVersion, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for register in COMMAND_GROUPS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status. Ctrl-C ends any command with one line and status 130."""
    try:
        args = build_parser().parse_args(argv)
        status: int = args.handler(args)
    except KeyboardInterrupt:
        print("alisms: interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    except CliError as error:
        print(f"alisms: error: {visible(str(error))}", file=sys.stderr)
        return ERROR_EXIT
    except AliSmsError as error:  # configuration, API and provider errors no command turned into a CliError
        print(f"alisms: error: {visible(_one_line(str(error)))}", file=sys.stderr)
        return ERROR_EXIT
    return status


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


class _PrintVersion(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata costs ~0.05 s)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("pulumi-alisms")
        except PackageNotFoundError:
            installed = "unknown"
        print(f"{parser.prog} {installed}")
        parser.exit(0)


if __name__ == "__main__":
    sys.exit(main())
