"""Chinese-mainland qualifications (Dysmsapi 2017-05-25): SubmitSmsQualification, QuerySingleSmsQualification,
QuerySmsQualificationRecord, UpdateSmsQualification, DeleteSmsQualification, RequiredPhoneCode, ValidPhoneCode.

Personal data (people's names, ID numbers, the administrator's phone) is ``SecretStr`` in every model, so it never
shows in a repr or a log. Documents are object keys from ``UploadsApi.upload_document``. A qualification's review
reason is only in the record list (QuerySingleSmsQualification does not return it), so :meth:`QualificationsApi.get`
reads the record of a rejected qualification too. A review state this module does not know reads as ``Unknown``.

SubmitSmsQualification and UpdateSmsQualification have no ClientToken: after a failure that may have committed,
the retry loop asks whether the write landed (a qualification with the name, names being unique per account; a
new review ticket) before trying again.
"""

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

from pulumi_alisms.api.client import Answer, NotFoundTable, ParamValue, RpcClient
from pulumi_alisms.api.paging import every_item
from pulumi_alisms.errors import NotFoundError
from pulumi_alisms.rules.qualifications import CompanyType, IdCardType, LicenseType
from pulumi_alisms.rules.statuses import ReviewStatus

VERSION = "2017-05-25"
MAX_PAGE_SIZE = 50
NOT_FOUND: NotFoundTable = frozenset({("QualificationNotFound", 404)})  # CreateSmsSign's published 404
# QuerySingleSmsQualification State and QuerySmsQualificationRecord StateName -> status.
_STATUS_BY_WIRE: dict[str, ReviewStatus] = {
    "INT": ReviewStatus.UNDER_REVIEW, "INIT": ReviewStatus.UNDER_REVIEW,
    "PASSED": ReviewStatus.APPROVED, "PASS": ReviewStatus.APPROVED,
    "FAILED": ReviewStatus.REJECTED, "NOT_PASS": ReviewStatus.REJECTED,
    "NOT_FINISH": ReviewStatus.MATERIALS_REQUIRED,
    "CANCELED": ReviewStatus.CANCELLED, "CANCEL": ReviewStatus.CANCELLED,
}  # fmt: skip
_RECORD_STATE = {ReviewStatus.UNDER_REVIEW: "INIT", ReviewStatus.APPROVED: "PASS", ReviewStatus.REJECTED: "NOT_PASS",
                 ReviewStatus.MATERIALS_REQUIRED: "NOT_FINISH", ReviewStatus.CANCELLED: "CANCEL"}  # fmt: skip


class BusinessLicense(BaseModel):
    """An uploaded business license picture and its kind."""

    model_config = ConfigDict(frozen=True)

    key: str
    type: LicenseType


class QualificationDocuments(BaseModel):
    """Object keys of the uploaded documents."""

    model_config = ConfigDict(frozen=True)

    admin_id_front: str  # national emblem side
    admin_id_back: str  # portrait side
    legal_person_id_front: str | None = None
    legal_person_id_back: str | None = None
    business_licenses: list[BusinessLicense] = []
    other_files: list[str] = []


class QualificationSubmission(BaseModel):
    """What SubmitSmsQualification sends (validity periods as ``YYYY-MM-DD~YYYY-MM-DD``)."""

    model_config = ConfigDict(frozen=True)

    name: str
    company_name: str
    company_type: CompanyType
    organization_code: str
    business_license_validity: str
    legal_person_name: SecretStr
    legal_person_id_type: IdCardType
    legal_person_id_number: SecretStr
    legal_person_id_validity: str
    admin_name: SecretStr
    admin_id_type: IdCardType
    admin_id_number: SecretStr
    admin_id_validity: str
    admin_phone: SecretStr
    documents: QualificationDocuments
    use_by_self: bool = True
    share: bool = False  # WhetherShare: other cloud communication products may reuse it
    remark: str | None = None


class DocumentUrl(BaseModel):
    """An uploaded document as the service shows it: its key (where known), kind (licenses) and full URL."""

    model_config = ConfigDict(frozen=True)

    url: str
    key: str | None = None
    type: str | None = None


class Qualification(BaseModel):
    """A qualification as QuerySingleSmsQualification reports it, with the record's review reason."""

    model_config = ConfigDict(frozen=True)

    qualification_id: int
    name: str
    company_name: str
    company_type: str | None = None
    organization_code: str | None = None
    business_license_validity: str | None = None
    legal_person_name: SecretStr | None = None
    legal_person_id_type: str | None = None
    legal_person_id_number: SecretStr | None = None
    legal_person_id_validity: str | None = None
    admin_name: SecretStr | None = None
    admin_id_type: str | None = None
    admin_id_number: SecretStr | None = None
    admin_id_validity: str | None = None
    admin_phone: SecretStr | None = None
    admin_id_front: DocumentUrl | None = None
    admin_id_back: DocumentUrl | None = None
    business_licenses: list[DocumentUrl] = []
    other_files: list[DocumentUrl] = []
    use_by_self: bool
    share: bool = False
    remark: str | None = None
    status: ReviewStatus
    status_reason: str | None = None
    work_order_id: int

    @property
    def approved(self) -> bool:
        """Whether the qualification passed review."""
        return self.status == ReviewStatus.APPROVED


class QualificationRecord(BaseModel):
    """A qualification as QuerySmsQualificationRecord lists it. Dates are the service's text."""

    model_config = ConfigDict(frozen=True)

    qualification_id: int
    name: str
    company_name: str | None = None
    legal_person_name: SecretStr | None = None
    use_by_self: bool | None = None
    status: ReviewStatus
    status_reason: str | None = None
    reviewed_at: str | None = None
    created_at: str | None = None
    work_order_id: int


class QualificationPage(BaseModel):
    """One page of QuerySmsQualificationRecord."""

    items: list[QualificationRecord]
    total_count: int
    page: int
    page_size: int


class QualificationsApi:
    """Submit, read, amend, delete and list the account's qualifications; verify the administrator's phone."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def request_phone_code(self, phone: str) -> None:
        """Send a verification code to the administrator's phone (RequiredPhoneCode); a repeat sends a fresh one."""
        self._rpc.call(VERSION, "RequiredPhoneCode", {"PhoneNo": phone}, idempotent=True)

    def check_phone_code(self, phone: str, code: str) -> bool:
        """Whether ``code`` is the valid code for ``phone`` (ValidPhoneCode); it stays usable."""
        data = self._rpc.call(VERSION, "ValidPhoneCode", {"PhoneNo": phone, "CertifyCode": code}, idempotent=True)
        return data.get("Data") is True or str(data.get("Data")).lower() == "true"

    def submit(self, submission: QualificationSubmission, certify_code: str) -> int:
        """Submit a qualification for review (SubmitSmsQualification); returns its QualificationGroupId."""
        params = {
            "QualificationName": submission.name,
            "CompanyType": submission.company_type,
            "OrganizationCode": submission.organization_code,
            "UseBySelf": submission.use_by_self,
            "WhetherShare": submission.share,
            "Remark": submission.remark,
            **_amendable(submission, certify_code),
        }

        def landed() -> dict[str, Any] | None:
            found = self.find_by_name(submission.name)
            return None if found is None else {"Data": str(found.qualification_id)}

        data = self._rpc.call(VERSION, "SubmitSmsQualification", params, idempotent=False, landed=landed)
        return data.integer("Data")

    def update(
        self, qualification_id: int, work_order_id: int, submission: QualificationSubmission, certify_code: str
    ) -> None:
        """Amend a qualification that is not under review and resubmit it (UpdateSmsQualification).

        The name, company type, organization code, use and sharing cannot change (the operation has no such
        parameters); ``work_order_id`` is the current review ticket.
        """
        params = {"QualificationGroupId": qualification_id, "OrderId": work_order_id,
                  **_amendable(submission, certify_code)}  # fmt: skip

        def landed() -> dict[str, Any] | None:  # an amendment gets a new review ticket
            current = self.get(qualification_id)
            return None if current is None or current.work_order_id == work_order_id else {}

        self._rpc.call(VERSION, "UpdateSmsQualification", params, idempotent=False, landed=landed,
                       not_found=NOT_FOUND)  # fmt: skip

    def delete(self, qualification_id: int, work_order_id: int) -> bool:
        """Delete a qualification (DeleteSmsQualification); ``False`` when it did not exist."""
        params = {"QualificationGroupId": qualification_id, "OrderId": work_order_id}
        try:
            self._rpc.call(VERSION, "DeleteSmsQualification", params, idempotent=True, not_found=NOT_FOUND)
        except NotFoundError:
            return False
        return True

    def get(self, qualification_id: int) -> Qualification | None:
        """One qualification (QuerySingleSmsQualification), or ``None`` when the account has none with this id."""
        try:
            data = self._rpc.call(VERSION, "QuerySingleSmsQualification", {"QualificationGroupId": qualification_id},
                                  idempotent=True, not_found=NOT_FOUND)  # fmt: skip
        except NotFoundError:
            return None
        qualification = _qualification(data.object("Data"))
        if qualification.status != ReviewStatus.REJECTED:
            return qualification
        records = self.list_page(work_order_id=qualification.work_order_id).items
        reason = next((r.status_reason for r in records if r.qualification_id == qualification_id), None)
        return qualification.model_copy(update={"status_reason": reason})

    def list_page(
        self,
        page: int = 1,
        size: int = MAX_PAGE_SIZE,
        *,
        name: str | None = None,
        company_name: str | None = None,
        status: ReviewStatus | None = None,
        work_order_id: int | None = None,
    ) -> QualificationPage:
        """One page of qualifications, oldest first (QuerySmsQualificationRecord), filtered by exact values."""
        params: dict[str, ParamValue] = {
            "PageNo": page, "PageSize": size, "QualificationGroupName": name, "CompanyName": company_name,
            "State": None if status is None else _RECORD_STATE[status], "WorkOrderId": work_order_id,
        }  # fmt: skip
        data = self._rpc.call(VERSION, "QuerySmsQualificationRecord", params, idempotent=True).optional_object("Data")
        return data.build(
            QualificationPage,
            items=[_record(item) for item in data.objects("List")],
            total_count=data.optional_integer("Total") or 0,
            page=data.optional_integer("PageNo") or page,
            page_size=data.optional_integer("PageSize") or size,
        )

    def iter_all(self) -> Iterator[QualificationRecord]:
        """Every qualification of the account, page by page, each once."""

        def page(number: int) -> tuple[list[QualificationRecord], int]:
            result = self.list_page(number)
            return result.items, result.total_count

        return every_item(page, lambda item: item.qualification_id, MAX_PAGE_SIZE)

    def find_by_name(self, name: str) -> QualificationRecord | None:
        """The qualification with this name (names are unique per account), or ``None``."""
        return next((item for item in self.list_page(name=name).items if item.name == name), None)


def _amendable(submission: QualificationSubmission, certify_code: str) -> dict[str, ParamValue]:
    """The parameters SubmitSmsQualification and UpdateSmsQualification share."""
    documents = submission.documents
    return {
        "CompanyName": submission.company_name,
        "BussinessLicenseExpDate": submission.business_license_validity,  # sic: Alibaba's spelling
        "LegalPersonName": submission.legal_person_name.get_secret_value(),
        "LegalPersonIDCardType": submission.legal_person_id_type,
        "LegalPersonIDCardNo": submission.legal_person_id_number.get_secret_value(),
        "LegalPersonIdCardEffTime": submission.legal_person_id_validity,
        "AdminName": submission.admin_name.get_secret_value(),
        "AdminIDCardType": submission.admin_id_type,
        "AdminIDCardNo": submission.admin_id_number.get_secret_value(),
        "AdminIDCardExpDate": submission.admin_id_validity,
        "AdminPhoneNo": submission.admin_phone.get_secret_value(),
        "CertifyCode": certify_code,
        "AdminIDCardFrontFace": documents.admin_id_front,
        "AdminIDCardPic": documents.admin_id_back,
        "LegalPersonIdCardFrontSide": documents.legal_person_id_front,
        "LegalPersonIdCardBackSide": documents.legal_person_id_back,
        "BusinessLicensePics": [{"LicensePic": item.key, "Type": item.type} for item in documents.business_licenses]
        or None,
        "OtherFiles": [{"LicensePic": key} for key in documents.other_files] or None,
    }


def _secret(entry: Answer, name: str) -> SecretStr | None:
    value = entry.optional_text(name)
    return SecretStr(value) if value else None


def _status(wire: str | None) -> ReviewStatus:
    """A State / StateName; ``Unknown`` for one this module does not know (a state Alibaba adds later)."""
    return _STATUS_BY_WIRE.get(wire or "", ReviewStatus.UNKNOWN)


def _document(entry: Answer, url_field: str, key_field: str = "", kind_field: str = "") -> DocumentUrl | None:
    """The document whose URL is ``entry``'s field ``url_field`` (its key and kind in the other two), if any."""
    url = entry.optional_text(url_field)
    if not url:
        return None
    key = entry.optional_text(key_field) if key_field else None
    return DocumentUrl(url=url, key=key, type=entry.optional_text(kind_field) if kind_field else None)


def _qualification(data: Answer) -> Qualification:
    return data.build(
        Qualification,
        qualification_id=data.integer("QualificationGroupId"),
        name=data.optional_text("QualificationName") or "",
        company_name=data.optional_text("CompanyName") or "",
        company_type=data.optional_text("CompanyType"),
        organization_code=data.optional_text("OrganizationCode"),
        business_license_validity=data.optional_text("EffTimeStr"),
        legal_person_name=_secret(data, "LegalPersonName"),
        legal_person_id_type=data.optional_text("LegalPersonIDCardType"),
        legal_person_id_number=_secret(data, "LegalPersonIDCardNo"),
        legal_person_id_validity=data.optional_text("LegalPersonIdCardEffTime"),
        admin_name=_secret(data, "AdminName"),
        admin_id_type=data.optional_text("AdminIDCardType"),
        admin_id_number=_secret(data, "AdminIDCardNo"),
        admin_id_validity=data.optional_text("AdminIDCardExpDate"),
        admin_phone=_secret(data, "AdminPhoneNo"),
        admin_id_front=_document(data, "AdminIDCardFrontFace"),
        admin_id_back=_document(data, "AdminIDCardPic"),
        business_licenses=[doc for item in data.objects("BusinessLicensePics")
                           if (doc := _document(item, "PicUrl", "LicensePic", "Type"))],
        other_files=[doc for item in data.objects("OtherFiles") if (doc := _document(item, "PicUrl", "LicensePic"))],
        use_by_self=bool(data.optional_flag("UseBySelf")),
        share=bool(data.optional_flag("WhetherShare")),
        remark=data.optional_text("Remark") or None,
        status=_status(data.optional_text("State")),
        work_order_id=data.optional_integer("WorkOrderId") or 0,
    )  # fmt: skip


def _record(item: Answer) -> QualificationRecord:
    return item.build(
        QualificationRecord,
        qualification_id=item.integer("GroupId"),
        name=item.optional_text("QualificationGroupName") or "",
        company_name=item.optional_text("CompanyName"),
        legal_person_name=_secret(item, "LegalPersonName"),
        use_by_self=item.optional_flag("UseBySelf"),
        status=_status(item.optional_text("StateName")),
        status_reason=item.optional_text("AuditRemark") or None,
        reviewed_at=item.optional_text("AuditTime"),
        created_at=item.optional_text("CreateDate"),
        work_order_id=item.optional_integer("WorkOrderId") or 0,
    )
