"""Account files: every problem at once with its exact position, template keys, round trips, hostile input,
and ``alisms validate``.

Each file in ``spec_corpus/`` is a bad account file ending with one ``# expect: LINE:COL: path: message``
comment per problem it must report, in order.
"""

import copy
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_alisms.spec import AccountSpec, SpecError, dump_account, load_account
from support import run_cli

CORPUS = Path(__file__).parent / "spec_corpus"
EXPECT = b"# expect: "

ACCOUNT = """\
version: 1
contacts:            # key = stable name
  oncall: {name: On-call SRE, phone: "+8613800000000", email: sre@example.com, alerts: [send_volume, fraud_prevention]}
  finance: {name: Finance, phone: "+6281234567890", email: finance@example.com, alerts: [package_quota]}
thresholds:          # key = biz type: domestic | international
  international: {daily_warning: 8000, daily_suspend: 10000, monthly_warning: 200000, monthly_suspend: 250000}
frequency_limits: {per_minute: 1, per_hour: 5, per_day: 10}
fraud_protection: {hourly_limit: 1000, increase_rate: 200, success_rate: 30}
templates:
  otp_login: {type: international, intl_type: 2, name: Login code, content: "Your code is ${code}.", remark: login}
  shipped: {type: international, intl_type: 0, name: Order shipped, content: "Order ${order} has shipped."}
  spring_sale: {type: international, intl_type: 1, name: Spring sale, content: "20% off this week at acme.example"}
sender_ids:
  acme-id:
    country: ID
    sender_id: ACMEPAY
    company_name: Acme Pay Ltd
    website: https://acme.example
    use_case: otp
    sample_templates: [otp_login, "Your Acme code is 482913."]   # template keys or literal text
    documents: [{type: business_license, path: docs/acme-license.pdf}]
  acme-ph: {country: PH, sender_id: ACMEPAY, company_name: Acme Pay Ltd, use_case: otp, sample_templates: [otp_login]}
  acme-th:
    country: TH
    sender_id: ACMEPAY
    company_name: Acme Pay Ltd
    use_case: notification
    sample_templates: [shipped]
    documents: [{type: business_license, path: docs/acme-license.pdf}]   # TH asks for documents
    wait_for: approved
    wait_timeout: 600
  acme-my:
    country: MY
    sender_id: ACME
    company_name: Acme Pay Ltd
    use_case: promotional
    sample_templates: [spring_sale]
    deletion_protection: false
    import: sr-3f9a0c12b7de
"""


def write_account(directory: Path, text: str = ACCOUNT, name: str = "account.yaml") -> Path:
    """An account file in ``directory`` with the document it declares."""
    (directory / "docs").mkdir(parents=True, exist_ok=True)
    (directory / "docs" / "acme-license.pdf").write_bytes(b"%PDF-1.4\n")
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def corpus_expectations(path: Path) -> list[str]:
    return [line[len(EXPECT) :].decode() for line in path.read_bytes().splitlines() if line.startswith(EXPECT)]


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.yaml")))
def test_bad_account_file_reports_every_problem_exactly(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)  # document paths are reported relative to the working directory
    expected = corpus_expectations(CORPUS / name)
    assert expected, f"{name} has no '# expect:' line"
    with pytest.raises(SpecError) as caught:
        load_account(name)
    problems = caught.value.problems
    assert [f"{p.line}:{p.col}: {p.path}: {p.message}" for p in problems] == expected
    assert str(caught.value) == "\n".join(f"{name}:{line}" for line in expected)


def test_a_full_account_file_loads_with_template_keys_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_account(tmp_path / "stack")
    monkeypatch.chdir(tmp_path)
    spec = load_account(Path("stack") / "account.yaml")
    assert spec.sender_ids["acme-id"].sample_templates == ["Your code is ${code}.", "Your Acme code is 482913."]
    assert spec.sender_ids["acme-th"].sample_templates == ["Order ${order} has shipped."]
    # Resolved against the file's directory, returned relative to the working directory.
    assert [document.path for document in spec.sender_ids["acme-id"].documents] == ["stack/docs/acme-license.pdf"]
    assert spec.sender_ids["acme-my"].import_id == "sr-3f9a0c12b7de"
    assert spec.sender_ids["acme-th"].wait_for == "approved" and spec.sender_ids["acme-th"].wait_timeout == 600
    assert spec.contacts["oncall"].phone == "+8613800000000"
    assert spec.thresholds["international"].daily_suspend == 10000
    assert spec.frequency_limits is not None and spec.frequency_limits.per_hour == 5
    assert spec.fraud_protection is not None and spec.fraud_protection.success_rate == 30


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    guide = (Path(__file__).parent.parent / "docs" / "account-yaml.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = run_cli("validate", write_account(tmp_path, example))
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith(
        ": valid: 2 contacts, 1 threshold, 3 templates, 3 sender IDs, frequency limits, fraud protection\n"
    )


def test_a_section_with_nothing_under_it_declares_nothing(tmp_path: Path) -> None:
    spec = load_account(write_account(tmp_path, "version: 1\ncontacts:\ntemplates:  # none yet\nfraud_protection:\n"))
    assert (spec.contacts, spec.templates, spec.fraud_protection) == ({}, {}, None)


def test_every_problem_of_a_file_is_reported_at_once_sorted_by_line(tmp_path: Path) -> None:
    text = ACCOUNT.replace("success_rate: 30", "success_rate: 300").replace("ACMEPAY\n", "ACME PAYMENTS X\n", 1)
    text = text.replace("email: finance@example.com", "email: finance").replace("[shipped]", "[shiped]")
    with pytest.raises(SpecError) as caught:
        load_account(write_account(tmp_path, text))
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (4, "contacts.finance.email"),
        (8, "fraud_protection.success_rate"),
        (16, "sender_ids.acme-id.sender_id"),
        (28, "sender_ids.acme-th.sample_templates[0]"),
    ]


MISSING_AND_BROKEN = {
    "templates": (
        {"type": "otp", "signature": "Acme", "remark": "x" * 600, "name": "y" * 31},
        ["templates.e.content: required field is missing", "templates.e.name: at most 30 characters, got 31",
         "templates.e.remark: at most 500 characters, got 600"],
    ),
    "sender_ids": (
        {"country": "XX", "sender_id": "ACME PAY", "use_case": "otp", "website": "acme.example"},
        ["sender_ids.e.company_name: required field is missing",
         "sender_ids.e.country: unknown country code 'XX': use an ISO 3166-1 alpha-2 code such as 'ID'",
         "sender_ids.e.sample_templates: required field is missing",
         "sender_ids.e.sender_id: 'ACME PAY' may contain only Latin letters and digits (no spaces or symbols)",
         "sender_ids.e.website: 'acme.example' must be a full URL such as https://example.com"],
    ),
    "contacts": (
        {"phone": "12", "email": "sre", "alerts": ["sms"], "pager": 1},
        ["contacts.e.alerts[0]: unknown alert 'sms'; one of send_volume, fraud_prevention, package_quota, "
         "review_results",
         "contacts.e.email: must be an email address such as sre@example.com",
         "contacts.e.name: required field is missing",
         "contacts.e.pager: unknown field; known fields: name, phone, email, alerts",
         "contacts.e.phone: must be a phone number in international format such as +8613800000000"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("section", sorted(MISSING_AND_BROKEN))
def test_a_missing_field_never_hides_the_other_problems_of_its_entry(section: str) -> None:
    entry, expected = MISSING_AND_BROKEN[section]
    with pytest.raises(SpecError) as caught:
        load_account({"version": 1, section: {"e": entry}})
    assert sorted(f"{p.path}: {p.message}" for p in caught.value.problems) == expected


def test_a_broken_field_is_unknown_to_the_rules_of_the_others() -> None:
    with pytest.raises(SpecError) as caught:  # per_hour is broken: per_minute is not compared with its default
        load_account({"version": 1, "frequency_limits": {"per_minute": 50, "per_hour": "x", "per_day": 10},
                      "fraud_protection": {"increase_rate": 200, "success_rate": 300}})  # fmt: skip
    assert sorted(f"{p.path}: {p.message}" for p in caught.value.problems) == [
        "fraud_protection.hourly_limit: required field is missing",
        "fraud_protection.success_rate: must be at most 100, got 300",
        "frequency_limits.per_hour: must be a whole number, got 'x'",
        "frequency_limits.per_minute: 50 is above per_day 10",
    ]


def test_a_mapping_source_is_checked_like_a_file_without_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    otp = {"name": "Code", "type": "otp", "content": "Code ${code}", "signature": "示例科技",
           "template_rule": {"code": "numberCaptcha"}}  # fmt: skip
    content = {"version": 1, "templates": {"otp": otp},
               "sender_ids": {"s": {"country": "id", "sender_id": "ACMEPAY", "company_name": "Acme",
                                    "use_case": "otp", "sample_templates": ["otp"],
                                    "documents": [{"type": "license", "path": "docs/license.pdf"}]}}}  # fmt: skip
    original = copy.deepcopy(content)
    spec = load_account(content)
    assert spec.sender_ids["s"].country == "ID"
    assert spec.sender_ids["s"].sample_templates == ["Code ${code}"]
    assert content == original  # the caller's data is not rewritten
    with pytest.raises(SpecError) as caught:
        load_account({"version": 1, "contacts": {"a": {"name": "A"}}})
    assert str(caught.value).splitlines() == [
        "<dict>:0:0: contacts.a.phone: required field is missing",
        "<dict>:0:0: contacts.a.email: required field is missing",
    ]


def test_dump_then_load_gives_the_same_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_account(tmp_path)
    monkeypatch.chdir(tmp_path)
    spec = load_account("account.yaml")
    text = dump_account(spec)
    assert "- otp_login" in text  # a sample equal to a template's content is written as the template's key
    Path("exported.yaml").write_text(text, encoding="utf-8")
    assert load_account("exported.yaml") == spec
    assert load_account(yaml.safe_load(text)) == spec


def test_an_empty_file_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_bytes(b"")
    with pytest.raises(SpecError, match=r"empty\.yaml:1:1: \(root\): the file is empty"):
        load_account(tmp_path / "empty.yaml")
    with pytest.raises(SpecError, match=r"nope\.yaml:0:0: \(root\): cannot read the file: No such file or directory"):
        load_account(tmp_path / "nope.yaml")


def test_a_50_mb_file_is_refused_quickly_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(
        b"version: 1\n" + b"# padding padding padding padding padding padding\n" * (50 * 1024 * 1024 // 50)
    )
    started = time.monotonic()
    with pytest.raises(SpecError) as caught:
        load_account(path)
    assert time.monotonic() - started < 2
    assert str(caught.value) == f"{path}:0:0: (root): the file is larger than 5 MB, the limit for account files"


def test_a_billion_laughs_file_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    levels = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]" for i in range(1, 30)]
    path = tmp_path / "laughs.yaml"
    path.write_text("version: 1\n" + "\n".join(levels) + "\n")
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(SpecError, match="anchors and aliases are not supported"):
            load_account(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 20 * 1024 * 1024


def test_nesting_and_cycles_in_a_mapping_source_are_refused() -> None:
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(100):
        inner["x"] = {}
        inner = inner["x"]
    cyclic: dict[str, Any] = {"version": 1}
    cyclic["contacts"] = cyclic
    for content in ({"version": 1, "contacts": deep}, cyclic):
        with pytest.raises(SpecError, match=r"<dict>:0:0: \(root\): nested more than 20 levels deep"):
            load_account(content)


YAMLISH = st.text(alphabet=st.sampled_from([*"ab09_-: \n\t[]{},'\"&*!|>#%@`?~.$+\\", "\x00", "é", "\ufeff"]))
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
NESTED = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
SECTIONS = ["version", "contacts", "thresholds", "frequency_limits", "fraud_protection", "templates", "sender_ids"]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_account_or_spec_error(source: Any) -> None:
    """Whatever the input, the loader answers with an account or with a list of problems, never a crash."""
    try:
        assert isinstance(load_account(source), AccountSpec)
    except SpecError as error:
        assert error.problems and all(problem.path and problem.message for problem in error.problems)


@FUZZ
@given(text=st.text() | YAMLISH | NESTED.map(yaml.safe_dump))
def test_arbitrary_text_is_either_an_account_or_a_spec_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_account_or_spec_error(path)


@FUZZ
@given(content=st.dictionaries(st.sampled_from([*SECTIONS, "other"]), NESTED))
def test_arbitrary_nested_data_is_either_an_account_or_a_spec_error(content: dict[str, Any]) -> None:
    assert_account_or_spec_error(content)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [path]


VALID = yaml.safe_load(ACCOUNT)


@FUZZ
@given(leaf=st.sampled_from(_leaves(VALID)), value=NESTED)
def test_any_value_anywhere_in_a_valid_account_is_either_accepted_or_a_spec_error(leaf: tuple[Any, ...],
                                                                                  value: Any) -> None:  # fmt: skip
    content = copy.deepcopy(VALID)
    target = content
    for part in leaf[:-1]:
        target = target[part]
    target[leaf[-1]] = value
    assert_account_or_spec_error(content)


def test_validate_command_exit_codes_and_output(tmp_path: Path) -> None:
    good = write_account(tmp_path)
    result = run_cli("validate", good)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"{good}: valid: 2 contacts, 1 threshold, 3 templates, 4 sender IDs, frequency limits, fraud protection\n",
        "",
    )  # fmt: skip
    assert run_cli("validate", good, "--output", "json").stdout == "[]\n"

    bad = write_account(tmp_path, ACCOUNT.replace("version: 1", "version: 2").replace("country: PH", "country: RU"),
                        name="bad.yaml")  # fmt: skip
    result = run_cli("validate", bad)
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0] == f"{bad}:1:10: version: must be 1, got 2"
    assert lines[1].startswith(f"{bad}:22:22: sender_ids.acme-ph.country: RU requires a paid sender ID")

    result = run_cli("validate", bad, "--output", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)[0] == {"file": str(bad), "line": 1, "col": 10, "path": "version",
                                            "message": "must be 1, got 2"}  # fmt: skip

    missing = tmp_path / "missing.yaml"
    result = run_cli("validate", missing)
    assert result.returncode == 1
    assert result.stdout == f"{missing}:0:0: (root): cannot read the file: No such file or directory\n"
