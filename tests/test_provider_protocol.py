"""Every resource through the real provider protocol: ``python -m pulumi.dynamic`` over gRPC, in the
engine's order (check -> create, read -> diff, update, delete), against the embedded account."""

import re
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.runtime import rpc

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.resources.alert_contact import AlertContactProvider
from pulumi_alisms.resources.fraud_protection import FraudProtectionProvider
from pulumi_alisms.resources.message_template import MessageTemplateProvider
from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimitProvider
from pulumi_alisms.resources.sender_id import SenderIdProvider
from pulumi_alisms.resources.suspension_threshold import SuspensionThresholdProvider
from pulumi_alisms.testing import PROJECT, ProviderHost, ProviderHostError, ResourceDriver, driver_for, without
from support import SENDER, planned, refresh


def assert_no_diff(
    resource: ResourceDriver, name: str, id_: str, state: dict[str, Any], inputs: dict[str, Any]
) -> None:
    _, diff = planned(resource, name, id_, state, inputs)
    assert (diff.changes, diff.replaces) == (False, [])


# --- SenderId -------------------------------------------------------------------------------------------------


def test_sender_id_pending_then_approved_by_the_carrier(host: ProviderHost, module_store: Store, speed: Any) -> None:
    speed("realistic")
    senders = driver_for(host, "SenderId")
    id_, state = senders.up("approved", {**SENDER, "sender_id": "ACMEONE"})
    assert state["status"] in ("Submitted", "UnderReview") and state["approved"] is False
    assert state["registration_id"] == id_
    admin.approve(module_store, id_)
    state = refresh(senders, "approved", id_, state)
    assert state["status"] == "Approved" and state["approved"] is True and state["reviewed_at"]
    assert_no_diff(senders, "approved", id_, state, {**SENDER, "sender_id": "ACMEONE"})

    with pytest.raises(ProviderHostError, match="deletion_protection"):
        senders.delete("approved", id_, state)
    unprotected = {**SENDER, "sender_id": "ACMEONE", "deletion_protection": False}
    checked, _ = senders.check("approved", unprotected, olds=state)
    diff = senders.diff("approved", id_, state, without(checked))
    assert diff.changes and diff.replaces == []
    state = without(senders.update("approved", id_, state, without(checked)))
    senders.delete("approved", id_, state)
    assert senders.read("approved", id_, state)[0] == ""


def test_sender_id_rejected_then_amended(host: ProviderHost, speed: Any) -> None:
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "sender_id": "INFO"}
    id_, state = senders.up("generic", inputs)
    state = refresh(senders, "generic", id_, state)
    assert state["status"] == "Rejected" and "generic" in state["status_reason"]
    assert_no_diff(senders, "generic", id_, state, inputs)  # rejected, inputs unchanged: nothing to do

    fixed = {**SENDER, "sender_id": "ACMETWO"}
    checked, _ = senders.check("generic", fixed, olds=state)
    diff = senders.diff("generic", id_, state, without(checked))
    assert diff.changes and diff.replaces == []  # amend in place while not approved
    state = without(senders.update("generic", id_, state, without(checked)))
    state = refresh(senders, "generic", id_, state)
    assert state["status"] == "Approved" and state["registration_id"] == id_


def test_sender_id_documents_uploaded_when_rendered(host: ProviderHost, workdir: Path, module_store: Store,
                                                    speed: Any) -> None:  # fmt: skip
    (workdir / "license.pdf").write_bytes(b"%PDF-1.4 license")
    speed("realistic")
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "country": "ID", "sender_id": "ACMEDOCS",
              "documents": [{"type": "business_license", "path": "license.pdf"}]}  # fmt: skip
    id_, state = senders.up("docs", inputs)
    assert state["status"] in ("Submitted", "DocumentsToBeRendered")
    clock.advance(module_store, 86400)
    state = refresh(senders, "docs", id_, state)
    assert state["status"] == "DocumentsRendered" and state["documents_due_at"]
    checked, _ = senders.check("docs", inputs, olds=state)
    assert senders.diff("docs", id_, state, without(checked)).changes  # the next `up` has work to do
    state = without(senders.update("docs", id_, state, without(checked)))
    assert state["uploaded_documents"] == ["business_license"] and state["status"] == "UnderReview"
    clock.advance(module_store, 7 * 86400)
    state = refresh(senders, "docs", id_, state)
    assert state["status"] == "Approved"
    assert_no_diff(senders, "docs", id_, state, inputs)


def test_sender_id_expired_after_30_days_is_resubmitted(host: ProviderHost, module_store: Store, speed: Any) -> None:
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "country": "TH", "sender_id": "ACMEEXP"}
    id_, state = senders.up("expiring", inputs)
    state = refresh(senders, "expiring", id_, state)
    assert state["status"] == "DocumentsRendered"
    clock.advance(module_store, 31 * 86400)
    state = refresh(senders, "expiring", id_, state)
    assert state["status"] == "Expired"
    checked, _ = senders.check("expiring", inputs, olds=state)
    assert senders.diff("expiring", id_, state, without(checked)).changes
    state = without(senders.update("expiring", id_, state, without(checked)))
    assert state["status"] not in ("Expired",)


def test_sender_id_wait_for_approved_stops_at_a_rejection_saying_what_to_do(host: ProviderHost, live: AccountClient,
                                                                            speed: Any) -> None:  # fmt: skip
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "sender_id": "SMS", "wait_for": "approved", "wait_timeout": 86_400}
    with pytest.raises(ProviderHostError) as raised:
        senders.up("waiting", inputs)
    line = one_line(raised.value)
    assert re.search(r"Rejected \(Sender ID 'SMS' is generic.*\), so waiting cannot make it Approved: change the "
                     r"inputs the reason names and run `pulumi up` to resubmit \(next_action fix_and_resubmit\)$",
                     line), line  # fmt: skip
    assert "wait_timeout" not in line  # stopped at the rejection, not at the timeout
    assert [r for r in live.sender_ids.list_all() if r.sender_id == "SMS"] == []


def test_sender_id_wait_stops_when_documents_are_due_and_none_declared(host: ProviderHost, speed: Any) -> None:
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "country": "TH", "sender_id": "ACMEWAIT"}
    id_, state = senders.up("no-documents", inputs)
    assert (state["status"], state["next_action"]) == ("DocumentsRendered", "upload_documents")
    waiting = {**inputs, "wait_for": "approved", "wait_timeout": 86_400}
    checked, failures = senders.check("no-documents", waiting, olds=state)  # an existing registration: not refused
    assert failures == []
    with pytest.raises(ProviderHostError) as raised:
        senders.update("no-documents", id_, state, without(checked))
    line = one_line(raised.value)
    assert "DocumentsRendered, so waiting cannot make it Approved: declare `documents`" in line, line
    assert f"by {state['next_action_due_at'][:10]}" in line and "(next_action upload_documents)" in line
    assert "wait_timeout" not in line


def test_sender_id_next_action_follows_the_review(host: ProviderHost, workdir: Path, module_store: Store,
                                                  speed: Any) -> None:  # fmt: skip
    speed("realistic")
    senders = driver_for(host, "SenderId")
    id_, state = senders.up("next", {**SENDER, "sender_id": "ACMENEXT"})
    assert (state["next_action"], state.get("next_action_due_at")) == ("wait_for_review", None)
    admin.approve(module_store, id_)
    assert refresh(senders, "next", id_, state)["next_action"] == "none"

    rejected_id, rejected = senders.up("next-rejected", {**SENDER, "sender_id": "ACMEREJ"})
    admin.reject(module_store, rejected_id, "The company name does not match the licence")
    rejected = refresh(senders, "next-rejected", rejected_id, rejected)
    assert (rejected["next_action"], rejected.get("next_action_due_at")) == ("fix_and_resubmit", None)

    (workdir / "next-license.pdf").write_bytes(b"%PDF-1.4 license")
    documents = [{"type": "business_license", "path": "next-license.pdf"}]
    th_id, th = senders.up("next-th", {**SENDER, "country": "TH", "sender_id": "ACMENEXT", "documents": documents})
    assert (th["status"], th["next_action"]) in (("Submitted", "upload_documents"),
                                                 ("DocumentsToBeRendered", "upload_documents"))  # fmt: skip
    clock.advance(module_store, 86400)
    th = refresh(senders, "next-th", th_id, th)
    assert th["status"] == "DocumentsRendered" and th["next_action"] == "upload_documents"
    assert th["next_action_due_at"] == th["documents_due_at"] is not None
    clock.advance(module_store, 31 * 86400)
    th = refresh(senders, "next-th", th_id, th)
    assert (th["status"], th["next_action"], th.get("next_action_due_at")) == ("Expired", "resubmit_expired", None)


def one_line(error: ProviderHostError) -> str:
    """The provider's one-line failure out of the host's traceback."""
    (line,) = [line for line in str(error).splitlines() if "OperationFailed: " in line]
    return line.split("OperationFailed: ", 1)[1]


def test_sender_id_refresh_drops_out_of_band_delete(host: ProviderHost, live: AccountClient, speed: Any) -> None:
    senders = driver_for(host, "SenderId")
    id_, state = senders.up("gone", {**SENDER, "sender_id": "ACMEGONE"})
    live.sender_ids.delete(id_)
    assert senders.read("gone", id_, state)[0] == ""


def test_sender_id_import_matches_create(host: ProviderHost, live: AccountClient, speed: Any) -> None:
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "sender_id": "ACMEIMP"}
    ack = live.sender_ids.submit(country="MY", sender_id="ACMEIMP", company_name="Acme Pay Ltd",
                                 website="https://acme.example", use_case="otp",
                                 sample_templates=["Your Acme code is 482913."])  # fmt: skip
    checked, _ = senders.check("imported", inputs)
    id_, outs, read_inputs = senders.read("imported", ack.registration_id, {}, without(checked))
    assert id_ == ack.registration_id and read_inputs is not None
    diff = senders.diff("imported", id_, without(outs), without(checked))
    assert (diff.changes, diff.replaces) == (False, [])
    assert without(outs)["status"] == "Approved"


# --- MessageTemplate ---------------------------------------------------------------------------------------------

TEMPLATE = {"name": "Login code", "type": "international", "intl_type": 0, "content": "Your code is ${code}."}


def test_template_review_update_and_replace(host: ProviderHost, module_store: Store, speed: Any) -> None:
    speed("realistic")
    templates = driver_for(host, "MessageTemplate")
    id_, state = templates.up("login", TEMPLATE)
    assert (state["status"], state["approved"], state["template_code"]) == ("UnderReview", False, id_)
    assert (state["next_action"], state.get("next_action_due_at")) == ("wait_for_review", None)
    admin.approve(module_store, id_)
    speed("instant")
    state = refresh(templates, "login", id_, state)
    assert (state["status"], state["approved"], state.get("status_reason")) == ("Approved", True, None)
    assert state["next_action"] == "none"
    assert_no_diff(templates, "login", id_, state, TEMPLATE)
    changed = {**TEMPLATE, "content": "Your login code is ${code}."}
    checked, _ = templates.check("login", changed, olds=state)
    assert templates.diff("login", id_, state, without(checked)).replaces == ["content"]  # approved: replace

    bad = {**TEMPLATE, "content": "Get your code at bit.ly/abc"}
    bad_id, bad_state = templates.up("shortener", bad)
    bad_state = refresh(templates, "shortener", bad_id, bad_state)
    assert (bad_state["status"], bad_state["approved"], bad_state["next_action"]) == (
        "Rejected",
        False,
        "fix_and_resubmit",
    )
    assert "shortener" in bad_state["status_reason"]
    checked, _ = templates.check("shortener", TEMPLATE, olds=bad_state)
    diff = templates.diff("shortener", bad_id, bad_state, without(checked))
    assert diff.changes and diff.replaces == []  # rejected: amend in place
    bad_state = without(templates.update("shortener", bad_id, bad_state, without(checked)))
    assert refresh(templates, "shortener", bad_id, bad_state)["status"] == "Approved"
    templates.delete("shortener", bad_id, bad_state)
    assert templates.read("shortener", bad_id, bad_state)[0] == ""


def test_template_import_matches_create(host: ProviderHost, live: AccountClient, speed: Any) -> None:
    templates = driver_for(host, "MessageTemplate")
    code = live.templates.create("Console made", "international", "Your parcel ${id} shipped.", intl_type=0)
    inputs = {"name": "Console made", "type": "international", "intl_type": 0, "content": "Your parcel ${id} shipped."}
    checked, _ = templates.check("console", inputs)
    id_, outs, _ = templates.read("console", code, {}, without(checked))
    created_id, created = templates.up("created", inputs)
    created = refresh(templates, "created", created_id, created)
    strip = {"template_code"}
    assert {k: v for k, v in without(outs).items() if k not in strip} == {
        k: v for k, v in created.items() if k not in strip}  # fmt: skip
    assert templates.diff("console", id_, without(outs), without(checked)).changes is False


# --- AlertContact -----------------------------------------------------------------------------------------------

CONTACT = {"name": "On-call SRE", "phone": "+8613800000000", "email": "sre@example.com", "alerts": ["send_volume"]}


def test_contact_phone_verification_round_trip(host: ProviderHost, live: AccountClient, module_store: Store) -> None:
    contacts = driver_for(host, "AlertContact")
    id_, state = contacts.up("oncall", CONTACT)
    assert state["verified"] is False and state["contact_id"] == id_
    codes = [row for row in admin.outbox(module_store) if row["recipient"] == CONTACT["phone"]]
    found = re.search(r"\b(\d{6})\b", codes[-1]["body"])
    assert found is not None
    code = found.group(1)
    assert_no_diff(contacts, "oncall", id_, refresh(contacts, "oncall", id_, state), CONTACT)

    verified_inputs = {**CONTACT, "verification_code": code}
    checked, _ = contacts.check("oncall", verified_inputs, olds=state)
    assert contacts.diff("oncall", id_, state, without(checked)).changes
    state = without(contacts.update("oncall", id_, state, without(checked)))
    assert state["verified"] is True
    state = refresh(contacts, "oncall", id_, state)
    assert_no_diff(contacts, "oncall", id_, state, verified_inputs)

    live.contacts.delete(int(id_))
    assert contacts.read("oncall", id_, state)[0] == ""


# --- singletons -------------------------------------------------------------------------------------------------


def test_threshold_records_and_restores_replaced_values(host: ProviderHost, live: AccountClient) -> None:
    live.thresholds.set(WarningThreshold(biz_type="international", daily_warning=10, daily_suspend=20))
    thresholds = driver_for(host, "SuspensionThreshold")
    inputs = {"biz_type": "international", "daily_warning": 8000, "daily_suspend": 10000}
    id_, state = thresholds.up("intl", inputs)
    assert id_ == "international" and state["replaced_values"]["daily_suspend"] == 20
    assert live.thresholds.get("international").daily_suspend == 10000
    state = refresh(thresholds, "intl", id_, state)
    assert_no_diff(thresholds, "intl", id_, state, inputs)

    checked, _ = thresholds.check("intl", {**inputs, "daily_warning": 9000}, olds=state)
    diff = thresholds.diff("intl", id_, state, without(checked))
    assert diff.changes and diff.replaces == []
    checked, _ = thresholds.check("intl", {**inputs, "biz_type": "domestic"}, olds=state)
    assert thresholds.diff("intl", id_, state, without(checked)).replaces == ["biz_type"]

    live.thresholds.set(WarningThreshold(biz_type="international", daily_warning=1, daily_suspend=5))  # drift
    drifted = refresh(thresholds, "intl", id_, state)
    checked, _ = thresholds.check("intl", inputs, olds=drifted)
    assert thresholds.diff("intl", id_, drifted, without(checked)).changes

    thresholds.delete("intl", id_, state)
    restored = live.thresholds.get("international")
    assert (restored.daily_warning, restored.daily_suspend) == (10, 20)


def test_threshold_created_on_an_unset_account_is_cleared_on_delete(host: ProviderHost, live: AccountClient) -> None:
    thresholds = driver_for(host, "SuspensionThreshold")
    assert live.thresholds.get("domestic").daily_suspend is None
    inputs = {"biz_type": "domestic", "daily_warning": 50, "daily_suspend": 100}
    id_, state = thresholds.up("dom", inputs)
    state = refresh(thresholds, "dom", id_, state)
    assert state["daily_suspend"] == 100 and not any(state["replaced_values"].values())
    thresholds.delete("dom", id_, state)
    assert live.thresholds.get("domestic") == WarningThreshold(biz_type="domestic")


def test_frequency_limit_defaults_and_restore(host: ProviderHost, live: AccountClient) -> None:
    limits = driver_for(host, "SendFrequencyLimit")
    before = live.frequency.get("international")
    id_, state = limits.up("freq", {"per_minute": 2, "per_hour": 6})
    assert state["per_day"] == 10 and live.frequency.get("international").per_minute == 2
    assert_no_diff(limits, "freq", id_, refresh(limits, "freq", id_, state), {"per_minute": 2, "per_hour": 6})
    limits.delete("freq", id_, state)
    assert live.frequency.get("international") == before


def test_fraud_protection_lifecycle(host: ProviderHost, live: AccountClient) -> None:
    fraud = driver_for(host, "FraudProtection")
    inputs = {"hourly_limit": 1000, "increase_rate": 200, "success_rate": 30}
    id_, state = fraud.up("fraud", inputs)
    assert id_ == "fraud-protection"
    assert state["enabled"] is True and live.fraud.is_enabled()  # declared limits are switched on
    assert state["replaced_values"]["enabled"] is False
    assert_no_diff(fraud, "fraud", id_, refresh(fraud, "fraud", id_, state), {**inputs, "enabled": True})
    second = {"hourly_limit": 500, "increase_rate": 100, "success_rate": 50, "enabled": False}
    state = without(fraud.update("fraud", id_, state, second))
    assert not live.fraud.is_enabled()
    fraud.delete("fraud", id_, state)
    assert live.fraud.get() is not None  # the API cannot clear limits
    assert not live.fraud.is_enabled()  # the switch is back as it was


def test_fraud_protection_switch_drift_and_restore(host: ProviderHost, live: AccountClient) -> None:
    live.fraud.set_enabled(True)
    fraud = driver_for(host, "FraudProtection")
    inputs = {"hourly_limit": 1000, "increase_rate": 200, "success_rate": 30, "enabled": False}
    id_, state = fraud.up("fraud", inputs)
    assert state["replaced_values"]["enabled"] is True and not live.fraud.is_enabled()
    live.fraud.set_enabled(True)  # turned on in the console
    refreshed = refresh(fraud, "fraud", id_, state)
    assert refreshed["enabled"] is True
    checked, _ = fraud.check("fraud", inputs, olds=refreshed)
    diff = fraud.diff("fraud", id_, refreshed, without(checked))
    assert (diff.changes, diff.replaces) == (True, [])  # an update in place turns it off again
    fraud.delete("fraud", id_, refreshed)
    assert live.fraud.is_enabled()


# --- check failures ---------------------------------------------------------------------------------------------

BAD_INPUTS = [
    ("SenderId", SenderIdProvider, {**SENDER, "country": "RU"}, "country", "account manager"),
    ("SenderId", SenderIdProvider, {**SENDER, "country": "SG"}, "country", "self-register"),
    ("SenderId", SenderIdProvider, {**SENDER, "country": "XX"}, "country", "unknown country"),
    ("SenderId", SenderIdProvider, {**SENDER, "sender_id": "阿里云"}, "sender_id", "non-Latin"),
    ("SenderId", SenderIdProvider, {**SENDER, "sender_id": "ACMEPAYMENTS1"}, "sender_id", "at most 11"),
    ("SenderId", SenderIdProvider, {**SENDER, "sender_id": "1234567890123456"}, "sender_id", "at most 15"),
    ("SenderId", SenderIdProvider, {**SENDER, "sample_templates": []}, "sample_templates", "at least one"),
    ("SenderId", SenderIdProvider, {**SENDER, "sample_templates": ["x"] * 21}, "sample_templates", "at most 20"),
    ("SenderId", SenderIdProvider, {**SENDER, "sample_templates": ["  "]}, "sample_templates", "blank"),
    ("SenderId", SenderIdProvider, {**SENDER, "use_case": "spam"}, "use_case", "otp"),
    ("SenderId", SenderIdProvider, {**SENDER, "documents": [{"type": "id", "path": "nope.pdf"}]}, "documents",
     "no such file"),
    ("MessageTemplate", MessageTemplateProvider, {**TEMPLATE, "type": "promotional", "intl_type": None},
     "content", "promotional templates cannot contain variables"),
    ("MessageTemplate", MessageTemplateProvider, {**TEMPLATE, "content": "x" * 501}, "content", "at most 500"),
    ("AlertContact", AlertContactProvider, {**CONTACT, "phone": "12ab"}, "phone", "international format"),
    ("AlertContact", AlertContactProvider, {**CONTACT, "email": "nobody"}, "email", "must be an email address"),
    ("AlertContact", AlertContactProvider, {**CONTACT, "alerts": ["pager"]}, "alerts", "unknown alert"),
    ("SuspensionThreshold", SuspensionThresholdProvider,
     {"biz_type": "international", "daily_warning": 20, "daily_suspend": 10}, "daily_warning", "above daily_suspend"),
    ("SuspensionThreshold", SuspensionThresholdProvider, {"biz_type": "international", "daily_suspend": -1},
     "daily_suspend", "at least 0"),
    ("SuspensionThreshold", SuspensionThresholdProvider, {"biz_type": "mars"}, "biz_type", "domestic"),
    ("SendFrequencyLimit", SendFrequencyLimitProvider, {"per_minute": 10, "per_hour": 5}, "per_minute", "above"),
    ("FraudProtection", FraudProtectionProvider, {"hourly_limit": 1, "increase_rate": 1, "success_rate": 101},
     "success_rate", "at most 100"),
]  # fmt: skip


@pytest.mark.parametrize(("type_name", "provider", "inputs", "field", "phrase"), BAD_INPUTS,
                         ids=[f"{case[0]}-{case[3]}-{case[4][:12]}" for case in BAD_INPUTS])  # fmt: skip
def test_check_names_field_and_rule(host: ProviderHost, type_name: str, provider: Any, inputs: dict[str, Any],
                                    field: str, phrase: str) -> None:  # fmt: skip
    _, failures = ResourceDriver(host, type_name, provider()).check("bad", inputs)
    assert any(prop == field and phrase in reason for prop, reason in failures), failures


# --- import of console-made objects ------------------------------------------------------------------------------


def test_contact_import_matches_create(host: ProviderHost, live: AccountClient) -> None:
    contacts = driver_for(host, "AlertContact")
    inputs = {
        "name": "Console SRE",
        "phone": "+8613900000000",
        "email": "console@example.com",
        "alerts": ["send_volume"],
    }
    contact_id = live.contacts.save(name=inputs["name"], phone=inputs["phone"], email=inputs["email"],
                                    alerts=inputs["alerts"])  # fmt: skip
    checked, _ = contacts.check("console", inputs)
    id_, outs, _ = contacts.read("console", str(contact_id), {}, without(checked))
    assert id_ == str(contact_id)
    assert contacts.diff("console", id_, without(outs), without(checked)).changes is False
    created_id, created = contacts.up("created", inputs)
    created = refresh(contacts, "created", created_id, created)
    assert {k: v for k, v in created.items() if k != "contact_id"} == {
        k: v for k, v in without(outs).items() if k != "contact_id"
    }


def test_singleton_import_adopts_console_values(host: ProviderHost, live: AccountClient) -> None:
    live.thresholds.set(WarningThreshold(biz_type="international", monthly_warning=700, monthly_suspend=900))
    thresholds = driver_for(host, "SuspensionThreshold")
    inputs = {"biz_type": "international", "monthly_warning": 700, "monthly_suspend": 900}
    checked, _ = thresholds.check("adopted", inputs)
    id_, outs, _ = thresholds.read("adopted", "international", {}, without(checked))
    assert id_ == "international" and outs["replaced_values"]["monthly_suspend"] == 900
    assert thresholds.diff("adopted", id_, without(outs), without(checked)).changes is False


def assert_whole_and_sorted(props: dict[str, Any], *fields: str) -> None:
    """Whole numbers are ints, keys (also of nested mappings) in sorted order."""
    for name in fields:
        assert type(props[name]) is int, (name, props[name])
    for mapping in (props, *(value for value in props.values() if isinstance(value, dict))):
        assert list(mapping) == sorted(mapping)
        assert not any(isinstance(value, float) for value in mapping.values()), mapping


def test_whole_numbers_stay_whole_in_a_stable_key_order(host: ProviderHost, live: AccountClient) -> None:
    live.thresholds.set(WarningThreshold(biz_type="domestic", monthly_warning=70, monthly_suspend=90))
    cases = [
        ("SuspensionThreshold", {"biz_type": "domestic", "daily_warning": 8000, "daily_suspend": 10000},
         ("daily_warning", "daily_suspend")),
        ("MessageTemplate", {**TEMPLATE, "name": "Whole numbers", "intl_type": 2}, ("intl_type",)),
        ("SenderId", {**SENDER, "sender_id": "WHOLE", "wait_timeout": 600, "deletion_protection": False},
         ("wait_timeout",)),
    ]  # fmt: skip
    for type_name, inputs, fields in cases:
        resource = driver_for(host, type_name)
        id_, state = resource.up("whole", inputs)
        state = without(state)
        assert_whole_and_sorted(state, *fields)
        refreshed = refresh(resource, "whole", id_, state)
        assert_whole_and_sorted(refreshed, *fields)
        assert_no_diff(resource, "whole", id_, refreshed, inputs)
        resource.delete("whole", id_, refreshed)
    restored = live.thresholds.get("domestic")
    assert (restored.monthly_warning, restored.monthly_suspend) == (70, 90)


def test_a_provider_reads_recorded_whole_numbers_back_as_ints(module_store: Store, live: AccountClient) -> None:
    live.thresholds.set(WarningThreshold(biz_type="domestic", daily_warning=5, daily_suspend=50))
    provider = SuspensionThresholdProvider()
    provider.configure(ConfigureRequest(Config({"alisms:endpoint": "embedded",
                                                "alisms:stateFile": str(module_store.path)}, PROJECT)))  # fmt: skip
    recorded = {
        "biz_type": "domestic",
        "daily_warning": 5.0,  # as the engine sends state back: doubles
        "replaced_values": {"monthly_suspend": 90.0, "daily_warning": None, "monthly_warning": 70.0},
    }
    result = provider.read("domestic", recorded)
    live.thresholds.set(WarningThreshold(biz_type="domestic"))
    assert_whole_and_sorted(result.outs, "daily_warning", "daily_suspend")
    assert result.outs["replaced_values"] == {"daily_warning": None, "monthly_suspend": 90, "monthly_warning": 70}


def test_template_under_review_cannot_be_deleted_and_says_why(host: ProviderHost, speed: Any) -> None:
    speed("realistic")
    templates = driver_for(host, "MessageTemplate")
    id_, state = templates.up("pending", {**TEMPLATE, "name": "Pending review"})
    with pytest.raises(ProviderHostError, match="still under review"):
        templates.delete("pending", id_, state)


def test_paid_offline_sender_id_is_refused_new_but_adoptable_by_import(host: ProviderHost) -> None:
    senders = driver_for(host, "SenderId")
    russia = {**SENDER, "country": "RU", "sender_id": "ACMERU"}
    _, failures = senders.check("ru", russia)
    assert any(prop == "country" and "import_" in reason for prop, reason in failures)
    _, failures = senders.check("ru", russia, olds=russia)  # the engine's check during an import
    assert failures == []


def test_unknown_inputs_during_preview_are_not_judged(host: ProviderHost) -> None:
    senders = driver_for(host, "SenderId")
    inputs, failures = senders.check("preview", {**SENDER, "sender_id": rpc.UNKNOWN, "sample_templates": [rpc.UNKNOWN]})
    assert failures == [] and inputs.get("sender_id") in (None, rpc.UNKNOWN)  # still unknown, not judged
    thresholds = driver_for(host, "SuspensionThreshold")
    _, failures = thresholds.check("preview", {"biz_type": "international", "daily_suspend": rpc.UNKNOWN,
                                               "monthly_suspend": -1})  # fmt: skip
    assert [prop for prop, _ in failures] == ["monthly_suspend"]
