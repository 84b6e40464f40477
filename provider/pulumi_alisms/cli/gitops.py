"""``alisms validate``: GitOps checks of account files for pull requests, without Pulumi state.

``alisms plan``, ``drift`` and ``export`` compare a file with the live account (``spec.changes``,
``spec.drift``) and write the live account as a file (``spec.export``).
"""

import argparse
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from pulumi_alisms.cli import CliError, Commands, table
from pulumi_alisms.cli.text import json_text, lines, visible

if TYPE_CHECKING:
    from pulumi_alisms.api.config import AccountSettings
    from pulumi_alisms.spec.changes import Change
    from pulumi_alisms.spec.live import LiveAccount
    from pulumi_alisms.spec.models import AccountSpec

OUTPUT_FORMATS = ("text", "json")
EXPORT_FORMATS = ("yaml", "json")
DRIFT_CATEGORIES = ("changes", "unmanaged", "attention")


def register(commands: Commands) -> None:
    """Add ``alisms validate``, ``plan``, ``drift`` and ``export``."""
    validate = commands.add_parser(
        "validate", help="check an account file offline; exit 0 (valid) or 1 (problems)",
        description="Check an account YAML file without touching any account: shapes, types and every vendor "
        "rule, with each problem as FILE:LINE:COL: path.to.field: message. Exit 0 when valid, 1 otherwise.",
    )  # fmt: skip
    validate.add_argument("file", metavar="FILE", help="the account file")
    add_root_option(validate)
    add_output_option(validate)
    validate.set_defaults(handler=_validate)
    _register_live(commands)


def add_output_option(parser: argparse.ArgumentParser) -> None:
    """``--output text|json``: for people (default) or for machines."""
    parser.add_argument("--output", choices=OUTPUT_FORMATS, default="text", help="format (default: text)")


def add_root_option(parser: argparse.ArgumentParser) -> None:
    """``--root DIR``: the directory the account file must resolve inside (symlinks followed)."""
    parser.add_argument("--root", metavar="DIR", help="the account file must resolve inside DIR (default: the "
                        "working directory, or the directory FILE is named in when that is outside it)")  # fmt: skip


def add_account_options(parser: argparse.ArgumentParser) -> None:
    """``--endpoint`` and ``--state-file``: which account to talk to (defaults as for the provider)."""
    endpoint_help = "embedded, http://127.0.0.1:PORT (a standalone emulator) or the service's https URL"
    parser.add_argument("--endpoint", metavar="URL", help=f"{endpoint_help} (default: $ALISMS_ENDPOINT, else embedded)")
    state_help = "the embedded account's database (default: $ALISMS_STATE_FILE, else .alisms/account.db)"
    parser.add_argument("--state-file", metavar="PATH", help=state_help)
    timeout_help = (
        "give up after this long in all, every call and retry included (default: $ALISMS_COMMAND_TIMEOUT, else 300)"
    )
    parser.add_argument("--timeout", metavar="SECONDS", help=timeout_help)


def account_settings(args: argparse.Namespace) -> "AccountSettings":
    """The account that ``--endpoint``/``--state-file`` select, else the environment's; credentials from the
    environment (``ALIBABA_CLOUD_ACCESS_KEY_ID`` / ``ALIBABA_CLOUD_ACCESS_KEY_SECRET``)."""
    from pulumi_alisms.api.config import AccountSettings
    from pulumi_alisms.errors import ConfigurationError

    options = {
        "alisms:endpoint": args.endpoint,
        "alisms:stateFile": args.state_file,
        "alisms:commandTimeout": args.timeout,
    }
    try:
        settings = AccountSettings.resolve(options)
        settings.validate()
    except ConfigurationError as error:
        raise CliError(str(error)) from None
    return settings


def _validate(args: argparse.Namespace) -> int:
    from pulumi_alisms.spec import SpecError, load_account

    try:
        spec = load_account(args.file, root=args.root)
    except SpecError as error:
        if args.output == "json":
            print(json_text([asdict(problem) for problem in error.problems], indent=2))
        else:
            print(lines(error.problems))
        return 1
    if args.output == "json":
        print("[]")
        return 0
    print(f"{args.file}: valid: {', '.join(_spec_counts(spec))}")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- alisms plan / drift / export: the file against the live account -----------------------------------------

CHANGES_EXIT = 2
_VALUE_WIDTH = 60


def _register_live(sub: Commands) -> None:
    """Add ``alisms plan``, ``alisms drift`` and ``alisms export``."""
    plan = sub.add_parser(
        "plan",
        help="show what a deployment of FILE would change in the live account (exit 2: changes)",
        description="Compare FILE with the live account and show each create, update, replace and delete a "
        "deployment would make. Changes nothing. Exit 0: nothing to do; 2: changes; 1: error or invalid file.",
    )
    plan.add_argument("file", metavar="FILE", help="the account file")
    add_root_option(plan)
    add_account_options(plan)
    add_output_option(plan)
    plan.set_defaults(handler=_plan)

    drift = sub.add_parser(
        "drift",
        help="report where the live account differs from FILE (exit 2: drift)",
        description="Compare FILE with the live account: declared objects that differ, objects and settings "
        "the file does not declare, and objects that need attention: registrations Rejected, Expired or waiting "
        "for documents, qualifications and signatures rejected or lapsed, signatures waiting for carrier "
        "registration. "
        "Exit 0: clean; 2: drift; 1: error or invalid file.",
    )
    drift.add_argument("file", metavar="FILE", help="the account file")
    add_root_option(drift)
    add_account_options(drift)
    add_output_option(drift)
    drift.add_argument(
        "--fail-on", metavar="KINDS", type=_drift_categories, default=DRIFT_CATEGORIES,
        help="exit 2 only for these, comma-separated: changes, unmanaged, attention (default: all); "
        "the report still shows everything",
    )  # fmt: skip
    drift.set_defaults(handler=_drift)

    export = sub.add_parser(
        "export",
        help="write the live account as an account YAML file",
        description="Write the live account as an account file that `alisms validate` accepts and `alisms plan` "
        "shows as no changes: keys from names, sender IDs with `import: <registration id>`.",
    )
    add_account_options(export)
    export.add_argument("--output", "-o", choices=EXPORT_FORMATS, default="yaml", help="format (default: yaml)")
    export.add_argument("--file", "-f", metavar="PATH", help="write the file here (default: standard output)")
    add_root_option(export)
    export.set_defaults(handler=_export)


def _plan(args: argparse.Namespace) -> int:
    from pulumi_alisms.spec.changes import plan

    spec = _load(args.file, args.root)
    settings, live = _read_live(args, details_for=spec)
    changes = plan(spec, live)
    if args.output == "json":
        report = {"file": args.file, "endpoint": settings.endpoint, "summary": _summary(changes), "changes": changes}
        print(json_text(report, default=asdict, indent=2))
    elif not changes:
        print(f"No changes: the account matches {args.file}.")
    else:
        print(f"Plan for {args.file} against {_described(settings)}:\n")
        print(_changestable(changes))
        counts = _summary(changes)
        print("\n" + ", ".join(f"{count} to {action}" for action, count in counts.items()) + ".")
    return CHANGES_EXIT if changes else 0


def _drift(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from pulumi_alisms.spec.drift import drift

    spec = _load(args.file, args.root)
    settings, live = _read_live(args, details_for=spec)
    report = drift(spec, live, live.read_at or datetime.now(UTC))
    if args.output == "json":
        data = {"file": args.file, "endpoint": settings.endpoint, "clean": report.clean, **asdict(report)}
        print(json_text(data, indent=2))
    elif report.clean:
        print(f"No drift: the account matches {args.file}.")
    else:
        print(f"Drift of {_described(settings)} from {args.file}:")
        if report.changes:
            print(f"\nDeclared in the file, different in the account ({len(report.changes)}):")
            print(_changestable(report.changes))
        if report.unmanaged:
            print(f"\nIn the account, not in the file ({len(report.unmanaged)}):")
            rows = [[item.kind, item.id, item.label, item.status or "", item.detail] for item in report.unmanaged]
            print(table(["KIND", "ID", "NAME", "STATUS", "DETAIL"], rows))
        if report.attention:
            print(f"\nNeeding attention ({len(report.attention)}):")
            rows = [[item.kind, item.id, item.key or "(not in the file)", item.label, item.status, item.next_action,
                     item.detail] for item in report.attention]  # fmt: skip
            print(table(["KIND", "ID", "KEY", "NAME", "STATUS", "NEXT ACTION", "DETAIL"], rows))
    failing = [category for category in args.fail_on if getattr(report, category)]
    return CHANGES_EXIT if failing else 0


def _drift_categories(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in chosen if part not in DRIFT_CATEGORIES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(DRIFT_CATEGORIES)}, got {text!r}")
    return chosen


def _export(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from pulumi_alisms.spec import dump_account
    from pulumi_alisms.spec.export import export_account
    from pulumi_alisms.spec.loader import inside_account_root
    from pulumi_alisms.spec.writer import account_json

    if args.file is not None:
        inside_account_root(args.file, args.root)  # never write through a symlink out of the repository
    settings, live = _read_live(args, details_for=None)
    exported = export_account(live)
    read_at = live.read_at or datetime.now(UTC)  # the account's clock (an emulator's may run ahead)
    for note in exported.notes:
        print(f"alisms: note: {visible(note)}", file=sys.stderr)
    if args.output == "json":
        text = account_json(exported.spec)  # JSON is YAML too: `alisms validate` reads it
    else:
        header = [f"# Exported by `alisms export` from {_described(settings)} at {read_at:%Y-%m-%dT%H:%M:%SZ}."]
        header += [f"# Note: {note}" for note in exported.notes]
        text = "\n".join(header) + "\n" + dump_account(exported.spec)
    if args.file is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.file).write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {args.file}: {error.strerror or error}") from None
    print(f"wrote {args.file}: {', '.join(_spec_counts(exported.spec))}", file=sys.stderr)
    return 0


def _spec_counts(spec: "AccountSpec") -> list[str]:
    """What an account file declares, every section counted."""
    counts = [_count(len(spec.contacts), "contact"), _count(len(spec.thresholds), "threshold")]
    counts += [_count(len(entries), noun) for entries, noun in ((spec.qualifications, "qualification"),
                                                                (spec.signatures, "signature")) if entries]  # fmt: skip
    counts += [_count(len(spec.templates), "template"), _count(len(spec.sender_ids), "sender ID")]
    counts += [name for name, value in (("frequency limits", spec.frequency_limits),
                                        ("fraud protection", spec.fraud_protection)) if value is not None]  # fmt: skip
    return counts


def _load(file: str, root: str | None) -> "AccountSpec":
    """The account file, or every problem on stderr and a one-line error: nothing is read from the account."""
    from pulumi_alisms.spec import SpecError, load_account

    try:
        return load_account(file, root=root)
    except SpecError as error:
        print(lines(error.problems), file=sys.stderr)
        raise CliError(f"{file} is not a valid account file ({_count(len(error.problems), 'problem')})") from None


def _read_live(
    args: argparse.Namespace, *, details_for: "AccountSpec | None"
) -> tuple["AccountSettings", "LiveAccount"]:
    """The account's settings and what it holds; API and configuration failures become one-line errors."""
    from dataclasses import replace

    from pulumi_alisms.api.account import open_account
    from pulumi_alisms.api.retry_notices import show_retries
    from pulumi_alisms.emulator.store import StateFileError
    from pulumi_alisms.errors import AliSmsApiError, ConfigurationError
    from pulumi_alisms.spec.live import read_account

    settings = replace(account_settings(args), read_only=True)  # these commands never change the account
    if details_for is not None and details_for.console_records and settings.console_records is None:
        settings = replace(settings, console_records=details_for.console_records)  # the file's own records
    if settings.embedded and not Path(settings.state_file).exists():
        if details_for is None:
            raise CliError(f"no embedded account at {settings.state_file}: pass --state-file or --endpoint")
        return settings, _empty_account(settings)
    show_retries(_progress)
    if sys.stderr.isatty():
        print(f"reading {_described(settings)}...", file=sys.stderr, flush=True)
    try:
        client = open_account(settings)
        client.end_by(settings.command_timeout)
        try:
            return settings, read_account(client, details_for=details_for, progress=_progress)
        finally:
            client.close()
    except (AliSmsApiError, ConfigurationError, StateFileError) as error:
        raise CliError(str(error)) from None


def _empty_account(settings: "AccountSettings") -> "LiveAccount":
    """What a new embedded account holds, read from a throw-away copy: nothing is created at the state file."""
    import tempfile
    from dataclasses import replace

    from pulumi_alisms.api.account import open_account
    from pulumi_alisms.spec.live import read_account

    print(f"alisms: note: no embedded account at {settings.state_file} yet: comparing with an empty account "
          "(the first `pulumi up` or `alisms emulator` command creates it)", file=sys.stderr)  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        client = open_account(replace(settings, state_file=str(Path(scratch) / "account.db"), read_only=False))
        try:
            return read_account(client, details_for=None)
        finally:
            client.close()


def _described(settings: "AccountSettings") -> str:
    """The account, for people."""
    account = f"the embedded account {settings.state_file}" if settings.embedded else settings.url
    if settings.sender_id_registration == "console":
        account += f" (SenderIDs: console records {settings.console_records or 'not set'})"
    return account


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _summary(changes: Sequence["Change"]) -> dict[str, int]:
    actions = ("create", "update", "replace", "delete")
    return {action: sum(change.action == action for change in changes) for action in actions}


def _changestable(changes: Sequence["Change"]) -> str:
    """One row per change; further fields and notes on the rows below it."""
    rows: list[list[str]] = []
    for change in changes:
        if change.action in ("update", "replace"):
            lines = [
                f"{item.field}: {_shown(item.old)} -> {_shown(item.new)}"
                + (" (forces replacement)" if item.replaces else "")
                for item in change.fields
            ]
        else:
            lines = [change.label + (f" ({change.status})" if change.status else "")]
        lines += [f"note: {note}" for note in change.notes]
        name = change.key if change.action != "delete" else change.id
        rows.append([change.action, change.kind, str(name), lines[0] if lines else ""])
        rows += [["", "", "", line] for line in lines[1:]]
    return table(["ACTION", "KIND", "NAME", "CHANGE"], rows)


def _shown(value: object) -> str:
    """A value for a table cell: JSON, shortened."""
    if value is None:
        return "(unset)"
    text = json_text(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 3] + "..."
