"""``init DIR``: a new body's repository that validates, builds strict, passes actionlint, and whose own
pages, settings and templates win over the package's defaults."""

from __future__ import annotations

import re

import pytest
import yaml

from generator import __version__
from generator.cli import main
from tests.conftest import ROOT
from tests.test_workflows import _actionlint, _zizmor


@pytest.fixture
def body(tmp_path, monkeypatch):
    """A scaffolded repository, the current folder (as a body's editor would run the tool)."""
    repo = tmp_path / "ubnd-xa"
    assert main(["init", str(repo)]) == 0
    monkeypatch.chdir(repo)
    return repo


def test_init_writes_a_repository_to_edit(body):
    names = {p.relative_to(body).as_posix() for p in body.rglob("*") if p.is_file()}
    assert {"tasks.yaml", "mkdocs.yml", "requirements.txt", "README.md", ".gitignore", "content/about.md",
            "schema/tasks.schema.json", ".github/workflows/check.yml", ".github/workflows/publish.yml"} <= names
    tasks = (body / "tasks.yaml").read_text(encoding="utf-8")
    assert tasks.startswith("# yaml-language-server: $schema=schema/tasks.schema.json\n")
    assert len(yaml.safe_load(tasks)["tasks"]) == 2
    assert f"sonhiemvu=={__version__}" in (body / "requirements.txt").read_text(encoding="utf-8").split()
    assert "Cán bộ cập nhật" in (body / "README.md").read_text(encoding="utf-8")


def test_init_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert "đã có tệp" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_scaffold_validates(body, capsys):
    assert main(["validate", "tasks.yaml"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("day", ["01-01", "12-31"])
def test_scaffold_validates_on_any_day_of_the_year_it_was_made(body, capsys, day):
    from generator.scaffold import this_year

    assert main(["validate", "tasks.yaml", "--as-of", f"{this_year()}-{day}"]) == 0, capsys.readouterr().err


def test_scaffold_workflows_are_ours_hardened_alike_running_the_pinned_tool(body):
    workflows = sorted((body / ".github" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["check.yml", "publish.yml"]
    for workflow in workflows:
        text = workflow.read_text(encoding="utf-8")
        assert "python -m generator" not in text and "generator/" not in text  # nothing of this repository
        ours = (ROOT / ".github" / "workflows" / workflow.name).read_text(encoding="utf-8")
        assert text.count("sonhiemvu ") == ours.count("python -m generator ")


def test_scaffold_workflows_pass_actionlint_and_zizmor_and_are_pinned(body):
    workflows = sorted((body / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    assert _actionlint(*workflows) == []
    assert [(f["ident"], f["determinations"]["severity"]) for f in _zizmor(*workflows)] == []
    for workflow in workflows:
        text = workflow.read_text(encoding="utf-8")
        flow = yaml.safe_load(text)
        assert flow["permissions"] == {}  # least privilege: each job asks for what it needs
        uses = re.findall(r"uses: ([^\s#]+)", text)
        assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
        assert "pip install -r requirements.txt" in text and "sonhiemvu build" in text


@pytest.mark.slow
def test_scaffold_builds_strict_and_the_body_overrides_win(body, tmp_path, capsys):
    (body / "content" / "methodology.md").write_text("# Cách tính của xã\n\nRiêng của xã.\n", encoding="utf-8")
    (body / "content" / "lien-he.md").write_text("# Liên hệ\n\nSố điện thoại.\n", encoding="utf-8")
    settings = (body / "mkdocs.yml").read_text(encoding="utf-8")
    (body / "mkdocs.yml").write_text(settings.replace("site_name: Theo dõi thực hiện nhiệm vụ",
                                                      "site_name: Xã Chiềng Cọ công khai"), encoding="utf-8")
    (body / "site_templates" / "assets").mkdir(parents=True)
    (body / "site_templates" / "assets" / "site.css").write_text(".xa-rieng { color: red; }\n", encoding="utf-8")
    (body / "site_templates" / "groups.md.j2").write_text("# Nhóm việc của xã\n", encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--out", str(out), "--cache", str(tmp_path / "cache")]) == 0, capsys.readouterr().err
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Xã Chiềng Cọ công khai" in home  # the body's setting
    assert 'data-md-color-scheme="default"' in home or "slate" in home  # the package's theme settings remain
    assert "Riêng của xã" in (out / "methodology" / "index.html").read_text(encoding="utf-8")
    assert "Hướng dẫn cập nhật" in (out / "editors" / "index.html").read_text(encoding="utf-8")  # package default
    assert (out / "lien-he" / "index.html").is_file()
    assert (out / "assets" / "site.css").read_text(encoding="utf-8") == ".xa-rieng { color: red; }\n"
    assert "Nhóm việc của xã" in (out / "groups" / "index.html").read_text(encoding="utf-8")
    assert "Nhiệm vụ mẫu thứ nhất" in (out / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
