"""``SenderId`` inputs, their offline rules and their diff rules.

Diff rules: ``country`` always replaces. ``company_name``, ``website``, ``use_case`` and ``sample_templates``
amend the registration in place in every status: a resubmission while it is not approved, and once it is
approved an amendment (a new version, reviewed while the approved one keeps serving). ``sender_id`` amends
a registration that is not approved and replaces an approved one (a new sender ID is a new registration,
and the approved one keeps serving until it is deleted). ``documents``, ``wait_for``,
``wait_timeout`` and ``deletion_protection`` update in place. An Expired registration, or one asking for
documents when documents are declared, has work pending even when nothing changed. A console mode registration
(its state has a ``console_request``) is named by its sender ID, which therefore replaces it, and uploads nothing.
"""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pulumi_alisms.documents import document_path_problems
from pulumi_alisms.inputs.diff import Diff, changed_fields
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.countries import country_rules, registration_problems
from pulumi_alisms.rules.sender_ids import (
    DOCUMENT_TYPE,
    REGISTRATION_TEXT,
    UseCase,
    sample_template_problems,
    sender_id_problems,
)
from pulumi_alisms.rules.statuses import RegistrationStatus
from pulumi_alisms.rules.text import text_problems

WaitFor = Literal["none", "approved"]
AMENDABLE_FIELDS = ("sender_id", "company_name", "website", "use_case", "sample_templates")
LOCAL_FIELDS = ("documents", "wait_for", "wait_timeout", "deletion_protection")
DEFAULT_WAIT_TIMEOUT = 3600


class DocumentInput(BaseModel):
    """A document to upload when the registration asks for documents."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1)
    path: str = Field(min_length=1)


class SenderIdInputs(BaseModel):
    """Checked inputs of a ``SenderId``."""

    model_config = ConfigDict(extra="forbid")

    country: str
    sender_id: str
    company_name: str = Field(min_length=1)
    website: str | None = None
    use_case: UseCase
    sample_templates: list[str]
    documents: list[DocumentInput] = []
    wait_for: WaitFor = "none"
    wait_timeout: int = Field(DEFAULT_WAIT_TIMEOUT, gt=0)
    deletion_protection: bool = True

    @field_validator("country")
    @classmethod
    def _upper_country(cls, value: str) -> str:
        return value.strip().upper()


class SenderIdEntry(SenderIdInputs):
    """A SenderID registration in an account file; ``import`` adopts an existing registration by id."""

    import_id: str | None = Field(None, alias="import")


def input_problems(inputs: SenderIdInputs, *, existing: bool = False) -> list[Problem]:
    """Every offline rule for these inputs, named by field.

    ``existing`` registrations (already in state, imported, or an account file entry with ``import``) skip
    the refusal of paid/offline and self-registered countries: those rules are about submitting online,
    and the vendor's advice for such countries is precisely to register offline and adopt the result.
    A new registration that waits for approval in a country that asks for documents must declare them
    (an existing one that is stuck is stopped by the wait loop instead, which knows its status).
    """
    country = registration_problems("country", inputs.country)
    if existing and country_rules(inputs.country) is not None:
        country = []
    problems = [
        *country,
        *sender_id_problems("sender_id", inputs.sender_id),
        *sample_template_problems("sample_templates", inputs.sample_templates),
        *text_problems(REGISTRATION_TEXT, {"company_name": inputs.company_name, "website": inputs.website}),
    ]
    if inputs.website is not None and not inputs.website.startswith(("http://", "https://")):
        problems.append(Problem("website", f"{inputs.website!r} must be a full URL such as https://example.com"))
    rules = country_rules(inputs.country)
    if not existing and inputs.wait_for == "approved" and rules and rules.documents_required and not inputs.documents:
        problems.append(Problem("documents", f"{inputs.country} asks for registration documents, so wait_for: approved "
                                "would wait in vain until wait_timeout: declare documents (type and path of each; "
                                "see docs/countries.md), or set wait_for: none and add them later"))  # fmt: skip
    for index, document in enumerate(inputs.documents):
        problems += DOCUMENT_TYPE.problems(f"documents[{index}].type", document.type)
        problems += document_path_problems(f"documents[{index}].path", document.path)
    return problems


def entry_problems(entry: SenderIdEntry) -> list[Problem]:
    """The rules of an account-file entry: an entry with ``import`` names an existing registration."""
    return input_problems(entry, existing=entry.import_id is not None)


def entry_inputs(_key: str, entry: SenderIdEntry) -> dict[str, Any]:
    """The resource inputs an account-file entry declares (``import`` is a resource option, not an input)."""
    return entry.model_dump(mode="json", exclude={"import_id"})


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """The module docstring's rules; ``olds`` is the recorded state, with the live ``status``."""
    changed = changed_fields(olds, news, ["country", *AMENDABLE_FIELDS, *LOCAL_FIELDS])
    status = olds.get("status")
    approved = status == RegistrationStatus.APPROVED
    console = olds.get("console_request") is not None
    identity = ("country", "sender_id") if console or approved else ("country",)
    replaces = tuple(name for name in changed if name in identity)
    pending_work = status == RegistrationStatus.EXPIRED or (
        status == RegistrationStatus.DOCUMENTS_RENDERED and bool(news.get("documents")) and not console
    )
    return Diff(changed, replaces, pending_work)
