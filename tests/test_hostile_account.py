"""A hostile account file (issue 11): it cannot make validation slow, read files outside the repository, or
forge what ``validate``/``plan`` print."""

import time
from pathlib import Path

import pytest
import yaml

from pulumi_alisms.spec import SpecError, load_account


def _bad_templates(count: int) -> str:
    """``count`` templates, each with an unreadable name, a wrong type and no content: three problems each."""
    return "version: 1\ntemplates:\n" + "".join(f"  t{i}: {{name: !x a, type: 7}}\n" for i in range(count))


def test_validating_8000_bad_entries_takes_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "account.yaml"
    path.write_text(_bad_templates(8000))  # 240 KB; 117 s before the problem bookkeeping was linear
    started = time.monotonic()
    with pytest.raises(SpecError) as caught:
        load_account(path)
    assert time.monotonic() - started < 15
    assert len(caught.value.problems) == 8000 * 3


def test_a_file_ending_in_a_syntax_error_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "account.yaml"
    path.write_text(_bad_templates(100) + "  broken: 'unclosed\n")
    parses: list[object] = []
    parse = yaml.parse
    monkeypatch.setattr(yaml, "parse", lambda *args, **kwargs: parses.append(args) or parse(*args, **kwargs))
    with pytest.raises(SpecError) as caught:
        load_account(path)
    assert len(parses) == 1
    assert str(caught.value.problems[-1]) == (
        f"{path}:104:1: (root): YAML syntax error: found unexpected end of stream (while scanning a quoted scalar "
        "at line 103)"
    )
