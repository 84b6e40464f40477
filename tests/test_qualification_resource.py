"""The ``Qualification`` resource through the provider protocol: the phone code, documents, review, amendment,
protected deletion, personal data kept secret, and the rules a check names."""

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc

from mainland_helpers import ADMIN_PHONE, COMPANY, CREDIT_CODE, PERSONAL, latest_code
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.inputs.qualification import SECRET_FIELDS, QualificationInputs
from pulumi_alisms.resources.qualification import Qualification, QualificationArgs, QualificationProvider
from pulumi_alisms.testing import ProviderHost, ProviderHostError, ResourceDriver
from support import last_line
from test_kinds import undocumented
from test_program import is_secret, run_program

DOCUMENTS = [{"type": "admin_id_front", "path": "docs/admin-front.jpg"},
             {"type": "admin_id_back", "path": "docs/admin-back.jpg"},
             {"type": "business_license", "path": "docs/license.png"}]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def document_files(workdir: Path) -> None:
    """The documents' files, where the provider host (run in the project directory) finds them."""
    (workdir / "docs").mkdir(exist_ok=True)
    for document in DOCUMENTS:
        (workdir / document["path"]).write_bytes(f"scan of {document['type']}".encode())


def inputs(name: str, **changes: Any) -> dict[str, Any]:
    """A qualification of ``COMPANY`` that review approves, with ``changes``."""
    return {"name": name, "company_name": COMPANY, "organization_code": CREDIT_CODE,
            "business_license_validity": "2020-01-01~2099-12-31", "legal_person_id_validity": "2020-01-01~2040-01-01",
            "admin_id_validity": "2020-01-01~2040-01-01", "documents": DOCUMENTS, **PERSONAL, **changes}  # fmt: skip


def plain(state: dict[str, Any]) -> dict[str, Any]:
    """State as the engine sends it back to this provider (it accepts no secrets, so they arrive unwrapped)."""
    return {name: rpc.unwrap_rpc_secret(value) for name, value in state.items()}


def created(driver: ResourceDriver, store: Store, name: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    """Create through the code round trip: the first try has a code sent, the second uses it."""
    with pytest.raises(ProviderHostError) as raised:
        driver.up(name, inputs(name, **changes))
    assert "certify_code is not set" in last_line(raised.value)
    return driver.up(name, inputs(name, certify_code=latest_code(store), **changes))


@pytest.fixture
def qualifications(host: ProviderHost, module_store: Store) -> ResourceDriver:
    module_store.set_setting("review_speed", "realistic")
    return ResourceDriver(host, "Qualification", QualificationProvider())


def test_a_qualification_is_submitted_with_the_texted_code_and_approved(
    qualifications: ResourceDriver, module_store: Store, live: AccountClient
) -> None:
    with pytest.raises(ProviderHostError) as raised:
        qualifications.up("entity", inputs("ExampleTech"))
    message = last_line(raised.value)
    assert message.startswith("pulumi_alisms.resources._base.OperationFailed: Qualification create failed: ")
    assert "set certify_code to it" in message and ADMIN_PHONE not in message
    assert live.qualifications.find_by_name("ExampleTech") is None  # nothing submitted without the code

    id_, state = qualifications.up("entity", inputs("ExampleTech", certify_code=latest_code(module_store)))
    assert (state["status"], state["approved"], state["qualification_id"]) == ("UnderReview", False, int(id_))
    assert state["next_action"] == "wait_for_review"
    live_documents = live.qualifications.get(int(id_))
    assert live_documents is not None and [doc.type for doc in live_documents.business_licenses] == ["businessLicense"]

    admin.approve(module_store, id_, kind="qualification")
    _, approved, _ = qualifications.read("entity", id_, plain(state))
    assert (approved["status"], approved["approved"], approved.get("status_reason")) == ("Approved", True, None)
    assert approved["next_action"] == "none"

    with pytest.raises(ProviderHostError) as refused:
        qualifications.delete("entity", id_, plain(approved))
    assert "approved and protected" in last_line(refused.value)
    assert live.qualifications.get(int(id_)) is not None


def test_personal_data_is_secret_in_every_answer_and_nowhere_in_plain_outputs(
    qualifications: ResourceDriver, module_store: Store
) -> None:
    id_, state = created(qualifications, module_store, "SecretTech")
    _, refreshed, refreshed_inputs = qualifications.read("secret", id_, plain(state))
    _, imported, imported_inputs = qualifications.read("secret", id_, {}, inputs={})

    for answer in (state, refreshed, refreshed_inputs, imported, imported_inputs):
        assert answer is not None
        assert {name for name in SECRET_FIELDS if name in answer} <= {
            name for name, v in answer.items() if is_secret(v)
        }
        plain_values = {str(value) for value in answer.values() if not is_secret(value)}
        assert not plain_values & {*PERSONAL.values()}, plain_values
    assert is_secret(state["certify_code"]) and "certify_code" not in imported  # a code cannot be read back
    assert plain(imported)["admin_id_number"] == PERSONAL["admin_id_number"]  # import reads the person back


def test_the_resource_asks_the_engine_to_keep_personal_data_secret() -> None:
    def program() -> None:
        Qualification("entity", QualificationArgs(**inputs("ProgramTech")))  # type: ignore[arg-type]

    (declared,) = run_program(program).declared
    assert set(declared.additional_secret_outputs) == set(SECRET_FIELDS)


def test_a_rejected_qualification_stops_the_wait_with_the_reason_then_is_amended_in_place(
    qualifications: ResourceDriver, module_store: Store, live: AccountClient
) -> None:
    waiting = {"wait_for": "approved", "wait_timeout": 5}
    id_, state = created(qualifications, module_store, "RejectedTech")
    admin.reject(module_store, id_, "The business license\nscan is unreadable", kind="qualification")
    with pytest.raises(ProviderHostError) as raised:
        qualifications.update("rejected", id_, plain(state), {**plain(state), **waiting})
    stopped = last_line(raised.value)
    assert "Qualification 'RejectedTech': Rejected (The business license scan is unreadable)" in stopped
    assert stopped.endswith("(next_action fix_and_resubmit)")
    _, rejected, _ = qualifications.read("rejected", id_, plain(state))
    assert rejected["status_reason"] == "The business license\nscan is unreadable"

    fixed = {**plain(rejected), "company_name": "杭州示例科技股份有限公司"}
    diff = qualifications.diff("rejected", id_, plain(rejected), fixed)
    assert diff.changes and diff.replaces == []
    with pytest.raises(ProviderHostError) as used_up:  # the submission used the code up
        qualifications.update("rejected", id_, plain(rejected), fixed)
    assert "certify_code is used up or expired" in last_line(used_up.value)
    amended = qualifications.update(
        "rejected", id_, plain(rejected), {**fixed, "certify_code": latest_code(module_store)}
    )
    assert (amended["status"], amended.get("status_reason")) == ("UnderReview", None)
    current = live.qualifications.get(int(id_))
    assert current is not None and current.company_name == "杭州示例科技股份有限公司"

    admin.approve(module_store, id_, kind="qualification")
    unprotected = {**plain(amended), "deletion_protection": False}
    qualifications.delete("rejected", id_, unprotected)
    assert live.qualifications.get(int(id_)) is None


def test_fields_update_cannot_change_replace_the_qualification(qualifications: ResourceDriver) -> None:
    state = {**inputs("ReplacedTech"), "status": "Approved"}
    for field, value in (("name", "OtherTech"), ("organization_code", "91330100MA2AXXXX2Y"), ("use_by_self", False)):
        assert qualifications.diff("replaced", "1000001", state, {**state, field: value}).replaces == [field]
    assert not qualifications.diff("replaced", "1000001", state, {**state, "certify_code": "123456"}).changes


def test_check_names_each_broken_field_without_repeating_personal_data(qualifications: ResourceDriver) -> None:
    broken = inputs("bad name!", admin_phone="+1 555 0100", admin_id_validity="2040-01-01~2020-01-01",
                    documents=[{"type": "admin_id_front", "path": "docs/missing.jpg"}])  # fmt: skip
    _, failures = qualifications.check("bad", broken)

    assert {prop for prop, _ in failures} == {"name", "admin_phone", "admin_id_validity", "documents"}
    assert any(reason.startswith("documents[0].path: no such file") for _, reason in failures)
    assert any("admin_id_back" in reason for _, reason in failures)
    assert not any("555 0100" in reason for _, reason in failures)


def test_args_inputs_and_outputs_agree_and_are_documented() -> None:
    args = {field.name: field for field in dataclasses.fields(QualificationArgs)}
    required = {name for name, field in args.items() if field.default is dataclasses.MISSING}

    assert set(args) == set(QualificationInputs.model_fields) <= set(vars(Qualification)["__annotations__"])
    assert required == {name for name, field in QualificationInputs.model_fields.items() if field.is_required()}
    assert undocumented(QualificationArgs) == [] and undocumented(Qualification) == []


def test_the_mainland_resources_are_exported_at_the_top_level() -> None:
    from pulumi_alisms import Qualification as exported
    from pulumi_alisms import Signature, SignatureArgs  # noqa: F401

    assert exported is Qualification
