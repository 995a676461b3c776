"""The cascade's fields of a register (issue 15): ``register.unit`` and a task's ``contributes_to``.

Declared here, outside ``schema.py`` and ``model.py``, while those are being reworked so that each
field is declared once (the lead ports these two into that declaration). ``take`` checks them with
the schema's own shapes and hands back the tree without them, so the register's checks see the
format they know, and the cross-file checks (``cascade.py``) get the values and where they were written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .load import Mapping, Node, Scalar, Sequence, Tree
from .schema import INVALID, MAX_TASK_ID, Ctx, Enum, Ident, ListOf, Number, Record, Shape, Text, _f


class Switch(Shape):
    """true or false."""

    kind = "switch"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        if isinstance(node, Scalar) and node.tag.endswith(":bool") and not node.quoted:
            return node.raw.strip().lower() in ("true", "yes", "on")
        ctx.error(node, "wrong_type", field=name, expected=self.kind)
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


# The kinds of unit, largest first (names in translations.yaml, ``unit_kind.*``).
UNIT_KINDS = ("province", "city", "district", "town", "commune", "ward", "township", "village",
              "residential_group", "party_committee", "party_cell", "agency", "other")

UNIT = Record({
    "id": _f(Ident(), "Mã đơn vị, duy nhất trong cả trang, vd. xa-chieng-co", "Unit id, unique in the site", True),
    "name": _f(Text(), "Tên đơn vị, vd. Xã Chiềng Cọ", "Unit name, e.g. Chiềng Cọ commune", True),
    "kind": _f(Enum(UNIT_KINDS, "bad_unit_kind"), "Cấp đơn vị: " + ", ".join(UNIT_KINDS),
               "Kind of unit: " + ", ".join(UNIT_KINDS), True),
    "parent": _f(Ident(), "Mã đơn vị cấp trên (bắt buộc với sổ của đơn vị)", "Id of the parent unit"),
    "agency": _f(Ident(), "Mã cơ quan trong sổ cấp trên mà đơn vị này là, vd. du-xa-chieng-co",
                 "Id of the agency in the parent's register that this unit is"),
    "attention_below": _f(Switch(), "true: trang Cần chú ý liệt kê cả việc quá hạn của các đơn vị cấp dưới",
                          "true: the needs-attention page also lists the units below's overdue tasks"),
})
CONTRIBUTES_TO = ListOf(Number(1, MAX_TASK_ID, integer=True), limit=20)


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    parent: str | None = None
    agency: str | None = None
    attention_below: bool = False  # the needs-attention page lists the overdue tasks of the units below


@dataclass(frozen=True)
class Place:
    line: int
    col: int


@dataclass
class Extras:
    """What ``take`` found: the unit (None when the register names none) and each task's contributions."""

    unit: Unit | None = None
    unit_at: dict[str, Place] = field(default_factory=dict)  # "" for the block, else a field's value
    contributes: dict[int, tuple[tuple[int, Place], ...]] = field(default_factory=dict)


def _without(node: Mapping, key: str) -> Mapping:
    return Mapping(node.line, node.col, {k: v for k, v in node.items.items() if k != key},
                   {k: v for k, v in node.keys.items() if k != key})


def take(root: Tree, ctx: Ctx) -> tuple[Tree, Extras]:
    """Check the cascade's fields of ``root``; returns the tree without them (the loaded tree is not
    changed) and what they say."""
    extras = Extras()
    if not isinstance(root, Mapping):
        return root, extras
    items = dict(root.items)
    meta = items.get("register")
    if isinstance(meta, Mapping) and "unit" in meta.items:
        node = meta.items["unit"]
        extras.unit, extras.unit_at = _unit(node, ctx)
        items["register"] = _without(meta, "unit")
    tasks = items.get("tasks")
    if isinstance(tasks, Sequence) and any(isinstance(t, Mapping) and "contributes_to" in t.items
                                           for t in tasks.items):
        kept: list[Node] = []
        for task in tasks.items:
            if isinstance(task, Mapping) and "contributes_to" in task.items:
                _contributions(task, ctx, extras)
                task = _without(task, "contributes_to")
            kept.append(task)
        items["tasks"] = Sequence(tasks.line, tasks.col, kept)
    if items == root.items:
        return root, extras
    return Mapping(root.line, root.col, items, root.keys), extras


def _unit(node: Node, ctx: Ctx) -> tuple[Unit | None, dict[str, Place]]:
    checked: dict[str, Any] = UNIT.check(node, ctx, "unit")
    at = {"": Place(node.line, node.col)}
    if isinstance(node, Mapping):
        at.update({k: Place(v.line, v.col) for k, v in node.items.items()})
    if checked is INVALID or checked.get("_invalid") or not all(k in checked for k in ("id", "name", "kind")):
        return None, at
    return Unit(checked["id"], checked["name"], checked["kind"], checked.get("parent"), checked.get("agency"),
                checked.get("attention_below", False)), at


def _contributions(task: Mapping, ctx: Ctx, extras: Extras) -> None:
    label = task.items.get("id")
    number = int(label.raw.strip()) if isinstance(label, Scalar) and label.raw.strip().isdigit() else None
    node = task.items["contributes_to"]
    outer, ctx.task = ctx.task, number
    try:
        # one number or a list of them
        items = [node] if isinstance(node, Scalar) and not node.is_null else None
        values = ([CONTRIBUTES_TO.item.check(node, ctx, "contributes_to")] if items
                  else CONTRIBUTES_TO.check(node, ctx, "contributes_to"))
        nodes = items or (node.items if isinstance(node, Sequence) else [])
    finally:
        ctx.task = outer
    if number is None or values is INVALID:
        return
    found = [(int(v), Place(n.line, n.col)) for v, n in zip(values, nodes) if v is not INVALID]
    if len(found) == len(nodes):
        extras.contributes[number] = tuple(found)


def add_to_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The editors' JSON Schema with ``register.unit`` and a task's ``contributes_to`` (one number or a list)."""
    from .schema import _described

    meta = schema["properties"]["register"]["properties"]
    meta["unit"] = _described(_f(UNIT, "Đơn vị công bố sổ này (khi trang có sổ của nhiều cấp): id, name, kind, parent, agency",
                                 "The unit publishing this register (in a site of several registers)"))
    task = schema["properties"]["tasks"]["items"]["properties"]
    number = CONTRIBUTES_TO.item.json_schema()
    task["contributes_to"] = {"anyOf": [number, CONTRIBUTES_TO.json_schema()],
                              "description": "Số thứ tự nhiệm vụ của sổ cấp trên mà việc này góp phần (một số hoặc danh sách)",
                              "x-description-en": "The parent register's task(s) this task contributes to"}
    return schema
