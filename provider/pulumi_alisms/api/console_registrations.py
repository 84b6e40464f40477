"""Console mode's registration source: the operator's records file, read as :class:`SenderIdsApi` reads.

Alibaba publishes no SenderID API (docs/api.md). In console mode nothing calls the SenderID operations: a
``SenderId`` resource prints its :func:`console_request` (what to enter in the console), and the operator
records the console's outcome in the records file (``spec.console_records``). :class:`ConsoleRegistrations`
answers ``get``/``lookup``/``list_page``/``iter_all``/``list_all`` with the same :class:`Registration` shapes as
the API family, so resources, ``alisms plan`` and ``alisms drift`` read both the same way.

Ids: a console mode resource's id is ``console:<COUNTRY>:<SENDER_ID>`` (:func:`console_id`), known before
anything is recorded; a record's registration is listed under the ``registration_id`` the console showed
(that id when recorded, else the console id). Several records of one country and sender ID are the history of
its submissions: the newest (by ``submitted_on``, then file order) is the one the console id names.
"""

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pulumi_alisms.api.sender_ids import Registration, RegistrationPage, RegistrationStatus
from pulumi_alisms.rules.sender_ids import DOCUMENT_WINDOW_DAYS
from pulumi_alisms.rules.statuses import RegistrationStatus as Status
from pulumi_alisms.spec.console_records import ConsoleRecord, load_console_records

CONSOLE_ID_PREFIX = "console:"
CONSOLE_PATH = "SMS console > Go Globe > SenderID > Registration > Register Sender ID"


def console_id(country: str, sender_id: str) -> str:
    """The id of a console mode ``SenderId``: ``console:ID:ACMEPAY``."""
    return f"{CONSOLE_ID_PREFIX}{country.upper()}:{sender_id}"


def parse_console_id(id_: str) -> tuple[str, str] | None:
    """``(country, sender_id)`` of a console id, else ``None``."""
    if not id_.startswith(CONSOLE_ID_PREFIX):
        return None
    country, _, sender_id = id_.removeprefix(CONSOLE_ID_PREFIX).partition(":")
    return (country, sender_id) if country and sender_id else None


class ConsoleRegistrations:
    """The registrations recorded in ``records`` (a path relative to the project directory; ``None``: none yet).

    The file is read at every call (it is small, and the operator edits it between runs).
    """

    def __init__(self, records: str | None, *, project_dir: str | None = None) -> None:
        self.records = records
        self._project_dir = project_dir

    def _all(self) -> list[Registration]:
        """Every recorded registration, oldest submission first."""
        if self.records is None:
            return []
        records = load_console_records(self.records, self._project_dir)
        order = sorted(range(len(records)), key=lambda index: (records[index].submitted_on, index))
        return [_registration(records[index]) for index in order]

    def get(self, registration_id: str) -> Registration | None:
        """The registration a console id or a recorded registration id names, or ``None``."""
        named = parse_console_id(registration_id)
        found = [
            registration
            for registration in self._all()
            if ((registration.country, registration.sender_id) == named if named else
                registration.registration_id == registration_id)
        ]  # fmt: skip
        return found[-1] if found else None

    def lookup(self, registration_id: str) -> Registration | None:
        """As :meth:`get` (there is no remote list to cache)."""
        return self.get(registration_id)

    def list_page(
        self, page: int = 1, size: int = 20, *, country: str | None = None, status: RegistrationStatus | None = None
    ) -> RegistrationPage:
        """One page of the recorded registrations, oldest first; pages count from 1."""
        chosen = self.list_all(country=country, status=status)
        start = (page - 1) * size
        return RegistrationPage(registrations=chosen[start : start + size], total_count=len(chosen), page_no=page,
                                page_size=size)  # fmt: skip

    def iter_all(
        self, *, country: str | None = None, status: RegistrationStatus | None = None
    ) -> Iterator[Registration]:
        """Every recorded registration (optionally of one country and/or status)."""
        return (r for r in self._all() if country in (None, r.country) and status in (None, r.status))

    def list_all(self, *, country: str | None = None, status: RegistrationStatus | None = None) -> list[Registration]:
        """Every recorded registration, as a list."""
        return list(self.iter_all(country=country, status=status))


def console_request(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What to enter in the console's Register Sender ID form for these ``SenderId`` inputs, in its order."""
    return {
        "destination_country": inputs["country"],
        "basic_information": {
            "company_name": inputs["company_name"],
            "website": inputs.get("website"),
            "use_case": inputs["use_case"],
        },
        "sender_id": inputs["sender_id"],
        "sample_templates": list(inputs["sample_templates"]),
        "documents": [{"type": d["type"], "path": d["path"]} for d in inputs.get("documents") or []],
    }


def console_request_lines(label: str, request: Mapping[str, Any], records: str | None) -> list[str]:
    """The progress lines that tell the operator what to do in the console, and where to record the outcome."""
    basic = request["basic_information"]
    lines = [
        f"{label}: no SenderID API at Alibaba; register it in the console ({CONSOLE_PATH}):",
        f"  Destination Country/Region: {request['destination_country']}",
        f"  Basic Information: company {basic['company_name']}, website {basic['website'] or '(none)'}, "
        f"use case {basic['use_case']}",
        f"  SenderID: {request['sender_id']}",
        *(f"  Sample Template {number}: {sample}" for number, sample in enumerate(request["sample_templates"], 1)),
        *(
            f"  Upload when the status is Documents Rendered: {item['type']} from {item['path']}"
            for item in request["documents"]
        ),
    ]
    where = records or "a records file, then set alisms:consoleRecords to it"
    lines.append(f"  Then record the console's outcome in {where} (docs/console-mode.md)")
    return lines


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _registration(record: ConsoleRecord) -> Registration:
    days = [day for day in (record.submitted_on, record.documents_requested_on, record.reviewed_on) if day]
    requested = record.documents_requested_on if record.status == Status.DOCUMENTS_RENDERED else None
    return Registration(
        registration_id=record.registration_id or console_id(record.country, record.sender_id),
        country=record.country,
        sender_id=record.sender_id,
        status=record.status,
        status_reason=record.reason,
        submitted_at=_midnight(record.submitted_on),
        reviewed_at=_midnight(record.reviewed_on) if record.reviewed_on else None,
        documents_due_at=_midnight(requested) + timedelta(days=DOCUMENT_WINDOW_DAYS) if requested else None,
        updated_at=_midnight(max(days)),
        recorded=True,
    )
