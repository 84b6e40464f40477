"""The shape of a diff: which fields changed between the recorded state and the new inputs, and which of
those force a replacement. The providers answer the engine with it; ``alisms plan`` reports it."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Diff:
    """The changed fields, those among them that replace, and whether a deployment has work to do anyway
    (``pending_work``: e.g. documents to upload) or must delete the old object before creating its replacement."""

    changed: tuple[str, ...]
    replaces: tuple[str, ...] = ()
    pending_work: bool = False
    delete_before_replace: bool = False

    @property
    def changes(self) -> bool:
        """Whether a deployment would do anything to the object."""
        return bool(self.changed) or self.pending_work


def changed_fields(olds: Mapping[str, Any], news: Mapping[str, Any], fields: Iterable[str]) -> tuple[str, ...]:
    """The fields whose values differ between old state and new inputs."""
    return tuple(field for field in fields if olds.get(field) != news.get(field))


def fields_diff(
    olds: Mapping[str, Any], news: Mapping[str, Any], fields: Iterable[str], replace_fields: Iterable[str] = ()
) -> Diff:
    """The changes among ``fields``: those in ``replace_fields`` replace, the rest update in place."""
    changed = changed_fields(olds, news, fields)
    replacing = set(replace_fields)
    return Diff(changed, tuple(field for field in changed if field in replacing))
