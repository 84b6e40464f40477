"""Chinese-mainland SMS signatures (Dysmsapi 2017-05-25): CreateSmsSign, GetSmsSign, UpdateSmsSign, DeleteSmsSign,
QuerySmsSignList, ChangeSignatureQualification.

A signature is named by its name (the id). Its review status and, once approved, its carrier registration
(``carrier_registration``: one entry per carrier) are state: a signature sends only when ``registered``.
GetSmsSign does not return the source or type it was created with; ``type`` is read from ``SignUsage`` where
the text is known. CreateSmsSign and UpdateSmsSign have no ClientToken: after a failure that may have committed,
the retry loop asks whether the write landed (the name exists; the signature is no longer rejected) first.
A review status this module does not know reads as ``Unknown``, a carrier registration status as ``NotRegistered``.
"""

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.client import Answer, NotFoundTable, ParamValue, RpcClient
from pulumi_alisms.api.paging import every_item
from pulumi_alisms.errors import NotFoundError
from pulumi_alisms.rules.signatures import SIGN_SOURCE_CODES, SIGN_TYPE_CODES, SignatureSource, SignatureType
from pulumi_alisms.rules.statuses import SENDABLE_CARRIER_STATUSES, CarrierRegistrationStatus, ReviewStatus

VERSION = "2017-05-25"
MAX_PAGE_SIZE = 50
NOT_FOUND: NotFoundTable = frozenset({("SignatureNotFound", 404)})  # GetSmsSign's published 404
# GetSmsSign SignStatus / QuerySmsSignList AuditStatus -> status.
_STATUS_BY_WIRE: dict[str, ReviewStatus] = {
    "0": ReviewStatus.UNDER_REVIEW, "AUDIT_STATE_INIT": ReviewStatus.UNDER_REVIEW,
    "1": ReviewStatus.APPROVED, "AUDIT_STATE_PASS": ReviewStatus.APPROVED,
    "2": ReviewStatus.REJECTED, "AUDIT_STATE_NOT_PASS": ReviewStatus.REJECTED,
    "10": ReviewStatus.CANCELLED, "AUDIT_STATE_CANCEL": ReviewStatus.CANCELLED,
}  # fmt: skip
# SignIspRegisterDetailList RegisterStatus -> carrier registration status.
_CARRIER_STATUS_BY_WIRE: dict[str, CarrierRegistrationStatus] = {
    "-2": CarrierRegistrationStatus.NOT_REGISTERED, "-1": CarrierRegistrationStatus.REGISTERING,
    "0": CarrierRegistrationStatus.FAILED, "1": CarrierRegistrationStatus.PENDING_VERIFICATION,
    "2": CarrierRegistrationStatus.EXPIRED, "3": CarrierRegistrationStatus.REGISTERED,
}  # fmt: skip
# SignUsage / BusinessType text -> type (English as the SDK documents it, Chinese as the console shows it).
_TYPE_BY_USAGE: dict[str, SignatureType] = {
    "Verification code": "otp", "验证码": "otp", "General-purpose": "general", "通用": "general",
}  # fmt: skip


class SignatureRequest(BaseModel):
    """What CreateSmsSign / UpdateSmsSign send. ``attachments`` are keys from ``UploadsApi.upload_attachment``."""

    model_config = ConfigDict(frozen=True)

    name: str
    source: SignatureSource
    qualification_id: int
    type: SignatureType = "general"
    remark: str | None = None
    apply_scene: str | None = None  # the app store link, website, account or store name some sources need
    third_party: bool = False
    authorization_letter_id: int | None = None
    trademark_id: int | None = None  # the trademark source needs it
    app_icp_record_id: int | None = None  # the app source needs it
    attachments: list[str] = []


class CarrierRegistration(BaseModel):
    """A signature's real-name registration with one carrier (``mobile``, ``unicom``, ``telecom``)."""

    model_config = ConfigDict(frozen=True)

    carrier: str
    status: CarrierRegistrationStatus
    completed_at: str | None = None
    reasons: list[str] = []  # reason codes and texts, such as NON_REGISTER or QUALIFICATION_ERROR


class SignatureSummary(BaseModel):
    """A signature as QuerySmsSignList reports it. Dates are the service's text."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: ReviewStatus
    status_reason: str | None = None
    type: SignatureType | None = None
    order_id: str | None = None
    created_at: str | None = None
    authorization_letter_id: int | None = None

    @property
    def approved(self) -> bool:
        """Whether the signature passed review."""
        return self.status == ReviewStatus.APPROVED


class Signature(SignatureSummary):
    """A signature as GetSmsSign reports it, with its carrier registration."""

    qualification_id: int | None = None
    third_party: bool = False
    authorization_letter_approved: bool | None = None
    trademark_id: int | None = None
    app_icp_record_id: int | None = None
    remark: str | None = None
    apply_scene: str | None = None
    attachment_urls: list[str] = []
    sign_code: str | None = None
    reviewed_at: str | None = None
    carrier_registration: list[CarrierRegistration] = []

    @property
    def registered(self) -> bool:
        """Whether a carrier delivers the signature's messages (sends fail with PORT_NOT_REGISTERED until then)."""
        return any(entry.status in SENDABLE_CARRIER_STATUSES for entry in self.carrier_registration)

    @property
    def carrier_refused(self) -> bool:
        """Whether every carrier has failed (or let expire) the registration: waiting cannot register it."""
        refused = (CarrierRegistrationStatus.FAILED, CarrierRegistrationStatus.EXPIRED)
        return bool(self.carrier_registration) and all(entry.status in refused for entry in self.carrier_registration)


class SignaturePage(BaseModel):
    """One page of QuerySmsSignList."""

    items: list[SignatureSummary]
    total_count: int
    page: int
    page_size: int


class SignaturesApi:
    """Create, read, update, delete and list the account's mainland signatures."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def create(self, request: SignatureRequest) -> str:
        """Submit a signature for review (CreateSmsSign); returns the review ticket (OrderId)."""

        def landed() -> dict[str, Any] | None:
            found = self.get(request.name)
            return None if found is None else {"OrderId": found.order_id}

        data = self._rpc.call(VERSION, "CreateSmsSign", _application(request), idempotent=False, landed=landed)
        return data.optional_text("OrderId") or ""

    def update(self, request: SignatureRequest) -> str:
        """Change a rejected signature and resubmit it (UpdateSmsSign); returns the new review ticket."""

        def landed() -> dict[str, Any] | None:  # only a rejected signature can be updated; an update resubmits it
            found = self.get(request.name)
            return None if found is None or found.status == ReviewStatus.REJECTED else {"OrderId": found.order_id}

        data = self._rpc.call(VERSION, "UpdateSmsSign", _application(request), idempotent=False, landed=landed,
                              not_found=NOT_FOUND)  # fmt: skip
        return data.optional_text("OrderId") or ""

    def delete(self, name: str) -> bool:
        """Delete a signature (DeleteSmsSign); ``False`` when it did not exist."""
        try:
            self._rpc.call(VERSION, "DeleteSmsSign", {"SignName": name}, idempotent=True, not_found=NOT_FOUND)
        except NotFoundError:
            return False
        return True

    def get(self, name: str) -> Signature | None:
        """One signature (GetSmsSign), or ``None`` when the account has none with this name."""
        try:
            data = self._rpc.call(VERSION, "GetSmsSign", {"SignName": name}, idempotent=True, not_found=NOT_FOUND)
        except NotFoundError:
            return None
        audit = data.optional_object("AuditInfo")
        return data.build(
            Signature,
            name=data.optional_text("SignName") or name,
            status=_status(data.optional_text("SignStatus")),
            status_reason=audit.optional_text("RejectInfo") or None,
            type=_TYPE_BY_USAGE.get(data.optional_text("SignUsage") or ""),
            order_id=data.optional_text("OrderId"),
            created_at=data.optional_text("CreateDate"),
            authorization_letter_id=data.optional_integer("AuthorizationLetterId"),
            qualification_id=data.optional_integer("QualificationId"),
            third_party=bool(data.optional_flag("ThirdParty")),
            authorization_letter_approved=data.optional_flag("AuthorizationLetterAuditPass"),
            trademark_id=data.optional_integer("TrademarkId"),
            app_icp_record_id=data.optional_integer("AppIcpRecordId"),
            remark=data.optional_text("Remark") or None,
            apply_scene=data.optional_text("ApplyScene") or None,
            attachment_urls=data.texts("FileUrlList"),
            sign_code=data.optional_text("SignCode"),
            reviewed_at=audit.optional_text("AuditDate"),
            carrier_registration=[_carrier(entry) for entry in data.objects("SignIspRegisterDetailList")],
        )

    def change_qualification(
        self, name: str, qualification_id: int, authorization_letter_id: int | None = None
    ) -> None:
        """Bind a signature to another approved qualification (ChangeSignatureQualification); an approved
        signature registers with the carriers again."""
        params: dict[str, ParamValue] = {"SignatureName": name, "QualificationId": qualification_id,
                                         "AuthorizationLetterId": authorization_letter_id}  # fmt: skip
        self._rpc.call(VERSION, "ChangeSignatureQualification", params, idempotent=True, not_found=NOT_FOUND)

    def list_page(self, page: int = 1, size: int = MAX_PAGE_SIZE) -> SignaturePage:
        """One page of signatures, oldest first (QuerySmsSignList; ``page`` from 1, ``size`` 1-50)."""
        data = self._rpc.call(VERSION, "QuerySmsSignList", {"PageIndex": page, "PageSize": size}, idempotent=True)
        return data.build(
            SignaturePage,
            items=[_summary(item) for item in data.objects("SmsSignList")],
            total_count=data.optional_integer("TotalCount") or 0,
            page=data.optional_integer("CurrentPage") or page,
            page_size=data.optional_integer("PageSize") or size,
        )

    def iter_all(self) -> Iterator[SignatureSummary]:
        """Every signature of the account, page by page, each once."""

        def page(number: int) -> tuple[list[SignatureSummary], int]:
            result = self.list_page(number)
            return result.items, result.total_count

        return every_item(page, lambda item: item.name, MAX_PAGE_SIZE)


def _application(request: SignatureRequest) -> dict[str, ParamValue]:
    return {
        "SignName": request.name,
        "SignSource": SIGN_SOURCE_CODES[request.source],
        "SignType": SIGN_TYPE_CODES[request.type],
        "QualificationId": request.qualification_id,
        "Remark": request.remark,
        "ApplySceneContent": request.apply_scene,
        "ThirdParty": request.third_party,
        "AuthorizationLetterId": request.authorization_letter_id,
        "TrademarkId": request.trademark_id,
        "AppIcpRecordId": request.app_icp_record_id,
        "MoreData": list(request.attachments) or None,
    }


def _status(wire: str | None) -> ReviewStatus:
    """A SignStatus / AuditStatus; ``Unknown`` for one this module does not know (a state Alibaba adds later)."""
    return _STATUS_BY_WIRE.get(wire or "", ReviewStatus.UNKNOWN)


def _carrier(entry: Answer) -> CarrierRegistration:
    reasons: list[str] = []
    for reason in entry.objects("RegisterStatusReasons"):
        reasons.extend([reason.optional_text("ReasonCode") or "", *reason.texts("ReasonDescList")])
    wire = entry.optional_text("RegisterStatus") or ""
    return entry.build(
        CarrierRegistration,
        carrier=entry.optional_text("OperatorCode") or "",
        status=_CARRIER_STATUS_BY_WIRE.get(wire, CarrierRegistrationStatus.NOT_REGISTERED),
        completed_at=entry.optional_text("OperatorCompleteTime"),
        reasons=[reason for reason in reasons if reason],
    )


def _summary(item: Answer) -> SignatureSummary:
    return item.build(
        SignatureSummary,
        name=item.text("SignName"),
        status=_status(item.optional_text("AuditStatus")),
        status_reason=item.optional_object("Reason").optional_text("RejectInfo") or None,
        type=_TYPE_BY_USAGE.get(item.optional_text("BusinessType") or ""),
        order_id=item.optional_text("OrderId"),
        created_at=item.optional_text("CreateDate"),
        authorization_letter_id=item.optional_integer("AuthorizationLetterId"),
    )
