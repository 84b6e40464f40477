"""The ``Signature`` resource through the provider protocol: review, carrier registration, rejection and fix."""

from mainland_helpers import SIGNATURE, submit_qualification
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.emulator import admin, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.resources.signature import SignatureProvider
from pulumi_alisms.testing import ProviderHost, ProviderHostError, ResourceDriver


def test_a_signature_goes_from_review_to_carrier_registration(
    host: ProviderHost, live: AccountClient, module_store: Store
) -> None:
    module_store.set_setting("review_speed", "realistic")
    qualification_id = submit_qualification(live, module_store)
    admin.approve(module_store, str(qualification_id))
    signatures = ResourceDriver(host, "Signature", SignatureProvider())

    id_, state = signatures.up("brand", {"name": SIGNATURE, "source": "company", "qualification_id": qualification_id})
    assert (id_, state["status"], state["approved"], state["registered"]) == (SIGNATURE, "UnderReview", False, False)
    assert (state["next_action"], state.get("next_action_due_at")) == ("wait_for_review", None)

    admin.approve(module_store, SIGNATURE)
    _, approved, _ = signatures.read("brand", id_, state)
    assert approved["approved"] and not approved["registered"]
    assert approved["next_action"] == "wait_for_carrier_registration"
    assert {entry["status"] for entry in approved["carrier_registration"]} == {"Registering"}

    mainland_admin.register_carrier(module_store, SIGNATURE, DEV_ACCESS_KEY_ID)
    _, registered, _ = signatures.read("brand", id_, approved)
    assert registered["registered"] and registered["next_action"] == "none"
    try:
        signatures.delete("brand", id_, registered)
    except ProviderHostError as error:
        assert "protected" in str(error)
    else:
        raise AssertionError("an approved signature was deleted despite deletion protection")


def test_check_refuses_generic_names_and_missing_companion_ids(host: ProviderHost) -> None:
    signatures = ResourceDriver(host, "Signature", SignatureProvider())
    _, failures = signatures.check("bad", {"name": "test", "source": "trademark", "qualification_id": 1})
    assert {prop for prop, _ in failures} == {"name", "trademark_id"}


def test_a_rejected_signature_is_resubmitted_after_a_fix(
    host: ProviderHost, live: AccountClient, module_store: Store
) -> None:
    module_store.set_setting("review_speed", "realistic")
    qualification_id = submit_qualification(live, module_store, name="第二资质")
    admin.approve(module_store, str(qualification_id))
    signatures = ResourceDriver(host, "Signature", SignatureProvider())
    inputs = {"name": "示例", "source": "company", "qualification_id": qualification_id}
    id_, state = signatures.up("second", inputs)
    admin.reject(module_store, id_, "Unclear use")
    _, rejected, _ = signatures.read("second", id_, state)
    assert (rejected["status"], rejected["status_reason"], rejected["next_action"]) == (
        "Rejected",
        "Unclear use",
        "fix_and_resubmit",
    )

    fixed = {**inputs, "remark": "The short name of our company, on our login codes"}
    assert signatures.diff("second", id_, rejected, fixed).replaces == []
    resubmitted = signatures.update("second", id_, rejected, fixed)
    assert resubmitted["status"] == "UnderReview"
