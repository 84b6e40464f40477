"""The account file's shape: one pydantic model per section, reusing the resources' input models and
their rules, so the file and ``pulumi preview`` refuse exactly the same things."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pulumi_alisms.resources.fraud_protection import FraudProtectionInputs
from pulumi_alisms.resources.message_template import MessageTemplateInputs
from pulumi_alisms.resources.send_frequency_limit import SendFrequencyLimitInputs
from pulumi_alisms.resources.sender_id import SenderIdInputs
from pulumi_alisms.rules.limits import BizType


class ContactSpec(BaseModel):
    """An alert contact (the verification code never goes in the file: it is a secret)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    phone: str
    email: str
    alerts: list[str] = []


class ThresholdSpec(BaseModel):
    """Suspension and warning limits of one biz type (the biz type is the key)."""

    model_config = ConfigDict(extra="forbid")

    daily_warning: int | None = None
    daily_suspend: int | None = None
    monthly_warning: int | None = None
    monthly_suspend: int | None = None


class SenderIdSpec(SenderIdInputs):
    """A SenderID registration; ``import`` adopts an existing registration by id."""

    import_id: str | None = Field(None, alias="import")


class AccountSpec(BaseModel):
    """A whole account file (``version: 1``). Keys of each section are stable names."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    contacts: dict[str, ContactSpec] = {}
    thresholds: dict[BizType, ThresholdSpec] = {}
    frequency_limits: SendFrequencyLimitInputs | None = None
    fraud_protection: FraudProtectionInputs | None = None
    templates: dict[str, MessageTemplateInputs] = {}
    sender_ids: dict[str, SenderIdSpec] = {}

    def sender_id_inputs(self, key: str) -> dict[str, Any]:
        """A sender ID's resource inputs (without ``import``)."""
        return self.sender_ids[key].model_dump(mode="json", exclude={"import_id"})
