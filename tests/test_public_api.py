"""The public API as a user's program and type checker see it: typed top-level names (``py.typed`` and the
``TYPE_CHECKING`` imports), the deprecated top-level providers, and lazy imports."""

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import pulumi_alisms
from pulumi_alisms.resources.sender_id import SenderIdProvider

PACKAGE = Path(pulumi_alisms.__file__).parent
GOOD_PROGRAM = """\
import pulumi
from pulumi_alisms import MessageTemplate, MessageTemplateArgs, SenderId, SenderIdArgs

SenderIdArgs(country="ID", sender_id="ACME", company_name="Acme", use_case="otp", sample_templates=["Code 1234"])
template = MessageTemplate("login", MessageTemplateArgs(name="Login", type="otp", content="Code ${code}"))
code: pulumi.Output[str] = template.template_code
SenderId("acme", country="ID", sender_id="ACMEPAY", company_name="Acme", use_case="otp", sample_templates=["1234"])
MessageTemplate("plain", pulumi.ResourceOptions(protect=True), name="Plain", type="notification", content="Hi")
"""
BAD_PROGRAM = """\
from pulumi_alisms import MessageTemplate, MessageTemplateArgs, SenderId, SenderIdArgs

SenderIdArgs(countryy="ID", sender_id="ACME", company_name="Acme", use_case="otp", sample_templates=["Code 1234"])
template = MessageTemplate("login", MessageTemplateArgs(name="Login", type="sms", content="Code ${code}"))
code: str = template.template_code
SenderId("acme", country="ID", sender_id="ACMEPAY", company_name="Acme", use_case="otp", sample_templats=["1"])
"""


def test_mypy_sees_the_real_classes_in_a_users_program(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD_PROGRAM)
    (tmp_path / "bad.py").write_text(BAD_PROGRAM)

    # From a directory of its own, as a user's project: the installed package, this repository's config unread.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / ".mypy_cache"), "good.py", "bad.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[:2] for line in errors][:3] == [["bad.py", "3"], ["bad.py", "4"], ["bad.py", "5"]], errors
    assert {line.split(":")[1] for line in errors[3:]} == {"6"}, errors  # the keyword form is typed as strictly
    assert 'Unexpected keyword argument "countryy" for "SenderIdArgs"' in errors[0]
    assert 'Argument "type" to "MessageTemplateArgs" has incompatible type "Literal[\'sms\']"' in errors[1]
    assert 'Incompatible types in assignment (expression has type "Output[str]", variable has type "str")' in errors[2]


def test_the_package_ships_its_type_marker() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_type_checkers_see_exactly_the_exported_names() -> None:
    """The ``TYPE_CHECKING`` imports of ``pulumi_alisms`` name every export of the registry, and nothing else."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    (block,) = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"]
    seen = {alias.asname: f"{node.module}" for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}  # fmt: skip

    assert seen == pulumi_alisms.exports() | pulumi_alisms.deprecated_exports()
    assert pulumi_alisms.__all__ == sorted(pulumi_alisms.exports())
    assert "SenderIdProvider" not in pulumi_alisms.__all__


def test_top_level_providers_still_work_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="import it from pulumi_alisms.resources.sender_id"):
        from pulumi_alisms import SenderIdProvider as deprecated

    assert deprecated is SenderIdProvider
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from pulumi_alisms import SenderIdArgs  # noqa: F401 - the supported names do not warn
    with pytest.raises(AttributeError, match="has no attribute 'SenderIdArgz'"):
        _ = pulumi_alisms.SenderIdArgz  # type: ignore[attr-defined]


def test_importing_the_package_loads_neither_the_resources_nor_pulumi() -> None:
    probe = "import sys, pulumi_alisms; print(sorted(name for name in sys.modules if name.startswith('p')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)

    assert result.stdout.strip() == "['posix', 'posixpath', 'pulumi_alisms']"  # no pulumi, no pydantic
