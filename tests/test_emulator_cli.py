"""``alisms emulator``: the real console script in a subprocess, and the admin operations behind it."""

import contextlib
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.client import RetryPolicy, RpcClient
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from support import alisms_command, assert_clean_error, run_cli

CONSOLE_VERSION = "2017-06-20"
NO_RETRY = RetryPolicy(max_attempts=1)
STARTUP_SECONDS = 20


class Server:
    """``alisms emulator serve`` running in a subprocess; stdout lines are read on a thread."""

    def __init__(self, state_file: Path, *options: str, env: dict[str, str] | None = None) -> None:
        command = [*alisms_command(), "emulator", "serve", "--state-file", str(state_file), "--port", "0", *options]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
        )
        self.lines: queue.Queue[str | None] = queue.Queue()  # None: stdout closed
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        self._clients: list[RpcClient] = []
        first = self.lines.get(timeout=STARTUP_SECONDS)
        match = re.fullmatch(r"alisms emulator listening on (http://127\.0\.0\.1:\d+)", first or "")
        if match is None:
            self.process.kill()
            raise AssertionError(f"no listening line, got {first!r}; stderr: {self._finish()}")
        self.first_line = match[0]
        self.url = match[1]

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def banner(self) -> str:
        """The lines printed at startup."""
        lines = [self.first_line]
        with contextlib.suppress(queue.Empty):
            while (line := self.lines.get(timeout=0.1)) is not None:
                lines.append(line)
        return "\n".join(lines)

    def client(self, key_id: str = DEV_ACCESS_KEY_ID, secret: str = DEV_ACCESS_KEY_SECRET) -> RpcClient:
        """Our signed RPC client on this server, without retries."""
        client = RpcClient(self.url, Credentials(key_id, secret), retry=NO_RETRY, timeout=10)
        self._clients.append(client)
        return client

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Send ``signum``; returns the exit status and what the server wrote on stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout=15), self._finish()

    def _finish(self) -> str:
        """Wait for the exit, close clients and pipes; returns stderr."""
        for client in self._clients:
            client.close()
        self.process.wait(timeout=15)
        self._pump_thread.join(timeout=15)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        with self.process.stderr:
            return self.process.stderr.read()


@pytest.fixture
def serve(state_file: Path) -> Iterator[Callable[..., Server]]:
    """Start servers on ``state_file``; any left running are stopped."""
    started: list[Server] = []

    def start(*options: str, env: dict[str, str] | None = None) -> Server:
        server = Server(state_file, *options, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.returncode is None:  # not stopped by the test
            server.stop(signal.SIGKILL)


def registration_review(account: AccountClient, registration_id: str) -> tuple[str, str | None]:
    """A registration's status and reason, as the client reads them."""
    registration = account.sender_ids.get(registration_id)
    assert registration is not None
    return registration.status, registration.status_reason


def template_review(account: AccountClient, code: str) -> tuple[str, str | None]:
    """A template's status and rejection reason, as the client reads them."""
    template = account.templates.get(code)
    assert template is not None
    return template.status, template.status_reason


def set_threshold(client: RpcClient, daily_halt: int) -> None:
    """CreateWarningThresholdNew for international messages."""
    client.call(
        CONSOLE_VERSION,
        "CreateWarningThresholdNew",
        {"BizType": 2, "DailyWarningLimit": daily_halt // 2, "DailyHaltLimit": daily_halt},
        idempotent=True,
    )


def query_threshold(client: RpcClient) -> dict[str, object]:
    """QueryWarningThresholdNew for international messages."""
    return client.call(CONSOLE_VERSION, "QueryWarningThresholdNew", {"BizType": 2}, idempotent=True)


# --- serve ---


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_prints_its_url_answers_signed_calls_and_stops_cleanly(
    serve: Callable[..., Server], state_file: Path, signum: int
) -> None:
    server = serve("--review-speed", "fast")
    banner = server.banner()
    assert "AccessKeyId: alisms-dev" in banner
    assert "AccessKeySecret: alisms-dev-secret" in banner
    assert f"state file: {state_file.resolve()}" in banner
    assert "review speed: fast" in banner

    client = server.client()
    set_threshold(client, 1000)
    answer = query_threshold(client)
    assert (answer["DailyHaltLimit"], answer["DailyWarningLimit"]) == (1000, 500)

    status, errors = server.stop(signum)
    assert status == 0
    assert "Traceback" not in errors and "alisms emulator stopped" in errors
    assert Store(state_file).setting("review_speed", "") == "fast"


def test_serve_accepts_extra_key_pairs_without_printing_their_secrets(serve: Callable[..., Server]) -> None:
    secret = "team-secret-0f9a"
    server = serve(env={"ALISMS_EMULATOR_KEY_PAIRS": f"team-ci:{secret}, team-dev:other-secret"})
    banner = server.banner()
    assert "team-ci" in banner and "team-dev" in banner
    assert secret not in banner and "other-secret" not in banner

    team = server.client("team-ci", secret)
    set_threshold(team, 2000)
    assert query_threshold(team)["DailyHaltLimit"] == 2000
    dev = server.client()
    assert "DailyHaltLimit" not in query_threshold(dev)  # another account
    with pytest.raises(AliSmsApiError) as refused:
        server.client("team-ci", "wrong").call(CONSOLE_VERSION, "QueryWarningThresholdNew", {}, idempotent=True)
    assert refused.value.code == "SignatureDoesNotMatch"
    assert server.stop()[0] == 0


def test_serve_injects_the_faults_it_is_given(serve: Callable[..., Server]) -> None:
    server = serve("--fault-throttle", "1", "--fault-seed", "7")
    assert "faults: throttle 1.0" in server.banner()
    with pytest.raises(AliSmsApiError) as throttled:
        query_threshold(server.client())
    assert throttled.value.code == "Throttling.User"
    assert server.stop()[0] == 0


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        (["--fault-throttle", "2"], {}, "throttle_rate must be between 0 and 1"),
        (["--review-speed", "glacial"], {}, "unknown review speed 'glacial'"),
        (["--threads", "0"], {}, "--threads must be at least 1"),
        (
            [],
            {"ALISMS_EMULATOR_KEY_PAIRS": "ops:s1,just-a-secret-value"},
            "ALISMS_EMULATOR_KEY_PAIRS: entry 2 is not id:secret",
        ),
        ([], {"ALISMS_EMULATOR_KEY_PAIRS": "alisms-dev:x"}, "repeats the key id alisms-dev"),
    ],
)
def test_serve_refuses_bad_settings(state_file: Path, options: list[str], env: dict[str, str], message: str) -> None:
    result = run_cli("emulator", "serve", "--state-file", state_file, "--port", "0", *options, env=env)
    assert_clean_error(result, message)
    assert "just-a-secret-value" not in result.stderr


def test_serve_reports_a_busy_port(state_file: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("emulator", "serve", "--state-file", state_file, "--port", str(port))
    assert_clean_error(result, f"cannot listen on 127.0.0.1 port {port}")


# --- the review desk ---


@pytest.fixture
def pending(state_file: Path) -> Iterator[tuple[AccountClient, str, str]]:
    """An account (embedded, realistic review) with a review-results contact, a pending SenderID
    registration and a pending template: (client, registration id, template code)."""
    assert run_cli("emulator", "review-speed", "realistic", "--state-file", state_file).returncode == 0
    account = open_account(AccountSettings(state_file=str(state_file)), retry=NO_RETRY)
    account.contacts.save("Reviews", "+6591234567", "reviews@example.com", ["review_results"])
    account.contacts.save("Volume", "+6591234568", "volume@example.com", ["send_volume"])
    registration = account.sender_ids.submit(
        country="MY",
        sender_id="ACMEPAY",
        company_name="Acme Pay Sdn Bhd",
        use_case="otp",
        sample_templates=["Your Acme Pay code is 123456"],
    )
    code = account.templates.create("Login code", "international", "Your login code is ${code}", intl_type=2)
    yield account, registration.registration_id, code
    account.close()


def test_approve_and_reject_decide_pending_reviews_and_notify_review_contacts(
    pending: tuple[AccountClient, str, str], state_file: Path
) -> None:
    account, registration_id, code = pending
    assert registration_review(account, registration_id)[0] in ("Submitted", "UnderReview")
    assert template_review(account, code) == ("UnderReview", None)

    approved = run_cli("emulator", "approve", registration_id, "--state-file", state_file)
    assert approved.returncode == 0, approved.stderr
    assert f"approved SenderID registration {registration_id} (ACMEPAY for MY)" in approved.stdout
    reason = "The sample does not match the company's business"
    rejected = run_cli("emulator", "reject", code, "--reason", reason, "--state-file", state_file)
    assert rejected.returncode == 0, rejected.stderr
    assert f"rejected template {code} (Login code)" in rejected.stdout

    assert registration_review(account, registration_id) == ("Approved", None)
    assert template_review(account, code) == ("Rejected", reason)

    listed = run_cli("emulator", "outbox", "--output", "json", "--state-file", state_file)
    mails = json.loads(listed.stdout)
    assert [(mail["channel"], mail["recipient"]) for mail in mails] == [("email", "reviews@example.com")] * 2
    assert "approved" in mails[0]["subject"] and registration_id in mails[0]["subject"]
    assert "rejected" in mails[1]["subject"] and reason in mails[1]["body"]


def test_a_decision_survives_the_automatic_review(pending: tuple[AccountClient, str, str], state_file: Path) -> None:
    account, registration_id, code = pending
    reason = "Brand not proven"
    assert (
        run_cli("emulator", "reject", registration_id, "--reason", reason, "--state-file", state_file).returncode == 0
    )
    approved = run_cli("emulator", "approve", code, "--state-file", state_file)
    assert approved.returncode == 0
    assert approved.stdout.rstrip().endswith("status Approved"), approved.stdout  # not the wire's AUDIT_STATE_PASS
    assert run_cli("emulator", "advance", "30d", "--state-file", state_file).returncode == 0
    assert registration_review(account, registration_id) == ("Rejected", reason)
    assert template_review(account, code) == ("Approved", None)


def test_advance_moves_the_review_clock(pending: tuple[AccountClient, str, str], state_file: Path) -> None:
    account, registration_id, code = pending
    before = datetime.now(UTC)
    advanced = run_cli("emulator", "advance", "5d", "--state-file", state_file)
    assert advanced.returncode == 0, advanced.stderr
    printed = datetime.strptime(advanced.stdout.strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((printed - before).total_seconds() - 5 * 86_400) < 60
    assert registration_review(account, registration_id) == ("Approved", None)
    assert template_review(account, code) == ("Approved", None)


def test_outbox_text_is_an_aligned_table(pending: tuple[AccountClient, str, str], state_file: Path) -> None:
    _, registration_id, code = pending
    assert run_cli("emulator", "outbox", "--state-file", state_file).stdout.strip() == "the outbox is empty"
    run_cli("emulator", "approve", registration_id, "--state-file", state_file)
    run_cli("emulator", "reject", code, "--reason", "Too vague", "--state-file", state_file)
    lines = run_cli("emulator", "outbox", "--state-file", state_file).stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].split() == ["CREATED_AT", "ACCOUNT", "CHANNEL", "RECIPIENT", "SUBJECT", "BODY"]
    column = lines[0].index("RECIPIENT")
    assert all(line[column:].startswith("reviews@example.com") for line in lines[1:])
    assert "Too vague" in lines[2]
    only_other = run_cli("emulator", "outbox", "--account", "someone-else", "--state-file", state_file)
    assert only_other.stdout.strip() == "the outbox is empty"


def test_stats_counts_calls_per_action_and_resets(pending: tuple[AccountClient, str, str], state_file: Path) -> None:
    account, registration_id, _ = pending
    account.sender_ids.get(registration_id)
    result = run_cli("emulator", "stats", "--reset", "--state-file", state_file)
    assert result.returncode == 0
    counts = json.loads(result.stdout)
    assert list(counts) == sorted(counts)
    assert counts["SaveContactsNew"] == 2
    assert counts["SubmitSenderIdRegistration"] == 1
    assert counts["GetSenderIdRegistration"] == 1
    assert json.loads(run_cli("emulator", "stats", "--state-file", state_file).stdout) == {}


def test_state_file_may_come_before_the_command(store: Store, state_file: Path) -> None:
    assert run_cli("emulator", "--state-file", state_file, "review-speed", "fast").returncode == 0
    assert store.setting("review_speed", "") == "fast"
    assert run_cli("emulator", "--state-file", "elsewhere.db", "review-speed", "realistic", "--state-file",
                   state_file).returncode == 0  # fmt: skip
    assert store.setting("review_speed", "") == "realistic"


def test_state_file_defaults_to_the_providers(tmp_path: Path) -> None:
    result = run_cli("emulator", "review-speed", "fast", env={"ALISMS_STATE_FILE": str(tmp_path / "env.db")})
    assert result.returncode == 0 and result.stdout.strip() == "review speed: fast"
    assert Store(tmp_path / "env.db").setting("review_speed", "") == "fast"


# --- errors ---


def test_unknown_ids_are_reported_by_name(store: Store, state_file: Path) -> None:
    assert_clean_error(
        run_cli("emulator", "approve", "sr-0000", "--state-file", state_file),
        "no SenderID registration sr-0000 in account alisms-dev",
    )
    assert_clean_error(
        run_cli("emulator", "reject", "SMS_000000001", "--reason", "x", "--state-file", state_file),
        "no template SMS_000000001",
    )
    assert_clean_error(
        run_cli("emulator", "approve", "brand-1", "--state-file", state_file),
        "'brand-1' is neither a SenderID registration id (sr-...) nor a template code (SMS_...)",
    )


def test_bad_durations_and_speeds_are_refused(store: Store, state_file: Path) -> None:
    assert_clean_error(
        run_cli("emulator", "advance", "2 weeks", "--state-file", state_file), "'2 weeks' is not a duration"
    )
    assert_clean_error(
        run_cli("emulator", "review-speed", "slow", "--state-file", state_file),
        "unknown review speed 'slow'",
        "instant, fast, realistic",
    )
    assert store.setting("clock_offset", "0") == "0"
    assert store.setting("review_speed", "") == "instant"


def test_unusable_state_files_are_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for command in (["approve", "sr-1"], ["reject", "sr-1", "--reason", "x"], ["outbox"], ["stats"]):
        assert_clean_error(
            run_cli("emulator", *command, "--state-file", missing), f"no emulator state file at {missing}"
        )
    assert not missing.exists()
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database\n" * 200)
    assert_clean_error(
        run_cli("emulator", "stats", "--state-file", garbage), f"cannot use the state file {garbage}", "not a database"
    )


def test_usage_errors_exit_1_not_2() -> None:
    result = run_cli("emulator", "reject", "sr-1")
    assert result.returncode == 1
    assert "the following arguments are required: --reason" in result.stderr
    assert run_cli().returncode == 1


def test_the_module_runs_like_the_script(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pulumi_alisms.cli.main",
            "emulator",
            "advance",
            "90m",
            "--state-file",
            str(tmp_path / "m.db"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.stdout.strip())


# --- admin functions ---


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("31d", 31 * 86_400),
        ("6h", 21_600),
        ("90m", 5_400),
        ("45s", 45),
        ("1d12h", 129_600),
        ("1h30m15s", 5_415),
        (" 2D ", 172_800),
        ("0s", 0),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert admin.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "  ", "5", "h", "-1d", "1.5h", "12h1d", "1d1d", "3w", "1 d", "1d 2h", "d1"])
def test_parse_duration_refuses_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        admin.parse_duration(text)


@given(st.integers(0, 400), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_parse_duration_adds_its_parts(days: int, hours: int, minutes: int, seconds: int) -> None:
    text = f"{days}d{hours}h{minutes}m{seconds}s"
    assert admin.parse_duration(text) == ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def test_admin_operations_on_a_store(store: Store) -> None:
    with pytest.raises(LookupError, match="sr-404"):
        admin.approve(store, "sr-404")
    with pytest.raises(ValueError, match="needs a reason"):
        admin.reject(store, "sr-404", "  ")
    with pytest.raises(ValueError, match="unknown review speed"):
        admin.set_review_speed(store, "ludicrous")
    admin.set_review_speed(store, "fast")
    assert store.setting("review_speed", "") == "fast"
    before = time.time()
    assert admin.advance(store, 3600) - before == pytest.approx(3600, abs=5)
    assert admin.outbox(store) == [] and admin.stats(store) == {}
