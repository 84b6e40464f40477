"""References inside an account file: a sample template that is a bare token names a template (its key); a
signature's ``qualification`` names a key of ``qualifications``; a template's ``signature`` that is a key of
``signatures`` names that signature (it becomes the signature's name); a document path and the
``console_records`` path are relative to the file's directory (``spec.loader`` checks a document path there, then
makes it cwd-relative)."""

import os
import re
from typing import Any

from pulumi_alisms.spec.messages import shown
from pulumi_alisms.spec.positions import Document

# Keys of contacts, templates and sender IDs name resources; a bare-token sample template is a template key.
NAME = re.compile(r"[A-Za-z0-9_-]+")


def resolve_references(document: Document) -> None:
    """Template keys in sample templates become the template's content, signature keys in templates the
    signature's name; a qualification key of a signature must be one of the file's."""
    data = document.data
    if not isinstance(data, dict):
        return
    if isinstance(data.get("console_records"), str) and data["console_records"]:
        data["console_records"] = cwd_relative(os.path.join(document.base_dir, data["console_records"]))
    _check_qualification_keys(document, _section(data, "qualifications"), _section(data, "signatures"))
    _resolve_signature_keys(document, _section(data, "signatures"), _section(data, "templates"))
    _resolve_sample_templates(document, _section(data, "sender_ids"), _section(data, "templates"))


def _section(data: dict[Any, Any], name: str) -> dict[Any, Any]:
    return data[name] if isinstance(data.get(name), dict) else {}


def _check_qualification_keys(document: Document, qualifications: dict[Any, Any], signatures: dict[Any, Any]) -> None:
    for key, entry in signatures.items():
        wanted = entry.get("qualification") if isinstance(entry, dict) else None
        if isinstance(wanted, str) and wanted not in qualifications:
            keys = ", ".join(map(str, qualifications)) or "none"
            document.add(("signatures", key, "qualification"), f"{shown(wanted)} is not a key of qualifications "
                         f"(keys: {keys}); give the key of a qualification in this file, or qualification_id for "
                         "one in the account")  # fmt: skip


def _resolve_signature_keys(document: Document, signatures: dict[Any, Any], templates: dict[Any, Any]) -> None:
    """A template's ``signature`` that is a key of ``signatures`` becomes that signature's name; in a file that
    declares signatures, any other value must be the name of one of them."""
    names = {
        entry["name"] for entry in signatures.values() if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    }
    for key, entry in templates.items():
        wanted = entry.get("signature") if isinstance(entry, dict) else None
        if not isinstance(wanted, str) or not signatures or wanted in names:
            continue
        target = signatures.get(wanted)
        if isinstance(target, dict) and isinstance(target.get("name"), str):
            entry["signature"] = target["name"]
        elif wanted not in signatures:
            document.add(("templates", key, "signature"), f"{shown(wanted)} is neither a key of signatures nor the "
                         f"name of a signature it declares (keys: {', '.join(map(str, signatures))})")  # fmt: skip


def _resolve_sample_templates(document: Document, senders: dict[Any, Any], templates: dict[Any, Any]) -> None:
    for key, entry in senders.items():
        if not isinstance(entry, dict):
            continue
        samples: Any = entry.get("sample_templates")
        for index, sample in enumerate(samples if isinstance(samples, list) else []):
            if not isinstance(sample, str) or not NAME.fullmatch(sample):
                continue
            if sample not in templates:
                document.add(("sender_ids", key, "sample_templates", index),
                             f"{sample!r} is not a template key: define templates.{sample}, or write the sample's "
                             "full text (a single word is read as a template key)")  # fmt: skip
            elif isinstance(templates[sample], dict) and isinstance(templates[sample].get("content"), str):
                samples[index] = templates[sample]["content"]


def cwd_relative(path: str) -> str:
    """``path`` relative to the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return os.path.abspath(path)
