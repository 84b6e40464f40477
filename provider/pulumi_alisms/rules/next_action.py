"""What happens next to an object under review (SenderID registration, template, signature), from its status.

One table for every layer: the resources' ``next_action``/``next_action_due_at`` outputs, the wait loop
(which stops as soon as the next step is the user's) and ``alisms drift``. Pure: no I/O.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from pulumi_alisms.rules.countries import country_rules
from pulumi_alisms.rules.statuses import RegistrationStatus, ReviewStatus

NextAction = Literal[
    "none",
    "wait_for_review",
    "upload_documents",
    "fix_and_resubmit",
    "resubmit_expired",
    "contact_account_manager",
    "register_in_console",
    "wait_for_carrier_registration",
]
NEXT_ACTIONS: tuple[NextAction, ...] = get_args(NextAction)

_DOCUMENT_STATUSES = (RegistrationStatus.SUBMITTED, RegistrationStatus.DOCUMENTS_TO_BE_RENDERED,
                      RegistrationStatus.DOCUMENTS_RENDERED)  # fmt: skip


@dataclass(frozen=True)
class NextStep:
    """The next action, when it is due (or ``None``), what to do, and ``by_user``: whether the object cannot
    progress without the user (waiting gets it nowhere), the one rule the wait loop stops on."""

    action: NextAction
    due_at: datetime | None
    by_user: bool
    advice: str


def next_step(
    status: str,
    *,
    documents_declared: bool = False,
    documents_due_at: datetime | None = None,
    country: str | None = None,
    registered: bool = True,
    carrier_refused: bool = False,
) -> NextStep:
    """The next step for an object in ``status`` (a value of ``RegistrationStatus`` or ``ReviewStatus``).

    ``documents_declared`` and ``documents_due_at`` (the end of the 30-day window) and ``country`` are a SenderID
    registration's; ``registered`` is an approved mainland signature's carrier registration, ``carrier_refused``
    whether every carrier has failed or let it expire (nothing is left to wait for).
    """
    rules = country_rules(country) if country is not None else None
    offline = rules is not None and rules.registration in ("paid_offline", "self_registration")
    if status == RegistrationStatus.APPROVED:
        if not registered and carrier_refused:
            return NextStep("fix_and_resubmit", None, True,
                            "the carriers refused its registration (see carrier_registration): bind another approved "
                            "qualification (qualification_id) and run `pulumi up`")  # fmt: skip
        if not registered:
            return NextStep("wait_for_carrier_registration", None, False,
                            "wait for the carriers to register it (7-10 business days)")  # fmt: skip
        return NextStep("none", None, False, "nothing to do")
    if status == RegistrationStatus.AWAITING_CONSOLE_REGISTRATION:
        return NextStep("register_in_console", None, True,
                        "register it in the Alibaba Cloud console, then run `pulumi refresh`")  # fmt: skip
    if offline:
        return NextStep("contact_account_manager", None, True,
                        f"{country} sender IDs are registered offline: ask your account manager")  # fmt: skip
    documents_needed = status == RegistrationStatus.DOCUMENTS_RENDERED or (
        status in _DOCUMENT_STATUSES and rules is not None and rules.documents_required
    )
    if documents_needed:
        due = documents_due_at if status == RegistrationStatus.DOCUMENTS_RENDERED else None
        by = f" by {due:%Y-%m-%d}" if due is not None else ""
        if documents_declared:
            return NextStep("upload_documents", due, False, f"run `pulumi up`{by}: it uploads the declared documents")
        return NextStep("upload_documents", due, True,
                        f"declare `documents` (type and path of each) and run `pulumi up`{by}")  # fmt: skip
    if status in (RegistrationStatus.SUBMITTED, RegistrationStatus.DOCUMENTS_TO_BE_RENDERED, ReviewStatus.UNDER_REVIEW):
        return NextStep("wait_for_review", None, False, "wait for the review")
    if status in (ReviewStatus.REJECTED, ReviewStatus.CANCELLED):
        return NextStep("fix_and_resubmit", None, True,
                        "change the inputs the reason names and run `pulumi up` to resubmit")  # fmt: skip
    if status == RegistrationStatus.EXPIRED:
        return NextStep("resubmit_expired", None, True, "run `pulumi up` to resubmit it")
    if status == ReviewStatus.MATERIALS_REQUIRED:
        return NextStep("upload_documents", None, True, "supplement the documents the reviewer asks for")
    return NextStep("contact_account_manager", None, True,
                    f"status {status!r} is not one this release knows: ask your account manager")  # fmt: skip
