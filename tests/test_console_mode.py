"""Console mode: Alibaba has no SenderID API, so registrations are entered in its console and their outcome
recorded in a file; the provider calls no SenderID operation, and refresh, plan and drift read the records."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.console_registrations import ConsoleRegistrations
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import ConfigurationError
from pulumi_alisms.inputs.sender_id import diff
from pulumi_alisms.testing import ProviderHost, ProviderHostError, driver_for, without
from support import SENDER as MALAYSIAN_SENDER
from support import assert_clean_error, last_line, run_cli, start_host

RECORDS = "sender-ids.console.yaml"
SENDER = {**MALAYSIAN_SENDER, "country": "ID"}
TODAY = datetime.now(UTC).date()


def write_records(directory: Path, *registrations: dict[str, Any], name: str = RECORDS) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump({"version": 1, "registrations": list(registrations)}, sort_keys=False))
    return path


def sender_id_calls(store: Store) -> dict[str, int]:
    """The SenderID operations the account has served since the counters were reset."""
    return {action: calls for action, calls in store.call_counts().items() if "SenderId" in action}


# --- which mode ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "mode"),
    [
        ("alibaba", "console"),
        ("https://dysmsapi.ap-southeast-1.aliyuncs.com", "console"),
        ("https://dysmsapi.aliyuncs.com/", "console"),
        ("embedded", "api"),
        ("http://127.0.0.1:8080", "api"),
        ("https://aliyuncs.com.proxy.example", "api"),  # the host, not a substring, decides
    ],
)
def test_the_default_mode_follows_the_endpoint(endpoint: str, mode: str) -> None:
    assert AccountSettings.resolve({"alisms:endpoint": endpoint}, env={}).sender_id_registration == mode


def test_config_then_environment_choose_the_mode_and_the_records_file() -> None:
    env = {"ALISMS_SENDER_ID_REGISTRATION": "api", "ALISMS_CONSOLE_RECORDS": "records.yaml"}
    from_env = AccountSettings.resolve({"alisms:endpoint": "alibaba"}, env=env)
    assert (from_env.sender_id_registration, from_env.console_records) == ("api", "records.yaml")

    config = {"alisms:senderIdRegistration": "console", "alisms:consoleRecords": RECORDS}
    from_config = AccountSettings.resolve(config, env=env)
    assert (from_config.sender_id_registration, from_config.console_records) == ("console", RECORDS)


def test_a_bad_mode_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as raised:
        AccountSettings.resolve({"alisms:senderIdRegistration": "manual"}, env={})
    assert str(raised.value) == (
        "alisms:senderIdRegistration (or ALISMS_SENDER_ID_REGISTRATION) must be 'api' or 'console', got 'manual'"
    )
    account = tmp_path / "account.yaml"
    account.write_text("version: 1\n")
    result = run_cli("plan", account, env={"ALISMS_SENDER_ID_REGISTRATION": "manual"}, cwd=tmp_path)
    assert_clean_error(result, "must be 'api' or 'console', got 'manual'")


# --- the provider in console mode -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def console_host(workdir: Path, module_store: Store) -> Iterator[ProviderHost]:
    """A provider host in console mode on the module's (emulated) account: any SenderID call would show."""
    host = start_host(workdir, module_store, config={"alisms:senderIdRegistration": "console",
                                                     "alisms:consoleRecords": RECORDS})  # fmt: skip
    yield host
    host.close()


def test_create_calls_no_sender_id_operation_and_prints_the_console_request(
    console_host: ProviderHost, module_store: Store, workdir: Path
) -> None:
    (workdir / "docs").mkdir()
    (workdir / "docs" / "licence.pdf").write_bytes(b"%PDF-1.4 licence")
    inputs = {**SENDER, "documents": [{"type": "business_license", "path": "docs/licence.pdf"}]}
    module_store.reset_call_counts()
    senders = driver_for(console_host, "SenderId")

    id_, state = senders.up("console", inputs)

    assert sender_id_calls(module_store) == {}
    assert id_ == "console:ID:ACMEPAY"
    assert (state["status"], state["approved"], state["registration_id"]) == (
        "AwaitingConsoleRegistration", False, id_,
    )  # fmt: skip
    assert state["console_request"] == {
        "destination_country": "ID",
        "basic_information": {"company_name": "Acme Pay Ltd", "website": "https://acme.example", "use_case": "otp"},
        "sender_id": "ACMEPAY",
        "sample_templates": ["Your Acme code is 482913."],
        "documents": [{"type": "business_license", "path": "docs/licence.pdf"}],
    }

    _, refreshed, _ = senders.read("console", id_, without(state))  # nothing recorded yet: still awaiting
    assert refreshed["status"] == "AwaitingConsoleRegistration" and refreshed["company_name"] == "Acme Pay Ltd"

    write_records(workdir, {"country": "ID", "sender_id": "ACMEPAY", "registration_id": "2025051200123",
                            "status": "Approved", "submitted_on": TODAY - timedelta(days=9),
                            "reviewed_on": TODAY - timedelta(days=2)})  # fmt: skip
    new_id, approved, _ = senders.read("console", id_, without(refreshed))

    assert new_id == id_
    assert (approved["status"], approved["approved"], approved["registration_id"]) == (
        "Approved", True, "2025051200123",
    )  # fmt: skip
    assert approved["reviewed_at"] == f"{TODAY - timedelta(days=2)}T00:00:00Z"
    assert approved["sample_templates"] == SENDER["sample_templates"]  # the record holds no details: as declared
    checked, failures = senders.check("console", inputs, olds=without(approved))
    assert failures == []
    diff = senders.diff("console", id_, without(approved), without(checked))
    assert (diff.changes, diff.replaces) == (False, [])
    assert sender_id_calls(module_store) == {}

    with pytest.raises(ProviderHostError, match="is approved and protected"):
        senders.delete("console", id_, without(approved))


def test_a_console_registration_is_named_by_its_sender_id_and_uploads_nothing() -> None:
    documents = [{"type": "business_license", "path": "docs/licence.pdf"}]
    state = {**SENDER, "documents": documents, "status": "DocumentsRendered"}
    console_state = {**state, "console_request": {"sender_id": "ACMEPAY"}}
    renamed = {**SENDER, "documents": documents, "sender_id": "ACMEPAY2"}

    assert diff(console_state, renamed).replaces == ("sender_id",)  # a new console:ID:ACMEPAY2 registration
    assert diff(state, renamed).replaces == ()  # API mode amends it in place
    unchanged = {**SENDER, "documents": documents}
    assert not diff(console_state, unchanged).changes  # documents are uploaded in the console, not by `up`
    assert diff(state, unchanged).changes


def test_the_console_request_is_printed_as_progress_lines(workdir: Path, module_store: Store) -> None:
    host = start_host(workdir, module_store, config={"alisms:senderIdRegistration": "console"})
    try:
        driver_for(host, "SenderId").up("printed", {**SENDER, "sender_id": "ACMEPRINT"})
    finally:
        stderr = host.close()
    assert "no SenderID API at Alibaba; register it in the console" in stderr
    assert "  Destination Country/Region: ID" in stderr
    assert "  SenderID: ACMEPRINT" in stderr
    assert "  Sample Template 1: Your Acme code is 482913." in stderr
    assert "set alisms:consoleRecords" in stderr  # no records file configured: says where to point it


# --- plan and drift read the records --------------------------------------------------------------------------


def test_plan_and_drift_read_the_records_and_count_the_days_left(store: Store, tmp_path: Path) -> None:
    records = {"country": "ID", "sender_id": "ACMEPAY", "registration_id": "2025051200777",
               "status": "DocumentsRendered", "submitted_on": TODAY - timedelta(days=11),
               "documents_requested_on": TODAY - timedelta(days=10)}  # fmt: skip
    write_records(tmp_path, records, name="records.yaml")
    account = tmp_path / "account.yaml"
    declared = {"id": SENDER, "my": {**SENDER, "country": "MY", "sender_id": "ACMENEW"}}
    account.write_text(json.dumps({"version": 1, "console_records": "records.yaml", "sender_ids": declared}))
    store.reset_call_counts()
    env = {"ALISMS_SENDER_ID_REGISTRATION": "console"}

    plan = run_cli("plan", account, "--state-file", store.path, "--output", "json", env=env, cwd=tmp_path)
    drift = run_cli("drift", account, "--state-file", store.path, "--output", "json", env=env, cwd=tmp_path)
    text = run_cli("drift", account, "--state-file", store.path, env=env, cwd=tmp_path)

    assert plan.returncode == 2, plan.stderr
    changes = json.loads(plan.stdout)["changes"]
    assert [(change["action"], change["key"]) for change in changes] == [("create", "my")]  # "id" is recorded
    assert "console mode: `pulumi up` prints what to enter in Alibaba's console" in changes[0]["notes"][0]
    (attention,) = json.loads(drift.stdout)["attention"]
    assert drift.returncode == 2
    assert (attention["id"], attention["key"], attention["status"], attention["days_left"]) == (
        "2025051200777", "id", "DocumentsRendered", 20,
    )  # fmt: skip
    assert attention["documents_due_at"] == f"{TODAY + timedelta(days=20)}T00:00:00Z"
    assert "waiting for documents, due" in text.stdout and "(20 days left)" in text.stdout
    assert "SenderIDs: console records" in text.stdout
    assert sender_id_calls(store) == {}


# --- a hostile records file -----------------------------------------------------------------------------------

GOOD = {"country": "ID", "sender_id": "ACMEPAY", "status": "Submitted", "submitted_on": "2025-05-12"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01garbage", f"console records {RECORDS}:1:1: (root): binary data, not text"),
        (b"version: 1\nregistrations: [\n", f"console records {RECORDS}:3:1: (root): YAML syntax error"),
        (b"just some text\n", "(root): must be a mapping (key: value lines), got 'just some text'"),
        (b"version: 1\nregistrations:\n- &a {country: ID}\n", "anchors and aliases are not supported"),
        (yaml.safe_dump({"version": 1, "registrations": [{**GOOD, "status": "Pending"}]}).encode(),
         "registrations[0].status: must be 'Submitted', "),
        (yaml.safe_dump({"version": 1, "registrations": [{**GOOD, "colour": "red"}]}).encode(),
         "registrations[0].colour: unknown field; known fields: country, sender_id"),
        (yaml.safe_dump({"version": 1, "registrations": [{**GOOD, "status": "DocumentsRendered"}]}).encode(),
         "registrations[0]: documents_requested_on is required when status is DocumentsRendered"),
        (yaml.safe_dump({"version": 1, "registrations": [{**GOOD, "submitted_on": "last week"}]}).encode(),
         "registrations[0].submitted_on: "),
        (b"\xff" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
    ids=["binary", "syntax", "not-a-mapping", "alias", "bad-status", "unknown-field", "no-window-start",
         "bad-date", "oversized"],
)  # fmt: skip
def test_a_hostile_records_file_is_one_line_naming_the_field(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / RECORDS).write_bytes(content)
    with pytest.raises(ConfigurationError) as raised:
        ConsoleRegistrations(RECORDS, project_dir=str(tmp_path)).list_all()
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"console records {RECORDS}:"), message
    assert expected in message


@pytest.mark.parametrize("records", ["../outside.yaml", "/etc/passwd", "link.yaml"])
def test_a_records_file_outside_the_project_directory_is_refused(tmp_path: Path, records: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    write_records(tmp_path, GOOD, name="outside.yaml")
    (project / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    with pytest.raises(ConfigurationError, match="resolves outside the project directory") as raised:
        ConsoleRegistrations(records, project_dir=str(project)).list_all()
    assert "\n" not in str(raised.value)


def test_a_bad_records_file_fails_drift_and_refresh_in_one_line(
    store: Store, tmp_path: Path, console_host: ProviderHost, workdir: Path
) -> None:
    write_records(tmp_path, {**GOOD, "status": "Pending"}, name="records.yaml")
    account = tmp_path / "account.yaml"
    account.write_text("version: 1\nconsole_records: records.yaml\n")
    result = run_cli("drift", account, "--state-file", store.path,
                     env={"ALISMS_SENDER_ID_REGISTRATION": "console"}, cwd=tmp_path)  # fmt: skip
    assert_clean_error(result, "console records records.yaml:", "registrations[0].status: must be")

    write_records(workdir, {**GOOD, "sender_id": "ACMEBAD", "status": "Pending"})
    senders = driver_for(console_host, "SenderId")
    with pytest.raises(ProviderHostError) as raised:
        senders.read("bad", "console:ID:ACMEBAD", {**SENDER, "sender_id": "ACMEBAD"})
    last = last_line(raised.value)
    assert "SenderId read (refresh or import) failed: console records sender-ids.console.yaml:" in last
    assert "registrations[0].status: must be" in last
