"""Work reused between builds (``generator/reuse.py``): after one unit's register is edited, the sections
that edit cannot reach come from the cache, the site is exactly the one a clean build makes, and a
cached validation never hides a mistake."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest

from generator import resources, reuse
from generator.build import SiteOptions, Summary, build_site
from generator.render import pages
from tests.conftest import REGISTERS
from tests.test_incremental import files

FIXTURE = REGISTERS / "cascade"
# chi bộ tổ 5 (under phường B): its task 2's only report
REPORT = "{date: 2021-05-20, status: in_progress, progress: 40}"


def run(project: Path, out: str, cache: str) -> Summary:
    return build_site(SiteOptions(project / "tasks.yaml", project / out, project=project, cache=project / cache,
                                  pdfs=False))


@pytest.fixture
def project(tmp_path, source_date_epoch) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "p")
    return tmp_path / "p"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_one_units_edit_reuses_the_sections_it_cannot_reach_and_gives_the_clean_build(project):
    first = run(project, "site", "cache")
    assert first.ok and first.report and first.report.sections_reused == 0
    again = run(project, "site", "cache")
    assert again.report and again.report.sections_reused == 3  # nothing changed: every unit reused
    edit(project / "registers" / "chi-bo-5.yaml", REPORT, REPORT.replace("40}", "65}"))
    second = run(project, "site", "cache")
    # chi bộ tổ 5 and phường B (whose pages show the units below it) are made again; xã A is reused
    assert second.report and second.report.sections_reused == 1
    clean = run(project, "clean", "fresh-cache")
    assert clean.report and clean.report.sections_reused == 0
    assert files(project / "site") == files(project / "clean")
    page = (project / "site" / "units" / "chi-bo-5" / "tasks" / "2" / "index.html").read_text(encoding="utf-8")
    assert "65%" in page


def test_a_parents_edit_reaches_the_units_that_contribute_to_it(project):
    run(project, "site", "cache")
    edit(project / "tasks.yaml", "Bê tông hóa", "Cứng hóa")
    second = run(project, "site", "cache")
    assert second.report and second.report.sections_reused == 1  # chi bộ tổ 5's parent is phường B, not the city
    run(project, "clean", "fresh-cache")
    assert files(project / "site") == files(project / "clean")
    page = (project / "site" / "units" / "xa-a" / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    assert "Cứng hóa đường giao thông nông thôn" in page  # the city's task xã A's task 1 contributes to


def test_a_cached_validation_never_hides_a_mistake(project):
    assert run(project, "site", "cache").ok
    edit(project / "registers" / "xa-a.yaml", "{date: 2021-05-20", "{date: 2021-13-45")
    failed = run(project, "site", "cache")
    assert failed.status == "invalid"
    where = [(path, p.line) for path, _, problems in failed.files for p in problems]
    assert any(path.endswith("xa-a.yaml") for path, _ in where)


def test_a_half_saved_section_is_not_used(project):
    run(project, "site", "cache")
    for marker in (project / "cache" / "sections").glob(f"*/*/{reuse.COMPLETE}"):
        marker.unlink()
    again = run(project, "site", "cache")
    assert again.report and again.report.sections_reused == 0
    run(project, "clean", "fresh-cache")
    assert files(project / "site") == files(project / "clean")


def test_a_validation_as_of_today_is_not_reused_the_next_day(tmp_path, monkeypatch):
    from generator import asof, cascade

    register = tmp_path / "tasks.yaml"
    shutil.copy(FIXTURE / "tasks.yaml", register)
    edit(register, "  as_of: 2021-05-31\n", "")  # figures as of today
    day = [dt.date(2021, 6, 1)]
    monkeypatch.setattr(asof, "today", lambda zone=asof.DEFAULT_TIMEZONE, now=None: day[0])
    monkeypatch.setattr(cascade, "today", asof.today)
    cache = tmp_path / "validated"
    first = cascade.check([register], cache=cache).root.result
    same_day = cascade.check([register], cache=cache).root.result
    day[0] = dt.date(2021, 6, 2)
    next_day = cascade.check([register], cache=cache).root.result
    assert first and first.as_of and first.as_of.date == dt.date(2021, 6, 1)
    assert same_day and same_day.as_of and same_day.as_of.date == dt.date(2021, 6, 1)
    assert next_day and next_day.as_of and next_day.as_of.date == dt.date(2021, 6, 2)


def test_a_section_whose_files_are_out_when_a_build_dies_is_never_trusted(tmp_path):
    store = reuse.Sections(tmp_path / "sections")
    staged = tmp_path / "staging-1" / "units" / "xa-a"
    (staged / "tasks" / "1").mkdir(parents=True)
    (staged / "tasks" / "1" / "index.md").write_text("# 1", encoding="utf-8")
    store.save("xa-a", "k1", staged, ["entry"])
    store.keep()
    into = tmp_path / "staging-2" / "units" / "xa-a"
    assert reuse.Sections(tmp_path / "sections").restore("xa-a", "k1", into) == (["entry"],)
    assert (into / "tasks" / "1" / "index.md").read_text(encoding="utf-8") == "# 1"
    # the build is killed here: keep() never runs; the next build finds no entry to use
    assert reuse.Sections(tmp_path / "sections").restore("xa-a", "k1", tmp_path / "staging-3" / "x") is None


# --- task pages (pages.Memo, reuse.Pages) ------------------------------------------------------------------
def one_register(tmp_path: Path) -> Path:
    (tmp_path / "p").mkdir()
    shutil.copyfile(REGISTERS / "valid" / "small.yaml", tmp_path / "p" / "tasks.yaml")
    return tmp_path / "p"


def test_an_edit_renders_again_only_the_task_pages_that_show_it_and_gives_the_clean_build(tmp_path, source_date_epoch):
    project = one_register(tmp_path)
    tasks = len(list((REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8").split("\n  - id: "))) - 1
    first = run(project, "site", "cache")
    assert first.ok and first.report and first.report.pages_reused == 0
    again = run(project, "site", "cache")
    assert again.report and again.report.pages_reused == tasks  # nothing changed: every task page reused
    # a report of task 5: its page alone
    edit(project / "tasks.yaml", "difficulties: Chờ phê duyệt điều chỉnh dự án.", "difficulties: Chờ vốn bổ sung.")
    second = run(project, "site", "cache")
    assert second.report and second.report.pages_reused == tasks - 1
    page = (project / "site" / "tasks" / "5" / "index.html").read_text(encoding="utf-8")
    assert "Chờ vốn bổ sung." in page and "Chờ phê duyệt" not in page
    # task 5's title: its page and its neighbours', whose "previous" and "next" links name it
    edit(project / "tasks.yaml", "title: Cải tạo chợ trung tâm", "title: Cải tạo chợ Sơn La")
    third = run(project, "site", "cache")
    assert third.report and third.report.pages_reused == tasks - 3
    assert "Cải tạo chợ Sơn La" in (project / "site" / "tasks" / "6" / "index.html").read_text(encoding="utf-8")
    clean = run(project, "clean", "fresh-cache")
    assert clean.report and clean.report.pages_reused == 0
    assert files(project / "site") == files(project / "clean")


def test_an_agencys_new_name_reaches_the_pages_of_its_tasks(tmp_path, source_date_epoch):
    project = one_register(tmp_path)
    run(project, "site", "cache")
    edit(project / "tasks.yaml", "name: Ban Quản lý dự án đầu tư xây dựng", "name: Ban QLDA đầu tư xây dựng")
    second = run(project, "site", "cache")
    assert second.ok and second.report
    led = [p for p in (project / "site" / "tasks").glob("*/index.html")
           if "Ban QLDA đầu tư xây dựng" in p.read_text(encoding="utf-8")]
    assert led and second.report.pages_reused <= 8 - len(led)
    run(project, "clean", "fresh-cache")
    assert files(project / "site") == files(project / "clean")


def test_a_bodys_own_page_templates_are_rendered_every_time(tmp_path, source_date_epoch):
    """A body's task template may read anything of the site (``fig``, the whole register): its pages are
    not taken from the cache."""
    project = one_register(tmp_path)
    (project / "site_templates").mkdir()
    shutil.copyfile(resources.templates() / "task.md.j2", project / "site_templates" / "task.md.j2")
    with (project / "site_templates" / "task.md.j2").open("a", encoding="utf-8") as out:
        out.write("\n<p class=\"total\">{{ fig.overall.total }} / {{ reg.tasks|length }}</p>\n")
    run(project, "site", "cache")
    again = run(project, "site", "cache")
    assert again.ok and again.report and again.report.pages_reused == 0
    assert '<p class="total">8 / 8</p>' in (project / "site" / "tasks" / "5" / "index.html").read_text(encoding="utf-8")


def test_pages_of_the_cache_this_build_did_not_use_are_removed(tmp_path):
    store = reuse.Pages(tmp_path / "pages")
    store.put("aa" + "1" * 62, "# một")
    store.put("bb" + "2" * 62, "# hai")
    (tmp_path / "pages" / "bb" / ".half.part").write_text("# ha", encoding="utf-8")
    later = reuse.Pages(tmp_path / "pages")
    assert later.get("aa" + "1" * 62) == "# một"
    later.prune()
    assert [p.name for p in (tmp_path / "pages").rglob("*") if p.is_file()] == ["aa" + "1" * 62 + ".md"]
    assert later.get("bb" + "2" * 62) is None


def test_a_reused_page_is_staged_as_the_cache_entry_itself_and_a_page_staged_over_it_leaves_the_entry(tmp_path):
    """No bytes written for a page reused (a hard link), and never a cache entry changed through one."""
    first, second = "aa" + "1" * 62, "bb" + "2" * 62
    store = reuse.Pages(tmp_path / "pages")
    staged = tmp_path / "docs" / "tasks" / "1" / "index.md"
    staged.parent.mkdir(parents=True)
    store.put(first, "# một", staged)
    entry = tmp_path / "pages" / "aa" / f"{first}.md"
    assert staged.read_text(encoding="utf-8") == "# một" and staged.stat().st_ino == entry.stat().st_ino
    later = reuse.Pages(tmp_path / "pages")
    again = tmp_path / "docs-2" / "tasks" / "1" / "index.md"
    assert later.place(first, again) and again.stat().st_ino == entry.stat().st_ino
    later.put(second, "# hai", again)  # the page changed: its new entry takes the staged name
    assert again.read_text(encoding="utf-8") == "# hai"
    assert entry.read_text(encoding="utf-8") == "# một" and staged.read_text(encoding="utf-8") == "# một"
    assert not later.place("cc" + "3" * 62, tmp_path / "docs-2" / "x.md")


def test_a_page_another_build_removes_meanwhile_is_rendered_and_staged_all_the_same(tmp_path, monkeypatch):
    """Two builds may share a cache (the live preview and a build); one's prune may remove an entry between
    the other's finding it and linking it."""
    key = "aa" + "1" * 62
    store = reuse.Pages(tmp_path / "pages")
    store.put(key, "# một")

    def gone(source: Path, target: Path) -> None:
        raise FileNotFoundError(source)

    monkeypatch.setattr(reuse.files, "link_over", gone)
    staged = tmp_path / "docs" / "1.md"
    staged.parent.mkdir()
    assert not store.place(key, staged)  # the caller renders it
    store.put(key, "# một", staged)
    assert staged.read_text(encoding="utf-8") == "# một"


# --- the site builder's theme, compiled once (builder_plugin.CompiledTheme) ----------------------------------
def test_the_themes_templates_are_compiled_once_and_again_when_a_body_edits_one(tmp_path, source_date_epoch,
                                                                                 monkeypatch):
    """What a build compiled is written to Jinja's folder (the site builder may run in a child process, so
    the files are what is watched): a second build writes none; a body's edited template is compiled again."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # Jinja's folder for compiled templates
    (tmp_path / "tmp").mkdir()
    pages.bytecode_cache.cache_clear()

    def compiled() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "tmp").rglob(pages.BUILDER % "*")}

    try:
        project = one_register(tmp_path)
        assert run(project, "site", "cache").ok
        first = compiled()
        assert len(first) > 10  # the theme's main page, its partials...
        assert run(project, "site", "cache").ok
        assert compiled() == first  # a second build compiles none of them
        # a body's own copyright line: compiled, and on the pages, at the next build
        (project / "site_templates" / "overrides" / "partials").mkdir(parents=True)
        (project / "site_templates" / "overrides" / "partials" / "copyright.html").write_text(
            '<div class="md-copyright">Bản quyền của xã</div>\n', encoding="utf-8")
        assert run(project, "site", "cache").ok
        third = compiled()
        again = [name for name in third if first.get(name) != third[name]]
        # the theme's templates of ours, merged with the body's into a folder of their own, and no other
        assert len(again) == len(list((resources.templates() / "overrides").rglob("*.html")))
        assert "Bản quyền của xã" in (project / "site" / "index.html").read_text(encoding="utf-8")
    finally:
        pages.bytecode_cache.cache_clear()
