"""An account as account-file YAML text: what ``alisms export`` writes and ``load_account`` reads back."""

import json
from typing import Any

import yaml

from pulumi_alisms.spec.models import AccountSpec


def dump_account(spec: AccountSpec) -> str:
    """The YAML text of ``spec`` (defaults left out); samples equal to a template's content are written as its key."""
    return yaml.safe_dump(_account_data(spec), sort_keys=False, allow_unicode=True, width=1 << 16)


def account_json(spec: AccountSpec) -> str:
    """The same content as :func:`dump_account`, as JSON (which YAML readers, ``load_account`` too, accept)."""
    return json.dumps(_account_data(spec), indent=2, ensure_ascii=False) + "\n"


def _account_data(spec: AccountSpec) -> dict[str, Any]:
    data = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    keys_by_content: dict[str, str] = {}
    for key, template in spec.templates.items():
        keys_by_content.setdefault(template.content, key)
    for entry in data.get("sender_ids", {}).values():
        entry["sample_templates"] = [keys_by_content.get(sample, sample) for sample in entry["sample_templates"]]
    return {"version": spec.version, **data}
