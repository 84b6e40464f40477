"""Every ``*_problems`` validator in ``pulumi_alisms.rules``, called directly: each row is an input and exactly the
problems (field, message) a user is shown, none for a valid input. Limits have a row on each side (11 vs 12
characters, 15 vs 16 digits, 20 vs 21 samples, 500 vs 501 characters, ...); properties cover whole ranges."""

import string
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.contacts import contact_problems, email_problems, phone_problems
from pulumi_alisms.rules.countries import registration_problems
from pulumi_alisms.rules.limits import biz_type_problems, fraud_problems, frequency_problems, threshold_problems
from pulumi_alisms.rules.sender_ids import sample_template_problems, sender_id_problems, use_case_problems
from pulumi_alisms.rules.templates import content_problems, template_problems

Expected = list[tuple[str, str]]


def case(
    label: str,
    validator: Callable[..., list[Problem]],
    *args: Any,
    expect: Sequence[tuple[str, str]] = (),
    **kwargs: Any,
) -> Any:
    """One row: ``validator(*args, **kwargs)`` yields exactly ``expect`` as (field, message) pairs."""
    return pytest.param(validator, args, kwargs, list(expect), id=f"{validator.__name__}: {label}")


def fields_and_messages(problems: list[Problem]) -> Expected:
    return [(problem.field, problem.message) for problem in problems]


SENDER_ID = "sender_id"
ALPHANUMERIC_12 = ("sender_id", "an alphanumeric sender ID has at most 11 characters, got 12")
SENDER_IDS = [
    case("one letter", sender_id_problems, SENDER_ID, "A"),
    case("11 alphanumeric", sender_id_problems, SENDER_ID, "ACMEPAYMENT"),
    case("12 alphanumeric", sender_id_problems, SENDER_ID, "ACMEPAYMENTS", expect=[ALPHANUMERIC_12]),
    case("a space", sender_id_problems, SENDER_ID, "ACME PAY",
         expect=[("sender_id", "'ACME PAY' may contain only Latin letters and digits (no spaces or symbols)")]),
    case("a symbol: From takes letters and digits only", sender_id_problems, SENDER_ID, "Acme&Co",
         expect=[("sender_id", "'Acme&Co' may contain only Latin letters and digits (no spaces or symbols)")]),
    case("15 digits", sender_id_problems, SENDER_ID, "1" * 15),
    case("16 digits", sender_id_problems, SENDER_ID, "1" * 16,
         expect=[("sender_id", "a numeric sender ID has at most 15 digits, got 16")]),
    case("empty", sender_id_problems, SENDER_ID, "", expect=[("sender_id", "must not be empty")]),
    case("Chinese", sender_id_problems, SENDER_ID, "阿里云",
         expect=[("sender_id", "'阿里云' contains non-Latin characters; only Latin letters and digits")]),
    case("accented letter", sender_id_problems, SENDER_ID, "ÄCME",
         expect=[("sender_id", "'ÄCME' contains non-Latin characters; only Latin letters and digits")]),
    case("non-Latin digits", sender_id_problems, SENDER_ID, "١٢٣",
         expect=[("sender_id", "'١٢٣' contains non-Latin characters; only Latin letters and digits")]),
    case("a symbol, and too long: the symbol is said", sender_id_problems, SENDER_ID,
         "ACME#PAYMENTS", expect=[("sender_id", "'ACME#PAYMENTS' may contain only Latin letters and digits "
                                                "(no spaces or symbols)")]),
    case("digits and a symbol", sender_id_problems, SENDER_ID, "123-456",
         expect=[("sender_id", "'123-456' may contain only Latin letters and digits (no spaces or symbols)")]),
    case("digits and a space", sender_id_problems, SENDER_ID, "1234 5678",
         expect=[("sender_id", "'1234 5678' may contain only Latin letters and digits (no spaces or symbols)")]),
    case("the field name is the caller's", sender_id_problems, "sender_ids[2]", "",
         expect=[("sender_ids[2]", "must not be empty")]),
]  # fmt: skip

SAMPLES = "sample_templates"
SAMPLE_TEMPLATES = [
    case("one", sample_template_problems, SAMPLES, ["Your Acme code is 482913."]),
    case("20", sample_template_problems, SAMPLES, ["x"] * 20),
    case("21", sample_template_problems, SAMPLES, ["x"] * 21,
         expect=[("sample_templates", "at most 20 sample templates, got 21")]),
    case("none", sample_template_problems, SAMPLES, [],
         expect=[("sample_templates", "at least one sample template is required")]),
    case("500 characters", sample_template_problems, SAMPLES, ["x" * 500]),
    case("501 characters", sample_template_problems, SAMPLES, ["ok", "x" * 501],
         expect=[("sample_templates[1]", "at most 500 characters, got 501")]),
    case("blank and empty", sample_template_problems, SAMPLES, ["  ", "ok", ""],
         expect=[("sample_templates[0]", "a sample template must not be blank"),
                 ("sample_templates[2]", "a sample template must not be blank")]),
    case("not text", sample_template_problems, SAMPLES, [123],
         expect=[("sample_templates[0]", "a sample template must not be blank")]),
    case("21 with a blank one: both said", sample_template_problems, SAMPLES, ["x"] * 20 + [" "],
         expect=[("sample_templates", "at most 20 sample templates, got 21"),
                 ("sample_templates[20]", "a sample template must not be blank")]),
]  # fmt: skip

USE_CASES = [
    *(case(value, use_case_problems, "use_case", value) for value in ("otp", "notification", "promotional")),
    case("unknown", use_case_problems, "use_case", "spam",
         expect=[("use_case", "must be one of otp, notification, promotional, got 'spam'")]),
    case("upper case", use_case_problems, "use_case", "OTP",
         expect=[("use_case", "must be one of otp, notification, promotional, got 'OTP'")]),
]  # fmt: skip

REGISTRATIONS = [
    case("required, no documents", registration_problems, "country", "MY"),
    case("required, with documents", registration_problems, "country", "ID"),
    case("optional", registration_problems, "country", "US"),
    case("unknown code", registration_problems, "country", "XX",
         expect=[("country", "unknown country code 'XX': use an ISO 3166-1 alpha-2 code such as 'ID'")]),
    case("lower case", registration_problems, "country", "my",
         expect=[("country", "unknown country code 'my': use an ISO 3166-1 alpha-2 code such as 'ID'")]),
    case("paid offline", registration_problems, "country", "RU",
         expect=[("country", "RU requires a paid sender ID that cannot be registered online: contact your account "
                             "manager to register it offline, then adopt it with the `import_` resource option")]),
    case("self-registration", registration_problems, "country", "SG",
         expect=[("country", "SG sender IDs cannot be registered through Alibaba Cloud: self-register with the "
                             "local regulator, then contact your account manager to configure it")]),
]  # fmt: skip

PHONE_FORMAT = ("phone", "must be a phone number in international format such as +8613800000000")
PHONES = [
    case("with +", phone_problems, "phone", "+8613800000000"),
    case("without +", phone_problems, "phone", "8613800000000"),
    case("6 digits", phone_problems, "phone", "+123456"),
    case("5 digits", phone_problems, "phone", "+12345", expect=[PHONE_FORMAT]),
    case("15 digits", phone_problems, "phone", "+123456789012345"),
    case("16 digits", phone_problems, "phone", "+1234567890123456", expect=[PHONE_FORMAT]),
    case("leading zero", phone_problems, "phone", "+0123456789", expect=[PHONE_FORMAT]),
    case("spaces", phone_problems, "phone", "+86 138 0000 0000", expect=[PHONE_FORMAT]),
    case("letters", phone_problems, "phone", "12ab", expect=[PHONE_FORMAT]),
    case("empty", phone_problems, "phone", "", expect=[PHONE_FORMAT]),
]  # fmt: skip

EMAILS = [
    case("plain", email_problems, "email", "sre@example.com"),
    case("short", email_problems, "email", "a@b.co"),
    case("sub-domain and plus", email_problems, "email", "sms.oncall+prod@mail.acme.example"),
    case("no @", email_problems, "email", "nobody",
         expect=[("email", "must be an email address such as sre@example.com")]),
    case("no top-level domain", email_problems, "email", "a@b",
         expect=[("email", "must be an email address such as sre@example.com")]),
    case("a space", email_problems, "email", "a b@c.de",
         expect=[("email", "must be an email address such as sre@example.com")]),
    case("empty", email_problems, "email", "",
         expect=[("email", "must be an email address such as sre@example.com")]),
]  # fmt: skip

CONTACT = {"name": "On-call SRE", "phone": "+6591234567", "email": "sre@example.com", "alerts": ["send_volume"]}
CONTACTS = [
    case("valid", contact_problems, **CONTACT),
    case("every alert", contact_problems,
         **{**CONTACT, "alerts": ["send_volume", "fraud_prevention", "package_quota", "review_results"]}),
    case("no alerts", contact_problems, **{**CONTACT, "alerts": []}),
    case("32-character name", contact_problems, **{**CONTACT, "name": "x" * 32}),
    case("33-character name", contact_problems, **{**CONTACT, "name": "x" * 33},
         expect=[("name", "at most 32 characters, got 33")]),
    case("blank name", contact_problems, **{**CONTACT, "name": "   "}, expect=[("name", "must not be empty")]),
    case("unknown alert", contact_problems, **{**CONTACT, "alerts": ["send_volume", "pager"]},
         expect=[("alerts[1]", "unknown alert 'pager'; one of send_volume, fraud_prevention, package_quota, "
                               "review_results")]),
    case("an alert twice", contact_problems, **{**CONTACT, "alerts": ["send_volume", "send_volume"]},
         expect=[("alerts", "lists an alert more than once")]),
    case("everything wrong: every problem, in field order", contact_problems,
         name="", phone="x", email="y", alerts=["pager", "pager"],
         expect=[("name", "must not be empty"), PHONE_FORMAT,
                 ("email", "must be an email address such as sre@example.com"),
                 ("alerts[0]", "unknown alert 'pager'; one of send_volume, fraud_prevention, package_quota, "
                               "review_results"),
                 ("alerts[1]", "unknown alert 'pager'; one of send_volume, fraud_prevention, package_quota, "
                               "review_results"),
                 ("alerts", "lists an alert more than once")]),
]  # fmt: skip

BIZ_TYPES = [
    case("domestic", biz_type_problems, "biz_type", "domestic"),
    case("international", biz_type_problems, "biz_type", "international"),
    case("unknown", biz_type_problems, "biz_type", "mars",
         expect=[("biz_type", "must be domestic or international, got 'mars'")]),
    case("the wire code", biz_type_problems, "biz_type", "2",
         expect=[("biz_type", "must be domestic or international, got '2'")]),
]  # fmt: skip

THRESHOLDS = [
    case("nothing set", threshold_problems, None, None, None, None),
    case("zeros", threshold_problems, 0, 0, 0, 0),
    case("warnings equal to suspensions", threshold_problems, 10, 10, 300, 300),
    case("a day's suspension equal to the month's", threshold_problems, None, 300, None, 300),
    case("negative", threshold_problems, -1, None, None, None,
         expect=[("daily_warning", "must be at least 0, got -1")]),
    case("a boolean", threshold_problems, None, True, None, None,
         expect=[("daily_suspend", "must be a whole number, got True")]),
    case("a fraction and a string", threshold_problems, None, None, 1.5, "10",
         expect=[("monthly_warning", "must be a whole number, got 1.5"),
                 ("monthly_suspend", "must be a whole number, got '10'")]),
    case("daily warning above daily suspension", threshold_problems, 20, 10, None, None,
         expect=[("daily_warning", "20 is above daily_suspend 10: warn before suspending")]),
    case("monthly warning above monthly suspension", threshold_problems, None, None, 301, 300,
         expect=[("monthly_warning", "301 is above monthly_suspend 300: warn before suspending")]),
    case("a day's suspension above the month's", threshold_problems, None, 301, None, 300,
         expect=[("daily_suspend", "301 is above monthly_suspend 300")]),
    case("all three orderings", threshold_problems, 500, 400, 301, 300,
         expect=[("daily_warning", "500 is above daily_suspend 400: warn before suspending"),
                 ("monthly_warning", "301 is above monthly_suspend 300: warn before suspending"),
                 ("daily_suspend", "400 is above monthly_suspend 300")]),
    case("a bad value hides the orderings", threshold_problems, 20, -1, None, None,
         expect=[("daily_suspend", "must be at least 0, got -1")]),
]  # fmt: skip

FREQUENCIES = [
    case("the vendor's defaults", frequency_problems, 1, 5, 10),
    case("nothing set", frequency_problems, None, None, None),
    case("equal", frequency_problems, 5, 5, 5),
    case("the maximums", frequency_problems, 1_000, 10_000, 100_000),
    case("zero per minute", frequency_problems, 0, None, None, expect=[("per_minute", "must be at least 1, got 0")]),
    case("above each maximum", frequency_problems, 1_001, 10_001, 100_001,
         expect=[("per_minute", "must be at most 1000, got 1001"), ("per_hour", "must be at most 10000, got 10001"),
                 ("per_day", "must be at most 100000, got 100001")]),
    case("minute above hour", frequency_problems, 10, 5, None, expect=[("per_minute", "10 is above per_hour 5")]),
    case("hour above day", frequency_problems, None, 50, 10, expect=[("per_hour", "50 is above per_day 10")]),
    case("minute above day, hour unset", frequency_problems, 10, None, 5,
         expect=[("per_minute", "10 is above per_day 5")]),
    case("descending", frequency_problems, 3, 2, 1,
         expect=[("per_minute", "3 is above per_hour 2"), ("per_hour", "2 is above per_day 1")]),
]  # fmt: skip

FRAUD = [
    case("zeros", fraud_problems, 0, 0, 0),
    case("nothing set", fraud_problems, None, None, None),
    case("the maximums; no hourly maximum", fraud_problems, 10**9, 10_000, 100),
    case("above the maximums", fraud_problems, None, 10_001, 101,
         expect=[("increase_rate", "must be at most 10000, got 10001"),
                 ("success_rate", "must be at most 100, got 101")]),
    case("negative hourly limit", fraud_problems, -1, None, None,
         expect=[("hourly_limit", "must be at least 0, got -1")]),
]  # fmt: skip

TEMPLATE = {"name": "Login code", "kind": "otp", "content": "Your code is ${code}.", "signature": "示例科技",
            "template_rule": {"code": "numberCaptcha"}}  # fmt: skip
PROMOTIONAL_VARIABLES = ("content", "promotional templates cannot contain variables")
NO_SIGNATURE = ("signature", "is required for Chinese-mainland templates (otp, notification, promotional): the name of "
                "an approved signature to bind the template to (RelatedSignName)")  # fmt: skip
NO_RULE = ("template_rule", "is required when the content has variables: give each of code an attribute, e.g. "
           "{'code': 'numberCaptcha'}")  # fmt: skip
TEMPLATES = [
    case("valid", template_problems, **TEMPLATE),
    case("30-character name", template_problems, **{**TEMPLATE, "name": "x" * 30}),
    case("31-character name", template_problems, **{**TEMPLATE, "name": "x" * 31},
         expect=[("name", "at most 30 characters, got 31")]),
    case("blank name", template_problems, **{**TEMPLATE, "name": " "}, expect=[("name", "must not be empty")]),
    case("unknown type, said as the resource's `type`", template_problems, **{**TEMPLATE, "kind": "sms"},
         expect=[("type", "must be one of otp, notification, promotional, international, got 'sms'")]),
    case("500-character content", template_problems, **{**TEMPLATE, "content": "x" * 500, "template_rule": None}),
    case("501-character content", template_problems, **{**TEMPLATE, "content": "x" * 501, "template_rule": None},
         expect=[("content", "at most 500 characters, got 501")]),
    case("500-character remark", template_problems, **TEMPLATE, remark="x" * 500),
    case("501-character remark", template_problems, **TEMPLATE, remark="x" * 501,
         expect=[("remark", "at most 500 characters, got 501")]),
    case("international OTP with a variable", template_problems, **{**TEMPLATE, "kind": "international"}, intl_type=2),
    case("international promotional with a variable", template_problems, **{**TEMPLATE, "kind": "international"},
         intl_type=1, expect=[PROMOTIONAL_VARIABLES]),
    case("promotional with a variable", template_problems, **{**TEMPLATE, "kind": "promotional"},
         expect=[PROMOTIONAL_VARIABLES]),
    case("promotional stays promotional whatever intl_type", template_problems,
         **{**TEMPLATE, "kind": "promotional"}, intl_type=2, expect=[PROMOTIONAL_VARIABLES]),
    case("mainland without a signature", template_problems, **{**TEMPLATE, "signature": None}, expect=[NO_SIGNATURE]),
    case("mainland with a blank signature", template_problems, **{**TEMPLATE, "signature": " "}, expect=[NO_SIGNATURE]),
    case("mainland variables without a rule", template_problems, **{**TEMPLATE, "template_rule": None},
         expect=[NO_RULE]),
    case("mainland without variables needs no rule", template_problems,
         **{**TEMPLATE, "kind": "notification", "content": "Shipped.", "template_rule": None}),
    case("a rule naming other variables", template_problems, **{**TEMPLATE, "template_rule": {"order": "x"}},
         expect=[("template_rule", "must name exactly the variables of the content (code), got order")]),
    case("a blank attribute", template_problems, **{**TEMPLATE, "template_rule": {"code": " "}},
         expect=[("template_rule", "the attribute of code must not be empty")]),
    case("international needs neither", template_problems,
         **{**TEMPLATE, "kind": "international", "signature": None, "template_rule": None}, intl_type=2),
    case("promotional with a variable and no rule: only the content is said", template_problems,
         **{**TEMPLATE, "kind": "promotional", "template_rule": None}, expect=[PROMOTIONAL_VARIABLES]),
    case("unknown intl_type", template_problems, **TEMPLATE, intl_type=3,
         expect=[("intl_type", "must be 0 (notification), 1 (promotional) or 2 (OTP), got 3")]),
    case("everything wrong: every problem, in field order", template_problems,
         name="", kind="sms", content="", remark="x" * 501, intl_type=-1,
         expect=[("name", "must not be empty"),
                 ("type", "must be one of otp, notification, promotional, international, got 'sms'"),
                 ("content", "must not be empty"), ("remark", "at most 500 characters, got 501"),
                 ("intl_type", "must be 0 (notification), 1 (promotional) or 2 (OTP), got -1")]),
]  # fmt: skip

UNCLOSED = ("content", "has an unclosed '${': variables are written ${name}")
CONTENTS = [
    case("text only", content_problems, "content", "Order shipped.", promotional=False),
    case("a variable twice", content_problems, "content", "${code} ${code}", promotional=False),
    case("a dollar without a brace", content_problems, "content", "Pay $code now", promotional=False),
    case("promotional without variables", content_problems, "content", "20% off", promotional=True),
    case("promotional with a variable", content_problems, "content", "Hi ${name}", promotional=True,
         expect=[PROMOTIONAL_VARIABLES]),
    case("blank", content_problems, "content", "  ", promotional=False, expect=[("content", "must not be empty")]),
    case("a variable that is not a name", content_problems, "content", "x ${1code}", promotional=False,
         expect=[("content", "variable ${1code} must be a name like ${code}")]),
    case("an empty variable", content_problems, "content", "x ${}", promotional=False,
         expect=[("content", "variable ${} must be a name like ${code}")]),
    case("unclosed", content_problems, "content", "Your code is ${code", promotional=False, expect=[UNCLOSED]),
    case("unclosed before a variable", content_problems, "content", "${a${b}", promotional=False,
         expect=[UNCLOSED]),
    case("501 characters with a bad variable: both said", content_problems, "content", "${1}" + "x" * 497,
         promotional=False, expect=[("content", "at most 500 characters, got 501"),
                                    ("content", "variable ${1} must be a name like ${code}")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("validator", "args", "kwargs", "expected"),
    [*SENDER_IDS, *SAMPLE_TEMPLATES, *USE_CASES, *REGISTRATIONS, *PHONES, *EMAILS, *CONTACTS, *BIZ_TYPES,
     *THRESHOLDS, *FREQUENCIES, *FRAUD, *TEMPLATES, *CONTENTS],
)  # fmt: skip
def test_validator_yields_exactly_these_problems(
    validator: Callable[..., list[Problem]], args: tuple[Any, ...], kwargs: dict[str, Any], expected: Expected
) -> None:
    assert fields_and_messages(validator(*args, **kwargs)) == expected


# --- properties over whole ranges ---------------------------------------------------------------------------------

SENDER_ID_CHARACTERS = string.ascii_letters + string.digits
letters = st.sampled_from(string.ascii_letters)


def alphanumeric_sender_ids(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Letters and digits, at least one of them a letter, ``min_size``-``max_size`` long in all."""
    return st.builds(
        lambda letter, rest, at: rest[:at] + letter + rest[at:],
        letters,
        st.text(SENDER_ID_CHARACTERS, min_size=min_size - 1, max_size=max_size - 1),
        st.integers(min_value=0, max_value=max_size),
    )


@given(alphanumeric_sender_ids(1, 11))
def test_an_alphanumeric_sender_id_of_1_to_11_characters_is_valid(value: str) -> None:
    assert sender_id_problems("sender_id", value) == []


@given(alphanumeric_sender_ids(12, 40))
def test_a_longer_alphanumeric_sender_id_is_refused_with_its_length(value: str) -> None:
    assert fields_and_messages(sender_id_problems("sender_id", value)) == [
        ("sender_id", f"an alphanumeric sender ID has at most 11 characters, got {len(value)}")
    ]


@given(st.text(string.digits, min_size=1, max_size=30))
def test_a_numeric_sender_id_is_valid_up_to_15_digits(value: str) -> None:
    expected = (
        [] if len(value) <= 15 else [("sender_id", f"a numeric sender ID has at most 15 digits, got {len(value)}")]
    )
    assert fields_and_messages(sender_id_problems("sender_id", value)) == expected


# Text without control or bidi characters (rules.text), line breaks included: what content may hold.
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"), include_characters="\n")


@given(st.lists(st.text(PRINTABLE, min_size=1, max_size=500).filter(str.strip), min_size=1, max_size=20))
def test_1_to_20_non_blank_samples_of_at_most_500_characters_are_valid(samples: list[str]) -> None:
    assert sample_template_problems("sample_templates", samples) == []


@given(st.text(st.characters(exclude_characters="$", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"),
                             include_characters="\n"), min_size=1, max_size=500).filter(str.strip),
       st.booleans())  # fmt: skip
def test_content_without_variables_up_to_500_characters_is_valid_for_every_type(
    content: str, promotional: bool
) -> None:
    assert content_problems("content", content, promotional=promotional) == []


@given(st.from_regex(r"\+?[1-9][0-9]{5,14}", fullmatch=True))
def test_an_international_number_of_6_to_15_digits_is_valid(phone: str) -> None:
    assert phone_problems("phone", phone) == []


limits = st.one_of(st.none(), st.integers(min_value=0, max_value=10**7))


@given(limits, limits, limits, limits)
def test_thresholds_are_refused_exactly_when_out_of_order(
    daily_warning: int | None, daily_suspend: int | None, monthly_warning: int | None, monthly_suspend: int | None
) -> None:
    def above(low: int | None, high: int | None) -> bool:
        return low is not None and high is not None and low > high

    expected = {
        "daily_warning": above(daily_warning, daily_suspend),
        "monthly_warning": above(monthly_warning, monthly_suspend),
        "daily_suspend": above(daily_suspend, monthly_suspend),
    }
    problems = threshold_problems(daily_warning, daily_suspend, monthly_warning, monthly_suspend)
    assert sorted(problem.field for problem in problems) == sorted(field for field, out in expected.items() if out)


@given(*(st.one_of(st.none(), st.integers(min_value=1, max_value=high)) for high in (1_000, 10_000, 100_000)))
def test_frequency_limits_in_range_are_refused_exactly_when_a_shorter_period_allows_more(
    per_minute: int | None, per_hour: int | None, per_day: int | None
) -> None:
    set_values = [value for value in (per_minute, per_hour, per_day) if value is not None]
    in_order = set_values == sorted(set_values)
    assert (frequency_problems(per_minute, per_hour, per_day) == []) == in_order
