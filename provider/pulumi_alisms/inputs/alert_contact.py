"""``AlertContact`` inputs and their offline rules. Every input updates in place."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.diff import Diff, fields_diff
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.contacts import contact_problems
from pulumi_alisms.rules.text import control_character_problems

INPUT_FIELDS = ("name", "phone", "email", "alerts", "verification_code")


class AlertContactEntry(BaseModel):
    """An alert contact in an account file: the verification code, a secret, never goes in the file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    phone: str
    email: str
    alerts: list[str] = []


class AlertContactInputs(AlertContactEntry):
    """Checked inputs of an ``AlertContact``."""

    verification_code: str | None = None


def input_problems(inputs: AlertContactEntry) -> list[Problem]:
    """Every offline rule for these inputs, named by field."""
    code = inputs.verification_code if isinstance(inputs, AlertContactInputs) else None
    problems = contact_problems(inputs.name, inputs.phone, inputs.email, inputs.alerts)
    return problems + control_character_problems("verification_code", code or "")


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """Any changed input updates the contact in place."""
    return fields_diff(olds, news, INPUT_FIELDS)
