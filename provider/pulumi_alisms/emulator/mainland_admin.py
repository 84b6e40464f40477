"""The review desk for Chinese-mainland objects: decide qualifications and signatures, complete carrier registration.

``emulator/admin.py`` dispatches ``approve`` / ``reject`` here for the kinds ``qualification`` (by its group id)
and ``signature`` (by its name); the backends record the decision and email the contacts who receive review
results. A decision is final for the object it names: the automatic review does not revisit it.
"""

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends.qualifications import Qualification, QualificationsBackend
from pulumi_alisms.emulator.backends.signatures import Signature, SignaturesBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.emulator.store import Store

QUALIFICATION = "qualification"
SIGNATURE = "signature"
KINDS: tuple[str, ...] = (QUALIFICATION, SIGNATURE)


def kind_of(ctx: Context, object_id: str) -> str | None:
    """The kind of the account's object with this id, ``None`` if it has none; ``ValueError`` if both kinds match."""
    qualification = object_id.isdigit() and QualificationsBackend(ctx).find(int(object_id)) is not None
    signature = SignaturesBackend(ctx).find(object_id) is not None
    if qualification and signature:
        raise ValueError(f"{object_id!r} is both a qualification id and a signature name: pass --kind")
    if qualification:
        return QUALIFICATION
    return SIGNATURE if signature else None


Decided = Qualification | Signature


def decide(ctx: Context, kind: str, object_id: str, reason: str | None) -> Decided:
    """Approve (``reason`` ``None``) or reject an object now; the object as decided."""
    if kind == QUALIFICATION:
        if not object_id.isdigit():
            raise LookupError(f"{object_id!r} is not a qualification id (QualificationGroupId, digits)")
        return QualificationsBackend(ctx).decide(int(object_id), reason)
    return SignaturesBackend(ctx).decide(object_id, reason)


def register_carrier(store: Store, name: str, account: str) -> Signature:
    """Complete an approved signature's carrier registration now, with every carrier."""
    with store.transaction() as db:
        ctx = Context(account=account, params=Params({}), db=db, now=clock.now(store), speed=clock.review_speed(store))
        return SignaturesBackend(ctx).register_with_carriers(name)
