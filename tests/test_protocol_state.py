"""The no-CLI apply path keeps its state (contacts' phones and emails, in plain text) for its owner only."""

import os
import stat
from pathlib import Path

import pytest

from pulumi_alisms.protocol_apply import save_state
from pulumi_alisms.testing import write_private

STATE = {"AlertContact::sre": {"id": "7", "outputs": {"phone": "+8613800000000", "email": "sre@example.com"}}}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "project" / ".alisms" / "protocol-state.json"


def test_the_protocol_state_file_is_0600_in_a_0700_folder(state_file: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, which would leave a plain write 0644 in a 0755 folder
    try:
        save_state(state_file, STATE)
    finally:
        os.umask(previous)
    path = state_file
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert "+8613800000000" in path.read_text()
    assert os.listdir(path.parent) == [path.name]  # no temporary file left


def test_a_state_file_written_by_an_earlier_version_becomes_private(state_file: Path) -> None:
    path = state_file
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    path.chmod(0o644)
    save_state(path, STATE)
    assert mode(path) == 0o600 and "sre@example.com" in path.read_text()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_private(path, "old")
    with pytest.raises(TypeError):
        write_private(path, None)  # type: ignore[arg-type]
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["state.json"]
