"""SenderID registration: this project's operations (Version 2017-06-20), documented in docs/api.md.

Alibaba registers SenderIDs in the console only; when an official API appears, this module is the one
adapter to replace; until then the emulator serves it, and against Alibaba console mode reads registrations
from the operator's records instead (``api.console_registrations``). SubmitSenderIdRegistration,
GetSenderIdRegistration, ListSenderIdRegistrations, UploadSenderIdDocuments, UpdateSenderIdRegistration,
DeleteSenderIdRegistration.
"""

import base64
import os
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pulumi_alisms.api.cache import DEFAULT_MAX_AGE, ListCache, invalidates
from pulumi_alisms.api.client import Answer, NotFoundTable, ParamValue, RpcClient
from pulumi_alisms.documents import read_document, read_inside
from pulumi_alisms.errors import LocalFileError, NotFoundError
from pulumi_alisms.rules.next_action import NextStep, next_step
from pulumi_alisms.rules.sender_ids import MAX_DOCUMENT_BYTES, UseCase

VERSION = "2017-06-20"
NOT_FOUND: NotFoundTable = frozenset({("InvalidRegistrationId.NotFound", 404)})  # docs/api.md
MAX_PAGE_SIZE = 100

RegistrationStatus = Literal[
    "Submitted", "DocumentsToBeRendered", "DocumentsRendered", "UnderReview", "Approved", "Rejected", "Expired"
]


class RegistrationDocument(BaseModel):
    """A document attached to a registration: what was uploaded, not its content."""

    model_config = ConfigDict(frozen=True)

    type: str
    file_name: str
    size: int
    sha256: str
    uploaded_at: datetime


class PendingAmendment(BaseModel):
    """The amendment of an Approved registration (``PendingVersion``): its fields and review."""

    model_config = ConfigDict(frozen=True)

    company_name: str
    website: str | None = None
    use_case: UseCase
    business_info: dict[str, str] = Field(default_factory=dict)
    sample_templates: list[str] = Field(default_factory=list)
    submitted_at: datetime
    reviewed_at: datetime | None = None


class Registration(BaseModel):
    """A SenderID registration for one country and its review status.

    Its fields are the approved version's (before approval: the submitted one's). ``pending`` is the latest
    amendment of an Approved registration (``pending_status`` ``UnderReview`` or ``Rejected``), reviewed while
    the approved version keeps serving.

    ``recorded``: a console registration as the operator recorded it (``api.console_registrations``), which
    knows the country, sender ID, id, status and dates only: its company, website, use case, samples and
    documents are unknown (``None``/empty) and taken as declared.
    """

    model_config = ConfigDict(frozen=True)

    registration_id: str
    country: str
    sender_id: str
    company_name: str | None = None
    website: str | None = None
    use_case: UseCase | None = None
    business_info: dict[str, str] = Field(default_factory=dict)
    sample_templates: list[str] = Field(default_factory=list)
    documents: list[RegistrationDocument] = Field(default_factory=list)
    status: RegistrationStatus
    status_reason: str | None = None
    submitted_at: datetime
    reviewed_at: datetime | None = None
    documents_due_at: datetime | None = None
    updated_at: datetime
    approved_version: int | None = None
    pending_version: int | None = None
    pending_status: RegistrationStatus | None = None
    pending_reason: str | None = None
    pending: PendingAmendment | None = None
    recorded: bool = False

    def next_step(self, *, documents_declared: bool) -> NextStep:
        """What happens next (``rules.next_action``); while an approved registration has an amendment under review
        or rejected, the amendment's next step."""
        if self.pending_status is not None:
            return next_step(self.pending_status)
        return next_step(self.status, documents_declared=documents_declared, documents_due_at=self.documents_due_at,
                         country=self.country)  # fmt: skip

    def latest_fields(self) -> dict[str, Any]:
        """The registration's fields as last asked for: the amendment's when there is one, else its own."""
        source: BaseModel = self.pending if self.pending is not None else self
        names = ("company_name", "website", "use_case", "sample_templates")
        return {"country": self.country, "sender_id": self.sender_id, **{name: getattr(source, name) for name in names}}


class RegistrationAck(BaseModel):
    """The answer of a write: the registration and the status it is in now (and the amendment an update of an
    Approved registration submitted, if any)."""

    model_config = ConfigDict(frozen=True)

    registration_id: str
    status: RegistrationStatus
    pending_version: int | None = None
    replayed: bool = False
    """Submit only: the ClientToken had been used already, so this call created nothing (another run, or an
    earlier attempt whose answer was lost, created the registration)."""


class RegistrationPage(BaseModel):
    """One page of ListSenderIdRegistrations."""

    registrations: list[Registration]
    total_count: int
    page_no: int
    page_size: int


class DocumentUpload(BaseModel):
    """A registration document to upload from a local file.

    With ``root`` the path is untrusted (an account file or resource input named it): it must be relative and
    resolve inside ``root`` (``pulumi_alisms.documents``); without, it is the caller's own path.
    """

    model_config = ConfigDict(frozen=True)

    type: str
    path: str
    root: str | None = None


class SenderIdsApi:
    """Submit, follow, amend and withdraw SenderID registrations."""

    def __init__(self, rpc: RpcClient, *, list_cache_seconds: float = DEFAULT_MAX_AGE) -> None:
        self._rpc = rpc
        self.list_cache: ListCache[str, Registration] = ListCache(
            lambda: {item.registration_id: item for item in self.iter_all()}, list_cache_seconds
        )

    @invalidates
    def submit(
        self,
        *,
        country: str,
        sender_id: str,
        company_name: str,
        use_case: UseCase,
        sample_templates: Sequence[str],
        website: str | None = None,
        business_info: dict[str, str] | None = None,
        client_token: str | None = None,
    ) -> RegistrationAck:
        """Register a SenderID for a country (SubmitSenderIdRegistration).

        Always sends a ClientToken (a new one unless given), so a retry after a lost answer returns the
        registration the first attempt created instead of creating a second one.
        """
        params: dict[str, ParamValue] = {
            "Country": country,
            "SenderId": sender_id,
            "CompanyName": company_name,
            "Website": website,
            "UseCase": use_case,
            "BusinessInfo": business_info,
            "SampleTemplates": list(sample_templates),
            "ClientToken": client_token or str(uuid.uuid4()),
        }
        data = self._rpc.call(VERSION, "SubmitSenderIdRegistration", params, idempotent=True)
        return _ack(data).model_copy(update={"replayed": bool(data.get("Replayed"))})

    def get(self, registration_id: str) -> Registration | None:
        """One registration (GetSenderIdRegistration), or ``None`` when it does not exist."""
        try:
            data = self._rpc.call(VERSION, "GetSenderIdRegistration", {"RegistrationId": registration_id},
                                  idempotent=True, not_found=NOT_FOUND)  # fmt: skip
        except NotFoundError:
            return None
        return _registration(data.object("Registration"))

    def lookup(self, registration_id: str) -> Registration | None:
        """One registration from the shared list snapshot (see ``api.cache``); a miss is a direct :meth:`get`."""
        return self.list_cache.lookup(registration_id, self.get)

    def list_page(
        self, page: int = 1, size: int = 20, *, country: str | None = None, status: RegistrationStatus | None = None
    ) -> RegistrationPage:
        """One page of registrations in submission order (ListSenderIdRegistrations); pages count from 1."""
        data = self._rpc.call(
            VERSION,
            "ListSenderIdRegistrations",
            {"PageNo": page, "PageSize": size, "Country": country, "Status": status},
            idempotent=True,
        )
        return RegistrationPage(
            registrations=[_registration(item) for item in data.objects("Registrations")],
            total_count=data.optional_integer("TotalCount") or 0,
            page_no=data.optional_integer("PageNo") or page,
            page_size=data.optional_integer("PageSize") or size,
        )

    def iter_all(
        self, *, country: str | None = None, status: RegistrationStatus | None = None
    ) -> Iterator[Registration]:
        """Every registration (optionally of one country and/or status), fetched 100 at a time."""
        page = 1
        while True:
            result = self.list_page(page, MAX_PAGE_SIZE, country=country, status=status)
            yield from result.registrations
            if not result.registrations or page * MAX_PAGE_SIZE >= result.total_count:
                return
            page += 1

    def list_all(self, *, country: str | None = None, status: RegistrationStatus | None = None) -> list[Registration]:
        """Every registration, as a list."""
        return list(self.iter_all(country=country, status=status))

    @invalidates
    def upload_documents(self, registration_id: str, documents: Sequence[DocumentUpload]) -> RegistrationAck:
        """Upload the documents of a DocumentsRendered registration from local files (UploadSenderIdDocuments)."""
        payload = [_encode_document(document) for document in documents]
        # Documents (base64, up to 10 MB each) go in a form body: no gateway takes such a URL.
        data = self._rpc.call(VERSION, "UploadSenderIdDocuments", {"RegistrationId": registration_id},
                              body={"Documents": payload}, idempotent=False, not_found=NOT_FOUND)  # fmt: skip
        return _ack(data)

    @invalidates
    def update(
        self,
        registration_id: str,
        *,
        sender_id: str | None = None,
        company_name: str | None = None,
        website: str | None = None,
        use_case: UseCase | None = None,
        business_info: dict[str, str] | None = None,
        sample_templates: Sequence[str] | None = None,
    ) -> RegistrationAck:
        """Amend a registration and resubmit it (UpdateSenderIdRegistration).

        ``None`` leaves a field as it is; ``website=""`` clears the website. With no field given this
        simply resubmits, which is how an Expired or Rejected registration is retried. An Approved registration
        stays Approved and serving: the amendment is a new version, reviewed (``pending_version``), and
        ``sender_id`` must be its own.
        """
        params: dict[str, ParamValue] = {
            "RegistrationId": registration_id,
            "SenderId": sender_id,
            "CompanyName": company_name,
            "Website": website,
            "UseCase": use_case,
            "BusinessInfo": business_info,
            "SampleTemplates": None if sample_templates is None else list(sample_templates),
        }
        return _ack(self._rpc.call(VERSION, "UpdateSenderIdRegistration", params, idempotent=False,
                                   not_found=NOT_FOUND))  # fmt: skip

    @invalidates
    def delete(self, registration_id: str) -> bool:
        """Withdraw and delete a registration (DeleteSenderIdRegistration); ``False`` if it was already gone."""
        try:
            self._rpc.call(VERSION, "DeleteSenderIdRegistration", {"RegistrationId": registration_id},
                           idempotent=True, not_found=NOT_FOUND)  # fmt: skip
        except NotFoundError:
            return False
        return True


def _encode_document(document: DocumentUpload) -> dict[str, str]:
    """The wire form of a document, read from its file (a regular file of at most 10 MiB); errors name the file."""
    if document.root is not None:
        content = read_document(document.path, document.root)
    else:
        real = os.path.realpath(document.path)
        try:
            content = read_inside(real, os.path.dirname(real), MAX_DOCUMENT_BYTES, name=document.path)
        except FileNotFoundError:
            raise FileNotFoundError(f"document {document.type!r} file {document.path} does not exist") from None
        except OSError as error:
            raise OSError(f"cannot read document {document.type!r} file {document.path}: "
                          f"{error.strerror or error}") from None  # fmt: skip
    if len(content) > MAX_DOCUMENT_BYTES:
        raise LocalFileError(f"document {document.type!r} file {document.path} is over {MAX_DOCUMENT_BYTES} bytes "
                             f"({MAX_DOCUMENT_BYTES >> 20} MiB), the limit per file")  # fmt: skip
    return {"Type": document.type, "FileName": os.path.basename(document.path),
            "ContentBase64": base64.b64encode(content).decode("ascii")}  # fmt: skip


def _ack(data: Answer) -> RegistrationAck:
    return data.build(RegistrationAck, registration_id=data.text("RegistrationId"), status=data.text("Status"),
                      pending_version=data.optional_integer("PendingVersion"))  # fmt: skip


def _registration(data: Answer) -> Registration:
    documents = [
        item.build(RegistrationDocument, type=item.text("Type"), file_name=item.text("FileName"),
                   size=item.integer("Size"), sha256=item.text("Sha256"), uploaded_at=item.text("UploadedAt"))
        for item in data.objects("Documents")
    ]  # fmt: skip
    pending = data.optional_object("PendingAmendment")
    return data.build(
        Registration,
        registration_id=data.text("RegistrationId"),
        country=data.text("Country"),
        sender_id=data.text("SenderId"),
        **_submitted(data),
        documents=documents,
        status=data.text("Status"),
        status_reason=data.optional_text("StatusReason"),
        documents_due_at=data.optional_text("DocumentsDueAt"),
        updated_at=data.text("UpdatedAt"),
        approved_version=data.optional_integer("ApprovedVersion"),
        pending_version=data.optional_integer("PendingVersion"),
        pending_status=data.optional_text("PendingStatus"),
        pending_reason=data.optional_text("PendingReason"),
        pending=_amendment(pending) if pending else None,
    )


def _amendment(data: Answer) -> PendingAmendment:
    return data.build(PendingAmendment, **_submitted(data))


def _submitted(data: Answer) -> dict[str, Any]:
    """The fields a registration and its pending amendment both carry: what was submitted, and its review."""
    return {
        "company_name": data.text("CompanyName"),
        "website": data.optional_text("Website"),
        "use_case": data.text("UseCase"),
        "business_info": dict(data.optional_object("BusinessInfo")),
        "sample_templates": data.texts("SampleTemplates"),
        "submitted_at": data.text("SubmittedAt"),
        "reviewed_at": data.optional_text("ReviewedAt"),
    }
