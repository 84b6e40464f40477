"""Alert contacts: phone and email formats and the alert kinds a contact can receive."""

import re

from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.text import control_character_problems

# Alert kind -> the SaveContactsNew flag that switches it on.
ALERT_FLAGS: dict[str, str] = {
    "send_volume": "OpenSendWarning",
    "fraud_prevention": "OpenPreventBrushWarning",
    "package_quota": "OpenPkgWarning",
    "review_results": "ReceiveSignTemplateAuditResult",
}
MAX_CONTACT_NAME_LENGTH = 32

_PHONE = re.compile(r"\+?[1-9][0-9]{5,14}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")


def phone_problems(field: str, phone: str) -> list[Problem]:
    """A phone number in international format: optional '+', 6-15 digits, no leading zero."""
    if not _PHONE.fullmatch(phone or ""):
        return [Problem(field, "must be a phone number in international format such as +8613800000000")]
    return []


def email_problems(field: str, email: str) -> list[Problem]:
    """A plain ``user@domain.tld`` address. The message never repeats the value: it is personal data, secret in
    state, and check failures reach CI logs."""
    if not _EMAIL.fullmatch(email or ""):
        return [Problem(field, "must be an email address such as sre@example.com")]
    return []


def contact_problems(name: str, phone: str, email: str, alerts: list[str]) -> list[Problem]:
    """Every offline rule for an alert contact."""
    problems = control_character_problems("name", name or "")
    if not name or not name.strip():
        problems.append(Problem("name", "must not be empty"))
    elif len(name) > MAX_CONTACT_NAME_LENGTH:
        problems.append(Problem("name", f"at most {MAX_CONTACT_NAME_LENGTH} characters, got {len(name)}"))
    problems.extend(phone_problems("phone", phone))
    problems.extend(email_problems("email", email))
    for index, alert in enumerate(alerts):
        if alert not in ALERT_FLAGS:
            problems.append(Problem(f"alerts[{index}]", f"unknown alert {alert!r}; one of {', '.join(ALERT_FLAGS)}"))
    if len(set(alerts)) != len(alerts):
        problems.append(Problem("alerts", "lists an alert more than once"))
    return problems
