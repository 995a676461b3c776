"""The format is declared once (model.py): whatever an editor writes reaches the model, the data
files, the editors' field reference and the JSON Schema, and there is one list of statuses."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest

from generator import model, schema
from generator.derive import STATUS_ORDER, derive
from generator.load import load_text
from generator.render import data, pages
from generator.shapes import declared
from generator.validate import validate

# Every field of the format written once, each with a value unlike its default.
EVERY_FIELD = """\
register:
  title: Sổ thử mọi trường
  issuer: UBND thành phố Sơn La
  issued: 2021-01-05
  start: 2021-01-01
  end: 2021-12-31
  as_of: 2021-05-31
  timezone: Asia/Bangkok
  language: en
  description: Giới thiệu **đậm**
  repo_url: https://git.example.vn/so-nhiem-vu/
  edit_uri: edit/main/
  site_url: https://example.vn/so/
  grading:
    - {name: Xuất sắc, min: 90}
  short_name: KL 55
  licence: CC BY 4.0
  licence_url: https://creativecommons.org/licenses/by/4.0/
  min_due: 2
  late_credit: 0.25
  reporting: weekly
  reporting_grace_days: 7
  unit: {id: tp-son-la, name: Thành phố Sơn La, kind: city, parent: tinh-son-la, agency: ubnd-tinh, attention_below: true}
blocs:
  ubnd: Khối UBND
agencies:
  phong-qldt: {name: Phòng Quản lý đô thị, bloc: ubnd}
  ban-qlda: {name: Ban Quản lý dự án, bloc: ubnd}
groups:
  do-thi: Đô thị
tasks:
  - id: 7
    title: Bê tông hóa đường nông thôn
    group: do-thi
    lead: phong-qldt
    partners: [ban-qlda]
    target: 25 km đường
    deadline: 2021-10-31
    measure: {unit: km, target: 25, baseline: 1}
    links:
      - {title: Kế hoạch, url: "https://example.vn/ke-hoach.pdf"}
    reporting: monthly
    contributes_to: [3, 4]
    reports:
      - date: 2021-04-30
        status: in_progress
        value: 13
        note: Đã làm 13 km
        difficulties: Mưa nhiều
        proposals: Bổ sung vốn
  - id: 8
    title: Lát vỉa hè
    group: do-thi
    lead: ban-qlda
    deadline: 2021-09-30
    reports:
      - {date: 2021-05-10, status: done, progress: 100}
"""


@pytest.fixture(scope="module")
def checked():
    result = validate(load_text(EVERY_FIELD))
    assert result.ok, result.problems
    return result.register


def _differs_from_default(obj: object, name: str) -> bool:
    f = next(f for f in dataclasses.fields(obj) if f.name == name)  # type: ignore[arg-type]
    default = f.default if f.default is not dataclasses.MISSING else dataclasses.MISSING
    return getattr(obj, name) != default


@pytest.mark.parametrize("cls", [model.Meta, model.Task, model.Report, model.Measure, model.Link, model.Grade,
                                 model.Agency, model.Unit])
def test_every_field_an_editor_writes_reaches_the_model(checked, cls):
    measured, plain = checked.tasks
    found = {model.Meta: [checked.meta], model.Task: [measured], model.Report: [measured.reports[0], plain.reports[0]],
             model.Measure: [measured.measure], model.Link: [measured.links[0]],
             model.Grade: [checked.meta.grading[0]], model.Agency: [checked.agencies["ban-qlda"]],
             model.Unit: [checked.meta.unit]}[cls]
    names = [f.name for f in dataclasses.fields(cls) if "spec" in f.metadata]
    assert names, cls  # progress and value cannot meet in one report: either report may show a field
    dropped = [name for name in names if not any(_differs_from_default(one, name) for one in found)]
    assert dropped == []


def test_what_is_not_written_is_where_it_came_from(checked):
    task = checked.tasks[0]
    assert task.line == EVERY_FIELD.splitlines().index("  - id: 7") + 1
    assert (task.reports[0].index, task.reports[0].line) == (0, EVERY_FIELD.splitlines().index("      - date: 2021-04-30") + 1)
    assert checked.agencies["ban-qlda"].id == "ban-qlda" and checked.blocs["ubnd"].name == "Khối UBND"
    assert task.reports[0].status is model.Status.IN_PROGRESS


def test_every_task_field_is_in_the_open_data(checked):
    fig = derive(checked, checked.meta.as_of)
    row = data.task_record(checked, fig, checked.tasks[0])
    assert tuple(row) == data.TASK_JSON_FIELDS
    assert row["target"] == "25 km đường" and row["links"] == [{"title": "Kế hoạch", "url": "https://example.vn/ke-hoach.pdf"}]
    assert (row["unit"], row["baseline"], row["measure_target"], row["value"]) == ("km", 1, 25, 13)
    for key, f in declared(model.Task).items():  # each written field has its column(s), or its own file (reports)
        assert set(f.columns if f.columns is not None else (key,)) <= set(row), key
    reports = list(csv.DictReader(io.StringIO(data._csv(data.REPORT_CSV_FIELDS, data.report_rows(checked, fig))
                                              .decode("utf-8-sig"))))
    assert reports[1] == {"task": "8", "date": "2021-05-10", "status": "done", "progress": "100", "value": "",
                          "note": "", "difficulties": "", "proposals": ""}
    assert reports[:1] == [{"task": "7", "date": "2021-04-30", "status": "in_progress", "progress": "", "value": "13",
                        "note": "Đã làm 13 km", "difficulties": "Mưa nhiều", "proposals": "Bổ sung vốn"}]
    links = list(csv.DictReader(io.StringIO(data._csv(data.TASK_CSV_FIELDS, [row]).decode("utf-8-sig"))))[0]["links"]
    assert links == "Kế hoạch <https://example.vn/ke-hoach.pdf>"


def test_the_json_schema_and_the_field_reference_are_the_declaration():
    properties = schema.json_schema()["properties"]["tasks"]["items"]["properties"]
    assert list(properties) == list(declared(model.Task))
    reference = {s["path"]: [f["key"] for f in s["fields"]] for s in pages.format_reference("vi")}
    assert reference["tasks[]"] == list(declared(model.Task))
    assert reference["tasks[].reports[]"] == list(declared(model.Report))
    assert reference["register"] == list(declared(model.Meta))
    assert reference[""] == ["register", "blocs", "agencies", "groups", "tasks"]
    meanings = {f["key"]: f["meaning"] for s in pages.format_reference("vi") for f in s["fields"] if s["path"] == "tasks[]"}
    assert meanings["deadline"] == "Thời gian hoàn thành (bắt buộc)"


def test_one_list_of_statuses():
    assert schema.STATUSES == tuple(model.Status) == STATUS_ORDER
    choices = json.loads(schema.json_schema_text())["properties"]["tasks"]["items"]["properties"]["reports"]["items"][
        "properties"]["status"]["enum"]
    assert choices == [s.value for s in model.Status]
