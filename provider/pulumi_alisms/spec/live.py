"""What the account holds, read for ``alisms plan``, ``drift`` and ``export``.

The account is read with list calls only, every family at once on a bounded thread pool
(:data:`READ_WORKERS` calls in flight): QuerySmsQualificationRecord, QuerySmsSignList, QuerySmsTemplateList and
ListSenderIdRegistrations page by page (the first page tells how many there are, the rest are fetched
concurrently), QueryContactsListNew, and one query per biz type for thresholds and frequency limits, plus
QueryPrevLimitNew. An account with 1000 sender IDs
costs 10 registration pages, not 1000 reads, and against a distant service the time follows the number of
calls divided by the concurrency, not the number of calls. In console mode registrations are listed from the
operator's records file instead (``api.console_registrations``): the same pages, no SenderID operation.

Neither of Alibaba's template lists carries a template's ``remark``, ``intl_type``, signature or variable
rule (QuerySmsTemplateList, nor GetSmsTemplateList, as the official SDK's models show). Rather than one
GetSmsTemplate per template in the account, details are fetched only for templates that an entry of the file
pairs with and that declare a ``remark``, an ``intl_type``, a ``signature`` or a ``template_rule`` (the only ones
whose comparison needs them), so the cost follows the file, never the size of the account. A live remark on a
template whose entry declares none is therefore not reported. ``alisms export`` asks for every template's
details: it must write them. The GetSmsTemplate calls share the same bounded pool.

Qualifications and signatures are read the same way: the lists carry their names and review status, and the
details (QuerySingleSmsQualification; GetSmsSign, with the carrier registration) are fetched for the ones an
entry of the file pairs with, and for approved signatures whose carrier registration ``alisms drift`` reports
(for all of them on export). A mainland account holds a handful of each.
"""

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar, get_args

from pydantic import BaseModel

from pulumi_alisms.api import qualifications as qualifications_api
from pulumi_alisms.api import sender_ids as sender_ids_api
from pulumi_alisms.api import signatures as signatures_api
from pulumi_alisms.api import templates as templates_api
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.console_registrations import ConsoleRegistrations
from pulumi_alisms.api.contacts import Contact
from pulumi_alisms.api.fraud import FraudSettings
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.qualifications import Qualification, QualificationRecord
from pulumi_alisms.api.sender_ids import Registration
from pulumi_alisms.api.signatures import Signature, SignatureSummary
from pulumi_alisms.api.templates import Template, TemplateSummary
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.inputs.fraud_protection import FRAUD_PROTECTION_ID
from pulumi_alisms.inputs.sender_id import SenderIdEntry
from pulumi_alisms.kinds import BY_SECTION, Kind
from pulumi_alisms.rules.limits import BizType
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.pairing import pair_entries

Progress = Callable[[str], None]
BIZ_TYPES: tuple[BizType, ...] = get_args(BizType)
READ_WORKERS = 16  # calls in flight while reading an account
_L = TypeVar("_L")
_K = TypeVar("_K")
_Page = (
    templates_api.TemplatePage
    | sender_ids_api.RegistrationPage
    | signatures_api.SignaturePage
    | qualifications_api.QualificationPage
)


@dataclass(frozen=True)
class LiveAccount:
    """What the account holds for each section of an account file, under the section's name: listed objects
    oldest first (as the list calls answer), settings by id (``None``: never set)."""

    contacts: tuple[Contact, ...]
    thresholds: Mapping[str, WarningThreshold]  # by biz type
    frequency_limits: Mapping[str, FrequencyLimit]  # by biz type
    fraud_protection: Mapping[str, FraudSettings | None]  # by its one id
    templates: tuple[TemplateSummary, ...]
    sender_ids: tuple[Registration, ...]
    qualifications: tuple[QualificationRecord, ...] = ()
    signatures: tuple[SignatureSummary, ...] = ()
    template_details: Mapping[str, Template] = field(default_factory=dict)  # by code; see the module docstring
    qualification_details: Mapping[int, Qualification] = field(default_factory=dict)  # by id; as template_details
    signature_details: Mapping[str, Signature] = field(default_factory=dict)  # by name; as template_details
    read_at: datetime | None = None  # the account's clock when it was read (the emulator's may run ahead)
    console_records: str | None = None  # console mode: the records file registrations were read from
    console: bool = False  # console mode: registrations are entered in Alibaba's console, not by API

    @property
    def object_count(self) -> int:
        """Contacts, qualifications, signatures, templates and registrations in the account."""
        return (len(self.contacts) + len(self.qualifications) + len(self.signatures) + len(self.templates)
                + len(self.sender_ids))  # fmt: skip

    @property
    def fraud(self) -> FraudSettings | None:
        """The account's abuse prevention switch and limits, unless both are as a new account has them."""
        return self.fraud_protection[FRAUD_PROTECTION_ID]

    def listed(self, kind: Kind) -> Sequence[Any]:
        """The live objects of a listed kind (contacts, templates, registrations)."""
        objects: Sequence[Any] = getattr(self, kind.section)
        return objects

    def setting_values(self, kind: Kind) -> dict[str, dict[str, Any]]:
        """The live values of a setting kind by id, named as its inputs (all ``None`` when never set)."""
        settings: Mapping[str, BaseModel | None] = getattr(self, kind.section)
        unset = dict.fromkeys(kind.inputs_model.model_fields)
        return {id_: unset if value is None else value.model_dump() for id_, value in settings.items()}


def read_account(
    account: AccountClient, *, details_for: AccountSpec | None, progress: Progress | None = None
) -> LiveAccount:
    """Read the live account with list calls; template details for what ``details_for`` needs (``None``: all).

    ``progress`` receives a line after every full page of templates or sender IDs (that is, on big accounts).
    If a call fails or the read is interrupted (KeyboardInterrupt), ``account`` is stopped (``AccountClient.stop``)
    so that no call outlives the read.
    """
    report = progress or (lambda _line: None)
    pool = ThreadPoolExecutor(max_workers=READ_WORKERS)
    try:
        template_pages = _Pages(pool, account.templates.list_page, templates_api.MAX_PAGE_SIZE)
        registration_pages = _Pages(pool, account.registrations.list_page, sender_ids_api.MAX_PAGE_SIZE)
        qualification_pages = _Pages(pool, account.qualifications.list_page, qualifications_api.MAX_PAGE_SIZE)
        signature_pages = _Pages(pool, account.signatures.list_page, signatures_api.MAX_PAGE_SIZE)
        contacts = pool.submit(account.contacts.list)
        thresholds = {biz: pool.submit(account.thresholds.get, biz) for biz in BIZ_TYPES}
        frequency = {biz: pool.submit(account.frequency.get, biz) for biz in BIZ_TYPES}
        fraud = pool.submit(account.fraud.settings)
        templates = _unique(template_pages.collect("templates", report), lambda t: t.template_code)
        registrations = registration_pages.collect("sender IDs", report)
        qualifications = _unique(qualification_pages.collect("qualifications", report), lambda q: q.qualification_id)
        signatures = _unique(signature_pages.collect("signatures", report), lambda s: s.name)
        live = LiveAccount(
            contacts=tuple(contacts.result()),
            thresholds={biz: future.result() for biz, future in thresholds.items()},
            frequency_limits={biz: future.result() for biz, future in frequency.items()},
            fraud_protection={FRAUD_PROTECTION_ID: fraud.result()},
            templates=tuple(templates),
            sender_ids=tuple(registrations),
            qualifications=tuple(qualifications),
            signatures=tuple(signatures),
        )
        codes = _codes_needing_details(details_for, live)
        details = pool.map(account.templates.get, codes)
        qualification_ids = _paired_or_all(details_for, live, "qualifications", lambda q: q.qualification_id)
        signature_names = _paired_or_all(details_for, live, "signatures", lambda s: s.name)
        signature_names += [s.name for s in live.signatures if s.approved and s.name not in signature_names]
        qualification_details = pool.map(account.qualifications.get, qualification_ids)
        signature_details = pool.map(account.signatures.get, signature_names)
        details_by_code = {t.template_code: t for t in details if t is not None}
        details_by_id = {q.qualification_id: q for q in qualification_details if q is not None}
        details_by_name = {s.name: s for s in signature_details if s is not None}
    except BaseException:  # a call failed, or Ctrl-C: the read is over, end the calls still running at once
        account.stop()
        raise
    finally:
        pool.shutdown(cancel_futures=True)
    source = account.registrations
    console = isinstance(source, ConsoleRegistrations)
    return replace(live, template_details=details_by_code, qualification_details=details_by_id,
                   signature_details=details_by_name, read_at=account.rpc.server_now(), console=console,
                   console_records=source.records if isinstance(source, ConsoleRegistrations) else None)  # fmt: skip


def sender_label(registration: Registration | SenderIdEntry) -> str:
    """How people name a registration: ``ACMEPAY for ID``."""
    return f"{registration.sender_id} for {registration.country}"


class _Pages:
    """A paged list read on ``pool``: the first page at once, the others as soon as it tells how many there are."""

    def __init__(self, pool: ThreadPoolExecutor, list_page: Callable[[int, int], _Page], size: int) -> None:
        self._pool = pool
        self._list_page = list_page
        self._size = size
        self._first = pool.submit(self._fetch, 1)

    def _fetch(self, page: int) -> tuple[list[Any], int]:
        answer = self._list_page(page, self._size)
        listed = answer.registrations if isinstance(answer, sender_ids_api.RegistrationPage) else answer.items
        return list(listed), answer.total_count

    def collect(self, noun: str, report: Progress) -> list[Any]:
        """Every item, in page order; ``report`` gets a line after each full page."""
        items, total = self._first.result()
        pages = -(-total // self._size) if items else 1
        rest: list[Future[tuple[list[Any], int]]] = [
            self._pool.submit(self._fetch, page) for page in range(2, pages + 1)
        ]
        found: list[Any] = []
        for page_items in (items, *(future.result()[0] for future in rest)):
            found.extend(page_items)
            if found and len(found) % self._size == 0:
                report(f"read {len(found)} {noun}...")
        return found


def _unique(items: list[_L], key: Callable[[_L], str]) -> list[_L]:
    """Each object once (a page boundary that moved between two page reads can list one twice)."""
    unique: dict[str, _L] = {}
    for item in items:
        unique.setdefault(key(item), item)
    return list(unique.values())


def _paired_or_all(spec: AccountSpec | None, live: LiveAccount, section: str, key: Callable[[Any], _K]) -> list[_K]:
    """The keys of the section's live objects that an entry pairs with (all of them without a file)."""
    kind = BY_SECTION[section]
    if spec is None:
        return [key(item) for item in live.listed(kind)]
    paired = pair_entries(kind, kind.entries(spec), live.listed(kind))
    return [key(found) for found in paired.values() if found is not None]


def _codes_needing_details(spec: AccountSpec | None, live: LiveAccount) -> list[str]:
    if spec is None:
        return [template.template_code for template in live.templates]
    kind = BY_SECTION["templates"]
    paired = pair_entries(kind, spec.templates, live.templates)
    return [
        found.template_code
        for key, found in paired.items()
        if found is not None and _needs_details(spec.templates[key])
    ]


def _needs_details(entry: Any) -> bool:
    """Whether comparing the entry needs what only GetSmsTemplate reports (no list carries these fields)."""
    return any(getattr(entry, name) is not None for name in ("remark", "intl_type", "signature", "template_rule"))
