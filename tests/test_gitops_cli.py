"""``alisms plan``, ``drift`` and ``export``: an account file against the live account.

The real console script runs in a subprocess for exit codes and output; the engine's functions are called
directly for the detailed rules. Out-of-band changes are made with the official SDKs.
"""

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from alibabacloud_dysms20170620 import models as console_sdk
from alibabacloud_dysms20170620.client import Client as ConsoleSdkClient
from alibabacloud_dysmsapi20170525 import models as template_sdk
from alibabacloud_dysmsapi20170525.client import Client as TemplateSdkClient

from mainland_helpers import SIGNATURE, mainland
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.fraud import FraudLimits
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.inputs.message_template import MessageTemplateInputs
from pulumi_alisms.inputs.sender_id import SenderIdEntry
from pulumi_alisms.kinds import BY_SECTION
from pulumi_alisms.spec import dump_account, load_account
from pulumi_alisms.spec.changes import Change, plan
from pulumi_alisms.spec.drift import drift as drift_report
from pulumi_alisms.spec.export import export_account, slug
from pulumi_alisms.spec.live import read_account
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.pairing import pair_entries
from support import run_cli, sdk_config

CREDENTIALS = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": DEV_ACCESS_KEY_ID,
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEV_ACCESS_KEY_SECRET,
}
OTP = "Your Acme code is ${code}. It expires in 5 minutes."
SAMPLE = "Your Acme code is 482913."
NOTICE = "Your parcel ${id} is on its way."


def populate(account: AccountClient) -> dict[str, str]:
    """An account with one object of every kind, and registrations in each interesting status; returns ids.

    The mainland template is bound to the ``signed`` fixture's signature, which the caller asks for."""
    account.contacts.save(
        name="On-call SRE", phone="+8613800000000", email="sre@example.com", alerts=["send_volume", "fraud_prevention"]
    )
    account.thresholds.set(
        WarningThreshold(
            biz_type="international",
            daily_warning=8000,
            daily_suspend=10000,
            monthly_warning=200000,
            monthly_suspend=250000,
        )
    )
    account.frequency.set(FrequencyLimit(biz_type="international", per_minute=2, per_hour=6, per_day=12))
    account.fraud.set(FraudLimits(hourly_limit=1000, increase_rate=200, success_rate=30))
    ids = {
        "otp": account.templates.create(
            "Login code", "international", OTP, remark="login one-time password", intl_type=2
        ),
        "notice": account.templates.create("Delivery notice", "notification", NOTICE, details=mainland(NOTICE, "n")),
    }
    for key, country, sender_id in (
        ("approved", "MY", "ACMEPAY"),
        ("documents", "ID", "ACMEPAY"),
        ("rejected", "GB", "INFO"),
    ):
        ids[key] = account.sender_ids.submit(
            country=country,
            sender_id=sender_id,
            company_name="Acme Pay Ltd",
            website="https://acme.example",
            use_case="otp",
            sample_templates=[OTP, SAMPLE],
        ).registration_id
    return ids


@pytest.fixture
def env(emulator: EmulatorServer) -> dict[str, str]:
    """The environment of a CLI run against the standalone emulator."""
    return {**CREDENTIALS, "ALISMS_ENDPOINT": emulator.url}


@pytest.fixture
def exported(
    remote_account: AccountClient, env: dict[str, str], tmp_path: Path, signed: str
) -> Iterator[tuple[Path, dict[str, str]]]:
    """The populated account exported with ``alisms export --file``, and the account's ids."""
    ids = populate(remote_account)
    path = tmp_path / "account.yaml"
    result = run_cli("export", "--file", path, env=env)
    assert result.returncode == 0, result.stderr
    yield path, ids


def test_export_validates_and_plans_no_changes(exported: tuple[Path, dict[str, str]], env: dict[str, str]) -> None:
    path, ids = exported
    data = yaml.safe_load(path.read_text())
    assert set(data["contacts"]) == {"on-call-sre"}
    assert data["templates"]["login-code"] == {
        "name": "Login code",
        "type": "international",
        "content": OTP,
        "remark": "login one-time password",
        "intl_type": 2,
    }
    notice = data["templates"]["delivery-notice"]
    assert (notice["signature"], notice["template_rule"]) == (SIGNATURE, {"id": "other_number2"})
    assert data["frequency_limits"] == {"per_minute": 2, "per_hour": 6, "per_day": 12}  # biz type: international
    senders = data["sender_ids"]
    assert {key: entry["import"] for key, entry in senders.items()} == {
        "acmepay-my": ids["approved"],
        "acmepay-id": ids["documents"],
    }
    assert senders["acmepay-my"]["sample_templates"] == ["login-code", SAMPLE]  # the template's key
    assert f"# Note: {ids['rejected']} (INFO for GB) not exported: Rejected: " in path.read_text()

    assert run_cli("validate", path).returncode == 0
    result = run_cli("plan", path, env=env)
    assert (result.returncode, result.stdout.strip()) == (0, f"No changes: the account matches {path}."), result
    result = run_cli("plan", path, "--output", "json", env=env)
    assert result.returncode == 0
    assert json.loads(result.stdout)["changes"] == []


def test_export_to_stdout_notes_what_is_left_out(
    remote_account: AccountClient, env: dict[str, str], signed: str
) -> None:
    ids = populate(remote_account)
    result = run_cli("export", env=env)
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["version"] == 1
    assert f"alisms: note: {ids['rejected']} (INFO for GB) not exported: Rejected: Sender ID 'INFO' is generic" in (
        result.stderr
    )


def test_plan_shows_exactly_the_out_of_band_changes(
    exported: tuple[Path, dict[str, str]], env: dict[str, str], emulator: EmulatorServer
) -> None:
    path, ids = exported
    console = ConsoleSdkClient(sdk_config(emulator.url))
    console.create_warning_threshold_new(
        console_sdk.CreateWarningThresholdNewRequest(
            biz_type="2",
            daily_warning_limit=8000,
            daily_halt_limit=9000,
            monthly_warning_limit=200000,
            monthly_halt_limit=250000,
        )
    )
    templates = TemplateSdkClient(sdk_config(emulator.url))
    added = templates.create_sms_template(
        template_sdk.CreateSmsTemplateRequest(
            template_name="Promo",
            template_type=2,
            template_content="Spring sale: 20% off at acme.example",
            related_sign_name=SIGNATURE,
        )
    ).body.template_code
    templates.delete_sms_template(template_sdk.DeleteSmsTemplateRequest(template_code=ids["notice"]))

    result = run_cli("plan", path, "--output", "json", env=env)
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"file", "endpoint", "summary", "changes"} and report["endpoint"] == emulator.url
    assert report["summary"] == {"create": 1, "update": 1, "replace": 0, "delete": 1}
    threshold, created, deleted = report["changes"]
    assert threshold == {
        "action": "update",
        "kind": "threshold",
        "key": "international",
        "id": "international",
        "label": "international thresholds",
        "status": None,
        "notes": [],
        "fields": [{"field": "daily_suspend", "old": 9000, "new": 10000, "replaces": False}],
    }
    assert (created["action"], created["kind"], created["key"], created["id"]) == (
        "create",
        "template",
        "delivery-notice",
        None,
    )
    assert (deleted["action"], deleted["kind"], deleted["key"], deleted["id"]) == ("delete", "template", None, added)

    text = run_cli("plan", path, env=env)
    assert text.returncode == 2
    lines = text.stdout.splitlines()
    assert lines[0] == f"Plan for {path} against {emulator.url}:"
    assert lines[2].split() == ["ACTION", "KIND", "NAME", "CHANGE"]
    assert lines[3].split() == ["update", "threshold", "international", "daily_suspend:", "9000", "->", "10000"]
    assert lines[4].split()[:4] == ["create", "template", "delivery-notice", "Delivery"]
    assert lines[5].split()[:4] == ["delete", "template", added, "Promo"]
    assert lines[-1] == "1 to create, 1 to update, 0 to replace, 1 to delete."
    # Aligned columns: every row's CHANGE starts where the header's does.
    column = lines[2].index("CHANGE")
    assert all(line[column - 2 : column] == "  " and line[column] != " " for line in lines[3:6])


def spec_of(account: AccountClient, data: dict[str, Any], tmp_path: Path) -> tuple[list[Change], AccountSpec]:
    """The plan for an account file's content (written to a file and loaded as the CLI would)."""
    path = tmp_path / "account.yaml"
    path.write_text(json.dumps({"version": 1, **data}))  # JSON is YAML
    spec = load_account(path)
    return plan(spec, read_account(account, details_for=spec)), spec


def by_key(changes: list[Change]) -> dict[str | None, Change]:
    return {change.key or change.id: change for change in changes}


def test_templates_pair_by_the_strongest_rule_then_with_the_newest_live_template() -> None:
    live = [SimpleNamespace(code=code, name="Login", type=kind, content=content) for code, kind, content in [
        ("L0", "otp", "Code ${code}."), ("L1", "otp", "Other ${code}."), ("L2", "otp", "Code ${code}."),
        ("L3", "notification", "Code ${code}."),
    ]]  # fmt: skip
    declared = {key: MessageTemplateInputs(name="Login", type="otp", content=content) for key, content in [
        ("exact", "Code ${code}."), ("same-type", "New ${code}."), ("also-same-type", "Third ${code}."),
        ("same-name", "Fourth ${code}."), ("left-over", "Fifth ${code}."),
    ]}  # fmt: skip

    paired = pair_entries(BY_SECTION["templates"], declared, live)

    assert {key: found and found.code for key, found in paired.items()} == {
        "exact": "L2", "same-type": "L1", "also-same-type": "L0", "same-name": "L3", "left-over": None,
    }  # fmt: skip


def test_sender_ids_pair_by_import_id_else_with_a_registration_that_holds_the_sender_id() -> None:
    live = [SimpleNamespace(registration_id=f"sr-{index}", country="MY", sender_id="ACMEPAY", status=status)
            for index, status in enumerate(["Approved", "Rejected", "UnderReview"])]  # fmt: skip
    entry = {"country": "MY", "sender_id": "ACMEPAY", "company_name": "Acme", "use_case": "otp",
             "sample_templates": [SAMPLE]}  # fmt: skip
    declared = {
        "imported": SenderIdEntry.model_validate({**entry, "import": "sr-0"}),
        "declared": SenderIdEntry.model_validate(entry),
        "again": SenderIdEntry.model_validate(entry),  # the Rejected registration holds nothing
        "gone": SenderIdEntry.model_validate({**entry, "import": "sr-9"}),  # only its import id pairs it
    }

    paired = pair_entries(BY_SECTION["sender_ids"], declared, live)

    assert {key: found and found.registration_id for key, found in paired.items()} == {
        "imported": "sr-0", "declared": "sr-2", "again": None, "gone": None,
    }  # fmt: skip


def test_plan_follows_the_resources_replace_rules(
    account: AccountClient, store: Store, tmp_path: Path, signed: str
) -> None:
    approved = account.templates.create("Login code", "international", OTP, intl_type=2)
    shortened = "Track it at https://bit.ly/${id}"
    rejected = account.templates.create("Parcel", "notification", shortened, details=mainland(shortened, "n"))
    assert account.templates.get(rejected).status == "Rejected"  # type: ignore[union-attr]
    registration = account.sender_ids.submit(
        country="MY", sender_id="ACMEPAY", company_name="Acme", use_case="otp", sample_templates=[SAMPLE]
    ).registration_id
    pending = account.sender_ids.submit(
        country="ID", sender_id="ACMEPAY", company_name="Acme", use_case="otp", sample_templates=[SAMPLE]
    ).registration_id
    account.contacts.save(name="On-call SRE", phone="+8613800000000", email="sre@example.com", alerts=[])
    (tmp_path / "license.pdf").write_bytes(b"%PDF-1.4")
    changes, _ = spec_of(
        account,
        {
            "contacts": {"oncall": {"name": "On-call SRE", "phone": "+8613900000000", "email": "sre@example.com"}},
            "fraud_protection": {"hourly_limit": 1000, "increase_rate": 200, "success_rate": 30},
            "templates": {
                "login": {"name": "Login code", "type": "international", "content": OTP, "intl_type": 0},
                "parcel": {
                    "name": "Parcel",
                    "type": "notification",
                    "content": "Track it at https://acme.example/${id}",
                    "signature": SIGNATURE,
                    "template_rule": {"id": "other_number2"},
                },
            },
            "sender_ids": {
                "my": {
                    "country": "MY",
                    "sender_id": "ACMEPAY",
                    "company_name": "Acme Pay",
                    "use_case": "otp",
                    "sample_templates": [SAMPLE],
                },
                "id": {
                    "country": "ID",
                    "sender_id": "ACMEPAY",
                    "company_name": "Acme Pay",
                    "use_case": "otp",
                    "sample_templates": [SAMPLE],
                    "documents": [{"type": "business_license", "path": "license.pdf"}],
                },
            },
        },
        tmp_path,
    )
    # The signed fixture's qualification and signature are undeclared here: deletions, not this test's subject.
    changes_by_key = by_key([change for change in changes if change.kind not in ("qualification", "signature")])
    assert set(changes_by_key) == {"oncall", "fraud_protection", "login", "parcel", "my", "id"}

    contact = changes_by_key["oncall"]
    assert (contact.action, [f.field for f in contact.fields]) == ("update", ["phone"])
    assert contact.notes == ("a verification code is sent to the new phone",)
    fraud = changes_by_key["fraud_protection"]
    assert fraud.action == "update" and {(f.field, f.old, f.new) for f in fraud.fields} == {
        ("enabled", None, True),  # on unless the file says otherwise
        ("hourly_limit", None, 1000),
        ("increase_rate", None, 200),
        ("success_rate", None, 30),
    }

    login = changes_by_key["login"]  # intl_type replaces (read with GetSmsTemplate: the list lacks it)
    assert (login.action, login.id, [(f.field, f.old, f.new, f.replaces) for f in login.fields]) == (
        "replace",
        approved,
        [("intl_type", 2, 0, True)],
    )
    parcel = changes_by_key["parcel"]  # a rejected template is amended in place
    assert (parcel.action, parcel.status, [f.field for f in parcel.fields]) == ("update", "Rejected", ["content"])

    approved_sender = changes_by_key["my"]  # approved: an amendment, reviewed while the approved version serves
    assert (approved_sender.action, approved_sender.id, approved_sender.status) == ("update", registration, "Approved")
    assert [(f.field, f.old, f.new, f.replaces) for f in approved_sender.fields] == [
        ("company_name", "Acme", "Acme Pay", False)
    ]
    assert "the approved version keeps serving" in approved_sender.notes[-1]
    pending_sender = changes_by_key["id"]  # not approved: amended in place, and the documents go up
    assert (pending_sender.action, pending_sender.id, pending_sender.status) == ("update", pending, "DocumentsRendered")
    assert [f.field for f in pending_sender.fields] == ["company_name"]
    assert pending_sender.notes == ("upload 1 document(s)",)

    stats_before = admin.stats(store).get("GetSmsTemplate", 0)
    spec_of(
        account,
        {
            "templates": {
                "parcel": {
                    "name": "Parcel",
                    "type": "notification",
                    "content": "Track it at https://acme.example/${id}",
                    "signature": SIGNATURE,
                    "template_rule": {"id": "other_number2"},
                }
            }
        },
        tmp_path,
    )
    # Only GetSmsTemplate reports a template's signature and rule: one GET for the one declared template.
    assert admin.stats(store).get("GetSmsTemplate", 0) == stats_before + 1
    spec_of(account, {"templates": {"login": {"name": "Login code", "type": "international", "content": OTP}}},
            tmp_path)  # fmt: skip
    assert admin.stats(store).get("GetSmsTemplate", 0) == stats_before + 1  # nothing only a GET reports: no GET

    rebound, _ = spec_of(account, {"templates": {"parcel": {
        "name": "Parcel", "type": "notification", "content": "Track it at https://acme.example/${id}",
        "signature": "另一个签名", "template_rule": {"id": "other_number2"}}}}, tmp_path)  # fmt: skip
    parcel = by_key(rebound)["parcel"]  # the binding is compared too (read with GetSmsTemplate)
    assert [(f.field, f.old, f.new) for f in parcel.fields][-1] == ("signature", SIGNATURE, "另一个签名")


def test_plan_matches_sender_ids_by_import_then_by_country_and_sender_id(
    account: AccountClient, tmp_path: Path
) -> None:
    rejected = account.sender_ids.submit(
        country="GB", sender_id="INFO", company_name="Acme", use_case="otp", sample_templates=[SAMPLE]
    ).registration_id
    approved = account.sender_ids.submit(
        country="MY", sender_id="ACMEPAY", company_name="Acme", use_case="otp", sample_templates=[SAMPLE]
    ).registration_id
    entry = {"company_name": "Acme", "use_case": "otp", "sample_templates": [SAMPLE]}
    changes, _ = spec_of(
        account,
        {
            "sender_ids": {
                "gb": {
                    "country": "GB",
                    "sender_id": "INFO",
                    **entry,
                },  # the Rejected one holds nothing: registered anew
                "moved": {"country": "TH", "sender_id": "ACMEPAY", "import": approved, **entry},
                "gone": {"country": "PH", "sender_id": "ACMEPAY", "import": "sr-000000000000", **entry},
            }
        },
        tmp_path,
    )
    changes_by_key = by_key(changes)
    assert set(changes_by_key) == {"gb", "moved", "gone"}  # no deletion: the rejected registration is dead
    assert (changes_by_key["gb"].action, changes_by_key["gb"].id) == ("create", None)
    moved = changes_by_key["moved"]
    assert (moved.action, moved.id, [(f.field, f.replaces) for f in moved.fields]) == (
        "replace",
        approved,
        [("country", True)],
    )
    assert changes_by_key["gone"].notes == ("the registration sr-000000000000 to import is not in the account",)
    assert rejected not in {change.id for change in changes}


def test_plan_deletes_undeclared_objects_but_not_settings(account: AccountClient, tmp_path: Path, signed: str) -> None:
    populate(account)
    changes, _ = spec_of(account, {}, tmp_path)
    assert sorted((change.action, change.kind, change.label) for change in changes) == [
        ("delete", "contact", "On-call SRE"),
        ("delete", "qualification", "ExampleTech"),
        ("delete", "sender_id", "ACMEPAY for ID"),
        ("delete", "sender_id", "ACMEPAY for MY"),
        ("delete", "signature", SIGNATURE),
        ("delete", "template", "Delivery notice"),
        ("delete", "template", "Login code"),
    ]  # thresholds, frequency limits and fraud protection are left as they are


def signed_qualification(account: AccountClient) -> int:
    """The id of the signed fixture's qualification."""
    (qualification,) = account.qualifications.iter_all()
    return qualification.qualification_id


def test_drift_lists_unmanaged_objects_and_registrations_needing_attention(
    account: AccountClient, store: Store, tmp_path: Path, signed: str
) -> None:
    ids = populate(account)
    admin.advance(store, 31 * 86_400)  # the ID registration was waiting for documents: it expires
    waiting = account.sender_ids.submit(
        country="AE", sender_id="ACMEPAY", company_name="Acme", use_case="otp", sample_templates=[SAMPLE]
    ).registration_id
    admin.advance(store, 10 * 86_400)
    _, spec = spec_of(
        account,
        {
            "thresholds": {
                "international": {
                    "daily_warning": 8000,
                    "daily_suspend": 10000,
                    "monthly_warning": 200000,
                    "monthly_suspend": 250000,
                }
            },
            "templates": {
                "login": {
                    "name": "Login code",
                    "type": "international",
                    "content": OTP,
                    "remark": "login one-time password",
                    "intl_type": 2,
                }
            },
            "sender_ids": {
                "ae": {
                    "country": "AE",
                    "sender_id": "ACMEPAY",
                    "company_name": "Acme",
                    "use_case": "otp",
                    "sample_templates": [SAMPLE],
                }
            },
        },
        tmp_path,
    )
    now = datetime.fromtimestamp(clock.now(store), UTC)
    report = drift_report(spec, read_account(account, details_for=spec), now)

    assert report.changes == () and not report.clean
    assert {(item.kind, item.id) for item in report.unmanaged} == {
        ("contact", "1"),
        ("qualification", str(signed_qualification(account))),
        ("signature", signed),
        ("template", ids["notice"]),
        ("sender_id", ids["approved"]),
        ("frequency_limits", "international"),
        ("fraud_protection", "fraud-protection"),
    }
    frequency = next(item for item in report.unmanaged if item.kind == "frequency_limits")
    assert frequency.detail == "per_minute 2, per_hour 6, per_day 12"
    attention = {item.id: item for item in report.attention}
    assert set(attention) == {ids["documents"], ids["rejected"], waiting}
    assert attention[ids["rejected"]].detail.startswith("rejected: Sender ID 'INFO' is generic")
    assert attention[ids["documents"]].status == "Expired" and "not uploaded within 30 days" in (
        attention[ids["documents"]].detail
    )
    assert (attention[waiting].key, attention[waiting].status, attention[waiting].days_left) == (
        "ae",
        "DocumentsRendered",
        20,
    )
    assert attention[waiting].detail.endswith("(20 days left); the file declares no documents to upload")
    assert {item.id: item.next_action for item in report.attention} == {
        ids["documents"]: "resubmit_expired",
        ids["rejected"]: "fix_and_resubmit",
        waiting: "upload_documents",
    }
    assert attention[waiting].next_action_due_at == attention[waiting].documents_due_at is not None


def test_drift_cli_exit_codes_and_json(
    remote_account: AccountClient, env: dict[str, str], tmp_path: Path, signed: str
) -> None:
    ids = populate(remote_account)
    path = tmp_path / "account.yaml"
    assert run_cli("export", "--file", path, env=env).returncode == 0
    remote_account.contacts.save(name="Night shift", phone="+6591234567", email="night@example.com", alerts=[])

    result = run_cli("drift", path, "--output", "json", env=env)
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == ["file", "endpoint", "clean", "changes", "unmanaged", "attention"]
    assert (report["clean"], report["changes"]) == (False, [])
    assert report["unmanaged"] == [{"kind": "contact", "id": "2", "label": "Night shift", "status": None, "detail": ""}]
    waiting, rejected = report["attention"]
    assert set(waiting) == {
        "kind",
        "id",
        "key",
        "label",
        "country",
        "sender_id",
        "status",
        "reason",
        "documents_due_at",
        "days_left",
        "detail",
        "next_action",
        "next_action_due_at",
    }
    assert (waiting["id"], waiting["key"], waiting["status"], waiting["days_left"]) == (
        ids["documents"],
        "acmepay-id",
        "DocumentsRendered",
        30,
    )
    assert (rejected["id"], rejected["key"], rejected["status"]) == (ids["rejected"], None, "Rejected")
    assert (waiting["next_action"], rejected["next_action"]) == ("upload_documents", "fix_and_resubmit")
    assert waiting["next_action_due_at"] == waiting["documents_due_at"] and rejected["next_action_due_at"] is None

    text = run_cli("drift", path, env=env)
    assert text.returncode == 2
    assert "In the account, not in the file (1):" in text.stdout
    assert "Needing attention (2):" in text.stdout
    assert "waiting for documents, due" in text.stdout and "(30 days left)" in text.stdout
    assert "NEXT ACTION" in text.stdout and "fix_and_resubmit" in text.stdout

    remote_account.contacts.delete(2)
    remote_account.sender_ids.delete(ids["rejected"])
    documents_free = yaml.safe_load(path.read_text())
    del documents_free["sender_ids"]["acmepay-id"]
    remote_account.sender_ids.delete(ids["documents"])
    path.write_text(yaml.safe_dump(documents_free))
    clean = run_cli("drift", path, env=env)
    assert (clean.returncode, clean.stdout.strip()) == (0, f"No drift: the account matches {path}."), clean


def test_errors_exit_1(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ntemplates:\n  otp: {name: Login, type: sms, content: hi}\n")
    result = run_cli("plan", broken, env=env)
    assert result.returncode == 1
    assert f"{broken}:3:" in result.stderr and "templates.otp.type" in result.stderr

    good = tmp_path / "good.yaml"
    good.write_text("version: 1\n")
    refused = run_cli("drift", good, env={**env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong"})
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("alisms: error: ") and "SignatureDoesNotMatch" in refused.stderr
    nowhere = tmp_path / "nowhere.db"
    missing = run_cli("export", "--endpoint", "embedded", "--state-file", nowhere)
    assert missing.returncode == 1 and f"no embedded account at {nowhere}" in missing.stderr
    assert not nowhere.exists()  # export never creates an account
    assert run_cli("plan", env=env).returncode == 1  # usage error: no FILE


def test_a_large_account_costs_a_few_list_calls(
    account: AccountClient, store: Store, emulator: EmulatorServer, tmp_path: Path
) -> None:
    for number in range(250):
        account.sender_ids.submit(
            country="MY", sender_id=f"ACME{number}", company_name="Acme", use_case="otp", sample_templates=[SAMPLE]
        )
    path = tmp_path / "account.yaml"
    path.write_text("version: 1\n")
    admin.reset_stats(store)
    # Counted by a standalone emulator: the embedded account of `plan` is read-only and counts in memory.
    result = run_cli("plan", path, "--endpoint", emulator.url, env=CREDENTIALS)
    assert result.returncode == 2
    assert "read 100 sender IDs..." in result.stderr and "read 200 sender IDs..." in result.stderr
    assert result.stdout.splitlines()[-1] == "0 to create, 0 to update, 0 to replace, 250 to delete."
    calls = admin.stats(store)
    assert calls.pop("ListSenderIdRegistrations") == 3
    assert "GetSenderIdRegistration" not in calls and "GetSmsTemplate" not in calls
    # templates, qualifications, signatures, contacts, two thresholds, two frequency limits, fraud limits+switch
    assert sum(calls.values()) == 10


def test_slug_keys() -> None:
    assert slug("On-call SRE") == "on-call-sre"
    assert slug("  Login code (v2) ") == "login-code-v2"
    assert slug("登录验证码") == ""


def test_export_round_trips_names_without_latin_letters(account: AccountClient, signed: str) -> None:
    contents = ("Code ${code}.", "Code: ${code}")
    codes = [account.templates.create("登录验证码", "otp", content, details=mainland(content)) for content in contents]
    exported = export_account(read_account(account, details_for=None))
    assert list(exported.spec.templates) == [slug(code) for code in codes]  # sms-123456789
    assert load_account(yaml.safe_load(dump_account(exported.spec))) == exported.spec


def test_drift_counts_days_left_on_the_accounts_clock(account: AccountClient, store: Store, tmp_path: Path) -> None:
    registration = account.sender_ids.submit(
        country="ID", sender_id="ACMEDAYS", company_name="Acme Pay Ltd", use_case="otp", sample_templates=["Hi 1."]
    )
    account.sender_ids.get(registration.registration_id)  # instant review: rendered, 30 days to upload
    clock.advance(store, 20 * 86400)
    account_file = tmp_path / "empty.yaml"
    account_file.write_text("version: 1\n")
    result = run_cli("drift", account_file, "--state-file", store.path, "--output", "json")
    (attention,) = json.loads(result.stdout)["attention"]
    assert attention["status"] == "DocumentsRendered" and attention["days_left"] == 10


def test_export_output_is_the_format_and_file_the_destination(
    remote_account: AccountClient, env: dict[str, str], tmp_path: Path, signed: str
) -> None:
    populate(remote_account)
    path = tmp_path / "account.json"

    result = run_cli("export", "--output", "json", "--file", path, env=env)

    assert result.returncode == 0, result.stderr
    exported = json.loads(path.read_text())
    assert exported["version"] == 1 and exported["thresholds"]
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith(f"wrote {path}: ") and " threshold" in summary, summary
    assert run_cli("validate", path).returncode == 0


def test_plan_and_drift_against_a_new_embedded_account_compare_with_an_empty_one(tmp_path: Path) -> None:
    account = tmp_path / "account.yaml"
    account.write_text(
        "version: 1\ntemplates:\n  login-code: {type: otp, content: 'Code ${code}', signature: 示例科技, "
        "template_rule: {code: numberCaptcha}}\n"
    )
    state_file = tmp_path / "not-yet.db"

    plan = run_cli("plan", account, "--state-file", state_file)
    drift = run_cli("drift", account, "--state-file", state_file, "--fail-on", "unmanaged,attention")

    assert plan.returncode == 2 and "create  template" in plan.stdout and "login-code" in plan.stdout, plan
    assert "comparing with an empty account" in plan.stderr
    assert drift.returncode == 0, drift  # the missing template is a change, which --fail-on leaves out
    assert not state_file.exists()


def test_a_template_name_defaults_to_its_key(tmp_path: Path) -> None:
    account = tmp_path / "account.yaml"
    account.write_text("version: 1\ntemplates:\n  login-code: {type: otp, content: 'Code ${code}', "
                       "signature: 示例科技, template_rule: {code: numberCaptcha}, "
                       "remark: '" + "x" * 501 + "'}\n")  # fmt: skip

    result = run_cli("validate", account)

    assert result.returncode == 1
    (problem,) = result.stdout.splitlines()  # the rule's problem, and no "name: required field is missing"
    assert "templates.login-code.remark: at most 500 characters" in problem


def test_plan_drift_and_export_never_write_the_state_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "account.db")
    store.set_setting("review_speed", "instant")
    account = tmp_path / "account.yaml"
    account.write_text("version: 1\n")
    env = {"ALISMS_STATE_FILE": str(tmp_path / "account.db")}
    files = sorted(tmp_path.glob("account.db*"))
    before = {path.name: path.read_bytes() for path in files if not path.name.endswith("-shm")}

    for command in (("plan", account), ("drift", account), ("export",)):
        result = run_cli(*command, env=env)
        assert result.returncode in (0, 2), result.stderr

    after = {path.name: path.read_bytes() for path in files if not path.name.endswith("-shm")}
    assert after == before  # no nonce, counter or table was written


def test_plan_refuses_a_state_file_that_is_not_an_emulator_account(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    content = foreign.read_bytes()
    account = tmp_path / "account.yaml"
    account.write_text("version: 1\n")

    result = run_cli("plan", account, "--state-file", foreign)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("alisms: error: cannot use the state file")
    assert foreign.read_bytes() == content
