"""The account file's shape: one field per section of the registry of kinds (``pulumi_alisms.kinds``), each
entry the kind's own model from ``pulumi_alisms.inputs``, so the file and ``pulumi preview`` refuse exactly
the same things. The fields are written out, not generated, so type checkers see them; a test pins them to
the registry. ``console_records`` is the one key that is not a section: where console mode's records are."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.inputs.alert_contact import AlertContactEntry
from pulumi_alisms.inputs.fraud_protection import FraudProtectionInputs
from pulumi_alisms.inputs.message_template import MessageTemplateInputs
from pulumi_alisms.inputs.qualification import QualificationEntry
from pulumi_alisms.inputs.send_frequency_limit import SendFrequencyLimitInputs
from pulumi_alisms.inputs.sender_id import SenderIdEntry
from pulumi_alisms.inputs.signature import SignatureEntry
from pulumi_alisms.inputs.suspension_threshold import SuspensionThresholdEntry
from pulumi_alisms.rules.limits import BizType


class AccountSpec(BaseModel):
    """A whole account file (``version: 1``). Keys of each section are stable names."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    contacts: dict[str, AlertContactEntry] = {}
    thresholds: dict[BizType, SuspensionThresholdEntry] = {}
    frequency_limits: SendFrequencyLimitInputs | None = None
    fraud_protection: FraudProtectionInputs | None = None
    qualifications: dict[str, QualificationEntry] = {}
    signatures: dict[str, SignatureEntry] = {}
    templates: dict[str, MessageTemplateInputs] = {}
    sender_ids: dict[str, SenderIdEntry] = {}
    console_records: str | None = None
    """Console mode's records file (``spec.console_records``), relative to this file; ``alisms plan``/``drift`` read
    it unless ALISMS_CONSOLE_RECORDS names another."""
