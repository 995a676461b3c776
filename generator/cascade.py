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

from .derive import Figures, Tally, TaskFigures
from . import reuse
from .asof import DEFAULT_TIMEZONE, Source, today
from .load import MAX_BYTES, load_bytes, load_file
from .model import Agency, Register, Task
from .problems import Problem, has_errors, problem
from .schema import closest
from .model import Unit
from .unitfields import Extras, Place
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
        register = self.result.register if self.result else None
        return register.meta.unit if register else None


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


def check(paths: list[Path], as_of: dt.date | None = None, max_bytes: int = MAX_BYTES,
          cache: Path | None = None) -> Cascade:
    """Load and validate every register, then the set (when each file is valid on its own). With a
    ``cache`` folder, a file's validation is kept there and reused while its bytes, the date and the
    code are the same (``reuse.Validated``)."""
    store = reuse.Validated(cache)
    files = [_checked(path, as_of, max_bytes, store) for path in paths]
    store.prune()
    cascade = Cascade(files)
    if len(files) > 1:
        check_set(cascade)
    return cascade


def _checked(path: Path, as_of: dt.date | None, max_bytes: int, store: reuse.Validated) -> Checked:
    try:
        data = path.read_bytes() if path.stat().st_size <= max_bytes else None
    except OSError as exc:
        reason = str(exc.strerror or exc)
        return Checked(str(path), None, reason, [problem(1, 1, "register_unreadable", reason=reason)])
    if data is None:  # too large: load_file says so
        return Checked(str(path), validate(load_file(path, max_bytes), as_of))
    key = reuse.digest("validated", str(path), data, as_of, max_bytes)
    found = store.get(key)
    if isinstance(found, Result) and _still_as_of(found):
        return Checked(str(path), found)
    result = validate(load_bytes(data, str(path), max_bytes), as_of)
    if result.register is not None and result.as_of is not None:
        store.put(key, result)
    return Checked(str(path), result)


def _still_as_of(result: Result) -> bool:
    """A validation is for one as-of date: the command line's or the register's (both in the key), or
    today in the register's time zone, which the next day is another (the only way the clock enters it)."""
    if result.register is None or result.as_of is None:
        return False
    if result.as_of.source is not Source.TODAY:
        return True
    return result.as_of.date == today(result.register.meta.timezone or DEFAULT_TIMEZONE)


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
            if "" not in f.extras.unit_at:  # the root too: its units name it as their parent
                f.cross.append(_at(f.extras.register_at, "unit_missing"))
            continue
        if unit.id in first:
            f.cross.append(_at(f.extras.unit_at.get("id"), "duplicate_unit", unit=unit.id, first=first[unit.id].path))
        else:
            first[unit.id] = f
    broken = any(f.result is None or f.result.register is None for f in cascade.files)
    for f in cascade.units:
        unit = f.unit
        if unit is None or first.get(unit.id) is not f:
            continue
        if unit.parent is None:
            f.cross.append(_at(f.extras.unit_at.get(""), "unit_parent_missing", unit=unit.id))
            continue
        parent = first.get(unit.parent)
        if parent is None and broken:
            continue  # the parent may be the register that failed on its own: its errors are said first
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
    """A near miss: the digits swapped (47 for 74), else the number closest in its digits."""
    ids = [str(t.id) for t in reg.tasks]
    swapped = str(number)[::-1]
    if swapped in ids and swapped != str(number):
        return swapped
    return closest(str(number), ids) or ""


def problems_of(cascade: Cascade) -> list[tuple[str, str, list[Problem]]]:
    """(path, language, problems) of every file that has any, root first."""
    return [(f.path, f.language, f.problems) for f in cascade.files if f.problems]


# --- The site's view of the set (issue 15): the unit tree, contributions, roll-ups, agency ties ----

UNITS_PREFIX = "units"


@dataclass(frozen=True)
class SiteUnit:
    """A register as the site shows it: ``prefix`` is its section, "" for the root, else ``units/<id>/``
    (the unit's id alone: adding or removing another unit never moves its pages)."""

    unit: Unit | None
    path: str
    prefix: str
    register: Register
    figures: Figures
    depth: int = 0

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else (self.register.meta.issuer or self.register.meta.title)


@dataclass(frozen=True)
class Contribution:
    """A unit's task that contributes to a task of its parent's register; ``url`` from the site root."""

    owner: SiteUnit
    task: Task
    figures: TaskFigures
    url: str


@dataclass(frozen=True)
class RollUp:
    """The contributing tasks' latest measured values added up, when they all measure in the parent
    task's unit (``unit`` set, ``total`` their sum); else ``units`` lists what they measure in."""

    count: int
    reporting: int  # contributing tasks with a measured value
    unit: str | None = None
    total: float | None = None
    units: tuple[str, ...] = ()


@dataclass
class Links:
    """What ties the registers' pages together; keys are (section prefix, task number or agency id)."""

    sections: list[SiteUnit]  # the tree, depth first: the root, then each unit under its parent
    contributions: dict[tuple[str, int], list[Contribution]] = field(default_factory=dict)
    contributes_to: dict[tuple[str, int], list[tuple[SiteUnit, Task, str]]] = field(default_factory=dict)
    agency_unit: dict[tuple[str, str], SiteUnit] = field(default_factory=dict)  # parent's agency → the unit it is
    unit_agency: dict[str, tuple[SiteUnit, Agency]] = field(default_factory=dict)  # unit prefix → parent's agency

    def rollup(self, prefix: str, task: Task) -> RollUp | None:
        found = self.contributions.get((prefix, task.id), [])
        if task.measure is None or not found:
            return None
        reporting = sum(c.figures.value is not None for c in found)
        units = tuple(dict.fromkeys((c.task.measure.unit.strip() if c.task.measure else "—") for c in found))
        if all(c.task.measure and _same_unit(c.task.measure.unit, task.measure.unit) for c in found):
            total = sum(c.figures.value for c in found if c.figures.value is not None)
            return RollUp(len(found), reporting, task.measure.unit, float(total))
        return RollUp(len(found), reporting, units=units)

    def below(self, prefix: str) -> list[SiteUnit]:
        """The sections under the one at ``prefix``, depth first."""
        at = next((i for i, s in enumerate(self.sections) if s.prefix == prefix), None)
        if at is None:
            return []
        depth, found = self.sections[at].depth, []
        for section in self.sections[at + 1:]:
            if section.depth <= depth:
                break
            found.append(section)
        return found

    def overdue_below(self, prefix: str) -> list[tuple[SiteUnit, Task, TaskFigures]]:
        """The overdue tasks of the units under ``prefix``, most days overdue first."""
        found = [(s, t, s.figures.tasks[t.id]) for s in self.below(prefix) for t in s.register.tasks
                 if s.figures.tasks[t.id].overdue]
        found.sort(key=lambda item: (-item[2].days_overdue, item[0].prefix, item[1].id))
        return found

    def totals(self) -> Tally:
        """Every register's tasks counted once: a contribution is a task of its own register only."""
        tally = Tally()
        for section in self.sections:
            for figures in section.figures.tasks.values():
                tally.add(figures)
        return tally


def _same_unit(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def section_prefix(unit: Unit) -> str:
    return f"{UNITS_PREFIX}/{unit.id}/"


def site_links(root: SiteUnit, units: list[tuple[Checked, Figures]]) -> Links:
    """The tree and the ties between registers, from checked registers and their figures."""
    made = [SiteUnit(f.unit, f.path, section_prefix(f.unit), f.result.register, figures)
            for f, figures in units if f.unit and f.result and f.result.register]
    by_id = {s.unit.id: s for s in made if s.unit}
    if root.unit:
        by_id[root.unit.id] = root
    children: dict[str, list[SiteUnit]] = {}
    for s in made:
        if s.unit and s.unit.parent:
            children.setdefault(s.unit.parent, []).append(s)
    ordered: list[SiteUnit] = []

    def walk(section: SiteUnit, depth: int) -> None:
        placed = SiteUnit(section.unit, section.path, section.prefix, section.register, section.figures, depth)
        ordered.append(placed)
        if section.unit:
            for child in sorted(children.get(section.unit.id, []), key=lambda c: (_kind_rank(c), c.name)):
                walk(child, depth + 1)

    walk(root, 0)
    links = Links(ordered)
    placed = {s.unit.id: s for s in ordered if s.unit}
    for section in ordered[1:]:
        unit = section.unit
        parent = placed.get(unit.parent) if unit and unit.parent else None
        if unit is None or parent is None:
            continue
        if unit.agency and unit.agency in parent.register.agencies:
            links.agency_unit[(parent.prefix, unit.agency)] = section
            links.unit_agency[section.prefix] = (parent, parent.register.agencies[unit.agency])
        for task in section.register.tasks:
            number = task.id
            for target in task.contributes_to:
                parent_task = parent.register.task(target)
                links.contributions.setdefault((parent.prefix, target), []).append(
                    Contribution(section, task, section.figures.tasks[number], f"{section.prefix}tasks/{number}/"))
                links.contributes_to.setdefault((section.prefix, number), []).append(
                    (parent, parent_task, f"{parent.prefix}tasks/{target}/"))
    return links


def _kind_rank(section: SiteUnit) -> int:
    from .model import UNIT_KINDS

    return UNIT_KINDS.index(section.unit.kind) if section.unit else 0


def codeowners(cascade: Cascade, project: Path, owner: str) -> str:
    """A CODEOWNERS block: each register owned by the team named after its unit (``@org/xa-chieng-co``),
    so that a commune's editors own their own file and review changes to it; the root by ``owner``'s
    root team. ``owner`` is ``@org`` (teams are ``@org/<unit id>``)."""
    lines = ["# --- Sổ nhiệm vụ của từng đơn vị / each unit's register (python -m generator codeowners) ---"]
    for f in cascade.files:
        try:
            where = Path(f.path).resolve().relative_to(project.resolve()).as_posix()
        except ValueError:
            where = Path(f.path).name
        team = f.unit.id if f.unit else "editors"
        lines.append(f"/{where} {owner.rstrip('/')}/{team}")
    lines.append("# --- end ---")
    return "\n".join(lines) + "\n"
