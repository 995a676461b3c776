"""The register as plain, immutable data — and the one declaration of its format.

Each field an editor writes is declared here once, with ``spec``: its shape (how it is
checked), whether it is required, its default and what it means in Vietnamese and English.
From that one declaration come the validator's checks (``record_of``), the model built
from checked data (``build``), the data files' columns (``render/data.py``), the editors'
field reference and the JSON Schema (``schema.py``). Fields without ``spec`` are not
written by editors: where a record starts (``line``), its place in its list (``index``),
its key in its table (``id``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from .shapes import (CADENCES, MAX_AMOUNT, MAX_TASK_ID, MAX_TITLE, Date, Enum, Ident, ListOf, MapOf, Markdown, Number,
                     OneOrList, Record, Ref, Shape, SPEC, Switch, Text, Url, UrlPath, WebAddress, record_of, spec)


class Status(StrEnum):
    """What a report says of its task: the one list of statuses (checks, model, forms, pages)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


@dataclass(frozen=True)
class Grade:
    name: str = spec(Text(), "Tên mức xếp loại", "Grade name", True)
    min: float = spec(Number(0, 100), "Điểm thấp nhất (0-100) để đạt mức này", "Lowest score (0-100) that earns it",
                      True)


GRADE = record_of(Grade)


# The kinds of unit, largest first (names in translations.yaml, ``unit_kind.*``; issue 15).
UNIT_KINDS = ("province", "city", "district", "town", "commune", "ward", "township", "village",
              "residential_group", "party_committee", "party_cell", "agency", "other")


@dataclass(frozen=True)
class Unit:
    """The unit that publishes a register, in a site of several (issue 15); checked across files by cascade.py."""

    id: str = spec(Ident(), "Mã đơn vị, duy nhất trong cả trang, vd. xa-chieng-co", "Unit id, unique in the site", True)
    name: str = spec(Text(), "Tên đơn vị, vd. Xã Chiềng Cọ", "Unit name, e.g. Chiềng Cọ commune", True)
    kind: str = spec(Enum(UNIT_KINDS, "bad_unit_kind"), "Cấp đơn vị: " + ", ".join(UNIT_KINDS),
                     "Kind of unit: " + ", ".join(UNIT_KINDS), True)
    parent: str | None = spec(Ident(), "Mã đơn vị cấp trên (bắt buộc với sổ của đơn vị cấp dưới)",
                              "Id of the parent unit (required in a unit's register)", default=None)
    agency: str | None = spec(Ident(), "Mã cơ quan trong sổ cấp trên mà đơn vị này là, vd. du-chieng-co",
                              "Id of the agency in the parent's register that this unit is", default=None)
    attention_below: bool = spec(Switch(), "true: trang Cần chú ý liệt kê cả việc quá hạn của các đơn vị cấp dưới",
                                 "true: the needs-attention page also lists the overdue tasks of the units below",
                                 default=False)


@dataclass(frozen=True, kw_only=True)
class Meta:
    title: str = spec(Text(MAX_TITLE), "Tên văn bản (bắt buộc)", "Title of the register (required)", True)
    issuer: str | None = spec(Text(), "Cơ quan ban hành", "Issuing body", default=None)
    issued: dt.date | None = spec(Date(), "Ngày ban hành (YYYY-MM-DD)", "Date issued (YYYY-MM-DD)", default=None)
    start: dt.date = spec(Date(), "Ngày bắt đầu thực hiện (bắt buộc)", "Start of the period (required)", True)
    end: dt.date = spec(Date(), "Ngày kết thúc (bắt buộc, không trước ngày bắt đầu)", "End of the period (required)",
                        True)
    as_of: dt.date | None = spec(Date(), "Số liệu tính đến ngày này (bỏ trống: hôm nay)",
                                 "Figures as of this date (default: today)", default=None)
    timezone: str = spec(Text(), "Múi giờ IANA, mặc định Asia/Ho_Chi_Minh", "IANA time zone, default Asia/Ho_Chi_Minh",
                         default="Asia/Ho_Chi_Minh")
    language: str = spec(Enum(("vi", "en"), "bad_language"), "Ngôn ngữ: vi (mặc định) hoặc en",
                         "Language: vi (default) or en", default="vi")
    description: str | None = spec(Markdown(), "Giới thiệu (Markdown), hiện ở trang chủ",
                                   "Description (Markdown) for the home page", default=None)
    repo_url: str | None = spec(WebAddress(), "Địa chỉ kho mã nguồn (để có liên kết sửa)",
                                "Repository address (for edit links)", default=None)
    edit_uri: str | None = spec(UrlPath(), "Đường dẫn sửa tệp trên kho, vd. edit/main/",
                                "Edit path on the repository host, e.g. edit/main/", default=None)
    site_url: str | None = spec(WebAddress(), "Địa chỉ công khai của trang", "Public address of the site", default=None)
    grading: tuple[Grade, ...] = spec(ListOf(GRADE, limit=20), "Thang xếp loại, từ cao xuống thấp", "Grades, highest first",
                                      default=())
    short_name: str | None = spec(Text(), "Tên ngắn của văn bản, vd. Kết luận số 55-KL/TU",
                                  "Short name, e.g. Conclusion No. 55", default=None)
    licence: str | None = spec(Text(), "Giấy phép của dữ liệu mở, vd. CC BY 4.0",
                               "Licence of the open data, e.g. CC BY 4.0", default=None)
    licence_url: str | None = spec(Url(), "Địa chỉ văn bản giấy phép", "Address of the licence text", default=None)
    min_due: int = spec(Number(0, integer=True), "Số việc đến hạn tối thiểu để được xếp hạng, xếp loại (mặc định 3)",
                        "Tasks due before an agency is ranked or graded (default 3)", default=3)
    late_credit: float = spec(Number(0, 1), "Điểm cho việc hoàn thành chậm, 0-1 (mặc định 0,5)",
                              "Credit for a task done late, 0-1 (default 0.5)", default=0.5)
    # Reporting cadence: the register's default, and the days allowed after a period ends.
    reporting: str = spec(Enum(CADENCES, "bad_reporting"),
                          "Kỳ báo cáo mặc định: monthly (hằng tháng, mặc định) hoặc weekly (hằng tuần)",
                          "Default reporting cadence: monthly (default) or weekly", default="monthly")
    reporting_grace_days: int = spec(Number(0, 60, integer=True),
                                     "Số ngày được phép nộp báo cáo sau khi hết kỳ (mặc định 5)",
                                     "Days allowed to report after a period ends (default 5)", default=5)
    unit: Unit | None = spec(record_of(Unit), "Đơn vị công bố sổ này, khi trang có sổ của nhiều cấp: id, name, kind, "
                             "parent, agency", "The unit publishing this register, in a site of several registers",
                             default=None)


@dataclass(frozen=True)
class Bloc:
    id: str
    name: str


@dataclass(frozen=True)
class Agency:
    id: str
    name: str = spec(Text(), "Tên cơ quan", "Agency name", True)
    bloc: str = spec(Ref(target="blocs"), "Khối (khóa trong blocs)", "Bloc (a key of blocs)", True)


@dataclass(frozen=True)
class Group:
    id: str
    name: str


@dataclass(frozen=True)
class Measure:
    unit: str = spec(Text(), "Đơn vị tính, vd. km, tỷ đồng, %", "Unit, e.g. km, billion VND, %", True)
    target: float = spec(Number(0, MAX_AMOUNT), "Chỉ tiêu cần đạt", "Target value", True)
    baseline: float = spec(Number(0, MAX_AMOUNT), "Giá trị ban đầu (mặc định 0)", "Starting value (default 0)",
                           default=0)


@dataclass(frozen=True)
class Link:
    title: str = spec(Text(), "Tên tài liệu", "Title", True)
    url: str = spec(Url(2000), "Địa chỉ http(s) hoặc mailto", "http(s) or mailto address", True)


REPORT_SNIPPET = {
    "label": "Báo cáo mới",
    "description": "Một lần báo cáo tiến độ: ngày, tình trạng, tiến độ và ghi chú.",
    "body": {"date": "${1:2021-05-31}", "status": "${2:in_progress}", "progress": 50, "note": "${3:Kết quả, thuận lợi}",
             "difficulties": "${4:Khó khăn, vướng mắc}", "proposals": "${5:Kiến nghị, đề xuất}"},
}


@dataclass(frozen=True, kw_only=True)
class Report:
    date: dt.date = spec(Date(), "Ngày báo cáo (bắt buộc)", "Report date (required)", True)
    status: Status = spec(Enum(STATUSES, "bad_status"), "Tình trạng: " + " | ".join(STATUSES),
                          "Status: " + " | ".join(STATUSES), True, of=Status)
    progress: float | None = spec(Number(0, 100), "Tiến độ 0-100 (chỉ khi không có measure)",
                                  "Progress 0-100 (only without a measure)", default=None)
    value: float | None = spec(Number(0, MAX_AMOUNT), "Giá trị đạt được (chỉ khi có measure)",
                               "Value reached (only with a measure)", default=None)
    note: str | None = spec(Markdown(), "Kết quả, thuận lợi", "What was done", default=None)
    difficulties: str | None = spec(Markdown(), "Khó khăn, vướng mắc", "Difficulties", default=None)
    proposals: str | None = spec(Markdown(), "Kiến nghị, đề xuất", "Proposals", default=None)
    index: int  # position in the task's list: on equal dates the later one wins
    line: int


@dataclass(frozen=True, kw_only=True)
class Task:
    id: int = spec(Number(1, MAX_TASK_ID, integer=True), "Số thứ tự nhiệm vụ (số nguyên dương, không trùng)",
                   "Task number (unique positive integer)", True)
    title: str = spec(Text(MAX_TITLE), "Nội dung nhiệm vụ", "What the task is", True)
    group: str = spec(Ref(target="groups"), "Nhóm việc (khóa trong groups)", "Group (a key of groups)", True,
                      columns=("group", "group_name", "bloc", "bloc_name"))
    lead: str = spec(Ref(target="agencies"), "Cơ quan chủ trì (khóa trong agencies)", "Lead agency (a key of agencies)",
                     True, columns=("lead", "lead_name"))
    partners: tuple[str, ...] = spec(ListOf(Ref(target="agencies")), "Cơ quan phối hợp", "Partner agencies",
                                     columns=("partners", "partner_names"), default=())
    target: str | None = spec(Markdown(), "Mục tiêu thực hiện (Markdown)", "Expected result (Markdown)", default=None)
    deadline: dt.date = spec(Date(), "Thời gian hoàn thành (bắt buộc)", "Deadline (required)", True)
    measure: Measure | None = spec(record_of(Measure), "Chỉ tiêu định lượng", "Numeric target",
                                   columns=("unit", "baseline", "measure_target"), default=None)
    links: tuple[Link, ...] = spec(ListOf(record_of(Link)), "Tài liệu, minh chứng", "Evidence links", default=())
    reports: tuple[Report, ...] = spec(ListOf(record_of(Report, snippets=(REPORT_SNIPPET,)), limit=100_000),
                                       "Các lần báo cáo tiến độ", "Progress reports", columns=(),  # reports.csv
                                       default=())
    reporting: str | None = spec(Enum(CADENCES, "bad_reporting"),
                                 "Kỳ báo cáo của nhiệm vụ: monthly hoặc weekly (việc khó); bỏ trống: theo register",
                                 "This task's reporting cadence: monthly or weekly (hard tasks); default: the register's",
                                 columns=("reporting",), default=None)  # None: the register's default
    contributes_to: tuple[int, ...] = spec(OneOrList(Number(1, MAX_TASK_ID, integer=True), limit=20),
                                           "Số thứ tự nhiệm vụ của sổ cấp trên mà việc này góp phần (một số hoặc danh sách)",
                                           "The parent register's task(s) this task contributes to", default=())
    line: int


TASK_SNIPPET = {
    "label": "Nhiệm vụ mới",
    "description": "Một nhiệm vụ với các trường bắt buộc; đổi số thứ tự cho không trùng.",
    "body": {"id": 101, "title": "${1:Nội dung nhiệm vụ}", "group": "${2:ma-nhom}", "lead": "${3:ma-co-quan}",
             "deadline": "${4:2021-12-31}", "reports": []},
}


@dataclass(frozen=True)
class Register:
    meta: Meta = spec(record_of(Meta), "Thông tin chung của văn bản", "About the register", True, key="register")
    blocs: dict[str, Bloc] = spec(MapOf(Text(), limit=50, entry=Bloc), "Các khối: mã → tên", "Blocs: id → name", True)
    agencies: dict[str, Agency] = spec(MapOf(record_of(Agency), limit=500), "Các cơ quan: mã → {name, bloc}",
                                       "Agencies: id → {name, bloc}", True)
    groups: dict[str, Group] = spec(MapOf(Text(), limit=200, entry=Group), "Các nhóm việc: mã → tên",
                                    "Groups: id → name", True)
    tasks: tuple[Task, ...] = spec(ListOf(record_of(Task, label="id", snippets=(TASK_SNIPPET,)), limit=20_000),
                                   "Danh sách nhiệm vụ", "The tasks", True)

    def task(self, task_id: int) -> Task:
        return self._by_id[task_id]

    @cached_property
    def _by_id(self) -> dict[int, Task]:
        return {t.id: t for t in self.tasks}


REGISTER = record_of(Register)




def _item(record: Record, key: str) -> Record:
    shape = record.fields[key].shape
    found = shape.item if isinstance(shape, ListOf) else shape.value if isinstance(shape, MapOf) else shape
    assert isinstance(found, Record)
    return found


# The records of the format, for the validator and the JSON Schema (one object each).
META = _item(REGISTER, "register")
TASK = _item(REGISTER, "tasks")
REPORT = _item(TASK, "reports")
MEASURE = _item(TASK, "measure")
LINK = _item(TASK, "links")
AGENCY = _item(REGISTER, "agencies")


def build(data: dict[str, Any]) -> Register:
    """Turn the validator's checked plain data into the model, field by declared field."""
    register = _from_record(REGISTER, data)
    return dataclasses.replace(register, tasks=tuple(_without_lead(t) for t in register.tasks))


def _without_lead(task: Task) -> Task:
    """Partners as written, once each, leaving out the lead."""
    partners = tuple(dict.fromkeys(p for p in task.partners if p != task.lead))
    return task if partners == task.partners else dataclasses.replace(task, partners=partners)


def _from_record(record: Record, data: dict[str, Any], **derived: Any) -> Any:
    assert record.model is not None
    values = {}
    for f in dataclasses.fields(record.model):
        decl = f.metadata.get(SPEC)
        if decl is None or (key := decl.key or f.name) not in data:
            continue
        value = _value(decl.shape, data[key])
        values[f.name] = decl.of(value) if decl.of else value
    wanted = {f.name for f in dataclasses.fields(record.model)}
    if "line" in wanted:
        derived["line"] = data["_at"][""][0]
    return record.model(**values, **{k: v for k, v in derived.items() if k in wanted})


def _value(shape: Shape, value: Any) -> Any:
    if isinstance(shape, Record) and shape.model is not None:
        return _from_record(shape, value)
    if isinstance(shape, ListOf):
        item = shape.item
        if isinstance(item, Record) and item.model is not None:
            return tuple(_from_record(item, v, index=i) for i, v in enumerate(value))
        return tuple(value)
    if isinstance(shape, MapOf):
        entry = shape.value
        if isinstance(entry, Record) and entry.model is not None:
            return {k: _from_record(entry, v, id=k) for k, v in value.items()}
        if shape.entry is not None:
            return {k: shape.entry(k, v) for k, v in value.items()}
        return dict(value)
    return value
