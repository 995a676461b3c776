"""The search index by shards (issue 15) on a built site: cold, then warm after one unit's pages change.

    python benchmarks/search_shards.py SITE REGISTERS_DIR CACHE [--buckets K] [--jobs J] [--edit UNIT]
        [--step cold|warm|both]

SITE is a built site of several registers (work on a copy: ``cp -al prov-out copy``; its ``pagefind/`` is
replaced), REGISTERS_DIR the units' registers it was built from (for the unit tree: each file's
``unit: {id: …, parent: …}``), CACHE the folder of the shards' cache entries. ``--buckets K`` puts the
subtrees under the root into K shards (round robin in the tree's order) instead of one shard each;
``--buckets 0`` indexes the whole site as one index (as before sharding). ``--edit UNIT`` rewrites that
unit's HTML pages as the site builder does (same bytes, a new file: new inode and time) before the warm
run. Prints one JSON line per run: seconds, shards indexed and reused. Not part of the test suite.

    python benchmarks/search_shards.py SITE --browser

measures in Chromium what a first search downloads on SITE's home page (transfers.py's server and
counting): typing ``chieng co``, then ``to hieu``. The home page must carry the site's current
``assets/search.js`` and, for shards, ``data-shards`` (a site built by this branch does).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator import search_index  # noqa: E402

UNIT = re.compile(r"^\s*unit:\s*\{id:\s*([a-z0-9-]+),.*?parent:\s*([a-z0-9-]+)", re.MULTILINE)


def tree(registers: Path) -> dict[str, str]:
    """Each unit's parent, from the registers' ``unit:`` lines."""
    parents = {}
    for path in sorted(registers.glob("*.yaml")):
        found = UNIT.search(path.read_text(encoding="utf-8")[:4000])
        if found:
            parents[found.group(1)] = found.group(2)
    return parents


def subtrees(parents: dict[str, str], buckets: int | None) -> list[tuple[str, list[str]]]:
    """One (name, prefixes) per child of the root, or the children spread over ``buckets`` shards."""
    top = sorted(u for u, p in parents.items() if p not in parents)

    def below(unit: str) -> list[str]:
        return [unit] + [x for c in sorted(u for u, p in parents.items() if p == unit) for x in below(c)]

    each = [(u, [f"units/{x}/" for x in below(u)]) for u in top]
    if not buckets:
        return each
    merged: list[tuple[str, list[str]]] = [(f"part-{i + 1}", []) for i in range(min(buckets, len(each)))]
    for i, (_, prefixes) in enumerate(each):
        merged[i % len(merged)][1].extend(prefixes)
    return merged


def edit(site: Path, unit: str) -> int:
    """Rewrite each HTML page of the unit's section as a new file (as MkDocs's fresh outputs do)."""
    count = 0
    for page in sorted((site / "units" / unit).rglob("*.html")):
        data = page.read_bytes()
        page.unlink()
        page.write_bytes(data)
        count += 1
    return count


def once(site: Path, plan: list[tuple[str, list[str]]], cache: Path, jobs: int) -> dict[str, object]:
    started = time.perf_counter()
    written = search_index.write(site, plan, cache, jobs)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "shards": len(written.shards),
            "indexed": [s.name or "(root)" for s in written.indexed],
            "bundle_mb": round(sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()) / 1e6, 1)}


def first_search(site: Path) -> dict[str, object]:
    """Bytes and requests of a first search (``chieng co``) and a later one (``to hieu``) on the home page."""
    import transfers
    from playwright.sync_api import sync_playwright

    server, base = transfers.serve(site)
    out: dict[str, object] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=transfers.CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base).new_page()
            wire = transfers.Wire(page)
            page.goto("/")
            transfers.settle(page)
            wire.take()
            page.locator(".site-search__open").click()
            for name, query in (("first_search", "chieng co"), ("later_search", "to hieu")):
                ms = transfers.type_search(page, query)
                urls = [u.split(base)[-1] for u in wire.urls]
                got = wire.take()
                out[name] = {"kb": round(got[0] / 1024), "requests": got[1], "ms": round(ms),
                             "results": page.locator(".site-search__status").inner_text(),
                             "index_chunks": sum("/index/" in u for u in urls),
                             "metas": sum(u.endswith(".pf_meta") for u in urls)}
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if "--browser" in argv:
        print(json.dumps({"site": argv[0], **first_search(Path(argv[0]))}))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("registers", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("--buckets", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--edit", default="xa-077")
    parser.add_argument("--step", choices=["cold", "warm", "both"], default="both")
    args = parser.parse_args(argv)
    plan = [] if args.buckets == 0 else subtrees(tree(args.registers), args.buckets)
    if args.step in ("cold", "both"):
        print(json.dumps({"run": "cold", "load": os.getloadavg()[0], **once(args.site, plan, args.cache, args.jobs)}),
              flush=True)
    if args.step in ("warm", "both"):
        changed = edit(args.site, args.edit)
        print(json.dumps({"run": "warm", "edited_pages": changed, "load": os.getloadavg()[0],
                          **once(args.site, plan, args.cache, args.jobs)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
