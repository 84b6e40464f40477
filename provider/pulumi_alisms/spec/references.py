"""References inside an account file: a sample template that is a bare token names a template (its key); a
document path and the ``console_records`` path are relative to the file's directory (``spec.loader`` checks a
document path there, then makes it cwd-relative)."""

import os
import re
from typing import Any

from pulumi_alisms.spec.positions import Document

# Keys of contacts, templates and sender IDs name resources; a bare-token sample template is a template key.
NAME = re.compile(r"[A-Za-z0-9_-]+")


def resolve_references(document: Document) -> None:
    """Template keys in sample templates become the template's content."""
    data = document.data
    if isinstance(data, dict) and isinstance(data.get("console_records"), str) and data["console_records"]:
        data["console_records"] = cwd_relative(os.path.join(document.base_dir, data["console_records"]))
    if not isinstance(data, dict) or not isinstance(data.get("sender_ids"), dict):
        return
    templates: dict[Any, Any] = data["templates"] if isinstance(data.get("templates"), dict) else {}
    for key, entry in data["sender_ids"].items():
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
