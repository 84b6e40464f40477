"""Chinese-mainland sections of an account file: ``qualifications`` and ``signatures`` validated (personal data
refused, references by key), planned, drift-checked (carrier registration, lapsed approvals), exported, and declared
by ``SmsAccount`` in dependency order."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from mainland_helpers import (
    ADMIN_PHONE,
    COMPANY,
    CREDIT_CODE,
    OTP,
    PERSONAL,
    SIGNATURE,
    mainland,
    submit_qualification,
    template_rule,
)
from pulumi_alisms import SmsAccount
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import SpecError
from pulumi_alisms.spec import load_account
from pulumi_alisms.spec.changes import plan
from pulumi_alisms.spec.drift import drift
from pulumi_alisms.spec.export import export_account
from pulumi_alisms.spec.live import read_account
from pulumi_alisms.spec.writer import account_json
from support import run_under_mocks

QUALIFICATION: dict[str, Any] = {
    "name": "ExampleTech", "company_name": COMPANY, "organization_code": CREDIT_CODE,
    "business_license_validity": "2020-01-01~2099-12-31", "legal_person_id_validity": "2020-01-01~2040-01-01",
    "admin_id_validity": "2020-01-01~2040-01-01",
    "documents": [{"type": "admin_id_front", "path": "docs/front.jpg"},
                  {"type": "admin_id_back", "path": "docs/back.jpg"}],
}  # fmt: skip


def account_file(**changes: Any) -> dict[str, Any]:
    """A mainland account file: a qualification, a signature on it (by key), an OTP template bound to it (by key)."""
    data: dict[str, Any] = {
        "version": 1,
        "qualifications": {"acme-qual": dict(QUALIFICATION)},
        "signatures": {"acme-sign": {"name": SIGNATURE, "source": "company", "qualification": "acme-qual"}},
        "templates": {"login": {"name": "otp template", "type": "otp", "content": OTP, "signature": "acme-sign",
                                "template_rule": template_rule(OTP)}},
    }  # fmt: skip
    data.update(changes)
    return data


def loaded(tmp_path: Path, data: dict[str, Any]) -> Any:
    """The file written (JSON is YAML) with its documents, loaded as the CLI does."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    for name in ("front.jpg", "back.jpg"):
        (tmp_path / "docs" / name).write_bytes(b"\xff\xd8" + name.encode())
    path = tmp_path / "account.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_account(path, root=str(tmp_path))


def problems(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as raised:
        loaded(tmp_path, data)
    return [f"{problem.path}: {problem.message}" for problem in raised.value.problems]


def create_declared_objects(account: AccountClient, store: Store) -> int:
    """What the account file declares, made through the API and approved; the qualification id."""
    qualification_id = submit_qualification(account, store)
    admin.approve(store, str(qualification_id), kind="qualification")
    account.signatures.create(SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id))
    admin.approve(store, SIGNATURE, kind="signature")
    code = account.templates.create("otp template", "otp", OTP, details=mainland(OTP))
    admin.approve(store, code)
    return qualification_id


# --- validate ------------------------------------------------------------------------------------------------


def test_a_mainland_file_validates_with_references_resolved(tmp_path: Path) -> None:
    spec = loaded(tmp_path, account_file())

    assert spec.signatures["acme-sign"].qualification == "acme-qual"
    assert spec.templates["login"].signature == SIGNATURE  # the key became the signature's name
    assert [document.path for document in spec.qualifications["acme-qual"].documents] == [
        os.path.relpath(tmp_path / "docs" / name) for name in ("front.jpg", "back.jpg")
    ]


def test_personal_data_in_the_file_is_refused_by_field_without_its_value(tmp_path: Path) -> None:
    data = account_file()
    data["qualifications"]["acme-qual"] |= {"admin_phone": ADMIN_PHONE, "legal_person_id_number": "330100199001011234"}

    found = problems(tmp_path, data)

    assert sorted(line.split(":")[0] for line in found) == [
        "qualifications.acme-qual.admin_phone",
        "qualifications.acme-qual.legal_person_id_number",
    ]
    assert all("personal data never goes in an account file" in line for line in found)
    assert all(ADMIN_PHONE not in line and "330100199001011234" not in line for line in found)


def test_unknown_qualification_and_signature_keys_are_named(tmp_path: Path) -> None:
    data = account_file()
    data["signatures"]["acme-sign"]["qualification"] = "acme-qaul"
    data["templates"]["login"]["signature"] = "acme-sing"

    found = problems(tmp_path, data)

    assert found == [
        "signatures.acme-sign.qualification: 'acme-qaul' is not a key of qualifications (keys: acme-qual); give the "
        "key of a qualification in this file, or qualification_id for one in the account",
        "templates.login.signature: 'acme-sing' is neither a key of signatures nor the name of a signature it "
        "declares (keys: acme-sign)",
    ]


def test_a_signature_names_one_qualification_and_control_characters_are_refused(tmp_path: Path) -> None:
    data = account_file()
    data["signatures"]["acme-sign"]["qualification_id"] = 1000001
    data["qualifications"]["acme-qual"]["company_name"] = "杭州\x1b[8m示例"

    assert problems(tmp_path, data) == [
        "qualifications.acme-qual.company_name: contains the character U+001B: it may hold no control or "
        "bidirectional-override characters",
        "signatures.acme-sign.qualification: give either qualification (a key of qualifications) or qualification_id "
        "(the id of an approved qualification in the account)",
    ]


# --- plan, drift, export -------------------------------------------------------------------------------------


def test_plan_creates_in_order_then_shows_no_changes_once_created(
    account: AccountClient, store: Store, tmp_path: Path
) -> None:
    spec = loaded(tmp_path, account_file())

    created = plan(spec, read_account(account, details_for=spec))
    assert [(change.action, change.kind, change.key) for change in created] == [
        ("create", "qualification", "acme-qual"),
        ("create", "signature", "acme-sign"),
        ("create", "template", "login"),
    ]
    assert created[1].notes == ("once qualifications.acme-qual is created and approved",)
    assert not any(name in str(created) for name in PERSONAL.values())

    create_declared_objects(account, store)
    assert plan(spec, read_account(account, details_for=spec)) == []


def test_drift_shows_a_signature_waiting_for_carrier_registration_and_a_lapsed_qualification(
    account: AccountClient, store: Store, tmp_path: Path
) -> None:
    spec = loaded(tmp_path, account_file())
    store.set_setting("review_speed", "realistic")  # decisions are the admin's; carriers take days
    qualification_id = create_declared_objects(account, store)
    now = datetime.fromtimestamp(clock.now(store), UTC)

    report = drift(spec, read_account(account, details_for=spec), now)
    assert report.changes == () and report.unmanaged == ()
    (waiting,) = report.attention
    assert (waiting.kind, waiting.id, waiting.key, waiting.status) == ("signature", SIGNATURE, "acme-sign", "Approved")
    assert waiting.next_action == "wait_for_carrier_registration"
    assert "PORT_NOT_REGISTERED" in waiting.detail and "Registering" in waiting.detail

    admin.reject(store, str(qualification_id), "the business license has expired", kind="qualification")
    lapsed = {item.kind: item for item in drift(spec, read_account(account, details_for=spec), now).attention}
    assert (lapsed["qualification"].key, lapsed["qualification"].status) == ("acme-qual", "Rejected")
    assert lapsed["qualification"].next_action == "fix_and_resubmit"
    assert lapsed["qualification"].detail.startswith("approval lapsed (rejected: the business license has expired)")
    assert lapsed["signature"].next_action == "fix_and_resubmit"
    assert "is no longer approved" in lapsed["signature"].detail


def test_export_round_trips_without_personal_data(account: AccountClient, store: Store, tmp_path: Path) -> None:
    qualification_id = create_declared_objects(account, store)

    exported = export_account(read_account(account, details_for=None))
    text = account_json(exported.spec)
    assert not any(value in text for value in PERSONAL.values())
    assert exported.spec.qualifications["exampletech"].import_id == str(qualification_id)
    assert exported.spec.signatures["signature-1"].qualification == "exampletech"
    assert any("does not report its source" in note for note in exported.notes)

    path = tmp_path / "exported.yaml"
    path.write_text(text, encoding="utf-8")
    spec = load_account(path, root=str(tmp_path))  # validates
    assert plan(spec, read_account(account, details_for=spec)) == []


# --- SmsAccount ----------------------------------------------------------------------------------------------


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = {"qualification_id": 1000001} if args.typ.endswith(":Qualification") else {}
        return f"{args.name}-id", {**args.inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _DependencyMonitor(MockMonitor):
    """Each registration's name -> the names of the resources each of its inputs depends on."""

    def __init__(self) -> None:
        super().__init__(_Mocks())
        self.dependencies: dict[str, dict[str, set[str]]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.dependencies[request.name] = {
            field: {urn.rsplit("::", 1)[-1] for urn in urns.urns}
            for field, urns in request.propertyDependencies.items()
        }
        return response


def test_sms_account_declares_qualification_then_signature_then_template(tmp_path: Path) -> None:
    spec = loaded(tmp_path, account_file())
    monitor = _DependencyMonitor()
    secrets = {"acme-qual": dict(PERSONAL)}

    run_under_mocks(lambda: SmsAccount("prod", spec=spec, qualification_secrets=secrets), monitor,
                    project="pulumi-alisms", stack="prod")  # fmt: skip

    assert [name for name in monitor.dependencies if name.startswith("prod-")] == [
        "prod-qualification-acme-qual",
        "prod-signature-acme-sign",
        "prod-template-login",
    ]
    assert monitor.dependencies["prod-signature-acme-sign"]["qualification_id"] == {"prod-qualification-acme-qual"}
    assert monitor.dependencies["prod-template-login"]["signature"] == {"prod-signature-acme-sign"}


def test_sms_account_requires_every_qualifications_personal_data(tmp_path: Path) -> None:
    spec = loaded(tmp_path, account_file())
    partial = {"acme-qual": {name: value for name, value in PERSONAL.items() if name != "admin_phone"}}

    with pytest.raises(ValueError, match=r"qualification_secrets\['acme-qual'\] lacks admin_phone"):
        run_under_mocks(lambda: SmsAccount("prod", spec=spec, qualification_secrets=partial), _DependencyMonitor(),
                        project="pulumi-alisms", stack="prod")  # fmt: skip
