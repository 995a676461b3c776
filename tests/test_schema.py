"""The published JSON Schema: generated from the validator's own format definition."""

from __future__ import annotations

import json

import jsonschema
import yaml

from generator.schema import json_schema_text
from tests.conftest import REGISTERS, ROOT

SCHEMA = ROOT / "schema" / "tasks.schema.json"


def _load(path):
    # The YAML language server reads YAML 1.2: dates stay strings, as they are here.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_NoDates)


class _NoDates(yaml.SafeLoader):
    pass


_NoDates.yaml_implicit_resolvers = {
    k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_committed_schema_is_up_to_date():
    assert SCHEMA.read_text(encoding="utf-8") == json_schema_text(), \
        "schema/tasks.schema.json is stale: run python -m generator schema"


def test_schema_accepts_the_example_and_the_fixture():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    for path in (ROOT / "tasks.yaml", REGISTERS / "valid" / "small.yaml"):
        jsonschema.validate(_load(path), schema)


def test_schema_flags_a_misspelt_key_with_vietnamese_descriptions():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = _load(REGISTERS / "broken" / "unknown_key.yaml")
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    assert any("dealine" in e.message for e in errors)
    task = schema["properties"]["tasks"]["items"]["properties"]
    assert task["deadline"]["description"] == "Thời gian hoàn thành (bắt buộc)"


def test_example_register_points_editors_to_the_schema():
    first = (ROOT / "tasks.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/tasks.schema.json"
