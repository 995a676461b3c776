"""What the fixes proposed in RESULTS.md would buy, measured before anyone writes them.

    python benchmarks/whatif.py --n 1000 --rounds 2

Builds the same synthetic register twice per round — as the generator is, and with the
proposed fixes imitated by monkeypatching in the build process only (nothing in
``generator/`` is edited) — cold and then warm after one committed edit, next to the bare
MkDocs baseline, and prints the ratios. The patches (``--patch``, comma-separated):

- ``number``: ``i18n.number`` memoised (Babel's ``format_decimal`` re-parses its pattern every call);
- ``history``: the register just validated is reused for its own git blob instead of parsed again
  (and pickled into the history cache, so that the next build finds it there);
- ``mdfast``: register text without any Markdown syntax becomes ``<p>escaped text</p>`` without
  running Python-Markdown (the same HTML; most report notes are plain sentences);
- ``search``: ``search: {exclude: true}`` in the front matter of the list pages (tasks, groups,
  blocs, agencies, attention), which repeat what the task pages already index;
- ``tables``: group, bloc and agency pages link to the filtered task list instead of repeating
  a full task table;
- ``nocharts`` (cold only): no per-task charts at all — the floor a matplotlib-free SVG writer
  for the per-task chart could approach.

These are imitations for measuring, tied to today's code: expect them to break when it changes.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

PATCHES = ("number", "history", "mdfast", "search", "tables", "nocharts")
LIST_PAGES = re.compile(r"^(tasks/index\.md|attention/index\.md|(groups|blocs|agencies)/[^/]+/index\.md)$")
TASK_TABLE = re.compile(r'<div class="table-wrap">\s*<table class="task-table".*?</table>\s*</div>', re.S)


def apply(patches: set[str], register_path: Path) -> None:
    """Monkeypatch this process (the build step) with the imitated fixes."""
    from generator import i18n
    from generator.render import charts, pages

    if "number" in patches:
        i18n.number = functools.lru_cache(maxsize=None)(i18n.number)
    # "history": history.py itself reuses the register just validated for the working blob (and caches
    # each comparison by blob pair), so there is nothing left to imitate.
    if "mdfast" in patches:
        import html

        from generator.render import text as text_module

        slow = text_module.markdown_to_html
        special = re.compile(r"[\\`*_{}\[\]<>#!&|~\"']|^\s*(?:[-+]|\d+[.)])\s|\n\s*\n|  \n|https?://|www\.|@", re.M)

        def markdown_to_html(text):  # type: ignore[no-untyped-def]
            if text and not special.search(text):
                return text_module.Markup("<p>" + html.escape(text, quote=False) + "</p>")
            return slow(text)

        text_module.markdown_to_html = markdown_to_html
        pages.text.markdown_to_html = markdown_to_html
    if "nocharts" in patches:
        charts.task_chart = lambda *args, **kwargs: None
    if patches & {"search", "tables"}:
        original_render = pages.render

        def render(site, docs, plan=None):  # type: ignore[no-untyped-def]
            written = original_render(site, docs, plan)
            for path in written:
                rel = path.relative_to(docs).as_posix()
                if not LIST_PAGES.match(rel):
                    continue
                text = path.read_text(encoding="utf-8")
                if "tables" in patches and rel.split("/")[0] in ("groups", "blocs", "agencies"):
                    kind, ident = rel.split("/")[:2]
                    key = {"groups": "group", "blocs": "bloc", "agencies": "agency"}[kind]
                    text = TASK_TABLE.sub(f'<p><a href="../../tasks/?{key}={ident}">Danh sách nhiệm vụ</a></p>', text)
                if "search" in patches:
                    text = (text.replace("---\n", "---\nsearch:\n  exclude: true\n", 1) if text.startswith("---\n")
                            else "---\nsearch:\n  exclude: true\n---\n" + text)
                path.write_text(text, encoding="utf-8")
            return written

        pages.render = render


CURRENT: dict = {}


def child(argv: list[str]) -> int:
    """The build step (``step.py build``) with the patches applied."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--patch", default="")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    patches = {p for p in args.patch.split(",") if p}
    register = Path(args.rest[args.rest.index("--register") + 1])
    apply(patches, register)
    from generator import cli

    original = cli.load_and_validate

    def remember(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(*args, **kwargs)
        CURRENT["register"] = getattr(result, "register", None)
        return result

    cli.load_and_validate = remember
    import step

    sys.argv = ["step.py", *args.rest]
    return step.main()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]+", "-", name).strip("-")


def main(argv: list[str] | None = None) -> int:
    import run
    import synth

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--patch", default="number,history,mdfast,search,tables")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "generator-benchmarks")
    args = parser.parse_args(argv)
    n, work = args.n, args.workdir / f"whatif-{args.n}"
    shutil.rmtree(work, ignore_errors=True)
    original = synth.generate(n)
    variants = {"as is": "", "patched": args.patch, "patched + nocharts": args.patch + ",nocharts"}
    rows: dict[str, list[float]] = {}
    stages: dict[str, list[dict]] = {}
    for i in range(args.rounds):
        register = run.new_repo(work / "repo", original, n)  # each round: one commit cold, two warm
        for name in variants:
            shutil.rmtree(work / f"cache-{_slug(name)}", ignore_errors=True)
        for phase in ("cold", "warm"):
            if phase == "warm":
                register.write_text(synth.edit_one_report(original, synth.editable_task(n), report=i), encoding="utf-8")
                run.git(register.parent, "commit", "-q", "-am", "edit one report")
            for name, patch in variants.items():
                if phase == "warm" and "nocharts" in patch:
                    continue
                site, cache = work / f"site-{_slug(name)}", work / f"cache-{_slug(name)}"
                if phase == "cold":
                    shutil.rmtree(site, ignore_errors=True)
                json_out = work / "step.json"
                r = run.measure([run.PYTHON, __file__, "--child", "--patch", patch, "build", "--register",
                                 str(register), "--out", str(site), "--cache", str(cache), "--json", str(json_out)],
                                log=work / f"{phase}-{_slug(name)}.log")
                if r["exit"] != 0:
                    raise SystemExit(f"{phase} {name} failed; see {work / f'{phase}-{_slug(name)}.log'}")
                data = json.loads(json_out.read_text(encoding="utf-8"))
                rows.setdefault(f"{phase} {name}", []).append(r["wall"])
                stages.setdefault(f"{phase} {name}", []).append({**data["timings"], **data["stages"]})
                print(f"round {i + 1}: {phase} {name}: {r['wall']:.1f} s", flush=True)
        page_bytes = json.loads((work / "step.json").read_text(encoding="utf-8"))["task_md_avg"]
        b = run.baseline(n, page_bytes, work, fresh_docs=i == 0)
        rows.setdefault("baseline", []).append(b["wall"])
        print(f"round {i + 1}: baseline {b['wall']:.1f} s", flush=True)
    base = rows["baseline"]
    print(f"\nN = {n:,}, {args.rounds} round(s), patches: {args.patch}\n")
    keys = ("load_validate", "history", "charts", "pages", "data", "feed", "mkdocs")
    print("| build | seconds | ÷ baseline | " + " | ".join(keys) + " |")
    print("|---|---:|---:|" + "---:|" * len(keys))
    for name, walls in rows.items():
        ratio = statistics.median(w / b for w, b in zip(walls, base))
        cells = [f"{statistics.median(s.get(k, 0) for s in stages[name]):.2f}" if name in stages else "—"
                 for k in keys]
        print(f"| {name} | {statistics.median(walls):.1f} | {ratio:.2f}× | " + " | ".join(cells) + " |")
    print("\n(medians over the rounds; each ratio is taken against the baseline of its own round)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        raise SystemExit(child(sys.argv[2:]))
    raise SystemExit(main())
