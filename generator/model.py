"""The register as plain, immutable data: what every later stage works on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Grade:
    name: str
    min: float


@dataclass(frozen=True)
class Meta:
    title: str
    start: dt.date
    end: dt.date
    issuer: str | None = None
    issued: dt.date | None = None
    as_of: dt.date | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"
    description: str | None = None
    repo_url: str | None = None
    edit_uri: str | None = None
    site_url: str | None = None
    grading: tuple[Grade, ...] = ()
    reporting: str = "monthly"  # default reporting cadence: monthly | weekly
    reporting_grace_days: int = 5


@dataclass(frozen=True)
class Bloc:
    id: str
    name: str


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    bloc: str


@dataclass(frozen=True)
class Group:
    id: str
    name: str


@dataclass(frozen=True)
class Measure:
    unit: str
    target: float
    baseline: float = 0


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Report:
    date: dt.date
    status: str
    index: int  # position in the task's list: on equal dates the later one wins
    line: int
    progress: float | None = None
    value: float | None = None
    note: str | None = None
    difficulties: str | None = None
    proposals: str | None = None


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    group: str
    lead: str
    deadline: dt.date
    line: int
    partners: tuple[str, ...] = ()
    target: str | None = None
    measure: Measure | None = None
    links: tuple[Link, ...] = ()
    reports: tuple[Report, ...] = ()
    reporting: str | None = None  # this task's cadence; None: the register's default


@dataclass(frozen=True)
class Register:
    meta: Meta
    blocs: dict[str, Bloc]
    agencies: dict[str, Agency]
    groups: dict[str, Group]
    tasks: tuple[Task, ...]

    def task(self, task_id: int) -> Task:
        return self._by_id[task_id]

    @cached_property
    def _by_id(self) -> dict[int, Task]:
        return {t.id: t for t in self.tasks}


def _fields(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


def build(data: dict[str, Any]) -> Register:
    """Turn the validator's checked plain data into the model."""
    meta = data["register"]
    grading = tuple(Grade(g["name"], g["min"]) for g in meta.get("grading", []))
    return Register(
        meta=Meta(**_fields(meta, "title", "start", "end", "issuer", "issued", "as_of", "timezone",
                            "language", "description", "repo_url", "edit_uri", "site_url",
                            "reporting", "reporting_grace_days"), grading=grading),
        blocs={k: Bloc(k, v) for k, v in data["blocs"].items()},
        agencies={k: Agency(k, v["name"], v["bloc"]) for k, v in data["agencies"].items()},
        groups={k: Group(k, v) for k, v in data["groups"].items()},
        tasks=tuple(_task(t) for t in data["tasks"]),
    )


def _task(data: dict[str, Any]) -> Task:
    measure = data.get("measure")
    return Task(
        **_fields(data, "id", "title", "group", "lead", "deadline", "target", "reporting"),
        line=data["_at"][""][0],
        partners=tuple(dict.fromkeys(p for p in data.get("partners", []) if p != data["lead"])),
        measure=Measure(**_fields(measure, "unit", "target", "baseline")) if measure else None,
        links=tuple(Link(link["title"], link["url"]) for link in data.get("links", [])),
        reports=tuple(
            Report(index=i, line=r["_at"][""][0],
                   **_fields(r, "date", "status", "progress", "value", "note", "difficulties", "proposals"))
            for i, r in enumerate(data.get("reports", []))
        ),
    )
