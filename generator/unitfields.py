"""Where the cascade's fields are written (issue 15), for the problems found across files.

``register.unit`` and a task's ``contributes_to`` are declared on the model (``model.Unit``,
``Meta.unit``, ``Task.contributes_to``) and checked there like every field; a mistake that only the
set of registers shows (an unknown parent, a task the parent's register lacks) is found later, in
``cascade.py``, which needs to point at the value the editor wrote. ``places`` reads those positions
from the loaded tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .load import Mapping, Scalar, Sequence, Tree


@dataclass(frozen=True)
class Place:
    line: int
    col: int


@dataclass
class Extras:
    """Positions: ``unit_at`` of the ``unit`` block ("") and of each of its values; ``contributes`` of
    each number a task's ``contributes_to`` names, by task number."""

    unit_at: dict[str, Place] = field(default_factory=dict)
    register_at: Place | None = None  # the ``register:`` block, where a missing ``unit`` goes
    contributes: dict[int, tuple[tuple[int, Place], ...]] = field(default_factory=dict)


def places(root: Tree | None) -> Extras:
    extras = Extras()
    if not isinstance(root, Mapping):
        return extras
    meta = root.items.get("register")
    if meta is not None:
        extras.register_at = Place(meta.line, meta.col)
    unit = meta.items.get("unit") if isinstance(meta, Mapping) else None
    if unit is not None:
        extras.unit_at[""] = Place(unit.line, unit.col)
        if isinstance(unit, Mapping):
            extras.unit_at.update({k: Place(v.line, v.col) for k, v in unit.items.items()})
    tasks = root.items.get("tasks")
    for task in tasks.items if isinstance(tasks, Sequence) else []:
        if not isinstance(task, Mapping) or "contributes_to" not in task.items:
            continue
        label, node = task.items.get("id"), task.items["contributes_to"]
        if not (isinstance(label, Scalar) and label.raw.strip().isdigit()):
            continue
        nodes = node.items if isinstance(node, Sequence) else [node]
        found = tuple((int(n.raw.strip()), Place(n.line, n.col)) for n in nodes
                      if isinstance(n, Scalar) and n.raw.strip().isdigit())
        extras.contributes[int(label.raw.strip())] = found
    return extras
