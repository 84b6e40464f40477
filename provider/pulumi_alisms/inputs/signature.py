"""``Signature`` inputs (a Chinese-mainland SMS signature), their offline rules and their diff rules.

Diff rules: ``name`` replaces (it is the id). The application fields amend the signature in place
(UpdateSmsSign resubmits it for review) while it is rejected, and replace it otherwise. ``qualification_id``
rebinds in place (ChangeSignatureQualification). ``wait_for``, ``wait_timeout`` and ``deletion_protection`` are
local and update in place.
"""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pulumi_alisms.inputs.diff import Diff, changed_fields
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.signatures import (
    SIGNATURE_TEXT,
    SignatureSource,
    SignatureType,
    signature_name_problems,
    source_problems,
)
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.rules.text import text_problems

SignatureWaitFor = Literal["none", "approved", "registered"]
AMENDABLE_FIELDS = ("source", "type", "remark", "apply_scene", "third_party", "authorization_letter_id",
                    "trademark_id", "app_icp_record_id")  # fmt: skip
LOCAL_FIELDS = ("wait_for", "wait_timeout", "deletion_protection")
DEFAULT_WAIT_TIMEOUT = 3600


class SignatureFields(BaseModel):
    """What a signature declares besides its qualification."""

    model_config = ConfigDict(extra="forbid")

    name: str
    source: SignatureSource
    type: SignatureType = "general"
    remark: str | None = None
    apply_scene: str | None = None
    third_party: bool = False
    authorization_letter_id: int | None = None
    trademark_id: int | None = None
    app_icp_record_id: int | None = None
    wait_for: SignatureWaitFor = "none"
    wait_timeout: int = Field(DEFAULT_WAIT_TIMEOUT, gt=0)
    deletion_protection: bool = True


class SignatureInputs(SignatureFields):
    """Checked inputs of a ``Signature``."""

    qualification_id: int


class SignatureEntry(SignatureFields):
    """A signature in an account file: its qualification is a key of the file's ``qualifications``
    (``qualification``) or the id of one in the account (``qualification_id``)."""

    qualification: str | None = None
    qualification_id: int | None = None


def input_problems(inputs: SignatureFields) -> list[Problem]:
    """Every offline rule for these inputs (or an account file's entry), named by field."""
    problems = [
        *signature_name_problems("name", inputs.name),
        *source_problems(inputs.source, apply_scene=inputs.apply_scene, trademark_id=inputs.trademark_id,
                         app_icp_record_id=inputs.app_icp_record_id),
        *text_problems(SIGNATURE_TEXT, {"remark": inputs.remark, "apply_scene": inputs.apply_scene}),
    ]  # fmt: skip
    if inputs.third_party and inputs.authorization_letter_id is None:
        problems.append(Problem("authorization_letter_id", "a signature for third-party use needs one"))
    return problems


def entry_problems(entry: SignatureEntry) -> list[Problem]:
    """The rules of an account-file entry: the inputs' rules, and one qualification, by key or by id."""
    problems = input_problems(entry)
    if (entry.qualification is None) == (entry.qualification_id is None):
        problems.append(Problem("qualification", "give either qualification (a key of qualifications) or "
                                "qualification_id (the id of an approved qualification in the account)"))  # fmt: skip
    return problems


def entry_inputs(_key: str, entry: SignatureEntry) -> dict[str, Any]:
    """The resource inputs an account-file entry declares; ``qualification_id`` is ``None`` when the entry names
    a qualification by key (the qualification's id, once it exists)."""
    return entry.model_dump(mode="json", exclude={"qualification"})


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """The module docstring's rules; ``olds`` is the recorded state, with the live review ``status``."""
    changed = changed_fields(olds, news, ["name", "qualification_id", *AMENDABLE_FIELDS, *LOCAL_FIELDS])
    amendable = olds.get("status") == ReviewStatus.REJECTED
    return Diff(changed, tuple(name for name in changed
                               if name == "name" or (name in AMENDABLE_FIELDS and not amendable)))  # fmt: skip
