"""``Qualification``: a Chinese-mainland qualification (the signing entity's documents), with its review as state.

Mainland signatures need an approved qualification. A submission or an amendment needs ``certify_code``, the
verification code texted to ``admin_phone`` (valid 15 minutes, used up by the submission): when it is unset or
no longer valid, the provider has a fresh code sent and fails with one line saying to set it. Documents are
uploaded (OSS POST policy) on every submission or amendment. ``wait_for: approved`` waits with backoff and fails
fast on a rejection, with the reviewer's reason. Diff rules: ``pulumi_alisms.inputs.qualification``.

Personal data (the legal representative's and the administrator's names and ID numbers, the administrator's
phone, the verification code) is secret: the provider returns it secret-wrapped, so state holds it encrypted
even after ``pulumi import``, and the resource also lists it in ``additional_secret_outputs``.
"""

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pulumi.runtime import rpc
from pydantic import SecretStr

from pulumi_alisms.api.qualifications import BusinessLicense, QualificationDocuments, QualificationSubmission
from pulumi_alisms.api.qualifications import Qualification as LiveQualification
from pulumi_alisms.documents import document_root, read_document
from pulumi_alisms.errors import ProviderError
from pulumi_alisms.inputs.qualification import (
    AMENDABLE_FIELDS,
    DEFAULT_WAIT_TIMEOUT,
    LICENSE_TYPES,
    SECRET_FIELDS,
    QualificationInputs,
    QualificationWaitFor,
    diff,
    input_problems,
)
from pulumi_alisms.resources._base import (
    AccountProvider,
    checked,
    diff_result,
    poll_until,
    progress,
    resource_properties,
    typed_inputs,
    without_provider,
)
from pulumi_alisms.rules.next_action import NextAction, next_step
from pulumi_alisms.rules.qualifications import CompanyType, IdCardType
from pulumi_alisms.rules.statuses import ReviewStatus

OUTPUT_FIELDS = ("qualification_id", "status", "status_reason", "approved", "next_action", "next_action_due_at")
_LOCAL_DEFAULTS: dict[str, Any] = {"wait_for": "none", "wait_timeout": DEFAULT_WAIT_TIMEOUT,
                                   "deletion_protection": True}  # fmt: skip
# Inputs that the service reports back (QuerySingleSmsQualification), by attribute of the live qualification.
_LIVE_INPUTS = ("name", "company_name", "company_type", "organization_code", "business_license_validity",
                "legal_person_name", "legal_person_id_type", "legal_person_id_number", "legal_person_id_validity",
                "admin_name", "admin_id_type", "admin_id_number", "admin_id_validity", "admin_phone", "use_by_self",
                "share", "remark")  # fmt: skip


def _outputs(qualification: LiveQualification) -> dict[str, Any]:
    return {
        "qualification_id": qualification.qualification_id,
        "status": str(qualification.status),
        "status_reason": qualification.status_reason,
        "approved": qualification.approved,
        "next_action": next_step(qualification.status).action,
        "next_action_due_at": None,
    }


def _live_inputs(qualification: LiveQualification) -> dict[str, Any]:
    values = {name: getattr(qualification, name) for name in _LIVE_INPUTS}
    plain = {
        name: value.get_secret_value() if isinstance(value, SecretStr) else value for name, value in values.items()
    }
    return {name: value for name, value in plain.items() if value is not None}


def _secret(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` with every personal value secret-wrapped, as the engine then keeps it in state."""
    return {name: rpc.wrap_rpc_secret(value) if name in SECRET_FIELDS and value is not None else value
            for name, value in props.items()}  # fmt: skip


def _plain(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` without the provider and without secret wrappers (the engine unwraps them for this provider)."""
    return {name: rpc.unwrap_rpc_secret(value) for name, value in without_provider(props).items()}


def _submission(inputs: Mapping[str, Any], documents: QualificationDocuments) -> QualificationSubmission:
    fields = {name: inputs[name] for name in QualificationSubmission.model_fields if inputs.get(name) is not None}
    return QualificationSubmission.model_validate({**fields, "documents": documents})


class QualificationProvider(AccountProvider):
    """Submits, tracks, amends and deletes mainland qualifications; the id is the qualification group id."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        existing = bool(without_provider(olds))  # in state, or being imported
        return checked(QualificationInputs, {**news, **_plain(news)},
                       lambda inputs: input_problems(inputs, existing=existing))  # fmt: skip

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_result(diff(_plain(olds), _plain(news)))

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = typed_inputs(QualificationInputs, _plain(props))
        api = self.account.qualifications
        existing = api.find_by_name(inputs["name"])
        if existing is not None:
            progress(f"Qualification {inputs['name']!r}: adopting qualification {existing.qualification_id}, already "
                     "in the account with this name (an interrupted create, or made in the console)")  # fmt: skip
            qualification_id = existing.qualification_id
        else:
            code = self._valid_code(inputs)
            qualification_id = api.submit(_submission(inputs, self._upload(inputs)), code)
        qualification = self._wait(self._fetch(qualification_id), inputs)
        return CreateResult(str(qualification_id), _secret({**inputs, **_outputs(qualification)}))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        qualification = self.account.qualifications.get(int(id_))
        if qualification is None:
            return ReadResult(None, {})
        state = _plain(props)
        recorded = {name: value for name, value in state.items() if name in QualificationInputs.model_fields}
        inputs = {**_LOCAL_DEFAULTS, **recorded, **_live_inputs(qualification)}
        return ReadResult(id_, _secret({**state, **inputs, **_outputs(qualification)}), _secret(inputs))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = typed_inputs(QualificationInputs, _plain(news))
        olds = _plain(olds)
        api = self.account.qualifications
        current = self._fetch(int(id_))
        amended = [name for name in diff(olds, inputs).changed if name in AMENDABLE_FIELDS]  # the diff's own rules
        if amended:
            if current.status == ReviewStatus.UNDER_REVIEW:
                raise ProviderError(f"Qualification {inputs['name']!r} is under review: {', '.join(amended)} can be "
                                    "amended once it is reviewed; run `pulumi up` again then")  # fmt: skip
            code = self._valid_code(inputs)
            progress(f"Qualification {inputs['name']!r}: amending {', '.join(amended)} and resubmitting for review")
            api.update(current.qualification_id, current.work_order_id, _submission(inputs, self._upload(inputs)), code)
            current = self._fetch(int(id_))
        qualification = self._wait(current, inputs)
        return UpdateResult(_secret({**inputs, **_outputs(qualification)}))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        qualification = self.account.qualifications.get(int(id_))
        if qualification is None:
            return
        if qualification.approved and _plain(props).get("deletion_protection", True):
            raise ProviderError(
                f"Qualification {qualification.name!r} is approved and protected: a new one needs documents, a "
                "verification code and a review. To delete it anyway, set deletion_protection to false, run "
                "`pulumi up`, then delete again."
            )
        self.account.qualifications.delete(qualification.qualification_id, qualification.work_order_id)

    def _valid_code(self, inputs: Mapping[str, Any]) -> str:
        """The declared verification code, if still valid; otherwise a fresh code is sent and the run stops."""
        api = self.account.qualifications
        code = inputs.get("certify_code")
        if code and api.check_phone_code(inputs["admin_phone"], code):
            return str(code)
        api.request_phone_code(inputs["admin_phone"])
        why = "certify_code is not set" if not code else "certify_code is used up or expired"
        raise ProviderError(f"Qualification {inputs['name']!r}: {why}. A verification code was just sent to "
                            "admin_phone: set certify_code to it (as a secret) and run `pulumi up` within 15 "
                            "minutes")  # fmt: skip

    def _upload(self, inputs: Mapping[str, Any]) -> QualificationDocuments:
        """Upload the declared documents (same content, same key: uploads are idempotent)."""
        uploads = self.account.uploads
        documents: list[dict[str, str]] = inputs.get("documents") or []
        progress(f"Qualification {inputs['name']!r}: uploading {len(documents)} document(s)")
        keys: dict[str, list[str]] = {}
        root = document_root()
        for document in documents:
            name = Path(document["path"]).name
            content = read_document(document["path"], root)  # checked again: the file may have changed since check
            key = uploads.upload_document(name, content, mimetypes.guess_type(name)[0])
            keys.setdefault(document["type"], []).append(key)

        def single(kind: str) -> str | None:
            return next(iter(keys.get(kind, [])), None)

        return QualificationDocuments(
            admin_id_front=single("admin_id_front") or "",
            admin_id_back=single("admin_id_back") or "",
            legal_person_id_front=single("legal_person_id_front"),
            legal_person_id_back=single("legal_person_id_back"),
            business_licenses=[BusinessLicense(key=key, type=wire) for kind, wire in LICENSE_TYPES.items()
                               for key in keys.get(kind, [])],
            other_files=keys.get("other", []),
        )  # fmt: skip

    def _wait(self, qualification: LiveQualification, inputs: Mapping[str, Any]) -> LiveQualification:
        """Wait with backoff for ``wait_for: approved``; fail fast on a rejection."""
        if (inputs.get("wait_for") or "none") == "none":
            return qualification
        return poll_until(
            f"Qualification {qualification.name!r}",
            qualification,
            lambda: self._fetch(qualification.qualification_id),
            done=lambda current: current.approved,
            next_step=lambda current: next_step(current.status),
            status=lambda current: (
                f"{current.status} ({current.status_reason})" if current.status_reason else str(current.status)
            ),
            goal="approved",
            timeout=int(inputs.get("wait_timeout") or DEFAULT_WAIT_TIMEOUT),
        )

    def _fetch(self, qualification_id: int) -> LiveQualification:
        qualification = self.account.qualifications.get(qualification_id)
        if qualification is None:
            raise ProviderError(f"Qualification {qualification_id} no longer exists; run `pulumi refresh` to drop it")
        return qualification


@dataclass(kw_only=True)
class QualificationArgs:
    """Inputs of :class:`Qualification`. Validity periods are ``YYYY-MM-DD~YYYY-MM-DD`` (end 2099-12-31 when
    long-term); the persons' names, ID numbers, the phone and the code are secret."""

    name: pulumi.Input[str]
    """The qualification's name: Chinese characters, letters and digits, unique in the account."""
    company_name: pulumi.Input[str]
    """The entity's name, as on its business license."""
    organization_code: pulumi.Input[str]
    """The unified social credit code (18 characters, as on the business license)."""
    business_license_validity: pulumi.Input[str]
    """The business license's validity period."""
    legal_person_name: pulumi.Input[str]
    """The legal representative's name (secret)."""
    legal_person_id_number: pulumi.Input[str]
    """The legal representative's ID document number (secret)."""
    legal_person_id_validity: pulumi.Input[str]
    """The legal representative's ID document's validity period."""
    admin_name: pulumi.Input[str]
    """The administrator's name (secret)."""
    admin_id_number: pulumi.Input[str]
    """The administrator's ID document number (secret)."""
    admin_id_validity: pulumi.Input[str]
    """The administrator's ID document's validity period."""
    admin_phone: pulumi.Input[str]
    """The administrator's mainland mobile number, where verification codes go (secret)."""
    company_type: pulumi.Input[CompanyType] | None = None
    """``COMPANY`` (default) or ``NON_PROFIT_ORGANIZATION``."""
    legal_person_id_type: pulumi.Input[IdCardType] | None = None
    """The legal representative's ID document type (default ``identityCard``)."""
    admin_id_type: pulumi.Input[IdCardType] | None = None
    """The administrator's ID document type (default ``identityCard``)."""
    documents: pulumi.Input[list[pulumi.Input[dict[str, str]]]] | None = None
    """Files to upload, ``{"type": ..., "path": ...}``: ``admin_id_front`` and ``admin_id_back`` are required."""
    certify_code: pulumi.Input[str] | None = None
    """The verification code texted to ``admin_phone`` (secret); unset, one is sent and the run stops."""
    use_by_self: pulumi.Input[bool] | None = None
    """Whether the qualification is the account owner's own (default true)."""
    share: pulumi.Input[bool] | None = None
    """Whether other cloud communication products may reuse it (default false)."""
    remark: pulumi.Input[str] | None = None
    """A note for the reviewer."""
    wait_for: pulumi.Input[QualificationWaitFor] | None = None
    """``none`` (default) or ``approved``."""
    wait_timeout: pulumi.Input[int] | None = None
    """Seconds to wait for ``wait_for`` (default 3600)."""
    deletion_protection: pulumi.Input[bool] | None = None
    """Refuse to delete an approved qualification (default true)."""


class Qualification(pulumi.dynamic.Resource, module="alisms", name="Qualification"):
    """A mainland qualification; ``status`` follows the review. Signatures take its ``qualification_id``."""

    name: pulumi.Output[str]
    """The qualification's name, as the account holds it."""
    company_name: pulumi.Output[str]
    """The entity's name, as the account holds it."""
    company_type: pulumi.Output[CompanyType]
    """``COMPANY`` or ``NON_PROFIT_ORGANIZATION``."""
    organization_code: pulumi.Output[str]
    """The unified social credit code."""
    business_license_validity: pulumi.Output[str]
    """The business license's validity period."""
    legal_person_name: pulumi.Output[str]
    """The legal representative's name (secret)."""
    legal_person_id_type: pulumi.Output[IdCardType]
    """The legal representative's ID document type."""
    legal_person_id_number: pulumi.Output[str]
    """The legal representative's ID document number (secret)."""
    legal_person_id_validity: pulumi.Output[str]
    """The legal representative's ID document's validity period."""
    admin_name: pulumi.Output[str]
    """The administrator's name (secret)."""
    admin_id_type: pulumi.Output[IdCardType]
    """The administrator's ID document type."""
    admin_id_number: pulumi.Output[str]
    """The administrator's ID document number (secret)."""
    admin_id_validity: pulumi.Output[str]
    """The administrator's ID document's validity period."""
    admin_phone: pulumi.Output[str]
    """The administrator's phone (secret)."""
    documents: pulumi.Output[list[dict[str, str]]]
    """The documents declared (unset after an import until declared)."""
    certify_code: pulumi.Output[str | None]
    """The verification code last used (secret)."""
    use_by_self: pulumi.Output[bool]
    """Whether the qualification is the account owner's own."""
    share: pulumi.Output[bool]
    """Whether other cloud communication products may reuse it."""
    remark: pulumi.Output[str | None]
    """The note for the reviewer."""
    wait_for: pulumi.Output[QualificationWaitFor]
    """``none`` or ``approved``, as declared."""
    wait_timeout: pulumi.Output[int]
    """Seconds to wait for ``wait_for``, as declared (default 3600)."""
    deletion_protection: pulumi.Output[bool]
    """Whether deleting an approved qualification is refused, as declared (default true)."""
    qualification_id: pulumi.Output[int]
    """The qualification group id (the resource id, as a number), what ``Signature.qualification_id`` takes."""
    status: pulumi.Output[str]
    """``UnderReview``, ``Approved``, ``Rejected``, ``MaterialsRequired`` or ``Cancelled``, as of the last
    create, update or refresh."""
    status_reason: pulumi.Output[str | None]
    """The reviewer's reason for a rejection; unset otherwise."""
    approved: pulumi.Output[bool]
    """Whether ``status`` is ``Approved``: signatures can be created under it."""
    next_action: pulumi.Output[NextAction]
    """What happens next (docs/resources.md, "Next action"): ``none``, ``wait_for_review``, ``fix_and_resubmit``,
    ``upload_documents`` (``MaterialsRequired``: documents to supplement) or ``contact_account_manager``."""
    next_action_due_at: pulumi.Output[str | None]
    """When ``next_action`` is due; unset (qualifications have no deadline)."""

    @overload
    def __init__(
        self, resource_name: str, args: QualificationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        name: pulumi.Input[str],
        company_name: pulumi.Input[str],
        organization_code: pulumi.Input[str],
        business_license_validity: pulumi.Input[str],
        legal_person_name: pulumi.Input[str],
        legal_person_id_number: pulumi.Input[str],
        legal_person_id_validity: pulumi.Input[str],
        admin_name: pulumi.Input[str],
        admin_id_number: pulumi.Input[str],
        admin_id_validity: pulumi.Input[str],
        admin_phone: pulumi.Input[str],
        company_type: pulumi.Input[CompanyType] | None = None,
        legal_person_id_type: pulumi.Input[IdCardType] | None = None,
        admin_id_type: pulumi.Input[IdCardType] | None = None,
        documents: pulumi.Input[list[pulumi.Input[dict[str, str]]]] | None = None,
        certify_code: pulumi.Input[str] | None = None,
        use_by_self: pulumi.Input[bool] | None = None,
        share: pulumi.Input[bool] | None = None,
        remark: pulumi.Input[str] | None = None,
        wait_for: pulumi.Input[QualificationWaitFor] | None = None,
        wait_timeout: pulumi.Input[int] | None = None,
        deletion_protection: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``QualificationArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(
            QualificationArgs, args, kwargs, OUTPUT_FIELDS, secret_outputs=SECRET_FIELDS, omit_unset=True
        )
        super().__init__(QualificationProvider(), resource_name, props, opts)
