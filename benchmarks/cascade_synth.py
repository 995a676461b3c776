"""A province-shaped cascade for the benchmarks (issue 15): one province register, its districts', and
their communes' — by default 1 × 200 + 12 × 100 + 150 × 50 = 8,900 tasks in 163 registers — each a
synthetic register of ``synth.py`` with a ``unit`` block, and its task 1 contributing to the parent's
task 1 (so every parent task page lists contributions and rolls them up).

    python benchmarks/cascade_synth.py /tmp/province            # the full set
    python benchmarks/cascade_synth.py /tmp/small --districts 2 --communes 10

Deterministic (the seeds are the registers' positions). Writes ``tasks.yaml`` and ``registers/*.yaml``
into the folder; the same number of tasks in one register, for the comparison the issue asks for, is
``python benchmarks/synth.py 8900``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402


def with_unit(text: str, unit: str, contributes: bool) -> str:
    """``text`` (a register of synth.py) with ``unit`` inside its ``register:`` block and, when
    ``contributes``, its task 1 contributing to the parent's task 1."""
    head, sep, rest = text.partition("\nregister:\n")
    assert sep, "synth.py's register starts its meta with 'register:'"
    text = f"{head}{sep}  unit: {unit}\n{rest}"
    if contributes:
        text = text.replace("\n  - id: 1\n", "\n  - id: 1\n    contributes_to: 1\n", 1)
    return text


def write(folder: Path, districts: int = 12, communes: int = 150, province_tasks: int = 200,
          district_tasks: int = 100, commune_tasks: int = 50) -> int:
    """Write the set; returns the number of tasks."""
    (folder / "registers").mkdir(parents=True, exist_ok=True)
    (folder / "tasks.yaml").write_text(
        with_unit(synth.generate(province_tasks, 0), "{id: tinh, name: Tỉnh Thử, kind: province}", False),
        encoding="utf-8")
    total = province_tasks
    for d in range(1, districts + 1):
        unit = f"{{id: huyen-{d:02d}, name: Huyện {d:02d}, kind: district, parent: tinh}}"
        text = with_unit(synth.generate(district_tasks, d), unit, True)
        (folder / "registers" / f"huyen-{d:02d}.yaml").write_text(text, encoding="utf-8")
        total += district_tasks
    for c in range(1, communes + 1):
        d = (c - 1) % districts + 1
        unit = f"{{id: xa-{c:03d}, name: Xã {c:03d}, kind: commune, parent: huyen-{d:02d}}}"
        text = with_unit(synth.generate(commune_tasks, 1000 + c), unit, True)
        (folder / "registers" / f"xa-{c:03d}.yaml").write_text(text, encoding="utf-8")
        total += commune_tasks
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--districts", type=int, default=12)
    parser.add_argument("--communes", type=int, default=150)
    args = parser.parse_args(argv)
    total = write(args.folder, args.districts, args.communes)
    print(f"{args.folder}: {1 + args.districts + args.communes} registers, {total} tasks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
