"""Control and bidi characters cannot forge the review: every single-line field refuses them (rules.text), and
whatever the account file or the live service holds reaches the terminal escaped (``alisms plan``, ``validate``)."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.inputs import alert_contact, message_template, sender_id, signature
from support import check_refuses, run_cli

ESC_NAME = "Welcome\x1b[8m"
UNSAFE = ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200f", "\u061c", "\r", "\n", "\t"]
VALID: list[tuple[Any, dict[str, Any], list[str]]] = [
    (alert_contact, {"name": "On-call SRE", "phone": "+8613800000000", "email": "sre@example.com",
                     "verification_code": "123456"}, ["name", "phone", "email", "verification_code"]),
    (message_template, {"name": "Login code", "type": "international", "intl_type": 2,
                        "content": "Your code is ${code}.", "remark": "login", "signature": "Acme"},
     ["name", "remark", "signature"]),
    (sender_id, {"country": "GB", "sender_id": "ACMEPAY", "company_name": "Acme Pay Ltd",
                 "website": "https://acme.example", "use_case": "otp", "sample_templates": ["Code 482913."]},
     ["sender_id", "company_name", "website"]),
    (signature, {"name": "阿里云短信", "source": "website", "qualification_id": 1,
                 "apply_scene": "https://acme.example", "remark": "login codes"}, ["name", "remark", "apply_scene"]),
]  # fmt: skip
CASES = [(module, values, field) for module, values, fields in VALID for field in fields]


def _model(module: Any) -> type[BaseModel]:
    return next(value for name, value in vars(module).items() if name.endswith("Inputs") and name != "BaseModel")


def refused(module: Any, values: dict[str, Any], field: str) -> bool:
    """Whether check refuses ``values``, naming ``field``, without repeating an unsafe character."""

    def problems(inputs: Any) -> list[Any]:
        found: list[Any] = module.input_problems(inputs)
        assert all(not set(UNSAFE) & set(str(problem)) for problem in found), found
        return found

    return check_refuses(_model(module), problems, values, field)


@pytest.mark.parametrize(("module", "values", "field"), CASES, ids=[f"{m.__name__}.{f}" for m, _, f in CASES])
@given(character=st.sampled_from(UNSAFE), at=st.integers(min_value=0, max_value=8))
def test_every_single_line_field_refuses_control_and_bidi_characters(
    module: Any, values: dict[str, Any], field: str, character: str, at: int
) -> None:
    assert not refused(module, values, field)
    value = values[field]
    at = min(at, len(value))
    assert refused(module, {**values, field: value[:at] + character + value[at:]}, field)


def test_message_content_and_samples_may_break_lines_but_hold_no_other_control() -> None:
    base = dict(VALID[1][1])
    content = "Your code is ${code}.\nIt expires in 5 minutes.\r\nDo not share it."
    assert message_template.input_problems(message_template.MessageTemplateInputs(**{**base, "content": content})) == []
    for bad in ("\r", "\x1b[1A", "\u202e", "\t"):
        problems = message_template.input_problems(
            message_template.MessageTemplateInputs(**{**base, "content": f"Code ${{code}}.{bad}"})
        )
        assert [problem.field for problem in problems] == ["content"], bad
    registration = dict(VALID[2][1])
    assert sender_id.input_problems(sender_id.SenderIdInputs(**{**registration, "sample_templates": ["a\nb"]})) == []
    problems = sender_id.input_problems(sender_id.SenderIdInputs(**{**registration, "sample_templates": ["a\x1bb"]}))
    assert [problem.field for problem in problems] == ["sample_templates[0]"]


def _account_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "account.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_names_the_field_and_key_holding_a_control_character_escaped(tmp_path: Path) -> None:
    path = _account_file(tmp_path, 'version: 1\ntemplates:\n  welcome:\n    name: "Welcome\\e[8m"\n    type: otp\n'
                                   '    content: "Code ${code}"\ncontacts:\n  "sre\\e[2K":\n    name: SRE\n'
                                   '    phone: "+8613800000000"\n    email: sre@example.com\n')  # fmt: skip
    result = run_cli("validate", path)
    assert result.returncode == 1, result
    assert "\x1b" not in result.stdout + result.stderr
    assert "templates.welcome.name: contains the character U+001B" in result.stdout
    assert "contacts.sre\\x1b[2K: contains the character U+001B" in result.stdout
    as_json = run_cli("validate", path, "--output", "json")
    assert as_json.returncode == 1
    assert {problem["path"] for problem in json.loads(as_json.stdout)} >= {
        "templates.welcome.name",
        "contacts.sre\x1b[2K",
    }


def _rename_template(store: Store, code: str, name: str) -> None:
    """What the console could hold: a name the API would refuse, written straight into the emulator's state."""
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE templates SET name = ? WHERE code = ?", (name, code))


@pytest.mark.parametrize("name", [ESC_NAME, "Login\n\x1b[1Acreate  template  fake", "Login\u202eedoc"])
def test_plan_shows_a_live_name_with_control_characters_escaped(
    account: AccountClient, store: Store, tmp_path: Path, name: str
) -> None:
    code = account.templates.create("Welcome", "international", "Your code is ${code}.")
    _rename_template(store, code, name)
    path = _account_file(tmp_path, "version: 1\n")
    result = run_cli("plan", path, "--state-file", store.path)
    assert result.returncode == 2, result
    rows = [line for line in result.stdout.splitlines() if line.startswith(("create", "update", "replace", "delete"))]
    assert len(rows) == 1 and rows[0].startswith("delete  template"), result.stdout  # no forged or erased row
    assert not set("\x1b\u202e\r") & set(result.stdout)
    assert name.encode("unicode_escape").decode("ascii") in rows[0]
    as_json = run_cli("plan", path, "--state-file", store.path, "--output", "json")
    assert not set("\x1b\u202e") & set(as_json.stdout)  # JSON escapes C0; json_text escapes C1 and bidi too
    assert json.loads(as_json.stdout)["changes"][0]["label"] == name
