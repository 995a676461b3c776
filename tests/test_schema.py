"""The published JSON Schema, read as editors read it (YAML 1.2, as the YAML language server in VS Code
does): it never refuses a register that ``validate`` accepts, catches what JSON Schema can say, and
speaks Vietnamese. What only ``validate`` can see is listed in the editors' guide."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from generator.schema import DATE_SCHEMA_PATTERN, json_schema_text
from generator import i18n
from tests.conftest import REGISTERS, ROOT, validate_path, validate_text
from tests.strategies import valid_registers

SCHEMA = ROOT / "schema" / "tasks.schema.json"
SMALL = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")


class Yaml12(yaml.SafeLoader):
    """YAML 1.2's core schema, as editors' tools read YAML: dates and yes/no/on/off stay text,
    1_000 and 1:30 are text, 0o17 is a number; mapping keys become strings, as in JSON."""


Yaml12.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    Yaml12.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


def _int12(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    return int(text, 8 if text.startswith("0o") else 16 if text.startswith("0x") else 10) if text[:2] in ("0o", "0x") \
        else int(text, 10)


def _float12(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = loader.construct_scalar(node).lower().lstrip("+")
    return {".inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}.get(text) or float(text)


def _bool12(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def _mapping12(loader: yaml.SafeLoader, node: yaml.Node) -> dict:
    pairs = loader.construct_pairs(node, deep=True)
    return {json.dumps(k) if not isinstance(k, str) and k is not None else (k or ""): v for k, v in pairs} \
        if any(not isinstance(k, str) for k, _ in pairs) else dict(pairs)


Yaml12.add_constructor("tag:yaml.org,2002:int", _int12)
Yaml12.add_constructor("tag:yaml.org,2002:float", _float12)
Yaml12.add_constructor("tag:yaml.org,2002:bool", _bool12)
Yaml12.add_constructor("tag:yaml.org,2002:map", _mapping12)


def as_editor_reads(text: str):
    return yaml.load(text, Loader=Yaml12)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def checker(schema) -> jsonschema.Draft7Validator:
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _errors(checker, text: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checker.iter_errors(as_editor_reads(text))]


def test_committed_schema_is_up_to_date():
    assert SCHEMA.read_text(encoding="utf-8") == json_schema_text(), \
        "schema/tasks.schema.json is stale: run python -m generator schema"


def test_the_loader_reads_yaml_as_editors_do():
    read = as_editor_reads("a: 2021-02-28\nb: yes\nc: 1_000\nd: 0o17\ne: .inf\nf: True\ng: 017\nh:\n1: x\n")
    assert read == {"a": "2021-02-28", "b": "yes", "c": "1_000", "d": 15, "e": math.inf, "f": True, "g": 17,
                    "h": None, "1": "x"}


@pytest.mark.parametrize("path", [ROOT / "tasks.yaml", *sorted((REGISTERS / "valid").glob("*.yaml"))],
                         ids=lambda p: p.name)
def test_accepts_the_example_and_every_good_fixture(checker, path):
    assert validate_path(path).ok
    assert _errors(checker, path.read_text(encoding="utf-8")) == []


def test_an_id_that_editors_read_as_a_number_is_refused_unquoted_and_accepted_by_both_quoted():
    """``0e0`` is text to the validator (YAML 1.1) and the number 0.0 to an editor's tools (YAML 1.2): the
    schema then refused the key the validator accepted (found by the property test below)."""
    checker = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    text = SMALL.replace("  do-thi: ", "  {key}: ", 1).replace("group: do-thi", "group: {key}")
    assert "{key}" in text
    unquoted = validate_text(text.replace("{key}", "0e0"))
    assert [p.code for p in unquoted.problems if p.is_error] == ["id_read_as_number"]
    told = i18n.format_problem(unquoted.problems[0], "tasks.yaml", "vi")
    assert "tasks.yaml" in told and "'0e0'" in told and "dấu nháy" in told  # the file, the line, the fix
    quoted = text.replace("{key}", "'0e0'")
    assert validate_text(quoted).ok and _errors(checker, quoted) == []


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_registers())
def test_never_refuses_a_register_that_validate_accepts(text):
    checker = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    result = validate_text(text)
    assert result.ok, [p for p in result.problems if p.is_error]
    assert _errors(checker, text) == [], text


ACCEPTED = {  # what editors met as false alarms: every one valid for validate too
    "empty lists": ("    partners: [ban-qlda]", "    partners: []"),
    "empty reports": ("      - {date: 2021-04-15, status: cancelled, note: Gộp vào nhiệm vụ 8.}",
                      "      []\n    links: []"),
    "reports left empty": ("    reports:\n      - {date: 2021-04-15, status: cancelled, note: Gộp vào nhiệm vụ 8.}",
                           "    reports:"),
    "capital HTTPS": ("  as_of: 2021-05-31\n", "  as_of: 2021-05-31\n  site_url: HTTPS://Example.ORG/so\n"),
    "short dates": ("deadline: 2021-06-30", "deadline: 2021-6-30"),
    "a year as a title": ("title: Kè suối Nặm La giai đoạn II", "title: 2021"),
    "yes as text": ("title: Kè suối Nặm La giai đoạn II", "title: yes"),
    "leap day": ("deadline: 2021-06-30", "deadline: 29/02/2024"),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_what_used_to_cry_wolf_is_accepted(checker, name):
    old, new = ACCEPTED[name]
    assert old in SMALL
    text = SMALL.replace(old, new, 1)
    assert validate_text(text).ok, name
    assert _errors(checker, text) == []


CAUGHT = {  # mistakes both refuse
    "month 13": ("deadline: 2021-06-30", "deadline: 2021-13-40"),
    "30 February": ("deadline: 2021-06-30", "deadline: 2021-02-30"),
    "31 April": ("deadline: 2021-06-30", "deadline: 31/04/2021"),
    "29 February 2021": ("deadline: 2021-06-30", "deadline: 29/02/2021"),
    "1900 was not a leap year": ("deadline: 2021-06-30", "deadline: 1900-02-29"),
    "blank title": ("title: Kè suối Nặm La giai đoạn II", "title: '   '"),
    "control character": ("title: Kè suối Nặm La giai đoạn II", 'title: "Kè\\x1b[31m"'),
    "fractional id": ("  - id: 2\n", "  - id: 2.5\n"),
    "quoted id": ("  - id: 2\n", "  - id: '2'\n"),
    "id zero": ("  - id: 2\n", "  - id: 0\n"),
    "infinite value": ("target: 25", "target: .inf"),
    "progress over 100": ("progress: 80}", "progress: 101}"),
    "quoted progress": ("progress: 80}", "progress: '80'}"),
    "unknown status": ("status: paused", "status: tạm dừng"),
    "bad agency id": ("  phong-qldt:", "  Phòng QLĐT:"),
    "javascript link": ("  as_of: 2021-05-31\n", "  as_of: 2021-05-31\n  repo_url: javascript:alert(1)\n"),
    "too long": ("title: Kè suối Nặm La giai đoạn II", "title: " + "x" * 20001),
    "misspelt key": ("deadline: 2021-06-30", "dealine: 2021-06-30"),
}


@pytest.mark.parametrize("name", CAUGHT)
def test_catches_what_json_schema_can_say(checker, name):
    old, new = CAUGHT[name]
    assert old in SMALL
    text = SMALL.replace(old, new, 1)
    assert not validate_text(text).ok, name
    assert _errors(checker, text), name


# What only validate sees (the editors' guide lists these): references, duplicates, rules across fields,
# and what a YAML 1.2 reader cannot tell apart (6.0 is the integer 6 to it; .nan compares with nothing).
ONLY_VALIDATE = {"alias", "anchor", "duplicate_key", "duplicate_task_id", "end_before_start", "grading_order",
                 "measure_target_below_baseline", "progress_with_measure", "value_without_measure",
                 "report_after_as_of", "undefined_agency", "undefined_bloc", "undefined_group", "undefined_partner",
                 "multiple_documents", "not_utf8", "nul_byte", "bad_timezone", "yaml_syntax_colon", "yaml_syntax_tab",
                 "yaml_unclosed_quote", "empty", "carriage_return_title",
                 # issue 18's limits that JSON Schema does not express here: years 1900-2200, six-digit task numbers
                 "deadline_year_1", "end_year_9999", "task_id_3600_digits"}


@pytest.mark.parametrize("path", sorted((REGISTERS / "broken").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_broken_fixture_is_caught_or_listed_as_validate_only(checker, path):
    assert not validate_path(path).ok
    if path.stem in ONLY_VALIDATE:
        return
    assert _errors(checker, path.read_text(encoding="utf-8")), f"{path.name}: the schema should catch this"


def test_what_only_validate_sees_is_listed_in_the_editors_guide():
    guide = (ROOT / "content" / "editors.md").read_text(encoding="utf-8")
    for words in ("6.0", ".nan", "trùng", "không có trong", "kết thúc", "progress", "value"):
        assert words in guide.split("## Những lỗi chỉ")[1].split("\n## ")[0], words


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, path + (i,))


def test_messages_are_vietnamese_and_dates_say_their_format(schema):
    patterns = [(p, n) for p, n in _walk(schema) if "pattern" in n and "defaultSnippets" not in p]
    assert len(patterns) > 20
    vietnamese = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
    nodes = dict(_walk(schema))
    for path, node in patterns:
        if len(path) > 2 and path[-2] == "anyOf":  # a branch: the message is on the whole
            node = nodes[path[:-2]]
        message = node.get("patternErrorMessage") or node.get("errorMessage")
        assert message and vietnamese.search(message), path
    dates = [(p, n) for p, n in _walk(schema) if n.get("pattern") == DATE_SCHEMA_PATTERN]
    assert len(dates) == 6  # issued, start, end, as_of; a task's deadline; a report's date
    for path, node in dates:
        assert "YYYY-MM-DD" in node["description"] and "DD/MM/YYYY" in node["description"], path


def test_every_pattern_compiles_as_javascript_reads_it(schema):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    patterns = sorted({n["pattern"] for _, n in _walk(schema) if isinstance(n.get("pattern"), str)})
    script = "for (const p of JSON.parse(require('fs').readFileSync(0, 'utf8'))) new RegExp(p, 'u');"
    subprocess.run([node, "-e", script], input=json.dumps(patterns), text=True, check=True, timeout=60)


def _fill(value):
    """A snippet as the editor leaves it when every placeholder keeps its default."""
    if isinstance(value, dict):
        return {k: _fill(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v) for v in value]
    if isinstance(value, str):
        return as_editor_reads(re.sub(r"\$\{\d+:([^}]*)\}", r"\1", value))
    return value


def test_snippets_validate(schema, checker):
    snippets = [(p, s) for p, n in _walk(schema) for s in n.get("defaultSnippets", [])]
    assert {s["label"] for _, s in snippets} >= {"Nhiệm vụ mới", "Báo cáo mới"}
    task_schema = schema["properties"]["tasks"]["items"]
    report_schema = task_schema["properties"]["reports"]["items"]
    for _, snippet in snippets:
        target = task_schema if snippet["label"] == "Nhiệm vụ mới" else report_schema
        body = _fill(snippet["body"])
        errors = list(jsonschema.Draft7Validator(target).iter_errors(body))
        assert errors == [], (snippet["label"], [e.message for e in errors])
    assert task_schema["properties"]["id"]["anyOf"][0]["minimum"] == 1


def test_example_register_points_editors_to_the_published_schema(tmp_path):
    from generator.derive import derive
    from generator.render import data

    first = (ROOT / "tasks.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/tasks.schema.json"
    result = validate_path(REGISTERS / "valid" / "small.yaml")
    out = tmp_path / "data"
    data.write(result.register, derive(result.register, result.as_of.date), ROOT / "tasks.yaml", out)
    pointed = first.split("$schema=")[1]
    assert (out / pointed).read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8")
