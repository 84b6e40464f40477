"""``SenderId``: a SenderID registration for one destination country, with carrier approval as state.

Approval takes days to weeks, so ``up`` acts only where there is something to do: it submits, uploads
documents once the status is ``DocumentsRendered``, resubmits after ``Expired``, and resubmits after
``Rejected`` only when the inputs changed. ``refresh`` records the latest status.

In console mode (``alisms:senderIdRegistration``, docs/console-mode.md) no SenderID operation is called:
``create`` prints and outputs ``console_request`` (what to enter in Alibaba's console) with the status
``AwaitingConsoleRegistration`` and the id ``console:<COUNTRY>:<SENDER_ID>``; ``refresh`` reads the status the
operator recorded in the records file.

The diff rules are in ``pulumi_alisms.inputs.sender_id``, shared with ``alisms plan``: ``country`` (and, once
approved, ``sender_id``) replaces; the other fields amend the registration in place. An approved registration's
amendment is a new version: ``status`` stays ``Approved`` and the sender ID keeps sending with the approved
version's fields while the amendment is reviewed (``pending_version``, ``pending_status``, ``pending_reason``);
its approval makes it ``approved_version``.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_alisms.api.console_registrations import (
    ConsoleRegistrations,
    console_id,
    console_request,
    console_request_lines,
)
from pulumi_alisms.api.sender_ids import DocumentUpload, Registration
from pulumi_alisms.documents import document_root, read_document
from pulumi_alisms.errors import AliSmsApiError, ProviderError
from pulumi_alisms.inputs.diff import changed_fields
from pulumi_alisms.inputs.sender_id import (
    AMENDABLE_FIELDS,
    DEFAULT_WAIT_TIMEOUT,
    SenderIdInputs,
    WaitFor,
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
from pulumi_alisms.rules.next_action import NextAction, NextStep, next_step
from pulumi_alisms.rules.sender_ids import UseCase
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES, RegistrationStatus

OUTPUT_FIELDS = ("registration_id", "status", "status_reason", "approved", "submitted_at", "reviewed_at",
                 "documents_due_at", "uploaded_documents", "next_action", "next_action_due_at",
                 "console_request", "approved_version", "pending_version", "pending_status",
                 "pending_reason")  # fmt: skip
_REMOTE_FIELDS = ("country", "sender_id", "company_name", "website", "use_case", "sample_templates")
UPLOAD_REFUSED_IN_STATUS = "isv.SENDER_ID_STATUS_NOT_SUPPORT_UPLOAD"


def client_token(inputs: dict[str, Any]) -> str:
    """The idempotency token of a submission: the same inputs never register twice, even after a crash."""
    identity = {name: inputs.get(name) for name in ("country", *AMENDABLE_FIELDS)}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def _has_documents(registration: Registration, uploads: list[DocumentUpload]) -> bool:
    """Whether the registration holds exactly these documents (types and contents)."""
    held = sorted((document.type, document.sha256) for document in registration.documents)
    wanted = ((upload.type, hashlib.sha256(read_document(upload.path, upload.root)).hexdigest()) for upload in uploads)
    return held == sorted(wanted)


def _next_step(registration: Registration, inputs: dict[str, Any]) -> NextStep:
    return registration.next_step(documents_declared=bool(inputs.get("documents")))


def _outputs(
    registration: Registration | None, id_: str, inputs: dict[str, Any], request: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The outputs; no registration is a console mode one not recorded yet: AwaitingConsoleRegistration."""
    if registration is None:
        awaiting = next_step(RegistrationStatus.AWAITING_CONSOLE_REGISTRATION)
        return {"registration_id": id_, "status": RegistrationStatus.AWAITING_CONSOLE_REGISTRATION,
                "status_reason": None, "approved": False, "submitted_at": None, "reviewed_at": None,
                "documents_due_at": None, "uploaded_documents": [], "next_action": awaiting.action,
                "next_action_due_at": None, "console_request": request, "approved_version": None,
                "pending_version": None, "pending_status": None, "pending_reason": None}  # fmt: skip

    def stamp(value: Any) -> str | None:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None

    step = _next_step(registration, inputs)
    return {
        "registration_id": registration.registration_id,
        "status": registration.status,
        "status_reason": registration.status_reason,
        "approved": registration.status == RegistrationStatus.APPROVED,
        "submitted_at": stamp(registration.submitted_at),
        "reviewed_at": stamp(registration.reviewed_at),
        "documents_due_at": stamp(registration.documents_due_at),
        "uploaded_documents": [document.type for document in registration.documents],
        "next_action": step.action,
        "next_action_due_at": stamp(step.due_at),
        "console_request": request,
        "approved_version": registration.approved_version,
        "pending_version": registration.pending_version,
        "pending_status": registration.pending_status,
        "pending_reason": registration.pending_reason,
    }


def _remote_inputs(registration: Registration) -> dict[str, Any]:
    """The live inputs: the latest version's (an amendment under review or rejected is what was last asked for)."""
    return registration.latest_fields()


def _status(registration: Registration) -> str:
    """The status for people: with its reason, and an approved registration's amendment."""
    text = (
        f"{registration.status} ({registration.status_reason})" if registration.status_reason else registration.status
    )
    if registration.pending_status is not None:
        reason = f": {registration.pending_reason}" if registration.pending_reason else ""
        text += f", amendment version {registration.pending_version} {registration.pending_status}{reason}"
    return text


class SenderIdState(SenderIdInputs):
    """The field types a ``SenderId``'s state keeps: its inputs and its whole-number outputs."""

    approved_version: int | None = None
    pending_version: int | None = None


class SenderIdProvider(AccountProvider):
    """Submits, tracks, amends and withdraws SenderID registrations."""

    inputs_model = SenderIdState  # what resources._base.outputs_model types the outputs by

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        existing = bool(without_provider(olds))  # an update, or the engine's check during an import
        return checked(SenderIdInputs, news, lambda inputs: input_problems(inputs, existing=existing))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_result(diff(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = typed_inputs(SenderIdInputs, props)
        if isinstance(self.account.registrations, ConsoleRegistrations):
            id_ = console_id(inputs["country"], inputs["sender_id"])
            return CreateResult(id_, {**inputs, **self._in_console(id_, inputs, self.account.registrations)})
        api = self.account.sender_ids
        ack = api.submit(
            country=inputs["country"], sender_id=inputs["sender_id"], company_name=inputs["company_name"],
            website=inputs.get("website"), use_case=inputs["use_case"], sample_templates=inputs["sample_templates"],
            client_token=client_token(inputs),
        )  # fmt: skip
        try:
            registration = self._advance(self._fetch(ack.registration_id), inputs)
        except Exception:
            # Never leave behind a remote object this create made; but a replayed submission is another run's
            # (or an earlier attempt's) registration, which that run may be following: leave it.
            if not ack.replayed:
                api.delete(ack.registration_id)
            raise
        return CreateResult(registration.registration_id,
                            {**inputs, **_outputs(registration, ack.registration_id, inputs)})  # fmt: skip

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        source = self.account.registrations
        registration = source.lookup(id_)
        console = isinstance(source, ConsoleRegistrations)  # not recorded (yet) is AwaitingConsoleRegistration
        if registration is None and not console:
            return ReadResult(None, {})
        state = without_provider(props)
        local = {name: state.get(name, default) for name, default in _LOCAL_DEFAULTS.items()}
        if registration is None or registration.recorded:  # the console's records hold no details: as declared
            inputs = {**local, **{name: state.get(name) for name in _REMOTE_FIELDS}}
        else:
            inputs = {**local, **_remote_inputs(registration)}
        request = console_request(inputs) if console and inputs["company_name"] else None
        return ReadResult(id_, {**inputs, **_outputs(registration, id_, inputs, request)}, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = typed_inputs(SenderIdInputs, news)
        if isinstance(self.account.registrations, ConsoleRegistrations):
            resubmit = bool(changed_fields(without_provider(olds), inputs, AMENDABLE_FIELDS))
            return UpdateResult({**inputs, **self._in_console(id_, inputs, self.account.registrations, resubmit)})
        registration = self._fetch(id_)
        amended = changed_fields(_remote_inputs(registration), inputs, AMENDABLE_FIELDS)
        if amended or registration.status == RegistrationStatus.EXPIRED:
            reason = f"amending {', '.join(amended)}" if amended else "resubmitting after Expired"
            if registration.status == RegistrationStatus.APPROVED:
                reason += " (a new version for review: the approved one keeps serving meanwhile)"
            progress(f"SenderId {inputs['country']}/{inputs['sender_id']} ({id_}): {reason}")
            self.account.sender_ids.update(
                id_, sender_id=inputs["sender_id"], company_name=inputs["company_name"],
                website=inputs.get("website") or "", use_case=inputs["use_case"],
                sample_templates=inputs["sample_templates"],
            )  # fmt: skip
            registration = self._fetch(id_)
        registration = self._advance(registration, inputs)
        return UpdateResult({**inputs, **_outputs(registration, id_, inputs)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        registration = self.account.registrations.get(id_)
        if registration is None:
            return
        if registration.status == RegistrationStatus.APPROVED and props.get("deletion_protection", True):
            raise ProviderError(
                f"SenderId {registration.sender_id} for {registration.country} ({id_}) is approved and protected: "
                "re-registering an approved sender ID takes days to weeks. To delete it anyway, set "
                "deletion_protection to false, run `pulumi up`, then delete again."
            )
        if registration.recorded:
            progress(f"SenderId {registration.sender_id} for {registration.country} ({id_}): removed from the "
                     "stack; no API withdraws it: do so in Alibaba's console and update the records file")  # fmt: skip
            return
        self.account.sender_ids.delete(id_)

    def _in_console(
        self, id_: str, inputs: dict[str, Any], source: ConsoleRegistrations, resubmit: bool = False
    ) -> dict[str, Any]:
        """Console mode's outputs, calling no SenderID operation: the recorded registration, else
        AwaitingConsoleRegistration, and ``console_request``, printed unless the console has it already."""
        registration = source.get(id_)
        request = console_request(inputs)
        label = f"SenderId {inputs['country']}/{inputs['sender_id']} ({id_})"
        if resubmit or registration is None or registration.status in CLOSED_REGISTRATION_STATUSES:
            if resubmit and registration is not None and registration.status == RegistrationStatus.APPROVED:
                progress(f"{label}: an amendment of the approved registration: submit the changes below in the "
                         "console; the approved sender ID keeps serving while they are reviewed")  # fmt: skip
            for line in console_request_lines(label, request, source.records):
                progress(line)
        if inputs.get("wait_for") == "approved":
            progress(f"{label}: wait_for approved does not wait in console mode: `pulumi refresh` after recording "
                     "the console's decision")  # fmt: skip
        return _outputs(registration, id_, inputs, request)

    def _advance(self, registration: Registration, inputs: dict[str, Any]) -> Registration:
        """Upload documents when asked for, and wait for a decision when ``wait_for`` is ``approved``."""
        registration = self._upload_if_asked(registration, inputs)
        if inputs.get("wait_for") != "approved":
            return registration
        label = f"SenderId {inputs['country']}/{inputs['sender_id']} ({registration.registration_id})"
        return poll_until(
            label,
            registration,
            lambda: self._upload_if_asked(self._fetch(registration.registration_id), inputs),
            done=lambda current: current.status == RegistrationStatus.APPROVED and current.pending_status is None,
            next_step=lambda current: _next_step(current, inputs),
            status=_status,
            goal="Approved",
            timeout=int(inputs.get("wait_timeout") or DEFAULT_WAIT_TIMEOUT),
        )

    def _upload_if_asked(self, registration: Registration, inputs: dict[str, Any]) -> Registration:
        documents = inputs.get("documents") or []
        if registration.status != RegistrationStatus.DOCUMENTS_RENDERED or not documents:
            return registration
        progress(f"SenderId {inputs['country']}/{inputs['sender_id']}: uploading {len(documents)} document(s)")
        root = document_root()  # the project directory: the paths are checked again as they are read
        uploads = [DocumentUpload(type=document["type"], path=document["path"], root=root) for document in documents]
        try:
            self.account.sender_ids.upload_documents(registration.registration_id, uploads)
        except AliSmsApiError as error:
            current = self._fetch(registration.registration_id)
            if error.code != UPLOAD_REFUSED_IN_STATUS or not _has_documents(current, uploads):
                raise
            return current  # another run uploaded the same documents first: the upload is done
        return self._fetch(registration.registration_id)

    def _fetch(self, id_: str) -> Registration:
        registration = self.account.sender_ids.get(id_)
        if registration is None:
            raise ProviderError(f"SenderId registration {id_} no longer exists; run `pulumi refresh` to drop it")
        return registration


_LOCAL_DEFAULTS: dict[str, Any] = {"documents": [], "wait_for": "none", "wait_timeout": DEFAULT_WAIT_TIMEOUT,
                                   "deletion_protection": True}  # fmt: skip


@dataclass(kw_only=True)
class SenderIdArgs:
    """Inputs of :class:`SenderId`."""

    country: pulumi.Input[str]
    """Destination country, ISO 3166-1 alpha-2 (e.g. ``ID``)."""
    sender_id: pulumi.Input[str]
    """1-11 Latin letters/digits/symbols with at least one letter, or 1-15 digits."""
    company_name: pulumi.Input[str]
    """The company the sender ID belongs to, in English."""
    use_case: pulumi.Input[UseCase]
    """``otp``, ``notification`` or ``promotional``."""
    sample_templates: pulumi.Input[list[pulumi.Input[str]]]
    """1-20 samples of the messages you will really send."""
    website: pulumi.Input[str] | None = None
    """The company's website (full URL)."""
    documents: pulumi.Input[list[pulumi.Input[dict[str, str]]]] | None = field(default=None)
    """Documents to upload when the registration asks for them: ``{"type": ..., "path": ...}``."""
    wait_for: pulumi.Input[WaitFor] | None = None
    """``none`` (default: record the pending status) or ``approved`` (wait for the carrier's decision)."""
    wait_timeout: pulumi.Input[int] | None = None
    """Seconds to wait when ``wait_for`` is ``approved`` (default 3600)."""
    deletion_protection: pulumi.Input[bool] | None = None
    """Refuse to delete an approved registration (default true)."""


class SenderId(pulumi.dynamic.Resource, module="alisms", name="SenderId"):
    """A SenderID registration for one country; ``status`` follows the carrier's review."""

    country: pulumi.Output[str]
    """Destination country, ISO 3166-1 alpha-2, upper case."""
    sender_id: pulumi.Output[str]
    """The registered sender ID, as the account holds it."""
    company_name: pulumi.Output[str]
    """The company the sender ID belongs to, as the account holds it."""
    website: pulumi.Output[str | None]
    """The company's website, as the account holds it."""
    use_case: pulumi.Output[UseCase]
    """``otp``, ``notification`` or ``promotional``, as the account holds it."""
    sample_templates: pulumi.Output[list[str]]
    """The sample messages the registration was submitted with."""
    documents: pulumi.Output[list[dict[str, str]]]
    """The documents declared for upload (``[]`` when none)."""
    wait_for: pulumi.Output[WaitFor]
    """``none`` or ``approved``, as declared."""
    wait_timeout: pulumi.Output[int]
    """Seconds to wait when ``wait_for`` is ``approved``, as declared (default 3600)."""
    deletion_protection: pulumi.Output[bool]
    """Whether deleting an approved registration is refused, as declared (default true)."""
    registration_id: pulumi.Output[str]
    """The registration id (``sr-`` and 12 hex digits); also the resource id. In console mode the id the
    console showed, as recorded, else the resource id ``console:<COUNTRY>:<SENDER_ID>``."""
    status: pulumi.Output[str]
    """``Submitted``, ``DocumentsToBeRendered``, ``DocumentsRendered``, ``UnderReview``, ``Approved``,
    ``Rejected`` or ``Expired``, as of the last create, update or refresh; in console mode
    ``AwaitingConsoleRegistration`` until the records file holds the console's status. An approved
    registration stays ``Approved`` while an amendment is reviewed (``pending_status``)."""
    status_reason: pulumi.Output[str | None]
    """Why the registration was rejected or expired; unset otherwise."""
    approved: pulumi.Output[bool]
    """Whether ``status`` is ``Approved``: the sender ID can be used in its country."""
    submitted_at: pulumi.Output[str]
    """When the registration was (last) submitted, UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    reviewed_at: pulumi.Output[str | None]
    """When the carrier decided, UTC; unset while under review."""
    documents_due_at: pulumi.Output[str | None]
    """The deadline for uploading documents (30 days after they were asked for), UTC; unset otherwise."""
    uploaded_documents: pulumi.Output[list[str]]
    """The types of the documents uploaded so far (``[]`` in console mode: the console keeps them)."""
    next_action: pulumi.Output[NextAction]
    """What happens next (docs/resources.md, "Next action"): ``none``, ``wait_for_review``, ``upload_documents``,
    ``fix_and_resubmit``, ``resubmit_expired``, ``contact_account_manager`` or ``register_in_console``."""
    next_action_due_at: pulumi.Output[str | None]
    """When ``next_action`` is due (the end of the document window), UTC; unset when it has no deadline."""
    console_request: pulumi.Output[dict[str, Any] | None]
    """Console mode only: what to enter in Alibaba's console (destination country, basic information, sender
    ID, sample templates, documents to upload with their paths); unset in API mode."""
    approved_version: pulumi.Output[int | None]
    """The version that is approved and serving (1, then one more per approved amendment); unset unless
    ``status`` is ``Approved`` (and in console mode)."""
    pending_version: pulumi.Output[int | None]
    """The version of the approved registration's latest amendment, under review or rejected; unset when none."""
    pending_status: pulumi.Output[str | None]
    """The amendment's review: ``UnderReview`` or ``Rejected``; unset when none (an approved amendment becomes
    ``approved_version``)."""
    pending_reason: pulumi.Output[str | None]
    """Why the amendment was rejected (the approved version keeps serving); unset otherwise."""

    @overload
    def __init__(self, resource_name: str, args: SenderIdArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        country: pulumi.Input[str],
        sender_id: pulumi.Input[str],
        company_name: pulumi.Input[str],
        use_case: pulumi.Input[UseCase],
        sample_templates: pulumi.Input[list[pulumi.Input[str]]],
        website: pulumi.Input[str] | None = None,
        documents: pulumi.Input[list[pulumi.Input[dict[str, str]]]] | None = None,
        wait_for: pulumi.Input[WaitFor] | None = None,
        wait_timeout: pulumi.Input[int] | None = None,
        deletion_protection: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Takes a ``SenderIdArgs`` or its fields as keywords, as pulumi-aws resources do."""
        props, opts = resource_properties(SenderIdArgs, args, kwargs, OUTPUT_FIELDS, omit_unset=True)
        super().__init__(SenderIdProvider(), resource_name, props, opts)
