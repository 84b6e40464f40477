"""``alisms emulator``: serve the live-account emulator, and be its review desk, clock and mail room.

Every command works on one state file, the same one the provider's embedded account uses by default.
"""

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from pulumi_alisms.cli import CliError, Commands, table

if TYPE_CHECKING:
    from pulumi_alisms.emulator.store import Store

KEY_PAIRS_ENV = "ALISMS_EMULATOR_KEY_PAIRS"
KINDS = ("registration", "template", "qualification", "signature")  # emulator.admin.KINDS, without importing it
SPEEDS_HELP = "instant (decided at once), fast (seconds) or realistic (review hours, 9:00-21:00 UTC)"


def register(commands: Commands) -> None:
    """Add ``alisms emulator ...``."""
    group = commands.add_parser(
        "emulator", help="run and administer the live-account emulator",
        description="Run the live-account emulator, and approve, reject, advance its clock, read its outbox.",
    )  # fmt: skip
    state_help = "the account database (default: $ALISMS_STATE_FILE, else .alisms/account.db)"
    # Accepted before or after the command: ``alisms emulator --state-file F outbox`` or ``... outbox --state-file F``.
    group.add_argument("--state-file", metavar="PATH", help=state_help)
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)
    state = argparse.ArgumentParser(add_help=False)
    state.add_argument("--state-file", metavar="PATH", default=argparse.SUPPRESS, help=state_help)

    serve = sub.add_parser("serve", parents=[state], help="serve the emulator over HTTP until SIGINT/SIGTERM",
                           description="Serve the emulator over HTTP for the provider, the official SDKs or a team. "
                           f"Extra key pairs: {KEY_PAIRS_ENV}='id:secret,id2:secret2'.")  # fmt: skip
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    serve.add_argument("--review-speed", metavar="SPEED", help=f"store a review speed first: {SPEEDS_HELP}")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default: 8)")
    serve.add_argument("--connection-limit", type=int, metavar="N",
                       help="open connections at most; more wait to be accepted (default: 100)")  # fmt: skip
    serve.add_argument("--channel-timeout", type=int, metavar="SECONDS",
                       help="close a connection silent this long, idle or mid-request (default: 30)")  # fmt: skip
    faults = serve.add_argument_group("fault injection (rates are probabilities per request, 0-1)")
    faults.add_argument("--fault-throttle", type=float, default=0.0, metavar="RATE",
                        help="answer Throttling.User without running the operation")  # fmt: skip
    faults.add_argument("--fault-error", type=float, default=0.0, metavar="RATE",
                        help="answer 503 ServiceUnavailable without running the operation")  # fmt: skip
    faults.add_argument("--fault-latency-ms", type=int, default=0, metavar="MS", help="delay every request")
    faults.add_argument("--fault-drop-after-commit", type=float, default=0.0, metavar="RATE",
                        help="run the operation, then lose the answer (503)")  # fmt: skip
    faults.add_argument("--fault-seed", type=int, metavar="N", help="seed for a reproducible fault sequence")
    serve.set_defaults(handler=_serve)

    decided = argparse.ArgumentParser(add_help=False, parents=[state])
    decided.add_argument("id", metavar="ID", help="registration id (sr-...), template code (SMS_...), qualification "
                         "group id or signature name")  # fmt: skip
    decided.add_argument("--kind", choices=KINDS, help="what ID names (default: inferred; needed when ambiguous)")
    decided.add_argument("--account", metavar="KEY_ID", help="the AccessKeyId that owns it (default: alisms-dev)")
    approve = sub.add_parser("approve", parents=[decided], help="approve a SenderID registration, template, "
                             "qualification or signature now")  # fmt: skip
    approve.set_defaults(handler=_approve)

    reject = sub.add_parser("reject", parents=[decided], help="reject a SenderID registration, template, "
                            "qualification or signature now")  # fmt: skip
    reject.add_argument("--reason", required=True, help="why, as the account owner will read it")
    reject.set_defaults(handler=_reject)

    carrier = sub.add_parser("register-carrier", parents=[state], help="complete an approved mainland signature's "
                             "carrier registration now", description="Complete the real-name registration of an "
                             "approved Chinese-mainland signature with every carrier, so it can send.")  # fmt: skip
    carrier.add_argument("signature", metavar="SIGNATURE", help="the signature name")
    carrier.add_argument("--account", metavar="KEY_ID", help="the AccessKeyId that owns it (default: alisms-dev)")
    carrier.set_defaults(handler=_register_carrier)

    template = sub.add_parser("template", parents=[state], help="make template states only the console makes",
                              description="Cancel a template review (TemplateStatus 10, AUDIT_SATE_CANCEL), or "
                              "add an approved template of a kind the API cannot create (digital SMS, 7).")  # fmt: skip
    template.add_argument("--account", metavar="KEY_ID", help="the AccessKeyId that owns it (default: alisms-dev)")
    action = template.add_mutually_exclusive_group(required=True)
    action.add_argument("--cancel", metavar="CODE", help="cancel the review of this template (SMS_...)")
    action.add_argument("--add-digital", nargs=2, metavar=("NAME", "CONTENT"),
                        help="add an approved digital-SMS template (type 7)")  # fmt: skip
    template.set_defaults(handler=_template)

    advance = sub.add_parser("advance", parents=[state], help="move the emulator's clock forward",
                             description="Move the emulator's clock forward; print the new emulator time.")  # fmt: skip
    advance.add_argument("duration", metavar="DURATION", help="such as 31d, 6h, 90m, 45s or 1d12h")
    advance.set_defaults(handler=_advance)

    outbox = sub.add_parser("outbox", parents=[state], help="list the SMS and emails the account has sent to people")
    outbox.add_argument("--account", metavar="KEY_ID", help="only this account (default: every account)")
    outbox.add_argument("--output", choices=("text", "json"), default="text", help="format (default: text)")
    outbox.set_defaults(handler=_outbox)

    stats = sub.add_parser("stats", parents=[state], help="print API calls per action as JSON")
    stats.add_argument("--reset", action="store_true", help="then set the counters back to zero")
    stats.set_defaults(handler=_stats)

    speed = sub.add_parser("review-speed", parents=[state], help="set how long reviews take")
    speed.add_argument("speed", metavar="SPEED", help=SPEEDS_HELP)
    speed.set_defaults(handler=_review_speed)


def _state_file(args: argparse.Namespace) -> str:
    """``--state-file``, else where the provider's embedded account keeps its state."""
    if args.state_file:
        return str(args.state_file)
    from pulumi_alisms.api.config import AccountSettings

    return AccountSettings.resolve().state_file


@contextmanager
def _account_state(args: argparse.Namespace, *, create: bool) -> Iterator["Store"]:
    """The state file's store; admin refusals and database failures become one-line errors."""
    import sqlite3

    from pulumi_alisms.emulator.store import StateFileError, Store

    path = _state_file(args)
    if not create and not Path(path).exists():
        raise CliError(f"no emulator state file at {path}: pass --state-file, or set ALISMS_STATE_FILE")
    try:
        yield Store(path)
    except (LookupError, ValueError, StateFileError) as error:
        raise CliError(str(error)) from None
    except (sqlite3.Error, OSError) as error:
        raise CliError(f"cannot use the state file {path}: {error}") from None


def _serve(args: argparse.Namespace) -> int:
    import logging
    import signal

    from pulumi_alisms.emulator import admin, clock
    from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, MAX_BODY_BYTES, EmulatorApp
    from pulumi_alisms.emulator.faults import FaultConfig
    from pulumi_alisms.emulator.server import EmulatorServer

    extra = _extra_key_pairs(os.environ.get(KEY_PAIRS_ENV, ""), reserved=DEV_ACCESS_KEY_ID)
    limits = {name: getattr(args, name) for name in ("threads", "connection_limit", "channel_timeout")}
    for name, value in limits.items():
        if value is not None and value < 1:
            raise CliError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    try:
        faults = FaultConfig(throttle_rate=args.fault_throttle, error_rate=args.fault_error,
                             latency_ms=args.fault_latency_ms, drop_after_commit_rate=args.fault_drop_after_commit,
                             seed=args.fault_seed)  # fmt: skip
    except ValueError as error:
        raise CliError(f"fault injection: {error}") from None
    with _account_state(args, create=True) as store:
        if args.review_speed is not None:
            admin.set_review_speed(store, args.review_speed)
        speed = clock.review_speed(store)
    app = EmulatorApp(store, key_pairs={DEV_ACCESS_KEY_ID: DEV_ACCESS_KEY_SECRET, **extra}, faults=faults)
    try:
        given = {name: value for name, value in limits.items() if value is not None}
        server = EmulatorServer(app, host=args.host, port=args.port, **given)
    except (OSError, OverflowError) as error:
        raise CliError(f"cannot listen on {args.host} port {args.port}: {error}") from None
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    lines = [
        f"alisms emulator listening on {server.url}",
        f"AccessKeyId: {DEV_ACCESS_KEY_ID}",
        f"AccessKeySecret: {DEV_ACCESS_KEY_SECRET}",
        f"state file: {Path(store.path).resolve()}",
        f"review speed: {speed}",
        f"limits: connections {server.connection_limit}, channel timeout {server.channel_timeout} s, "
        f"request body {MAX_BODY_BYTES // (1024 * 1024)} MiB",
    ]
    if extra:
        lines.append(f"extra key pairs from {KEY_PAIRS_ENV}: {', '.join(extra)}")
    if faults.active:
        lines.append(f"faults: throttle {faults.throttle_rate}, error {faults.error_rate}, "
                     f"latency {faults.latency_ms} ms, drop after commit {faults.drop_after_commit_rate}, "
                     f"seed {faults.seed}")  # fmt: skip
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("\n".join(lines), flush=True)
        if not _loopback(args.host):
            print(f"warning: {args.host} is reachable from other machines, and so is the development key pair",
                  file=sys.stderr, flush=True)  # fmt: skip
        server.serve_forever()  # waitress ends its loop on KeyboardInterrupt, after in-flight requests finish
    except KeyboardInterrupt:  # a signal that arrived before the loop started
        pass
    finally:
        server.close()
        signal.signal(signal.SIGTERM, previous)
    print("alisms emulator stopped", file=sys.stderr, flush=True)
    return 0


def _loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    """Turn SIGTERM into the KeyboardInterrupt that stops the server like Ctrl-C."""
    raise KeyboardInterrupt


def _extra_key_pairs(text: str, *, reserved: str) -> dict[str, str]:
    """``id:secret,id2:secret2``; errors name the entry's position, never its text (it holds a secret)."""
    pairs: dict[str, str] = {}
    for position, entry in enumerate((part.strip() for part in text.split(",") if part.strip()), start=1):
        key_id, colon, secret = entry.partition(":")
        if not colon or not key_id.strip() or not secret:
            raise CliError(f"{KEY_PAIRS_ENV}: entry {position} is not id:secret")
        if key_id.strip() in pairs or key_id.strip() == reserved:
            raise CliError(f"{KEY_PAIRS_ENV}: entry {position} repeats the key id {key_id.strip()}")
        pairs[key_id.strip()] = secret
    return pairs


def _approve(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin
    from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID

    with _account_state(args, create=False) as store:
        decision = admin.approve(store, args.id, account=args.account or DEV_ACCESS_KEY_ID, kind=args.kind)
    print(decision)
    return 0


def _reject(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin
    from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID

    with _account_state(args, create=False) as store:
        decision = admin.reject(store, args.id, args.reason, account=args.account or DEV_ACCESS_KEY_ID, kind=args.kind)
    print(decision)
    return 0


def _register_carrier(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import mainland_admin
    from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID

    account = args.account or DEV_ACCESS_KEY_ID
    with _account_state(args, create=False) as store:
        signature = mainland_admin.register_carrier(store, args.signature, account)
    carriers = ", ".join(f"{carrier.carrier} {carrier.status}" for carrier in signature.carriers)
    print(f"registered signature {signature.name} in account {account} with the carriers: {carriers}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin
    from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID

    account = args.account or DEV_ACCESS_KEY_ID
    with _account_state(args, create=False) as store:
        if args.cancel:
            done = admin.cancel_template(store, args.cancel, account=account)
            print(f"cancelled template {done.code} ({done.name}) in account {account}")
        else:
            name, content = args.add_digital
            done = admin.add_console_template(store, name, content, account=account)
            print(f"added digital-SMS template {done.code} ({done.name}) in account {account}")
    return 0


def _advance(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin, clock

    try:
        seconds = admin.parse_duration(args.duration)
    except ValueError as error:
        raise CliError(str(error)) from None
    with _account_state(args, create=True) as store:
        moment = admin.advance(store, seconds)
    print(clock.iso(moment))
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin

    with _account_state(args, create=False) as store:
        messages = admin.outbox(store, account=args.account)
    if args.output == "json":
        print(json.dumps(messages, indent=2, ensure_ascii=False))
    elif not messages:
        print("the outbox is empty")
    else:
        columns = ("created_at", "account", "channel", "recipient", "subject", "body")
        rows = [[" ".join(str(message[column]).split()) for column in columns] for message in messages]
        print(table([column.upper() for column in columns], rows))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin

    with _account_state(args, create=False) as store:
        counts = admin.stats(store)
        if args.reset:
            admin.reset_stats(store)
    print(json.dumps(counts, indent=2, sort_keys=True))
    return 0


def _review_speed(args: argparse.Namespace) -> int:
    from pulumi_alisms.emulator import admin

    with _account_state(args, create=True) as store:
        admin.set_review_speed(store, args.speed)
    print(f"review speed: {args.speed}")
    return 0
