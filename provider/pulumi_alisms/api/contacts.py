"""Alert contacts: SaveContactsNew, QueryContactsListNew, DeleteContactsNew, SendVerificationNew (Dysms 2017-06-20).

SaveContactsNew answers only ``Result``: a new contact's id is found by listing. Creating a contact is not
idempotent, so after a lost answer the client's retry loop asks :meth:`ContactsApi.save`'s look-up whether the
contact was saved before it tries again.

QueryContactsListNew reports no verification state (the SDK's list model has no such field), so a contact's
verification is known only from a SaveContactsNew with its ``VerificationCode`` that succeeded: the caller
keeps it (the AlertContact resource records ``verified`` in its state). Such a save is not retried after a
lost answer: a code is good for one use, and nothing in the account says whether it was consumed.
"""

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.cache import DEFAULT_MAX_AGE, ListCache, invalidates
from pulumi_alisms.api.client import Answer, NotFoundTable, ParamValue, RpcClient
from pulumi_alisms.errors import AliSmsApiError, NotFoundError
from pulumi_alisms.rules.contacts import ALERT_FLAGS

VERSION = "2017-06-20"
NOT_FOUND: NotFoundTable = frozenset({("InvalidContactId.NotFound", 404)})
VerificationKind = Literal["phone", "email"]
_VERIFY_TYPES: dict[str, str] = {"phone": "SMS", "email": "EMAIL"}


class Contact(BaseModel):
    """An alert contact and the alerts (``rules.contacts.ALERT_FLAGS`` keys) it receives."""

    model_config = ConfigDict(frozen=True)

    contact_id: int
    name: str
    phone: str
    email: str
    alerts: list[str]


def _contact(entry: Answer) -> Contact:
    return entry.build(
        Contact,
        contact_id=entry.integer("Id"),
        name=entry.optional_text("Name") or "",
        phone=entry.optional_text("Phone") or "",
        email=entry.optional_text("Email") or "",
        alerts=[alert for alert, flag in ALERT_FLAGS.items() if entry.optional_integer(flag)],
    )


class ContactsApi:
    """Create, read, update, delete and verify the account's alert contacts."""

    def __init__(self, rpc: RpcClient, *, list_cache_seconds: float = DEFAULT_MAX_AGE) -> None:
        self._rpc = rpc
        self.list_cache: ListCache[int, Contact] = ListCache(
            lambda: {item.contact_id: item for item in self.list()}, list_cache_seconds
        )

    def get(self, contact_id: int) -> Contact | None:
        """One contact, or ``None`` if the account has no contact with that id."""
        return next((contact for contact in self.list() if contact.contact_id == contact_id), None)

    def lookup(self, contact_id: int) -> Contact | None:
        """One contact from the shared list snapshot (see ``api.cache``); a miss is a direct :meth:`get`."""
        return self.list_cache.lookup(contact_id, self.get)

    @invalidates
    def save(
        self,
        name: str,
        phone: str,
        email: str,
        alerts: Sequence[str],
        contact_id: int | None = None,
        verification_code: str | None = None,
    ) -> int:
        """Create (no ``contact_id``) or update a contact; returns its id.

        With ``verification_code`` (sent by :meth:`send_verification`) the contact becomes verified when the call
        succeeds; a wrong or expired code raises (``isv.VERIFICATION_CODE_*`` from the emulator).
        """
        unknown = sorted(set(alerts) - set(ALERT_FLAGS))
        if unknown:
            raise ValueError(f"unknown alerts {unknown}; known: {', '.join(ALERT_FLAGS)}")
        params: dict[str, ParamValue] = {
            "Id": contact_id,
            "Name": name,
            "Phone": phone,
            "Email": email,
            **{flag: int(alert in alerts) for alert, flag in ALERT_FLAGS.items()},
            "VerificationCode": verification_code,
        }
        if contact_id is not None:
            # An update (with a code: once, see the module docstring) answers nothing to look for.
            self._rpc.call(VERSION, "SaveContactsNew", params, idempotent=verification_code is None,
                           not_found=NOT_FOUND)  # fmt: skip
            return contact_id
        known = {contact.contact_id for contact in self.list()}

        def saved() -> int | None:
            for contact in self.list():
                same = (contact.name, contact.phone, contact.email, sorted(contact.alerts)) == (
                    name, phone, email, sorted(set(alerts)))  # fmt: skip
                if same and contact.contact_id not in known:
                    return contact.contact_id
            return None

        self._rpc.call(VERSION, "SaveContactsNew", params, idempotent=False, not_found=NOT_FOUND,
                       landed=lambda: None if saved() is None else {"Result": True})  # fmt: skip
        found = saved()  # the answer carries no id: the contact list has it
        if found is None:
            raise AliSmsApiError("SaveContactsNew", "InvalidResponse", "the saved contact is not in the contact list")
        return found

    @invalidates
    def delete(self, contact_id: int) -> bool:
        """Delete a contact; ``False`` if the account has no such contact (already deleted)."""
        try:
            self._rpc.call(VERSION, "DeleteContactsNew", {"Ids": str(contact_id)}, idempotent=True,
                           not_found=NOT_FOUND)  # fmt: skip
        except NotFoundError:
            return False
        return True

    @invalidates
    def send_verification(self, target: str, kind: VerificationKind) -> None:
        """Send a verification code to a contact's phone number or email address (SendVerificationNew).

        Retried like an idempotent call: a repeat only sends a fresh code, which replaces the previous one.
        """
        self._rpc.call(
            VERSION,
            "SendVerificationNew",
            {"BizType": "CONTACT", "VerifyType": _VERIFY_TYPES[kind], "Target": target},
            idempotent=True,
        )

    def list(self) -> list[Contact]:
        """Every contact of the account (QueryContactsListNew)."""
        data = self._rpc.call(VERSION, "QueryContactsListNew", {}, idempotent=True)
        return [_contact(entry) for entry in data.objects("List")]
