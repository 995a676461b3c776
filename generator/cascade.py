"""The cascade (issue 15): a site of one root register and the registers of the units below it.

``discover`` finds the files (``tasks.yaml`` and ``registers/*.yaml`` beside it); ``check`` loads and
validates each as usual, then the set as a whole: every unit register names its unit, unit ids are
unique, each parent exists, the parents form no loop, ``contributes_to`` names a task of the parent's
register and ``unit.agency`` one of its agencies. Every problem stays with its file, so each is shown
as ``FILE:LINE:COL`` in that register's language. Plain functions over plain data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .load import MAX_BYTES, load_file
from .model import Register
from .problems import Problem, has_errors, problem
from .schema import closest
from .unitfields import Extras, Place, Unit
from .validate import Result, validate

UNITS_FOLDER = "registers"


@dataclass
class Checked:
    """One register of the set: its path as given, its validation, and the problems across files."""

    path: str
    result: Result | None  # None: the file could not be read
    error: str = ""  # why it could not be read
    cross: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        own = self.result.problems if self.result else []
        return sorted(own + self.cross)

    @property
    def language(self) -> str:
        return self.result.language if self.result else "vi"

    @property
    def extras(self) -> Extras:
        return self.result.extras if self.result else Extras()

    @property
    def unit(self) -> Unit | None:
        return self.extras.unit


@dataclass
class Cascade:
    """The set: ``files[0]`` is the root register."""

    files: list[Checked]

    @property
    def ok(self) -> bool:
        return all(f.result is not None and f.result.ok and not has_errors(f.cross) for f in self.files)

    @property
    def root(self) -> Checked:
        return self.files[0]

    @property
    def units(self) -> list[Checked]:
        return self.files[1:]

    def by_unit(self) -> dict[str, Checked]:
        return {f.unit.id: f for f in self.files if f.unit is not None}


def discover(root: Path) -> list[Path]:
    """The root register, then every ``registers/*.yaml`` beside it, by name (none: the root alone)."""
    folder = root.parent / UNITS_FOLDER
    units = sorted(p for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []
    return [root] + [p for p in units if p.resolve() != root.resolve()]


def check(paths: list[Path], as_of: dt.date | None = None, max_bytes: int = MAX_BYTES) -> Cascade:
    """Load and validate every register, then the set (when each file is valid on its own)."""
    files: list[Checked] = []
    for path in paths:
        try:
            loaded = load_file(path, max_bytes)
        except OSError as exc:
            reason = str(exc.strerror or exc)
            files.append(Checked(str(path), None, reason, [problem(1, 1, "register_unreadable", reason=reason)]))
            continue
        files.append(Checked(str(path), validate(loaded, as_of)))
    cascade = Cascade(files)
    if len(files) > 1:
        check_set(cascade)
    return cascade


def _at(place: Place | None, code: str, **args: object) -> Problem:
    place = place or Place(1, 1)
    return problem(place.line, place.col, code, **args)


def check_set(cascade: Cascade) -> None:
    """The checks across files; each problem is added to the file it is in."""
    first: dict[str, Checked] = {}
    for f in cascade.files:
        unit = f.unit
        if f.result is None or f.result.register is None and unit is None:
            continue
        if unit is None:
            if f is not cascade.root and "" not in f.extras.unit_at:
                f.cross.append(_at(Place(1, 1), "unit_missing"))
            continue
        if unit.id in first:
            f.cross.append(_at(f.extras.unit_at.get("id"), "duplicate_unit", unit=unit.id, first=first[unit.id].path))
        else:
            first[unit.id] = f
    for f in cascade.units:
        unit = f.unit
        if unit is None or first.get(unit.id) is not f:
            continue
        if unit.parent is None:
            f.cross.append(_at(f.extras.unit_at.get(""), "unit_parent_missing", unit=unit.id))
            continue
        parent = first.get(unit.parent)
        if parent is None:
            known = sorted(u for u in first if u != unit.id)
            f.cross.append(_at(f.extras.unit_at.get("parent"), "unknown_parent", value=unit.parent,
                               known=", ".join(known[:20]), suggestion=closest(unit.parent, known) or ""))
            continue
        loop = _cycle(unit.id, first)
        if loop:
            f.cross.append(_at(f.extras.unit_at.get("parent"), "unit_cycle", cycle=" → ".join(loop)))
            continue
        _check_ties(f, parent)


def _cycle(start: str, units: dict[str, Checked]) -> list[str]:
    """The loop of parents ``start`` is on (``a → b → a``), or [] when its parents reach the top."""
    seen = [start]
    current = units[start].unit
    while current is not None and current.parent is not None and current.parent in units:
        if current.parent == start:
            return seen + [start]
        if current.parent in seen:
            return []  # a loop above this unit: said at the units on it
        seen.append(current.parent)
        current = units[current.parent].unit
    return []


def _check_ties(f: Checked, parent: Checked) -> None:
    """``unit.agency`` and every ``contributes_to`` against the parent's register."""
    reg = parent.result.register if parent.result else None
    unit = f.unit
    if reg is None or unit is None:
        return
    where = {"parent": unit.parent or "", "file": parent.path}
    if unit.agency is not None and unit.agency not in reg.agencies:
        f.cross.append(_at(f.extras.unit_at.get("agency"), "unknown_parent_agency", value=unit.agency,
                           suggestion=closest(unit.agency, tuple(reg.agencies)) or "", **where))
    ids = [str(t.id) for t in reg.tasks]
    for task, targets in f.extras.contributes.items():
        for number, place in targets:
            if str(number) not in ids:
                f.cross.append(problem(place.line, place.col, "unknown_parent_task", task=task, value=number,
                                       suggestion=_near_task(number, reg), **where))


def _near_task(number: int, reg: Register) -> str:
    """A near miss: digits swapped or one off (47 for 74, 46 for 47)."""
    ids = [str(t.id) for t in reg.tasks]
    swapped = str(number)[::-1]
    if swapped in ids and swapped != str(number):
        return swapped
    return closest(str(number), ids) or ""


def problems_of(cascade: Cascade) -> list[tuple[str, str, list[Problem]]]:
    """(path, language, problems) of every file that has any, root first."""
    return [(f.path, f.language, f.problems) for f in cascade.files if f.problems]
