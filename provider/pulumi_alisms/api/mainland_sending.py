"""Chinese-mainland sending (Dysmsapi 2017-05-25): SendSms, SendBatchSms, QuerySendDetails.

Sends are not idempotent (sending twice sends twice), so they are retried only when throttled. A send needs an
approved signature registered with the carriers (``PORT_NOT_REGISTERED`` until then) and an approved template
bound to it. Delivery records are kept per number and Beijing date.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.client import Answer, RpcClient

VERSION = "2017-05-25"
MAX_PAGE_SIZE = 50
DeliveryStatus = Literal["sending", "failed", "sent"]
# QuerySendDetails SendStatus -> delivery status.
_DELIVERY_STATUS: dict[str, DeliveryStatus] = {"1": "sending", "2": "failed", "3": "sent"}


class BatchMessage(BaseModel):
    """One message of a SendBatchSms call: its number, signature and variable values."""

    model_config = ConfigDict(frozen=True)

    phone: str
    signature: str
    params: dict[str, Any] | None = None


class SendDetail(BaseModel):
    """One delivery record (QuerySendDetails). Dates are the service's text (Beijing time)."""

    model_config = ConfigDict(frozen=True)

    phone: str
    status: DeliveryStatus
    error_code: str | None = None
    template_code: str | None = None
    content: str | None = None
    out_id: str | None = None
    sent_at: str | None = None
    received_at: str | None = None


class SendDetailsPage(BaseModel):
    """One page of QuerySendDetails."""

    items: list[SendDetail]
    total_count: int


class MainlandSendingApi:
    """Send to Chinese-mainland numbers and read the delivery records."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def send(
        self,
        phone_numbers: list[str],
        signature: str,
        template_code: str,
        params: Mapping[str, Any] | None = None,
        out_id: str | None = None,
    ) -> str:
        """Send one template with one signature to up to 1000 numbers (SendSms); returns the BizId."""
        data = self._rpc.call(
            VERSION,
            "SendSms",
            {"PhoneNumbers": ",".join(phone_numbers), "SignName": signature, "TemplateCode": template_code,
             "TemplateParam": None if params is None else dict(params), "OutId": out_id},
            idempotent=False,
        )  # fmt: skip
        return data.text("BizId")

    def send_batch(self, messages: list[BatchMessage], template_code: str, out_id: str | None = None) -> str:
        """Send one template to up to 100 numbers, each with its signature and values (SendBatchSms); the BizId."""
        with_values = any(message.params is not None for message in messages)
        data = self._rpc.call(
            VERSION,
            "SendBatchSms",
            {"TemplateCode": template_code, "OutId": out_id},
            idempotent=False,
            body={"PhoneNumberJson": [message.phone for message in messages],
                  "SignNameJson": [message.signature for message in messages],
                  "TemplateParamJson": [message.params or {} for message in messages] if with_values else None},
        )  # fmt: skip
        return data.text("BizId")

    def details(
        self, phone: str, day: date, biz_id: str | None = None, page: int = 1, size: int = MAX_PAGE_SIZE
    ) -> SendDetailsPage:
        """One page of the delivery records of one number on one (Beijing) day, optionally of one BizId."""
        data = self._rpc.call(
            VERSION,
            "QuerySendDetails",
            {"PhoneNumber": phone, "SendDate": day.strftime("%Y%m%d"), "BizId": biz_id, "CurrentPage": page,
             "PageSize": size},
            idempotent=True,
        )  # fmt: skip
        entries = data.optional_object("SmsSendDetailDTOs").objects("SmsSendDetailDTO")
        return data.build(SendDetailsPage, items=[_detail(entry) for entry in entries],
                          total_count=data.optional_integer("TotalCount") or 0)  # fmt: skip


def _detail(entry: Answer) -> SendDetail:
    return entry.build(
        SendDetail,
        phone=entry.optional_text("PhoneNum") or "",
        status=_DELIVERY_STATUS.get(entry.optional_text("SendStatus") or "", "sending"),
        error_code=entry.optional_text("ErrCode"),
        template_code=entry.optional_text("TemplateCode"),
        content=entry.optional_text("Content"),
        out_id=entry.optional_text("OutId"),
        sent_at=entry.optional_text("SendDate"),
        received_at=entry.optional_text("ReceiveDate"),
    )
