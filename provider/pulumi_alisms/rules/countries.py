"""Destination countries and what SenderID registration each one needs.

The vendor says its country table is "for reference only and subject to change"; this module is the
project's snapshot of it. Registration kinds:

- ``required``: a SenderID must be registered and approved before sending with it;
- ``optional``: no registration; a default sender ID is used when none is registered;
- ``paid_offline``: paid sender IDs, registered offline by the account manager (RU, KH, VN, RS, KZ);
- ``self_registration``: the customer registers with the local regulator, then asks the account
  manager to configure it (SG).

``python -m pulumi_alisms.rules.countries --markdown`` prints docs/countries.md, the table of this module.
"""

import sys
from dataclasses import dataclass
from typing import Literal

from pulumi_alisms.rules.problems import Problem

RegistrationKind = Literal["required", "optional", "paid_offline", "self_registration"]

# Every ISO 3166-1 alpha-2 code.
_ISO_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()
ISO_COUNTRY_CODES: frozenset[str] = frozenset(_ISO_CODES)

# Countries whose carriers require a registered SenderID, and whether documents must be uploaded.
_REGISTRATION_REQUIRED: dict[str, bool] = {
    "AE": True, "SA": True, "QA": True, "KW": False, "OM": True, "BH": False, "JO": True, "EG": True,
    "ID": True, "PH": True, "TH": True, "MY": False, "LK": True, "BD": True, "PK": True, "TR": True,
    "NG": False, "KE": False, "TZ": False, "UG": False, "IN": True, "CN": False, "MM": False,
    "LA": False, "NP": False, "IQ": True, "LB": False, "MA": False, "DZ": False, "TN": False,
}  # fmt: skip
PAID_OFFLINE_COUNTRIES: frozenset[str] = frozenset({"RU", "KH", "VN", "RS", "KZ"})
SELF_REGISTRATION_COUNTRIES: frozenset[str] = frozenset({"SG"})


@dataclass(frozen=True)
class CountryRules:
    """What registering a SenderID for one destination involves."""

    code: str
    registration: RegistrationKind
    documents_required: bool


def country_rules(code: str) -> CountryRules | None:
    """The rules for an ISO 3166-1 alpha-2 code, or ``None`` for an unknown code."""
    if code not in ISO_COUNTRY_CODES:
        return None
    if code in PAID_OFFLINE_COUNTRIES:
        return CountryRules(code, "paid_offline", False)
    if code in SELF_REGISTRATION_COUNTRIES:
        return CountryRules(code, "self_registration", False)
    if code in _REGISTRATION_REQUIRED:
        return CountryRules(code, "required", _REGISTRATION_REQUIRED[code])
    return CountryRules(code, "optional", False)


def registration_problems(field: str, code: str) -> list[Problem]:
    """Problems with registering a SenderID online for ``code`` (unknown, paid/offline or self-registered)."""
    rules = country_rules(code)
    if rules is None:
        return [Problem(field, f"unknown country code {code!r}: use an ISO 3166-1 alpha-2 code such as 'ID'")]
    if rules.registration == "paid_offline":
        return [
            Problem(
                field,
                f"{code} requires a paid sender ID that cannot be registered online: contact your account "
                "manager to register it offline, then adopt it with the `import_` resource option",
            )
        ]
    if rules.registration == "self_registration":
        return [
            Problem(
                field,
                f"{code} sender IDs cannot be registered through Alibaba Cloud: self-register with the "
                "local regulator, then contact your account manager to configure it",
            )
        ]
    return []


_HOW: dict[tuple[RegistrationKind, bool], str] = {
    ("required", True): "`SenderId` with `documents`",
    ("required", False): "`SenderId`",
    ("paid_offline", False): "paid: your account manager registers it offline; adopt it with `import`",
    ("self_registration", False): "register with the local regulator, ask your account manager to configure it; "
    "adopt it with `import`",
}


def countries_markdown() -> str:
    """docs/countries.md: every country that is not ``optional``, with what registering there involves."""
    every = [CountryRules(code, "optional", False) if rules is None else rules
             for code in sorted(ISO_COUNTRY_CODES) for rules in [country_rules(code)]]  # fmt: skip
    listed = [rules for rules in every if rules.registration != "optional"]
    lines = [
        "# Countries",
        "",
        "<!-- Generated from provider/pulumi_alisms/rules/countries.py by "
        "`python -m pulumi_alisms.rules.countries --markdown`; do not edit by hand. -->",
        "",
        "What registering a SenderID involves for each destination country: this release's snapshot of Alibaba's",
        'table, which the vendor calls "for reference only and subject to change". The other',
        f"{len(every) - len(listed)} ISO 3166-1 alpha-2 codes are `optional`: no registration is needed, and a "
        "default sender ID is used when none is registered.",
        "",
        "| Country | Registration | Documents | How |",
        "| --- | --- | --- | --- |",
    ]
    for rules in listed:
        documents = "yes" if rules.documents_required else "no"
        how = _HOW[(rules.registration, rules.documents_required)]
        lines.append(f"| {rules.code} | `{rules.registration}` | {documents} | {how} |")
    lines += [
        "",
        "Where documents are required, the registration asks for them (`DocumentsRendered`) and they are due 30 days",
        "later (`next_action` `upload_documents`, `next_action_due_at`); `pulumi up` uploads the declared `documents`.",
        "`wait_for: approved` without `documents` is refused there: it could only wait until `wait_timeout`.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m pulumi_alisms.rules.countries --markdown")
    sys.stdout.write(countries_markdown())
