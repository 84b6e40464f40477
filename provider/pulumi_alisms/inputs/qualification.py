"""``Qualification`` inputs (a Chinese-mainland qualification: the signing entity's documents), their offline
rules and their diff rules.

Diff rules, as UpdateSmsQualification allows: ``name``, ``company_type``, ``organization_code``, ``use_by_self``,
``share`` and ``remark`` replace (the operation has no such parameters; the old qualification is deleted first,
names being unique). The entity's, the legal representative's and the administrator's fields and the
``documents`` amend the qualification in place (a resubmission for review, with a fresh ``certify_code``).
``certify_code`` alone changes nothing: it is only read when a submission or amendment needs it. ``wait_for``,
``wait_timeout`` and ``deletion_protection`` are local and update in place. A qualification adopted by import has
no ``documents`` recorded: declaring them is no change until an amendment uploads them.
"""

from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pulumi_alisms.documents import document_path_problems
from pulumi_alisms.inputs.diff import Diff, changed_fields
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.qualifications import CompanyType, IdCardType, LicenseType, qualification_problems

QualificationWaitFor = Literal["none", "approved"]
DocumentType = Literal[
    "admin_id_front", "admin_id_back", "legal_person_id_front", "legal_person_id_back", "business_license",
    "social_credit_license", "sign_legal_license", "other_license", "other",
]  # fmt: skip
LICENSE_TYPES: dict[str, LicenseType] = {
    "business_license": "businessLicense", "social_credit_license": "socialCreditLicense",
    "sign_legal_license": "signLegalLicense", "other_license": "otherLicense",
}  # fmt: skip
"""Document type -> the business license picture's ``Type`` on the wire."""
SINGLE_DOCUMENTS = ("admin_id_front", "admin_id_back", "legal_person_id_front", "legal_person_id_back")
REQUIRED_DOCUMENTS = ("admin_id_front", "admin_id_back")
REPLACING_FIELDS = ("name", "company_type", "organization_code", "use_by_self", "share", "remark")
AMENDABLE_FIELDS = (
    "company_name", "business_license_validity", "legal_person_name", "legal_person_id_type",
    "legal_person_id_number", "legal_person_id_validity", "admin_name", "admin_id_type", "admin_id_number",
    "admin_id_validity", "admin_phone", "documents",
)  # fmt: skip
LOCAL_FIELDS = ("wait_for", "wait_timeout", "deletion_protection")
SECRET_FIELDS = ("legal_person_name", "legal_person_id_number", "admin_name", "admin_id_number", "admin_phone",
                 "certify_code")  # fmt: skip
"""Personal data: secret inputs and secret outputs."""
DEFAULT_WAIT_TIMEOUT = 3600


class QualificationDocument(BaseModel):
    """A document file to upload: its ``type`` and its ``path`` (relative to the Pulumi project)."""

    model_config = ConfigDict(extra="forbid")

    type: DocumentType
    path: str = Field(min_length=1)


class QualificationFields(BaseModel):
    """What a qualification declares besides personal data: the entity, the validity periods, documents, options."""

    model_config = ConfigDict(extra="forbid")

    name: str
    company_name: str
    company_type: CompanyType = "COMPANY"
    organization_code: str
    business_license_validity: str
    legal_person_id_type: IdCardType = "identityCard"
    legal_person_id_validity: str
    admin_id_type: IdCardType = "identityCard"
    admin_id_validity: str
    documents: list[QualificationDocument] = []
    use_by_self: bool = True
    share: bool = False
    remark: str | None = None
    wait_for: QualificationWaitFor = "none"
    wait_timeout: int = Field(DEFAULT_WAIT_TIMEOUT, gt=0)
    deletion_protection: bool = True


class QualificationInputs(QualificationFields):
    """Checked inputs of a ``Qualification``; validity periods are ``YYYY-MM-DD~YYYY-MM-DD``."""

    legal_person_name: str
    legal_person_id_number: str
    admin_name: str
    admin_id_number: str
    admin_phone: str
    certify_code: str | None = None


class QualificationEntry(QualificationFields):
    """A qualification in an account file: no personal data (``SECRET_FIELDS``), which ``SmsAccount`` takes as
    secrets (``qualification_secrets``) and the file never holds; ``import`` adopts an existing qualification
    by its id (its documents are then not required until an amendment uploads them)."""

    import_id: str | None = Field(None, alias="import")


def input_problems(inputs: QualificationFields, *, existing: bool = False) -> list[Problem]:
    """Every offline rule for these inputs (or an account file's entry, without personal data), named by field
    (never repeating a personal value). An ``existing`` qualification (in state, or imported) with no documents
    declared keeps those it was submitted with: the required documents are not asked for."""
    values = inputs.model_dump(include=set(AMENDABLE_FIELDS + REPLACING_FIELDS) - {"documents"})
    problems = qualification_problems({**values, "qualification_name": values.pop("name")})
    problems = [Problem("name", p.message) if p.field == "qualification_name" else p for p in problems]
    counts: Counter[str] = Counter(document.type for document in inputs.documents)
    submits_documents = bool(inputs.documents) or not existing  # else it keeps those it was submitted with
    for kind in REQUIRED_DOCUMENTS if submits_documents else ():
        if counts[kind] == 0:
            problems.append(Problem("documents", f"needs a {kind} document (the administrator's ID document)"))
    for kind in SINGLE_DOCUMENTS:
        if counts[kind] > 1:
            problems.append(Problem("documents", f"has {counts[kind]} {kind} documents; give one"))
    if submits_documents and not inputs.use_by_self and not any(counts[kind] for kind in LICENSE_TYPES):
        licenses = ", ".join(LICENSE_TYPES)
        problems.append(Problem("documents", "a qualification for another entity (use_by_self false) needs a "
                                f"business license document: one of {licenses}"))  # fmt: skip
    for index, document in enumerate(inputs.documents):
        problems += document_path_problems(f"documents[{index}].path", document.path)
    code = inputs.certify_code if isinstance(inputs, QualificationInputs) else None
    if code is not None and not code.strip():
        problems.append(Problem("certify_code", "must not be empty; leave it unset to have a code sent"))
    return problems


def entry_problems(entry: QualificationEntry) -> list[Problem]:
    """The rules of an account-file entry: an entry with ``import`` names an existing qualification."""
    return input_problems(entry, existing=entry.import_id is not None)


def entry_inputs(_key: str, entry: QualificationEntry) -> dict[str, Any]:
    """The resource inputs an account-file entry declares, less the personal data (``import`` is a resource
    option, not an input)."""
    return entry.model_dump(mode="json", exclude={"import_id"})


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """The module docstring's rules; ``olds`` is the recorded state."""
    fields = [*REPLACING_FIELDS, *AMENDABLE_FIELDS, *LOCAL_FIELDS]
    if "documents" not in olds:  # imported: the documents' files are not known
        fields.remove("documents")
    changed = changed_fields(olds, news, fields)
    replaces = tuple(name for name in changed if name in REPLACING_FIELDS)
    return Diff(changed, replaces, delete_before_replace=bool(replaces) and "name" not in changed)
