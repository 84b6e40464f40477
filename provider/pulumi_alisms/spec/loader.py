"""Account files: YAML with the position of every key and value -> :class:`AccountSpec`.

Every problem is reported at once as ``FILE:LINE:COL: path.to.field: message``: YAML defects while
reading (duplicate keys, unsupported tags; ``spec.guards``), shapes and types by the pydantic models
(``spec.messages`` words them), then each entry's domain rules through the same functions the resources'
``check`` uses (``pulumi_alisms.kinds``), so a file that validates here passes ``pulumi preview``'s checks too.
"""

import os
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from pulumi_alisms.inputs.sender_id import SenderIdEntry
from pulumi_alisms.kinds import KINDS
from pulumi_alisms.rules.text import control_character_problems
from pulumi_alisms.spec.guards import DICT_SOURCE, Composer, plain_copy, read_text
from pulumi_alisms.spec.messages import report_validation_error
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.positions import Document, KeyPath, field_path, spec_error
from pulumi_alisms.spec.references import NAME, resolve_references


def load_account(source: str | os.PathLike[str] | Mapping[str, Any]) -> AccountSpec:
    """Parse and validate an account file (a path) or its parsed content (a mapping).

    Sample templates that are bare tokens are template keys, replaced by that template's content.
    Document paths are resolved against the file's directory (the working directory for a mapping) and
    returned relative to the working directory. Raises :class:`SpecError` listing every problem.
    """
    if isinstance(source, Mapping):
        return _validate(Document(DICT_SOURCE, "", plain_copy(source)))
    file = os.fspath(source)
    text = read_text(Document(file, ""))
    return _validate(Composer(Document(file, os.path.dirname(file))).compose(text))


def _validate(document: Document) -> AccountSpec:
    """Resolve references, then check shapes and types, then every entry's domain rules."""
    data = document.data
    read = len(document.problems)
    if isinstance(data, dict):
        for section in [name for name, value in data.items() if name != "version" and value is None]:
            del data[section]  # ``templates:`` with nothing under it declares none
    _default_template_names(data)
    resolve_references(document)
    spec: AccountSpec | None = None
    broken: list[KeyPath] = list(document.unreadable)
    try:
        spec = AccountSpec.model_validate(data)
    except ValidationError as error:
        broken.extend(report_validation_error(document, details) for details in error.errors())
    if isinstance(data, dict):
        _check_names(document, data)
        _check_entries(document, data, broken)
    problems = document.problems[:read] + document.covered(document.problems[read:])
    if problems or spec is None:
        raise spec_error(problems)
    return spec


def _default_template_names(data: Any) -> None:
    """A template's ``name`` defaults to its key."""
    templates = data.get("templates") if isinstance(data, dict) else None
    for key, entry in templates.items() if isinstance(templates, dict) else ():
        if isinstance(entry, dict) and "name" not in entry and isinstance(key, str):
            entry["name"] = key


def _check_names(document: Document, data: dict[Any, Any]) -> None:
    """Section keys: no control characters in any, and names of Latin letters, digits, '_' and '-' where named."""
    for key in data:
        if isinstance(key, str) and (control := control_character_problems("key", key)):
            document.add((key,), control[0].message, at_key=True)
    for kind in KINDS:
        entries = data.get(kind.section) if kind.layout != "single" else None
        for key in entries if isinstance(entries, dict) else {}:
            if isinstance(key, str) and (control := control_character_problems("key", key)):
                document.add((kind.section, key), control[0].message, at_key=True)
            elif kind.layout == "named" and isinstance(key, str) and not NAME.fullmatch(key):
                document.add((kind.section, key), "a key must be a name of Latin letters, digits, '_' and '-'",
                             at_key=True)  # fmt: skip


def _check_entries(document: Document, data: dict[Any, Any], broken: list[KeyPath]) -> None:
    """Run the domain rules of every entry that has the right shape (a broken entry has its problems already)."""

    bad = set(broken)
    inside_bad = {path[:end] for path in broken for end in range(len(path) + 1)}

    def clean(path: KeyPath) -> bool:  # neither inside nor around a broken value; sets keep this linear
        return path not in inside_bad and not any(path[:end] in bad for end in range(len(path)))

    registrations: dict[tuple[str, str], Any] = {}
    for kind in KINDS:
        if kind.section not in data:
            continue
        section = data[kind.section]
        if kind.layout == "single":
            entries: list[tuple[KeyPath, Any]] = [((kind.section,), section)]
        else:
            entries = (
                [((kind.section, key), entry) for key, entry in section.items()] if isinstance(section, dict) else []
            )
        for path, entry in entries:
            if not clean(path):
                continue
            inputs = kind.entry_model.model_validate(entry)
            for problem in kind.entry_problems(inputs):
                document.add((*path, *field_path(problem.field)), problem.message)
            if isinstance(inputs, SenderIdEntry):
                first = registrations.setdefault((inputs.country, inputs.sender_id), path[1])
                if first != path[1]:
                    document.add(path, f"registers {inputs.sender_id} for {inputs.country} again, as "
                                       f"sender_ids.{first} does", at_key=True)  # fmt: skip
