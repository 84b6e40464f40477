"""Sending: SendMessageToGlobe, BatchSendMessageToGlobe, SendMessageWithTemplate, QueryMessage (Dysmsapi 2018-05-01).

SendMessageToGlobe and BatchSendMessageToGlobe send outside the Chinese mainland from a SenderID;
SendMessageWithTemplate sends only to the mainland, signed with an approved SMS signature. Sends are not
idempotent (sending twice sends twice), so they are retried only when throttled.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.client import Answer, NotFoundTable, RpcClient
from pulumi_alisms.rules.phone_numbers import parse_phone_number
from pulumi_alisms.rules.sender_ids import UseCase
from pulumi_alisms.rules.sending import batch_problems

VERSION = "2018-05-01"
NOT_FOUND: NotFoundTable = frozenset({("InvalidMessageId.NotFound", 404)})
# Use case -> SendMessageToGlobe ``Type``.
MESSAGE_TYPES: dict[str, str] = {"otp": "OTP", "notification": "NOTIFY", "promotional": "MKT"}
DeliveryStatus = Literal["sent", "failed", "sending"]
# QueryMessage ``Status`` -> delivery status.
DELIVERY_STATUSES: dict[str, DeliveryStatus] = {"1": "sent", "2": "failed", "3": "sending"}


class SentMessage(BaseModel):
    """A message the account accepted: its id, the normalized number, billable segments, destination country."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    to: str
    segments: int
    country: str | None


class BatchResult(BaseModel):
    """What BatchSendMessageToGlobe accepted: one message id per number sent, and the numbers refused."""

    model_config = ConfigDict(frozen=True)

    message_ids: list[str]
    failed: list[str]
    sent_count: int


class MessageRecord(BaseModel):
    """The delivery report of one message."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    to: str
    status: DeliveryStatus
    message: str | None = None
    country: str | None = None
    error_code: str | None = None
    sent_at: str | None = None
    received_at: str | None = None


class SendingApi:
    """Send international messages and read their delivery reports."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def send(self, to: str, sender: str | None, message: str, type: UseCase | None = None) -> SentMessage:
        """Send a text (SendMessageToGlobe); ``sender`` is the SenderID (``From``)."""
        data = self._rpc.call(
            VERSION,
            "SendMessageToGlobe",
            {"To": to, "From": sender, "Message": message, "Type": MESSAGE_TYPES[type] if type else None},
            idempotent=False,
        )
        return _sent(data)

    def send_batch(self, to: list[str], sender: str | None, message: str, type: UseCase | None = None) -> BatchResult:
        """Send one text to 1-1,000 numbers outside the mainland (BatchSendMessageToGlobe)."""
        problems = batch_problems("to", to)
        if problems:
            raise ValueError(f"send_batch: {problems[0]}")
        data = self._rpc.call(
            VERSION,
            "BatchSendMessageToGlobe",
            {"To": to, "From": sender, "Message": message, "Type": MESSAGE_TYPES[type] if type else None},
            idempotent=False,
        )
        return data.build(
            BatchResult,
            message_ids=data.texts("MessageIdList"),
            failed=data.texts("FailedList"),
            sent_count=data.optional_integer("SuccessCount") or 0,
        )

    def send_with_template(self, to: str, sign_name: str, template_code: str, params: dict[str, Any]) -> SentMessage:
        """Send an approved mainland template to a mainland number, signed ``sign_name`` (SendMessageWithTemplate)."""
        data = self._rpc.call(
            VERSION,
            "SendMessageWithTemplate",
            {"To": to, "From": sign_name, "TemplateCode": template_code, "TemplateParam": params},
            idempotent=False,
        )
        return _sent(data)

    def query(self, message_id: str) -> MessageRecord:
        """The delivery report of a message (QueryMessage); NotFoundError for an id the account does not know."""
        data = self._rpc.call(VERSION, "QueryMessage", {"MessageId": message_id}, idempotent=True,
                              not_found=NOT_FOUND)  # fmt: skip
        to = data.optional_text("To") or ""
        return data.build(
            MessageRecord,
            message_id=data.optional_text("MessageId") or message_id,
            to=to,
            status=DELIVERY_STATUSES.get(data.optional_text("Status") or "", "sending"),
            message=data.optional_text("Message"),
            country=_country(to),
            error_code=data.optional_text("ErrorCode"),
            sent_at=data.optional_text("SendDate"),
            received_at=data.optional_text("ReceiveDate"),
        )


def _sent(data: Answer) -> SentMessage:
    to = data.optional_text("To") or ""
    return data.build(SentMessage, message_id=data.text("MessageId"), to=to,
                      segments=data.optional_integer("Segments") or 1, country=_country(to))  # fmt: skip


def _country(to: str) -> str | None:
    """The ISO country of a number (the answers name countries for people, not by code)."""
    number = parse_phone_number(to)
    return number.country if number else None
