"""The cascade (issue 15): a root register and the registers of the units below it.

The fixture ``registers/cascade`` is three levels (city → commune, ward → party cell) small enough
to compute by hand; ``registers/broken_cascade/*`` are the mistakes across files, each with its
``EXPECT``: ``FILE:LINE:COL code`` of the problem the editor must be shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import cascade, i18n
from generator.cli import main
from tests.conftest import REGISTERS

FIXTURE = REGISTERS / "cascade" / "tasks.yaml"
BROKEN = sorted(p for p in (REGISTERS / "broken_cascade").iterdir() if p.is_dir())


def expectation(case: Path) -> tuple[str, int, int, str]:
    where, code = (case / "EXPECT").read_text(encoding="utf-8").split()
    file, line, col = where.rsplit(":", 2)
    return file, int(line), int(col), code


def test_the_fixture_set_is_found_and_valid():
    paths = cascade.discover(FIXTURE)
    assert [p.name for p in paths] == ["tasks.yaml", "chi-bo-5.yaml", "phuong-b.yaml", "xa-a.yaml"]
    checked = cascade.check(paths)
    assert checked.ok, cascade.problems_of(checked)
    units = {u: f.unit for u, f in checked.by_unit().items()}
    assert units["tp-thu"].parent is None and units["tp-thu"].kind == "city"
    assert (units["xa-a"].parent, units["xa-a"].agency, units["xa-a"].kind) == ("tp-thu", "du-xa-a", "commune")
    assert units["chi-bo-5"].parent == "phuong-b"
    xa = checked.by_unit()["xa-a"].extras.contributes
    assert {task: [n for n, _ in targets] for task, targets in xa.items()} == {1: [1], 2: [1], 3: [2]}


def test_a_unit_register_alone_validates_and_builds_as_today(capsys):
    alone = REGISTERS / "cascade" / "registers" / "xa-a.yaml"
    assert cascade.discover(alone) == [alone]
    assert main(["validate", str(alone)]) == 0
    assert "xa-a.yaml" in capsys.readouterr().out


def test_validate_checks_every_register_of_the_set(capsys):
    assert main(["validate", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    for name in ("tasks.yaml", "xa-a.yaml", "phuong-b.yaml", "chi-bo-5.yaml"):
        assert name in out


def test_corpus_covers_the_cross_file_mistakes():
    codes = {expectation(case)[3] for case in BROKEN}
    assert {"unknown_parent", "unit_cycle", "duplicate_unit", "unknown_parent_task", "unknown_parent_agency",
            "unit_missing", "unknown_ref"} <= codes


@pytest.mark.parametrize("case", BROKEN, ids=lambda p: p.name)
def test_cross_file_mistake_is_shown_in_its_file_at_its_place(case: Path, capsys):
    file, line, col, code = expectation(case)
    checked = cascade.check(cascade.discover(case / "tasks.yaml"))
    assert not checked.ok
    found = {(Path(path).relative_to(case).as_posix(), p.line, p.col, p.code)
             for path, _, problems in cascade.problems_of(checked) for p in problems if p.is_error}
    assert (file, line, col, code) in found, found
    assert main(["validate", str(case / "tasks.yaml")]) == 1
    err = capsys.readouterr().err
    assert f"{case / file}:{line}:{col}: error: " in err
    assert "Traceback" not in err


def test_cross_file_messages_are_in_the_register_language_with_did_you_mean():
    checked = cascade.check(cascade.discover(REGISTERS / "broken_cascade" / "unknown_parent" / "tasks.yaml"))
    (message,) = [i18n.message(p, "vi") for _, _, ps in cascade.problems_of(checked) for p in ps]
    assert "tp-thuu" in message and "Có phải ý bạn là 'tp-thu'" in message
    checked = cascade.check(cascade.discover(REGISTERS / "broken_cascade" / "bad_contributes_to" / "tasks.yaml"))
    (problem,) = [p for _, _, ps in cascade.problems_of(checked) for p in ps]
    assert i18n.message(problem, "vi").startswith("nhiệm vụ số 2: ")
    assert "không có nhiệm vụ số 7" in i18n.message(problem, "vi")
    assert "has no task number 7" in i18n.message(problem, "en")


def test_a_cycle_is_named_with_its_units():
    checked = cascade.check(cascade.discover(REGISTERS / "broken_cascade" / "cycle" / "tasks.yaml"))
    messages = [i18n.message(p, "vi") for _, _, ps in cascade.problems_of(checked) for p in ps]
    assert any("phuong-b → chi-bo-5 → phuong-b" in m for m in messages)


from tests.conftest import ROOT  # noqa: E402
from tests.test_schema import _errors, checker, schema  # noqa: E402,F401  (the editors' JSON Schema checker)


def test_the_example_is_the_seed_case():
    checked = cascade.check(cascade.discover(ROOT / "tasks.yaml"))
    assert checked.ok, cascade.problems_of(checked)
    units = checked.by_unit()
    assert set(units) == {"tp-son-la", "xa-chieng-co", "phuong-to-hieu", "chi-bo-to-5-to-hieu"}
    co = units["xa-chieng-co"]
    assert co.result is not None and co.result.register is not None
    assert len(co.result.register.tasks) == 53
    assert (co.unit.parent, co.unit.agency) == ("tp-son-la", "du-chieng-co")
    road = co.result.register.task(1)
    assert [n for n, _ in co.extras.contributes[1]] == [50] and road.measure and road.measure.unit == "km"
    assert road.reports[-1].value == 13.2 and road.reports[-1].value / road.measure.target > 0.5
    cell = units["chi-bo-to-5-to-hieu"]
    assert cell.unit.parent == "phuong-to-hieu" and cell.result and cell.result.register
    from generator.derive import derive

    figures = derive(cell.result.register, cell.result.register.meta.as_of)
    assert (figures.overall.total, figures.overall.done) == (22, 6)
    for f in checked.units:
        assert "minh họa" in Path(f.path).read_text(encoding="utf-8").split("\n", 3)[2]


@pytest.mark.parametrize("path", sorted((ROOT / "registers").glob("*.yaml")) + sorted(
    (REGISTERS / "cascade").rglob("*.yaml")), ids=lambda p: p.name)
def test_editors_schema_accepts_the_unit_registers(checker, path):  # noqa: F811
    assert _errors(checker, path.read_text(encoding="utf-8")) == []


def test_editors_schema_refuses_a_misspelt_unit_field(checker):  # noqa: F811
    text = (REGISTERS / "cascade" / "registers" / "xa-a.yaml").read_text(encoding="utf-8")
    assert _errors(checker, text.replace("kind: commune", "kind: xa")) != []
    assert _errors(checker, text.replace("contributes_to: [1]", "contributes_to: [one]")) != []


def test_codeowners_block_gives_each_unit_its_own_file(capsys, monkeypatch):
    monkeypatch.chdir(REGISTERS / "cascade")
    assert main(["codeowners", "--owner", "@thanh-pho"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "/registers/xa-a.yaml @thanh-pho/xa-a" in lines
    assert "/registers/chi-bo-5.yaml @thanh-pho/chi-bo-5" in lines
    assert "/tasks.yaml @thanh-pho/tp-thu" in lines
    assert lines[0].startswith("#") and lines[-1].startswith("#")


def test_codeowners_refuses_an_invalid_set(capsys, monkeypatch):
    monkeypatch.chdir(REGISTERS / "broken_cascade" / "cycle")
    assert main(["codeowners", "--owner", "@thanh-pho"]) == 1
    assert "unit" not in capsys.readouterr().out


def test_diff_since_names_the_register_of_each_change(tmp_path, capsys, monkeypatch):
    import shutil

    from tests.test_history import git

    repo = tmp_path / "repo"
    shutil.copytree(REGISTERS / "cascade", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Sổ ban đầu")
    unit = repo / "registers" / "xa-a.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("deadline: 2021-04-30", "deadline: 2021-08-31"),
                    encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["diff", "--since", "HEAD", "tasks.yaml"]) == 0
    out = capsys.readouterr().out
    own = out[out.index("Sổ của Xã A"):]
    own = own[:own.index("Sổ của", 5)] if "Sổ của" in own[5:] else own
    assert "4" in own and "31/08/2021" in own  # task 4's deadline moved, said under xã A
    city = out[out.index("Sổ của Thành phố Thử"):]
    assert city.splitlines()[1] == "Không có thay đổi nào về nhiệm vụ."


def test_links_roll_up_by_hand():
    from generator.derive import derive

    checked = cascade.check(cascade.discover(FIXTURE))
    figures = {f.path: derive(f.result.register, f.result.register.meta.as_of) for f in checked.files
               if f.result and f.result.register}
    root = checked.root
    assert root.result and root.result.register
    links = cascade.site_links(cascade.SiteUnit(root.unit, root.path, "", root.result.register, figures[root.path]),
                               [(f, figures[f.path]) for f in checked.units])
    assert [(s.unit.id if s.unit else "", s.depth) for s in links.sections] == [
        ("tp-thu", 0), ("xa-a", 1), ("phuong-b", 1), ("chi-bo-5", 2)]
    reg = root.result.register
    road = links.rollup("", reg.task(1))
    assert road == cascade.RollUp(count=2, reporting=2, unit="km", total=15.0)  # 13 km + 2 km
    trees = links.rollup("", reg.task(2))
    assert trees is not None and trees.unit is None and trees.total is None and trees.units == ("ha", "cây")
    assert links.rollup("", reg.task(3)) is None  # nothing contributes
    assert [(c.owner.prefix, c.task.id) for c in links.contributions[("", 1)]] == [("units/xa-a/", 1), ("units/xa-a/", 2)]
    assert links.agency_unit[("", "du-xa-a")].prefix == "units/xa-a/"
    assert links.unit_agency["units/xa-a/"][1].id == "du-xa-a"
    totals = links.totals()
    assert (totals.total, totals.done, totals.overdue) == (12, 2, 3)
    assert [(s.prefix, t.id) for s, t, _ in links.overdue_below("")] == [("units/xa-a/", 4), ("units/chi-bo-5/", 3)]
    assert [(s.prefix, t.id) for s, t, _ in links.overdue_below("units/phuong-b/")] == [("units/chi-bo-5/", 3)]


def test_a_broken_register_does_not_make_its_units_orphans(tmp_path):
    copy = tmp_path / "set"
    shutil.copytree(REGISTERS / "cascade", copy)
    ward = copy / "registers" / "phuong-b.yaml"
    ward.write_text(ward.read_text(encoding="utf-8").replace("deadline: 2021-05-15", "deadline: 2021-05-32"),
                    encoding="utf-8")
    checked = cascade.check(cascade.discover(copy / "tasks.yaml"))
    by_file = {Path(path).name: [p.code for p in problems if p.is_error]
               for path, _, problems in cascade.problems_of(checked)}
    assert by_file.get("phuong-b.yaml")  # the ward's own mistake is said, in its file
    assert "unknown_parent" not in by_file.get("chi-bo-5.yaml", [])  # its party cell is not called an orphan
