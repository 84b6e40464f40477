"""Account-wide settings managed as resources: there is one per key, it always exists, and deleting the
resource restores the values it replaced (recorded at create or import as ``replaced_values``)."""

from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import BaseModel

from pulumi_alisms.inputs.diff import Diff
from pulumi_alisms.resources._base import AccountProvider, checked, diff_result, typed_inputs, without_provider
from pulumi_alisms.rules import Problem

REPLACED_VALUES = "replaced_values"


class SingletonProvider(AccountProvider):
    """Provider for a singleton setting. Subclasses name the inputs model, its rules (``pulumi_alisms.inputs``),
    the value fields, and how to read and write the live values."""

    inputs_model: type[BaseModel]
    value_fields: Sequence[str]
    input_problems: Callable[[Any], list[Problem]]
    input_diff: Callable[[dict[str, Any], dict[str, Any]], Diff]

    @abstractmethod
    def singleton_id(self, inputs: dict[str, Any]) -> str:
        """The resource id for these inputs (e.g. the biz type)."""

    @abstractmethod
    def fetch(self, id_: str) -> dict[str, Any]:
        """The live values of the setting, keyed by ``value_fields``."""

    @abstractmethod
    def apply(self, id_: str, values: dict[str, Any]) -> None:
        """Write the values of the setting."""

    def key_inputs(self, id_: str) -> dict[str, Any]:
        """The inputs that the id stands for (e.g. ``{"biz_type": ...}``), for import."""
        return {}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return checked(self.inputs_model, news, type(self).input_problems)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_result(type(self).input_diff(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = typed_inputs(self.inputs_model, props)
        id_ = self.singleton_id(inputs)
        replaced = self.fetch(id_)
        self.apply(id_, {name: inputs.get(name) for name in self.value_fields})
        return CreateResult(id_, {**inputs, REPLACED_VALUES: replaced})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        state = without_provider(props)
        live = self.fetch(id_)
        replaced = state.get(REPLACED_VALUES)
        if replaced is None:  # an import: what we found is what deleting the resource restores
            replaced = live
        inputs = {**state, **self.key_inputs(id_), **live}
        inputs.pop(REPLACED_VALUES, None)
        return ReadResult(id_, {**inputs, REPLACED_VALUES: replaced}, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = typed_inputs(self.inputs_model, news)
        self.apply(id_, {name: inputs.get(name) for name in self.value_fields})
        return UpdateResult({**inputs, REPLACED_VALUES: olds.get(REPLACED_VALUES)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        replaced = props.get(REPLACED_VALUES)
        if replaced is not None:
            self.apply(id_, {name: replaced.get(name) for name in self.value_fields})


class BizTypeSingletonProvider(SingletonProvider):
    """A singleton per biz type (``domestic`` / ``international``): the id is the biz type, which replaces."""

    def singleton_id(self, inputs: dict[str, Any]) -> str:
        return str(inputs["biz_type"])

    def key_inputs(self, id_: str) -> dict[str, Any]:
        return {"biz_type": id_}
