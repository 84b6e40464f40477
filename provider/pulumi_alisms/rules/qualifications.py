"""Chinese-mainland qualifications (the signing entity's documents): field rules and the review decision.

Field names are snake_case, as a qualification's inputs spell them; each rule applies to the fields that
are present, so an amendment (UpdateSmsQualification) is checked with the same functions as a submission.
The sources are the official SDK's field documentation (SubmitSmsQualification) and the qualification
review guidelines; docs/api.md lists where this project had to choose.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Literal, get_args

from pulumi_alisms.rules.mainland import mainland_mobile
from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.text import control_character_problems

CompanyType = Literal["COMPANY", "NON_PROFIT_ORGANIZATION"]
IdCardType = Literal[
    "identityCard", "passport", "homeReturnPermit", "TaiwanCompatriotPermit", "residencePermit", "other"
]
LicenseType = Literal["socialCreditLicense", "businessLicense", "signLegalLicense", "otherLicense"]
COMPANY_TYPES: tuple[str, ...] = get_args(CompanyType)
ID_CARD_TYPES: tuple[str, ...] = get_args(IdCardType)
LICENSE_TYPES: tuple[str, ...] = get_args(LicenseType)
MAX_QUALIFICATION_NAME_LENGTH = 100
MAX_COMPANY_NAME_LENGTH = 150
MAX_ORGANIZATION_CODE_LENGTH = 150
MAX_PERSON_NAME_LENGTH = 50
MAX_ID_NUMBER_LENGTH = 50  # not documented; ID card numbers are 18 characters, passports fewer
LONG_TERM_END = date(2099, 12, 31)  # what a document valid without end date gives as its end

_CHINESE = "\u3400-\u4dbf\u4e00-\u9fff"
ENTITY_NAME_SYMBOLS = "·【】\uff08\uff09() "  # the only symbols an entity's name may contain (with fullwidth brackets)
_COMPANY_NAME = re.compile(f"[{_CHINESE}A-Za-z0-9{re.escape(ENTITY_NAME_SYMBOLS)}]+")
_QUALIFICATION_NAME = re.compile(f"[{_CHINESE}A-Za-z0-9]+")
_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})")
# Unified social credit code (GB 32100-2015): 18 characters, digits and capitals without I, O, S, V, Z.
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")

VALIDITY_FIELDS: dict[str, str] = {
    "business_license_validity": "business license",
    "legal_person_id_validity": "legal representative's ID document",
    "admin_id_validity": "administrator's ID document",
}


def validity_period(text: str) -> tuple[date, date] | None:
    """``YYYY-MM-DD~YYYY-MM-DD`` as (start, end), or ``None`` when malformed or the end precedes the start."""
    match = _PERIOD.fullmatch(text.strip())
    if match is None:
        return None
    try:
        start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _name_problems(field: str, value: str, pattern: re.Pattern[str], max_length: int, allowed: str) -> list[Problem]:
    if not value.strip():
        return [Problem(field, "must not be empty")]
    if len(value) > max_length:
        return [Problem(field, f"at most {max_length} characters, got {len(value)}")]
    if not pattern.fullmatch(value):
        return [Problem(field, f"may contain only {allowed}")]
    if value.isdigit():
        return [Problem(field, "must not be digits only")]
    return []


def qualification_name_problems(field: str, value: str) -> list[Problem]:
    """A qualification's (or an authorization letter's) name: Chinese characters, letters and digits."""
    return _name_problems(field, value, _QUALIFICATION_NAME, MAX_QUALIFICATION_NAME_LENGTH,
                          "Chinese characters, letters and digits")  # fmt: skip


def company_name_problems(field: str, value: str) -> list[Problem]:
    """An entity's name: Chinese characters, letters, digits and ``ENTITY_NAME_SYMBOLS``, not digits only."""
    allowed = f"Chinese characters, letters, digits, spaces and the symbols {ENTITY_NAME_SYMBOLS.strip()}"
    return _name_problems(field, value, _COMPANY_NAME, MAX_COMPANY_NAME_LENGTH, allowed)


def _one_of(choices: tuple[str, ...]) -> Callable[[str, str], list[Problem]]:
    def check(field: str, value: str) -> list[Problem]:
        return [] if value in choices else [Problem(field, f"must be one of {', '.join(choices)}, got {value[:40]!r}")]

    return check


def _text(max_length: int) -> Callable[[str, str], list[Problem]]:
    def check(field: str, value: str) -> list[Problem]:
        if not value.strip():
            return [Problem(field, "must not be empty")]
        if len(value) > max_length:
            return [Problem(field, f"at most {max_length} characters, got {len(value)}")]
        return []

    return check


def validity_problems(field: str, value: str) -> list[Problem]:
    """A validity period ``YYYY-MM-DD~YYYY-MM-DD``."""
    if validity_period(value) is None:
        return [Problem(field, "must be a validity period YYYY-MM-DD~YYYY-MM-DD whose end is not before its start "
                               f"(use {LONG_TERM_END.isoformat()} as the end of a long-term document)")]  # fmt: skip
    return []


def _mobile(field: str, value: str) -> list[Problem]:
    if mainland_mobile(value) is None:
        return [Problem(field, "must be a Chinese-mainland mobile number such as 13900001234 "
                               "(with or without +86, 0086 or 86)")]  # fmt: skip
    return []


_FIELD_RULES: dict[str, Callable[[str, str], list[Problem]]] = {
    "qualification_name": qualification_name_problems,
    "company_name": company_name_problems,
    "company_type": _one_of(COMPANY_TYPES),
    "organization_code": _text(MAX_ORGANIZATION_CODE_LENGTH),
    "business_license_validity": validity_problems,
    "legal_person_name": _text(MAX_PERSON_NAME_LENGTH),
    "legal_person_id_type": _one_of(ID_CARD_TYPES),
    "legal_person_id_number": _text(MAX_ID_NUMBER_LENGTH),
    "legal_person_id_validity": validity_problems,
    "admin_name": _text(MAX_PERSON_NAME_LENGTH),
    "admin_id_type": _one_of(ID_CARD_TYPES),
    "admin_id_number": _text(MAX_ID_NUMBER_LENGTH),
    "admin_id_validity": validity_problems,
    "admin_phone": _mobile,
}
QUALIFICATION_FIELDS: tuple[str, ...] = tuple(_FIELD_RULES)


def qualification_problems(values: Mapping[str, str | None]) -> list[Problem]:
    """Every offline rule for the qualification fields in ``values`` (absent or ``None`` fields are skipped)."""
    problems: list[Problem] = []
    for field, check in _FIELD_RULES.items():
        value = values.get(field)
        if value is not None:
            problems.extend(control_character_problems(field, value) or check(field, value))
    return problems


def license_type_problems(field: str, license_type: str | None) -> list[Problem]:
    """A business license picture names its type (socialCreditLicense, businessLicense, ...)."""
    if license_type is None:
        return [Problem(field, f"needs a Type: one of {', '.join(LICENSE_TYPES)}")]
    return _one_of(LICENSE_TYPES)(field, license_type)


def qualification_rejection(values: Mapping[str, str | None], today: date) -> str | None:
    """The reviewer's rejection reason for a qualification on ``today``, or ``None`` when it is approved.

    Deterministic rules: an expired document, or an organization code that is not an 18-character unified
    social credit code.
    """
    for field, document in VALIDITY_FIELDS.items():
        period = validity_period(values.get(field) or "")
        if period is not None and period[1] < today:
            return f"The {document} expired on {period[1].isoformat()}; submit a document that is still valid"
    code = values.get("organization_code") or ""
    if not _CREDIT_CODE.fullmatch(code):
        return ("The organization code is not a unified social credit code (18 digits and capital letters, "
                "as printed on the business license)")  # fmt: skip
    return None
