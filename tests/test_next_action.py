"""What a user does next about an object under review: the one table (``rules.next_action``), the offline refusal
of a wait that could only time out (``check`` and ``alisms validate``), and docs/countries.md generated from rules."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pulumi_alisms.inputs.sender_id import SenderIdInputs, input_problems
from pulumi_alisms.rules.countries import countries_markdown
from pulumi_alisms.rules.next_action import NEXT_ACTIONS, next_step
from support import run_cli

DUE = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent

# status, keywords -> (next_action, due_at, by_user)
TABLE = [
    ("Submitted", {"country": "MY"}, ("wait_for_review", None, False)),
    ("Submitted", {"country": "TH"}, ("upload_documents", None, True)),
    ("Submitted", {"country": "TH", "documents_declared": True}, ("upload_documents", None, False)),
    ("DocumentsToBeRendered", {"country": "TH"}, ("upload_documents", None, True)),
    ("DocumentsRendered", {"country": "TH", "documents_due_at": DUE}, ("upload_documents", DUE, True)),
    ("DocumentsRendered", {"country": "TH", "documents_due_at": DUE, "documents_declared": True},
     ("upload_documents", DUE, False)),
    ("DocumentsRendered", {"country": "MY", "documents_due_at": DUE}, ("upload_documents", DUE, True)),
    ("UnderReview", {"country": "TH", "documents_declared": True}, ("wait_for_review", None, False)),
    ("UnderReview", {}, ("wait_for_review", None, False)),
    ("Approved", {"country": "TH"}, ("none", None, False)),
    ("Approved", {"country": "RU"}, ("none", None, False)),
    ("Rejected", {"country": "MY"}, ("fix_and_resubmit", None, True)),
    ("Rejected", {}, ("fix_and_resubmit", None, True)),
    ("Cancelled", {}, ("fix_and_resubmit", None, True)),
    ("Expired", {"country": "TH"}, ("resubmit_expired", None, True)),
    ("UnderReview", {"country": "RU"}, ("contact_account_manager", None, True)),
    ("Rejected", {"country": "SG"}, ("contact_account_manager", None, True)),
    ("MaterialsRequired", {}, ("upload_documents", None, True)),
    ("Unknown", {}, ("contact_account_manager", None, True)),
    ("AwaitingConsoleRegistration", {"country": "MY"}, ("register_in_console", None, True)),
    ("Approved", {"registered": False}, ("wait_for_carrier_registration", None, False)),
    ("Approved", {"registered": False, "carrier_refused": True}, ("fix_and_resubmit", None, True)),
    ("Approved", {"registered": True}, ("none", None, False)),
]  # fmt: skip


@pytest.mark.parametrize(("status", "context", "expected"), TABLE, ids=[f"{s} {c}" for s, c, _ in TABLE])
def test_the_next_action_of_every_status(status: str, context: dict[str, object], expected: tuple[object, ...]) -> None:
    step = next_step(status, **context)  # type: ignore[arg-type]
    assert (step.action, step.due_at, step.by_user) == expected
    assert step.advice and "\n" not in step.advice


def test_every_documented_next_action_is_reachable_and_documented() -> None:
    assert {expected[0] for _, _, expected in TABLE} == set(NEXT_ACTIONS)
    resources = (ROOT / "docs" / "resources.md").read_text(encoding="utf-8")
    assert all(f"`{action}`" in resources for action in NEXT_ACTIONS)


SENDER = {"country": "TH", "sender_id": "ACMEPAY", "company_name": "Acme Pay Ltd", "use_case": "otp",
          "sample_templates": ["Your Acme code is 482913."]}  # fmt: skip


def test_check_refuses_waiting_for_approval_without_the_documents_the_country_asks_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (problem,) = input_problems(SenderIdInputs.model_validate({**SENDER, "wait_for": "approved"}))
    assert problem.field == "documents" and "TH asks for registration documents" in problem.message
    assert "declare documents" in problem.message and "wait_for: none" in problem.message

    monkeypatch.chdir(tmp_path)  # document paths are relative to the project directory
    (tmp_path / "license.pdf").write_bytes(b"%PDF-1.4")
    documents = [{"type": "business_license", "path": "license.pdf"}]
    assert (
        input_problems(SenderIdInputs.model_validate({**SENDER, "wait_for": "approved", "documents": documents})) == []
    )
    assert input_problems(SenderIdInputs.model_validate(SENDER)) == []
    assert input_problems(SenderIdInputs.model_validate({**SENDER, "country": "MY", "wait_for": "approved"})) == []


def test_validate_refuses_waiting_for_approval_without_documents(tmp_path: Path) -> None:
    (tmp_path / "license.pdf").write_bytes(b"%PDF-1.4")
    entry = "\n".join(f"    {key}: {value!r}" if isinstance(value, str) else f"    {key}: {value}"
                      for key, value in SENDER.items())  # fmt: skip
    waiting = f"version: 1\nsender_ids:\n  acme-th:\n{entry}\n    wait_for: approved\n"
    path = tmp_path / "account.yaml"
    path.write_text(waiting, encoding="utf-8")
    result = run_cli("validate", path)
    assert result.returncode == 1
    assert "sender_ids.acme-th.documents: TH asks for registration documents" in result.stdout + result.stderr

    path.write_text(waiting + "    documents: [{type: business_license, path: license.pdf}]\n", encoding="utf-8")
    assert run_cli("validate", path).returncode == 0
    path.write_text(waiting.replace("wait_for: approved", "wait_for: none"), encoding="utf-8")
    assert run_cli("validate", path).returncode == 0


def test_the_committed_countries_table_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "countries.md").read_text(encoding="utf-8")
    assert committed == countries_markdown(), (
        "run: python -m pulumi_alisms.rules.countries --markdown > docs/countries.md"
    )
    assert "| TH | `required` | yes |" in committed and "| RU | `paid_offline` | no |" in committed
    printed = subprocess.run([sys.executable, "-m", "pulumi_alisms.rules.countries", "--markdown"],
                             capture_output=True, text=True, check=True, timeout=60)  # fmt: skip
    assert printed.stdout == committed
