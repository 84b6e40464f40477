"""Account files: YAML with the position of every key and value -> :class:`AccountSpec`.

Every problem is reported at once as ``FILE:LINE:COL: path.to.field: message``: YAML defects while
reading (duplicate keys, unsupported tags; ``spec.guards``), shapes and types by the pydantic models
(``spec.messages`` words them), then each entry's domain rules through the same functions the resources'
``check`` uses (``pulumi_alisms.kinds``), so a file that validates here passes ``pulumi preview``'s checks too.
"""

import functools
import os
from collections.abc import Mapping
from typing import Any, Optional

from pydantic import BaseModel, Field, ValidationError, create_model

from pulumi_alisms.documents import documents_relative_to
from pulumi_alisms.errors import LocalFileError
from pulumi_alisms.inputs.qualification import SECRET_FIELDS, QualificationEntry
from pulumi_alisms.inputs.sender_id import SenderIdEntry
from pulumi_alisms.kinds import KINDS
from pulumi_alisms.rules.documents import is_inside
from pulumi_alisms.rules.text import control_character_problems
from pulumi_alisms.spec.guards import DICT_SOURCE, Composer, plain_copy, read_text
from pulumi_alisms.spec.messages import report_validation_error
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.positions import Document, KeyPath, field_path, spec_error
from pulumi_alisms.spec.references import NAME, cwd_relative, resolve_references


def load_account(source: str | os.PathLike[str] | Mapping[str, Any], *, root: str | None = None) -> AccountSpec:
    """Parse and validate an account file (a path) or its parsed content (a mapping).

    Sample templates that are bare tokens are template keys, replaced by that template's content.
    Document paths must resolve inside the file's directory (the working directory for a mapping); they are
    returned relative to the working directory. Raises :class:`SpecError` listing every problem, or
    :class:`LocalFileError` (nothing of the file shown) when the file resolves outside ``root`` (see
    :func:`account_root`).
    """
    if isinstance(source, Mapping):
        return _validate(Document(DICT_SOURCE, "", plain_copy(source)), os.getcwd())
    file = os.fspath(source)
    real_root, directory = inside_account_root(file, root)
    text = read_text(Document(file, ""), real_root)
    return _validate(Composer(Document(file, os.path.dirname(file))).compose(text), directory)


def inside_account_root(file: str, root: str | None = None) -> tuple[str, str]:
    """The resolved root and the resolved directory of ``file``; :class:`LocalFileError` (which shows nothing of
    the file) when the file or its directory resolves outside that root."""
    real_root = os.path.realpath(account_root(file, root))
    directory = os.path.realpath(os.path.dirname(os.path.abspath(file)))
    if not (is_inside(os.path.realpath(file), real_root) and is_inside(directory, real_root)):
        raise LocalFileError(f"{file} resolves outside {real_root}: account files are used only inside that directory")
    return real_root, directory


def account_root(file: str, root: str | None = None) -> str:
    """The directory an account file must resolve inside (symlinks followed): ``root`` if given, else the working
    directory, else (for a file named outside the working directory) the directory it is named in."""
    if root is not None:
        return root
    cwd = os.getcwd()
    return cwd if is_inside(os.path.abspath(file), cwd) else os.path.dirname(os.path.abspath(file))


def _validate(document: Document, documents_root: str) -> AccountSpec:
    """Resolve references, then check shapes and types, then every entry's domain rules (document paths inside
    ``documents_root``); document paths are then made relative to the working directory."""
    data = document.data
    read = len(document.problems)
    if isinstance(data, dict):
        for section in [name for name, value in data.items() if name != "version" and value is None]:
            del data[section]  # ``templates:`` with nothing under it declares none
    _default_template_names(data)
    _refuse_personal_data(document, data)
    resolve_references(document)
    spec: AccountSpec | None = None
    broken: list[KeyPath] = list(document.unreadable)
    try:
        spec = AccountSpec.model_validate(data)
    except ValidationError as error:
        broken.extend(report_validation_error(document, details) for details in error.errors())
    if isinstance(data, dict):
        _check_names(document, data)
        with documents_relative_to(documents_root):
            _check_entries(document, data, broken)
    problems = document.problems[:read] + document.covered(document.problems[read:])
    if problems or spec is None:
        raise spec_error(problems)
    documented: list[SenderIdEntry | QualificationEntry] = [*spec.sender_ids.values(), *spec.qualifications.values()]
    for entry in documented:
        for item in entry.documents:
            item.path = cwd_relative(os.path.join(document.base_dir, item.path))
    return spec


def _default_template_names(data: Any) -> None:
    """A template's ``name`` defaults to its key."""
    templates = data.get("templates") if isinstance(data, dict) else None
    for key, entry in templates.items() if isinstance(templates, dict) else ():
        if isinstance(entry, dict) and "name" not in entry and isinstance(key, str):
            entry["name"] = key


def _refuse_personal_data(document: Document, data: Any) -> None:
    """A qualification's personal data never stands in the file (which pull requests and logs show): each such
    field is a problem, never repeating its value, and is dropped so that nothing else reports it."""
    qualifications = data.get("qualifications") if isinstance(data, dict) else None
    for key, entry in qualifications.items() if isinstance(qualifications, dict) else ():
        for field in [name for name in SECRET_FIELDS if isinstance(entry, dict) and name in entry]:
            document.add(("qualifications", key, field), "personal data never goes in an account file: pass it to "
                         f"SmsAccount as a secret (qualification_secrets={{{key!r}: {{{field!r}: ...}}}}, e.g. "
                         "from pulumi.Config().require_secret)", at_key=True)  # fmt: skip
            del entry[field]


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
    """Run the domain rules of every entry: on all its fields, or on the fields present and well-formed in an entry
    with broken ones (those have their problems already), so one missing field never hides the others' problems."""

    bad = set(broken)
    broken_fields: dict[KeyPath, set[Any]] = {}  # a path -> its parts that hold a broken value; sets keep this linear
    for part in broken:
        for end in range(len(part)):
            broken_fields.setdefault(part[:end], set()).add(part[end])

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
            if any(path[:end] in bad for end in range(len(path) + 1)) or not isinstance(entry, dict):
                continue  # the entry itself (or its section) is broken
            fields = broken_fields.get(path, set())
            inputs = _present_fields(kind.entry_model, entry, fields)
            if inputs is None:
                continue
            for problem in kind.entry_problems(inputs):
                where = field_path(problem.field)
                if not where or where[0] not in fields:
                    document.add((*path, *where), problem.message)
            if isinstance(inputs, SenderIdEntry) and inputs.country is not None and inputs.sender_id is not None:
                first = registrations.setdefault((inputs.country, inputs.sender_id), path[1])
                if first != path[1]:
                    document.add(path, f"registers {inputs.sender_id} for {inputs.country} again, as "
                                       f"sender_ids.{first} does", at_key=True)  # fmt: skip


def _present_fields(model: type[BaseModel], entry: dict[Any, Any], broken: set[Any]) -> BaseModel | None:
    """The entry as ``model`` with its ``broken`` fields unknown: ``None`` (an empty list for a list), so the rules
    judge the rest and compare nothing with a made-up value; the caller drops their problems about broken fields."""
    if not broken:
        return model.model_validate(entry)
    try:
        inputs = _partial_model(model).model_validate({key: value for key, value in entry.items() if key not in broken})
    except ValidationError:  # the fields hold together only as a whole (no model has such checks today)
        return None
    unknown = {name: None for name, field in model.model_fields.items()
               if (field.alias or name) in broken and field.get_default() != []}  # fmt: skip
    return inputs.model_copy(update=unknown)


@functools.cache
def _partial_model(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every required field optional (``None`` when absent)."""
    optional: dict[str, Any] = {
        name: (Optional[field.annotation], Field(None, alias=field.alias))  # noqa: UP045 - a runtime annotation
        for name, field in model.model_fields.items()
        if field.is_required()
    }
    partial: type[BaseModel] = create_model(f"Partial{model.__name__}", __base__=model, **optional)
    return partial
