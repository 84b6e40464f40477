"""Account-wide settings managed as resources: there is one per key, it always exists, and deleting the
resource restores the values it replaced (recorded at create or import as ``replaced_values``).

Two applies of one program at once (two stacks, CI and a laptop) must not record each other's values: the values a
create replaces are the live ones only when they are not the declared ones. When the account already holds exactly
the declared values (another run of this program wrote them first, or they were set so before), the values they
replaced cannot be read from the account, which keeps no history and no note a run could leave for another, so
``replaced_values`` is ``"unknown"`` (said in a progress line) and deleting the resource leaves the setting as it is.
"""

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import BaseModel

from pulumi_alisms.inputs.diff import Diff
from pulumi_alisms.resources._base import (
    AccountProvider,
    checked,
    diff_result,
    progress,
    typed_inputs,
    without_provider,
)
from pulumi_alisms.rules import Problem

REPLACED_VALUES = "replaced_values"
UNKNOWN = "unknown"  # replaced_values when create found the declared values already in place


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
        declared = {name: inputs.get(name) for name in self.value_fields}
        live = self.fetch(id_)
        replaced: dict[str, Any] | str = UNKNOWN if live == declared else live
        if replaced == UNKNOWN:
            progress(f"{self._label(id_)}: the account already holds the declared values (another run of this "
                     "program set them first, or they were set so before); the values they replaced cannot be known, "
                     "so none are recorded and deleting this resource will leave the setting as it is")  # fmt: skip
        self.apply(id_, declared)
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
        if isinstance(replaced, Mapping):
            self.apply(id_, {name: replaced.get(name) for name in self.value_fields})
        else:
            progress(f"{self._label(id_)}: no replaced values were recorded (the account held the declared values "
                     "at create); the setting is left as it is")  # fmt: skip

    def _label(self, id_: str) -> str:
        return f"{type(self).__name__.removesuffix('Provider')} {id_}"


class BizTypeSingletonProvider(SingletonProvider):
    """A singleton per biz type (``domestic`` / ``international``): the id is the biz type, which replaces."""

    def singleton_id(self, inputs: dict[str, Any]) -> str:
        return str(inputs["biz_type"])

    def key_inputs(self, id_: str) -> dict[str, Any]:
        return {"biz_type": id_}
