"""Files an account file names, written by a stranger in a pull request (issue 11): document paths stay inside the
account file's directory (the project directory for a resource), name regular files under the size cap, and are
checked again as they are uploaded; an account file that resolves outside the working directory (or ``--root``)
is refused in one line that shows nothing of its target."""

import os
from pathlib import Path
from typing import Any

import pytest

from pulumi_alisms import documents
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.resources.sender_id import SenderIdProvider
from pulumi_alisms.rules.documents import MAX_DOCUMENT_BYTES
from pulumi_alisms.spec import SpecError, load_account
from support import run_cli

SECRET = "AKIA-SECRET-VALUE-8c1f"
SENDER: dict[str, Any] = {"country": "ID", "sender_id": "ACMEDOCS", "company_name": "Acme Pay Ltd",
                          "use_case": "otp", "sample_templates": ["Your Acme code is ${code}."]}  # fmt: skip
ACCOUNT = """version: 1
sender_ids:
  acme-id:
    country: ID
    sender_id: ACMEDOCS
    company_name: Acme Pay Ltd
    use_case: otp
    sample_templates: ["Your Acme code is ${{code}}."]
    documents:
      - {{type: business_license, path: {path!r}}}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository checkout (the working directory) with a real document, next to a secret outside it."""
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "license.pdf").write_bytes(b"%PDF-1.4 license")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(f"TOKEN={SECRET}\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("ALISMS_ENDPOINT", "embedded")
    monkeypatch.setenv("ALISMS_STATE_FILE", str(tmp_path / "account.db"))
    Store(tmp_path / "account.db").set_setting("review_speed", "instant")  # ID asks for documents at once
    return root


def hostile(project: Path, case: str) -> str:
    """The document path a hostile account file declares for ``case``, setting up what it needs."""
    docs = project / "docs"
    outside = project.parent / "outside" / "secret.txt"
    if case == "absolute":
        return str(outside)
    if case == "proc":
        return "/proc/self/environ"
    if case == "dotdot":
        return "../outside/secret.txt"
    if case == "symlink-environ":
        (docs / "environ.pdf").symlink_to("/proc/self/environ")
        return "docs/environ.pdf"
    if case == "symlink-outside":
        (docs / "scan.pdf").symlink_to(outside)
        return "docs/scan.pdf"
    if case == "symlinked-directory":
        (project / "scans").symlink_to(outside.parent)
        return "scans/secret.txt"
    if case == "fifo":
        os.mkfifo(docs / "pipe.pdf")
        return "docs/pipe.pdf"
    if case == "directory":
        return "docs"
    assert case == "oversized"
    with open(docs / "big.pdf", "wb") as big:
        big.truncate(MAX_DOCUMENT_BYTES + 1)
    return "docs/big.pdf"


OUTSIDE_CASES = ["absolute", "proc", "dotdot", "symlink-environ", "symlink-outside", "symlinked-directory"]
CASES = [*OUTSIDE_CASES, "fifo", "directory", "oversized"]
RULE = {**dict.fromkeys(OUTSIDE_CASES, "is not inside"), "fifo": "not a regular file",
        "directory": "not a regular file", "oversized": "at most 10485760 bytes"}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_validate_refuses_a_hostile_document_path(project: Path, case: str) -> None:
    path = hostile(project, case)
    (project / "account.yaml").write_text(ACCOUNT.format(path=path))
    with pytest.raises(SpecError) as caught:
        load_account("account.yaml")
    [problem] = caught.value.problems
    assert problem.path == "sender_ids.acme-id.documents[0].path"
    assert RULE[case] in problem.message and SECRET not in problem.message


@pytest.mark.parametrize("case", CASES)
def test_the_provider_check_refuses_a_hostile_document_path(project: Path, case: str) -> None:
    path = hostile(project, case)
    failures = SenderIdProvider().check({}, {**SENDER, "documents": [{"type": "license", "path": path}]}).failures
    assert [failure.property for failure in failures] == ["documents"]
    assert RULE[case] in failures[0].reason


@pytest.mark.parametrize("written", ["../outside/{}", str(Path("..").resolve() / "outside" / "{}")])
def test_an_outside_path_is_refused_alike_whether_it_exists_or_not(project: Path, written: str) -> None:
    def reason(name: str) -> str:
        path = written.format(name)
        failures = SenderIdProvider().check({}, {**SENDER, "documents": [{"type": "x", "path": path}]}).failures
        return failures[0].reason.replace(path, "PATH")

    assert reason("secret.txt") == reason("no-such-file.txt")  # validate is no file-existence oracle


def test_a_document_inside_the_account_files_directory_is_accepted(project: Path) -> None:
    (project / "stack").mkdir()
    (project / "stack" / "account.yaml").write_text(ACCOUNT.format(path="../docs/license.pdf"))
    with pytest.raises(SpecError, match=r"documents\[0\]\.path: '\.\./docs/license\.pdf' is not inside"):
        load_account("stack/account.yaml")  # inside the project, but not inside the file's directory

    (project / "account.yaml").write_text(ACCOUNT.format(path="docs/license.pdf"))
    (project / "docs" / "current.pdf").symlink_to("license.pdf")  # a symlink that stays inside is fine
    assert [item.path for item in load_account("account.yaml").sender_ids["acme-id"].documents] == ["docs/license.pdf"]
    assert (
        SenderIdProvider().check({}, {**SENDER, "documents": [{"type": "x", "path": "docs/current.pdf"}]}).failures
        == []
    )


@pytest.mark.parametrize("swap", ["file", "directory"])
def test_a_document_swapped_for_a_symlink_after_check_is_refused_at_upload(project: Path, swap: str) -> None:
    provider = SenderIdProvider()
    checked = provider.check({}, {**SENDER, "documents": [{"type": "license", "path": "docs/license.pdf"}]})
    assert checked.failures == []
    outside = project.parent / "outside"
    if swap == "file":
        (project / "docs" / "license.pdf").unlink()
        (project / "docs" / "license.pdf").symlink_to(outside / "secret.txt")
    else:
        (outside / "license.pdf").write_text(f"TOKEN={SECRET}\n")
        (project / "docs" / "license.pdf").unlink()
        (project / "docs").rmdir()
        (project / "docs").symlink_to(outside)

    with pytest.raises(Exception, match=r"SenderId create failed: .*license\.pdf") as refused:
        provider.create(checked.inputs)
    assert SECRET not in str(refused.value)
    assert admin.stats(Store(os.environ["ALISMS_STATE_FILE"])).get("UploadSenderIdDocuments", 0) == 0


def test_a_symlink_swapped_in_while_the_upload_reads_is_not_followed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved = documents._resolved
    calls: list[str] = []

    def racing(path: str, root: str | None) -> tuple[str, str]:  # the swap lands after the last check
        answer = resolved(path, root)
        calls.append(path)
        if len(calls) == 2:  # read_document checks, then resolves once more to open
            target = project / "docs" / "license.pdf"
            target.unlink()
            target.symlink_to(project.parent / "outside" / "secret.txt")
        return answer

    monkeypatch.setattr(documents, "_resolved", racing)
    with pytest.raises(documents.LocalFileError, match="changed since it was checked") as refused:
        documents.read_document("docs/license.pdf")
    assert SECRET not in str(refused.value)


# --- the account file itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("validate",), ("plan",), ("drift",)])
def test_a_symlinked_account_file_is_refused_without_showing_its_target(project: Path, command: tuple[str]) -> None:
    target = project.parent / "outside" / "passwd"
    target.write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\nversion: [{SECRET}\n")
    (project / "account.yaml").symlink_to(target)

    result = run_cli(*command, "account.yaml", cwd=project)

    assert result.returncode == 1
    assert result.stdout == "" and SECRET not in result.stderr and "root:x" not in result.stderr
    assert result.stderr.splitlines() == [
        f"alisms: error: account.yaml resolves outside {project.resolve()}: account files are used only inside "
        "that directory"
    ]


def test_export_never_writes_through_a_symlink_out_of_the_repository(project: Path) -> None:
    target = project.parent / "outside" / "secret.txt"
    (project / "account.yaml").symlink_to(target)
    result = run_cli("export", "--state-file", project.parent / "account.db", "--file", "account.yaml", cwd=project)
    assert result.returncode == 1 and "account.yaml resolves outside" in result.stderr
    assert target.read_text() == f"TOKEN={SECRET}\n"


def test_root_chooses_the_directory_the_account_file_must_resolve_inside(project: Path) -> None:
    (project / "common").mkdir()  # a sibling of the stack's directory, inside the project
    (project / "common" / "account.yaml").write_text("version: 1\n")
    stack = project / "stack"
    stack.mkdir()
    (stack / "account.yaml").symlink_to("../common/account.yaml")

    assert "account.yaml resolves outside" in run_cli("validate", "account.yaml", cwd=stack).stderr
    allowed = run_cli("validate", "--root", "..", "account.yaml", cwd=stack)
    assert allowed.returncode == 0 and allowed.stdout.startswith("account.yaml: valid: 0 contacts"), allowed
    narrowed = run_cli("validate", "--root", "stack", "stack/account.yaml", cwd=project)
    assert narrowed.returncode == 1 and "resolves outside" in narrowed.stderr
    assert run_cli("validate", "stack/account.yaml", cwd=project).returncode == 0  # inside the working directory


def test_an_account_file_that_is_a_fifo_is_refused_without_blocking(project: Path) -> None:
    os.mkfifo(project / "account.yaml")
    result = run_cli("validate", "account.yaml", cwd=project)
    assert result.returncode == 1 and result.stderr == "alisms: error: account.yaml is not a regular file\n"
