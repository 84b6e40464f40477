"""Alibaba's wire contract as Alibaba states it: the published metadata (files beside this one) and the official
SDKs' request builders and response models. Nothing here was written from our own guesses; see SOURCE.md.

Used by the contract tests to hold every request the client sends and every answer the emulator gives against
the vendor's word: parameter names, where they go, required ones, lengths, enums, answer fields, error codes.
"""

import functools
import importlib
import inspect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
METADATA_FILES = {"2017-05-25": "dysmsapi-2017-05-25.json", "2018-05-01": "dysmsapi-2018-05-01.json"}
SDK_PACKAGES = {
    "2017-05-25": "alibabacloud_dysmsapi20170525",
    "2017-06-20": "alibabacloud_dysms20170620",
    "2018-05-01": "alibabacloud_dysmsapi20180501",
}
# Parameters of the signature protocols, not of any operation (RPC HMAC-SHA1 puts them in the query).
PROTOCOL_PARAMS = frozenset(
    {"Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
     "SignatureNonce", "SignatureType", "Timestamp", "RegionId", "SecurityToken"}
)  # fmt: skip
_PLACEMENT = re.compile(r"\b(query|body)\['(\w+)'\]\s*=")
_ACTION = re.compile(r"action\s*=\s*'(\w+)'")


@dataclass(frozen=True)
class Parameter:
    """One request parameter as the vendor declares it; ``None`` where the vendor says nothing."""

    name: str
    location: str  # "query" or "body": where the official SDK puts it
    required: bool = False
    max_length: int | None = None
    enum: tuple[str, ...] | None = None


@functools.cache
def metadata(version: str) -> dict[str, Any] | None:
    """The published metadata of a product version, or ``None`` when Alibaba publishes none (Dysms 2017-06-20)."""
    name = METADATA_FILES.get(version)
    return json.loads((HERE / name).read_text(encoding="utf-8")) if name else None


def _sdk(version: str, module: str) -> Any:
    return importlib.import_module(f"{SDK_PACKAGES[version]}.{module}")


@functools.cache
def _sdk_builders(version: str) -> dict[str, str]:
    """Action -> the source of the official SDK's request builder for it (``<operation>_with_options``)."""
    client = _sdk(version, "client").Client
    builders = {}
    for name in dir(client):
        if name.endswith("_with_options"):
            source = inspect.getsource(getattr(client, name))
            found = _ACTION.search(source)
            if found:
                builders[found.group(1)] = source
    return builders


def sdk_placement(version: str, action: str) -> dict[str, str] | None:
    """Parameter name -> ``query`` | ``body`` as the official SDK's request builder places it; ``None`` if the
    SDK has no such operation."""
    source = _sdk_builders(version).get(action)
    return None if source is None else {name: where for where, name in _PLACEMENT.findall(source)}


@functools.cache
def parameters(version: str, action: str) -> dict[str, Parameter] | None:
    """Every parameter of an operation: the SDK's placement, with the metadata's constraints where published."""
    placement = sdk_placement(version, action)
    published = (metadata(version) or {}).get("apis", {}).get(action)
    if placement is None and published is None:
        return None
    declared: dict[str, Parameter] = {name: Parameter(name, where) for name, where in (placement or {}).items()}
    for item in (published or {}).get("parameters", []):
        schema = item.get("schema", {})
        enum = schema.get("enum")
        declared[item["name"]] = Parameter(
            item["name"],
            (placement or {}).get(item["name"], item.get("in", "query")),
            bool(schema.get("required")),
            schema.get("maxLength"),
            tuple(str(value) for value in enum) if enum else None,
        )
    return declared


def operations(version: str) -> frozenset[str]:
    """The operations Alibaba publishes for a version: the metadata's, and the SDK client's."""
    return frozenset(set((metadata(version) or {}).get("apis", {})) | set(_sdk_builders(version)))


def request_problems(version: str, action: str, query: Mapping[str, str], body: Mapping[str, str]) -> list[str]:
    """What a request breaks in the vendor's contract; empty when it is one the official SDK could have sent."""
    declared = parameters(version, action)
    if declared is None:
        return [f"{version} {action} is not an operation Alibaba publishes"]
    problems = []
    sent = {**{name: ("query", value) for name, value in query.items() if name not in PROTOCOL_PARAMS},
            **{name: ("body", value) for name, value in body.items()}}  # fmt: skip
    for name, (where, value) in sorted(sent.items()):
        parameter = declared.get(name)
        if parameter is None:
            problems.append(f"{action}: unknown parameter {name!r}")
            continue
        if where != parameter.location:
            problems.append(f"{action}: {name} sent in the {where}, the SDK sends it in the {parameter.location}")
        if parameter.max_length is not None and len(value) > parameter.max_length:
            problems.append(f"{action}: {name} is {len(value)} characters, at most {parameter.max_length}")
        if parameter.enum is not None and value not in parameter.enum:
            problems.append(f"{action}: {name}={value!r} is not one of {list(parameter.enum)}")
    for parameter in declared.values():
        if parameter.required and parameter.name not in sent:
            problems.append(f"{action}: required parameter {parameter.name} missing")
    return problems


def invented_answer_fields(version: str, action: str, answer: Mapping[str, Any]) -> list[str]:
    """Answer fields (dotted paths) that the SDK's response model does not know: parse with ``from_map``, render
    with ``to_map``; whatever does not come back was invented. ``None`` values are not compared."""
    body_model = getattr(_sdk(version, "models"), f"{action}ResponseBody", None)
    if body_model is None:
        return [f"{action}: the SDK has no response model"]
    return _leftovers(dict(answer), body_model().from_map(dict(answer)).to_map(), "")


def _leftovers(sent: Any, kept: Any, path: str) -> list[str]:
    if isinstance(sent, dict):
        kept = kept if isinstance(kept, dict) else {}
        found = []
        for key, value in sent.items():
            if value is None:
                continue
            where = f"{path}.{key}" if path else key
            found.extend([where] if key not in kept else _leftovers(value, kept[key], where))
        return found
    if isinstance(sent, list):
        kept = kept if isinstance(kept, list) else []
        found = []
        for index, item in enumerate(sent):
            found.extend(_leftovers(item, kept[index] if index < len(kept) else None, f"{path}[{index}]"))
        return sorted(set(re.sub(r"\[\d+\]", "[]", item) for item in found))
    return []


def published_error_statuses(version: str, action: str) -> dict[str, int] | None:
    """Error code -> HTTP status as published (2017-05-25 operations of the 2024 snapshot); ``None`` if unpublished."""
    codes = (metadata(version) or {}).get("apis", {}).get(action, {}).get("error_codes_2024")
    if codes is None:
        return None
    return {code: int(status) for status, listed in codes.items() for code in listed}


def published_endpoints(version: str) -> dict[str, str]:
    """Region -> host, as the metadata lists them (2017-05-25 and 2018-05-01)."""
    return {item["regionId"]: item["endpoint"] for item in (metadata(version) or {}).get("endpoints", [])}


def sdk_endpoint(version: str, region_id: str) -> str:
    """The host the official SDK of a product version calls for a region (its own endpoint map and rules)."""
    from alibabacloud_tea_openapi.models import Config

    client = _sdk(version, "client").Client(
        Config(access_key_id="oracle", access_key_secret="oracle", region_id=region_id)
    )
    return str(client._endpoint)


def published_parameters(version: str, action: str) -> dict[str, bool]:
    """Parameter name -> required, exactly as the metadata publishes them (without the SDK's own extras)."""
    published = (metadata(version) or {}).get("apis", {}).get(action, {})
    return {item["name"]: bool(item.get("schema", {}).get("required")) for item in published.get("parameters", [])}


def published_response_fields(version: str, action: str) -> frozenset[str]:
    """The answer's top-level fields in the 2024 snapshot (empty where it has none for the operation)."""
    published = (metadata(version) or {}).get("apis", {}).get(action, {})
    return frozenset((published.get("response_2024") or {}).get("properties", {}))
