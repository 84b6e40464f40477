"""SenderID naming, sample templates and the deterministic review decision."""

import re
from typing import Literal

from pulumi_alisms.rules.documents import MAX_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES  # per registration document
from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.text import TextRule, control_character_problems

UseCase = Literal["otp", "notification", "promotional"]
USE_CASES: tuple[str, ...] = ("otp", "notification", "promotional")

MAX_ALPHANUMERIC_LENGTH = 11
MAX_NUMERIC_LENGTH = 15
MAX_SAMPLE_TEMPLATES = 20
MAX_SAMPLE_LENGTH = 500
MAX_SENDER_IDS_PER_REQUEST = 20
DOCUMENT_WINDOW_DAYS = 30
MAX_DOCUMENT_TYPE_LENGTH = 64
# The registration's plain text fields as SubmitSenderIdRegistration takes them (the emulator refuses by these).
REGISTRATION_TEXT: dict[str, TextRule] = {"company_name": TextRule(128, non_blank=True), "website": TextRule(256)}
DOCUMENT_TYPE = TextRule(MAX_DOCUMENT_TYPE_LENGTH, non_blank=True)  # UploadSenderIdDocuments' Documents[].Type

# SendMessageToGlobe's ``From``: "only digits and letters" (the SDK's model, and the broadcast console). A
# SenderID that could not be sent from is refused at registration too, so both checks use this rule.
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")

# Carriers refuse sender IDs that do not identify a brand.
GENERIC_SENDER_IDS: frozenset[str] = frozenset(
    {"INFO", "SMS", "TEST", "VERIFY", "OTP", "ALERT", "NOTICE", "NOTIFY", "CODE", "BANK", "ADMIN", "SYSTEM"}
)
URL_SHORTENERS: tuple[str, ...] = (
    "bit.ly", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rebrand.ly", "t.ly",
)  # fmt: skip
_SHORTENER = re.compile(r"(?<![\w.])(" + "|".join(re.escape(s) for s in URL_SHORTENERS) + r")/", re.IGNORECASE)


def sender_id_problems(field: str, value: str) -> list[Problem]:
    """Naming rules: 1-11 Latin letters and digits, or 1-15 digits only."""
    if not value:
        return [Problem(field, "must not be empty")]
    if control := control_character_problems(field, value):
        return control
    if any(ord(ch) > 127 for ch in value):
        return [Problem(field, f"{value!r} contains non-Latin characters; only Latin letters and digits")]
    if value.isdigit():
        if len(value) > MAX_NUMERIC_LENGTH:
            return [Problem(field, f"a numeric sender ID has at most {MAX_NUMERIC_LENGTH} digits, got {len(value)}")]
        return []
    if not _ALPHANUMERIC.fullmatch(value):
        return [Problem(field, f"{value!r} may contain only Latin letters and digits (no spaces or symbols)")]
    if len(value) > MAX_ALPHANUMERIC_LENGTH:
        return [
            Problem(field, f"an alphanumeric sender ID has at most {MAX_ALPHANUMERIC_LENGTH} characters, "
                           f"got {len(value)}")
        ]  # fmt: skip
    return []


def sample_template_problems(field: str, samples: list[str]) -> list[Problem]:
    """1-20 non-blank samples of at most 500 characters each."""
    if not samples:
        return [Problem(field, "at least one sample template is required")]
    problems: list[Problem] = []
    if len(samples) > MAX_SAMPLE_TEMPLATES:
        problems.append(Problem(field, f"at most {MAX_SAMPLE_TEMPLATES} sample templates, got {len(samples)}"))
    for index, sample in enumerate(samples):
        if not isinstance(sample, str) or not sample.strip():
            problems.append(Problem(f"{field}[{index}]", "a sample template must not be blank"))
            continue
        problems.extend(control_character_problems(f"{field}[{index}]", sample, multiline=True))
        if len(sample) > MAX_SAMPLE_LENGTH:
            problems.append(Problem(f"{field}[{index}]", f"at most {MAX_SAMPLE_LENGTH} characters, got {len(sample)}"))
    return problems


def use_case_problems(field: str, value: str) -> list[Problem]:
    """The use case is one of otp, notification, promotional."""
    if value not in USE_CASES:
        return [Problem(field, f"must be one of {', '.join(USE_CASES)}, got {value!r}")]
    return []


def contains_url_shortener(text: str) -> bool:
    """Whether ``text`` links through a URL shortener, which carriers reject."""
    return _SHORTENER.search(text) is not None


def review_rejection(sender_id: str, samples: list[str]) -> str | None:
    """The carrier's rejection reason for a registration, or ``None`` when it is approved."""
    if sender_id.strip().upper() in GENERIC_SENDER_IDS:
        return f"Sender ID '{sender_id}' is generic and does not identify your brand; use your company or app name"
    for sample in samples:
        if contains_url_shortener(sample):
            return "Sample templates must not contain URL shorteners; use your own full domain"
    return None
