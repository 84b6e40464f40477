"""Console mode's records file: what the operator saw in Alibaba's SMS console, kept in the repository.

Alibaba publishes no SenderID API, so in console mode registrations are entered in the console and their
outcome is written down here (docs/console-mode.md)::

    version: 1
    registrations:
      - country: ID
        sender_id: ACMEPAY
        registration_id: "2025051200123"   # as the console shows it (optional)
        status: DocumentsRendered
        reason: null                        # the console's reason for Rejected or Expired
        submitted_on: 2025-05-12
        documents_requested_on: 2025-05-13
        reviewed_on: null

The file is untrusted: it is read with the account files' guards (size cap, UTF-8 text, safe YAML without
anchors, depth cap), must lie inside the project directory (symbolic links resolved), and every problem is
one line naming the field, e.g. ``sender-ids.console.yaml:4:13: registrations[0].status: ...``.
"""

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pulumi_alisms.errors import ConfigurationError, SpecError
from pulumi_alisms.rules.statuses import RegistrationStatus
from pulumi_alisms.spec.guards import Composer, read_text
from pulumi_alisms.spec.messages import shown
from pulumi_alisms.spec.positions import Document, SpecProblem

RecordedStatus = Literal[
    "Submitted", "DocumentsToBeRendered", "DocumentsRendered", "UnderReview", "Approved", "Rejected", "Expired"
]


class ConsoleRecord(BaseModel):
    """One registration as the console shows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(pattern=r"^[A-Za-z]{2}$")
    sender_id: str = Field(min_length=1, max_length=15)
    registration_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    status: RecordedStatus
    reason: str | None = Field(None, max_length=500)
    submitted_on: date
    documents_requested_on: date | None = None
    reviewed_on: date | None = None

    @field_validator("country")
    @classmethod
    def _upper_country(cls, value: str) -> str:
        return value.upper()

    @model_validator(mode="after")
    def _window_has_a_start(self) -> "ConsoleRecord":
        if self.status == RegistrationStatus.DOCUMENTS_RENDERED and self.documents_requested_on is None:
            raise ValueError("documents_requested_on is required when status is DocumentsRendered: the 30-day "
                             "window to upload documents counts from it")  # fmt: skip
        return self


class ConsoleRecordsFile(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    registrations: list[ConsoleRecord] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> "ConsoleRecordsFile":
        seen: set[str] = set()
        for record in self.registrations:
            if record.registration_id is not None and record.registration_id in seen:
                raise ValueError(f"registration_id {record.registration_id!r} is recorded twice")
            if record.registration_id is not None:
                seen.add(record.registration_id)
        return self


def records_path(path: str, project_dir: str | None = None) -> Path:
    """``path`` resolved against the project directory (default: the working directory), which it must not leave."""
    project = Path(project_dir or os.getcwd()).resolve()
    resolved = (project / path).resolve()
    if not resolved.is_relative_to(project):
        raise ConfigurationError(f"console records file {path[:80]!r} resolves outside the project directory "
                                 f"{project}: keep it in the repository")  # fmt: skip
    return resolved


def load_console_records(path: str, project_dir: str | None = None) -> list[ConsoleRecord]:
    """The records in ``path`` (none while the file does not exist yet); the first problem as one line."""
    file = records_path(path, project_dir)
    if not file.exists():
        return []
    document = Document(str(file), "")
    try:
        text = read_text(document, str(Path(project_dir or os.getcwd()).resolve()))
        if not text.strip():
            raise document.fatal((1, 1), "the file is empty: a records file starts with `version: 1`")
        Composer(document).compose(text)
    except SpecError as error:
        raise _one_line(path, error.problems[0]) from None
    if document.problems:  # e.g. a duplicate key: read, but not trusted
        raise _one_line(path, document.problems[0])
    try:
        return ConsoleRecordsFile.model_validate(document.data).registrations
    except ValidationError as error:
        details = error.errors()[0]
        loc = tuple(part for part in details["loc"] if part != "[key]")
        document.add(
            loc,
            _message(loc, details["type"], details["msg"], details.get("input")),
            at_key=details["type"] == "extra_forbidden",
            missing=details["type"] == "missing",
        )
        raise _one_line(path, document.problems[-1]) from None


def _one_line(path: str, problem: SpecProblem) -> ConfigurationError:
    return ConfigurationError(f"console records {replace(problem, file=path)}")


_FIXED = {"missing": "required field is missing", "model_type": "must be a mapping (key: value lines)",
          "dict_type": "must be a mapping (key: value lines)", "list_type": "must be a list",
          "string_type": "must be text", "date_type": "must be a date (YYYY-MM-DD)",
          "date_from_datetime_inexact": "must be a date (YYYY-MM-DD), without a time"}  # fmt: skip


def _message(loc: tuple[object, ...], kind: str, text: str, value: object) -> str:
    if kind == "extra_forbidden":
        model = ConsoleRecord if loc[:1] == ("registrations",) and len(loc) > 2 else ConsoleRecordsFile
        return f"unknown field; known fields: {', '.join(model.model_fields)}"
    message = _FIXED.get(kind) or text.removeprefix("Value error, ").replace("Input should be", "must be")
    message = message[:1].lower() + message[1:]
    return message if kind == "missing" else f"{message}, got {shown(value)}"
