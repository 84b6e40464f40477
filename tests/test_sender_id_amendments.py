"""Changing an approved SenderID registration never loses it: the change is an amendment (a new version),
reviewed while the approved version keeps serving, through the real provider host and ``alisms plan``."""

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.spec import load_account
from pulumi_alisms.spec.changes import plan
from pulumi_alisms.spec.drift import drift as drift_of
from pulumi_alisms.spec.live import read_account
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.testing import ProviderHost, ProviderHostError, ResourceDriver, driver_for, without
from support import FAST_RETRY, SENDER, planned, refresh, start_host

MALAYSIA = "60123456789"
NEW_SAMPLES = ["Your Acme code is 482913. Never share it."]


def approved(senders: ResourceDriver, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A registration created and approved (instant review), as a refresh records it."""
    id_, state = senders.up(name, inputs)
    state = refresh(senders, name, id_, state)
    assert (state["status"], state.get("approved_version"), state.get("pending_version")) == ("Approved", 1, None)
    return id_, state


def test_an_approved_registration_is_amended_while_it_keeps_sending(
    host: ProviderHost, live: AccountClient, module_store: Store, speed: Any
) -> None:
    senders = driver_for(host, "SenderId")
    id_, state = approved(senders, "amended", {**SENDER, "sender_id": "ACMEAMEND"})
    speed("realistic")  # the amendment waits for a reviewer
    changed = {**SENDER, "sender_id": "ACMEAMEND", "sample_templates": NEW_SAMPLES}

    checked, diff = planned(senders, "amended", id_, state, changed)
    assert diff.changes and diff.replaces == []  # an update: no replacement, so deletion protection is not in the way
    state = without(senders.update("amended", id_, state, checked))

    assert (state["status"], state["approved"], state["registration_id"]) == ("Approved", True, id_)
    assert (state.get("approved_version"), state.get("pending_version"), state.get("pending_status")) == (
        1,
        2,
        "UnderReview",
    )
    assert state["next_action"] == "wait_for_review"
    sent = live.sending.send(MALAYSIA, "ACMEAMEND", "Your Acme code is 482913.", "otp")
    assert sent.country == "MY"
    serving = live.sender_ids.get(id_)
    assert serving is not None and serving.sample_templates == SENDER["sample_templates"]  # the approved version's
    state = refresh(senders, "amended", id_, state)
    assert state["status"] == "Approved" and state.get("pending_status") == "UnderReview"
    assert planned(senders, "amended", id_, state, changed)[1].changes is False  # no second amendment

    assert str(admin.approve(module_store, id_)).endswith("(ACMEAMEND for MY, version 2) in account alisms-dev: "
                                                          "status Approved")  # fmt: skip
    state = refresh(senders, "amended", id_, state)
    assert state["sample_templates"] == NEW_SAMPLES
    versions = (state.get("approved_version"), state.get("pending_version"), state.get("pending_status"))
    assert (state["status"], versions) == ("Approved", (2, None, None))
    assert state["next_action"] == "none"
    diff = planned(senders, "amended", id_, state, changed)[1]
    assert (diff.changes, diff.replaces) == (False, [])
    current = live.sender_ids.get(id_)
    assert current is not None and current.sample_templates == NEW_SAMPLES


def test_a_rejected_amendment_keeps_the_approved_version(
    host: ProviderHost, live: AccountClient, module_store: Store, speed: Any
) -> None:
    senders = driver_for(host, "SenderId")
    id_, state = approved(senders, "kept", {**SENDER, "sender_id": "ACMEKEEP"})
    speed("realistic")
    changed = {**SENDER, "sender_id": "ACMEKEEP", "company_name": "Acme Holdings"}
    state = without(senders.update("kept", id_, state, planned(senders, "kept", id_, state, changed)[0]))

    rejected = admin.reject(module_store, id_, "company not verified")
    assert "(ACMEKEEP for MY, amendment version 2)" in str(rejected) and "status Approved" in str(rejected)
    state = refresh(senders, "kept", id_, state)

    assert (state["status"], state["approved"], state.get("approved_version")) == ("Approved", True, 1)
    assert (state.get("pending_version"), state.get("pending_status")) == (2, "Rejected")
    assert state.get("pending_reason") == "company not verified"
    assert state["next_action"] == "fix_and_resubmit"
    live.sending.send(MALAYSIA, "ACMEKEEP", "Your Acme code is 482913.", "otp")  # still sendable
    serving = live.sender_ids.get(id_)
    assert serving is not None and serving.company_name == "Acme Pay Ltd"
    drift = drift_of(AccountSpec(version=1), read_account(live, details_for=None), datetime.now(UTC))
    (row,) = [row for row in drift.attention if row.id == id_]  # a scheduled drift run sees it too
    assert (row.status, row.next_action) == ("Approved", "fix_and_resubmit")
    assert row.detail.startswith("amendment version 2 rejected: company not verified")


def test_the_review_rules_decide_an_amendment_on_the_clock(host: ProviderHost, live: AccountClient) -> None:
    senders = driver_for(host, "SenderId")
    id_, state = approved(senders, "shortened", {**SENDER, "sender_id": "ACMESHORT"})
    changed = {**SENDER, "sender_id": "ACMESHORT", "sample_templates": ["Track it at https://bit.ly/3xYz"]}
    state = without(senders.update("shortened", id_, state, planned(senders, "shortened", id_, state, changed)[0]))
    state = refresh(senders, "shortened", id_, state)

    assert (state["status"], state.get("approved_version"), state.get("pending_status")) == ("Approved", 1, "Rejected")
    assert "URL shortener" in str(state.get("pending_reason"))
    serving = live.sender_ids.get(id_)
    assert serving is not None and serving.sample_templates == SENDER["sample_templates"]


def test_wait_for_approved_on_an_update_waits_for_the_amendments_decision(host: ProviderHost, speed: Any) -> None:
    senders = driver_for(host, "SenderId")
    inputs = {**SENDER, "sender_id": "ACMEWAITS", "wait_for": "approved", "wait_timeout": 60}
    id_, state = approved(senders, "waits", inputs)
    speed("fast")  # the review takes a few seconds
    changed = {**inputs, "use_case": "notification"}
    state = without(senders.update("waits", id_, state, planned(senders, "waits", id_, state, changed)[0]))
    assert (state.get("approved_version"), state.get("pending_version"), state["use_case"]) == (2, None, "notification")

    speed("instant")
    rejected = {**inputs, "use_case": "notification", "sample_templates": ["Track it at https://bit.ly/3xYz"]}
    with pytest.raises(ProviderHostError, match="amendment version 3 Rejected"):
        senders.update("waits", id_, state, planned(senders, "waits", id_, state, rejected)[0])


def test_plan_shows_an_amendment_as_an_update(
    host: ProviderHost, live: AccountClient, module_store: Store, tmp_path: Path
) -> None:
    inputs = {**SENDER, "sender_id": "ACMEPLAN"}
    id_, _ = approved(driver_for(host, "SenderId"), "planned", inputs)
    path = tmp_path / "account.yaml"
    path.write_text(json.dumps({"version": 1, "sender_ids": {"acme": {**inputs, "sample_templates": NEW_SAMPLES}}}))
    spec = load_account(path)

    [change] = [change for change in plan(spec, read_account(live, details_for=spec)) if change.key == "acme"]

    assert (change.action, change.id, change.status) == ("update", id_, "Approved")
    assert [(field.field, field.replaces) for field in change.fields] == [("sample_templates", False)]
    assert any("approved version keeps serving" in note for note in change.notes)
    assert not any("deletion_protection" in note for note in change.notes)


def test_an_older_state_file_without_versions_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "account.db"
    Store(path).set_setting("review_speed", "instant")
    with closing(open_account(AccountSettings(state_file=str(path)), retry=FAST_RETRY)) as account:
        ack = account.sender_ids.submit(country="MY", sender_id="ACMEOLD", company_name="Acme Pay Ltd",
                                        use_case="otp", sample_templates=SENDER["sample_templates"])  # fmt: skip
        assert account.sender_ids.get(ack.registration_id) is not None
    with sqlite3.connect(path) as db:  # as an emulator before registration versions kept it
        db.execute("DROP TABLE registration_versions")

    with closing(open_account(AccountSettings(state_file=str(path)), retry=FAST_RETRY)) as account:
        registration = account.sender_ids.get(ack.registration_id)
        assert registration is not None
        assert (registration.status, registration.approved_version, registration.pending_version) == (
            "Approved", 1, None,
        )  # fmt: skip
        assert account.sender_ids.update(ack.registration_id, sample_templates=NEW_SAMPLES).pending_version == 2


def test_a_console_amendment_is_printed_as_a_new_console_request(workdir: Path, module_store: Store) -> None:
    inputs = {**SENDER, "country": "ID", "sender_id": "ACMECONS"}
    records = {"country": "ID", "sender_id": "ACMECONS", "registration_id": "2025051200999", "status": "Approved",
               "submitted_on": "2025-05-01", "reviewed_on": "2025-05-09"}  # fmt: skip
    (workdir / "amend.console.yaml").write_text(json.dumps({"version": 1, "registrations": [records]}))
    host = start_host(workdir, module_store, config={"alisms:senderIdRegistration": "console",
                                                     "alisms:consoleRecords": "amend.console.yaml"})  # fmt: skip
    try:
        senders = driver_for(host, "SenderId")
        id_, state = senders.up("console", inputs)
        state = refresh(senders, "console", id_, state)
        assert state["status"] == "Approved"
        checked, diff = planned(senders, "console", id_, state, {**inputs, "sample_templates": NEW_SAMPLES})
        assert diff.changes and diff.replaces == []
        updated = without(senders.update("console", id_, state, checked))
    finally:
        stderr = host.close()
    assert updated["status"] == "Approved"
    assert "an amendment of the approved registration" in stderr
    assert f"  Sample Template 1: {NEW_SAMPLES[0]}" in stderr
