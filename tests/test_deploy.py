"""The README's deployment steps, followed in a scratch repository as far as a machine can: the
steps name what the workflow really does, and the publishing workflow's build job, run as the
runner would run it with the address Pages reports, gives the artifact with that address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REGISTERS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section() -> str:
    return README.split("## Publishing on GitHub Pages\n")[1].split("\n## ")[0]


def _publish() -> dict:
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    flow["on"] = flow.pop(True)
    return flow


def test_five_steps_that_name_what_the_workflow_does():
    section, flow = _section(), _publish()
    steps = re.findall(r"^(\d)\. \*\*(.+?)\*\*", section, re.M)
    assert [n for n, _ in steps] == ["1", "2", "3", "4", "5"]
    assert f"Actions → {flow['name']} → Run workflow" in section
    assert "Source*: choose\n   **GitHub Actions**" in section
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in flow["jobs"]["deploy"]["steps"])
    build = flow["jobs"]["build"]
    assert f"*{build['name']}* job" in section
    step = next(s for s in build["steps"] if "generator build" in s.get("run", ""))
    assert f"step *{step['name']}*" in section
    assert step["env"]["SITE_URL"] in section
    assert flow["on"]["schedule"][0]["cron"] == "5 17 * * *" and "00:05 Vietnam time" in section


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Cán bộ", "GIT_AUTHOR_EMAIL": "a@b.vn",
                        "GIT_COMMITTER_NAME": "Cán bộ", "GIT_COMMITTER_EMAIL": "a@b.vn"})


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """Step 1: a copy of the project (what "Use this template" gives) with the editor's register, on main."""
    repo = tmp_path_factory.mktemp("scratch") / "so-55"
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True, capture_output=True,
                             text=True).stdout.split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if name.startswith(("tests/", "benchmarks/", "registers/")):  # the example's unit registers go with it
            continue
        if source.is_symlink():  # generator/site_templates and the default pages link to the top-level copies
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).symlink_to(source.readlink())
        elif source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    (repo / "tasks.yaml").write_text("# yaml-language-server: $schema=schema/tasks.schema.json\n"
                                     + (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "Sổ nhiệm vụ của Thành phố")
    return repo


def _run_build_job(repo: Path, pages_address: str) -> str:
    """Steps 3 and 5: the build job's commands as the runner runs them, SITE_URL set to what
    configure-pages reports (no trailing slash). pip install is skipped: this Python has the pins."""
    build = _publish()["jobs"]["build"]
    assert (repo / "requirements.txt").is_file()
    bin_dir = Path(sys.executable).parent
    said = ""
    for step in build["steps"]:
        command = step.get("run")
        if not command or command.startswith("pip install"):
            continue
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "SITE_URL": pages_address}
        env.pop("PYTHONPATH", None)
        done = subprocess.run(["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
        said += done.stdout
    return said


@pytest.mark.parametrize("address", ["https://owner.github.io/so-55", "https://tiendo.sonla.gov.vn"])
def test_the_build_job_gives_the_artifact_with_the_pages_address(scratch, address):
    said = _run_build_job(scratch, address)
    assert f"Địa chỉ công khai của trang: {address}/ (lấy từ biến môi trường SITE_URL)" in said
    site = scratch / _publish()["jobs"]["build"]["steps"][-1]["with"]["path"]
    page = (site / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{address}/tasks/1/">' in page
    assert f"<loc>{address}/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f'href="{address}/feed.xml"' in (site / "feed.xml").read_text(encoding="utf-8")
    assert (site / "404.html").is_file() and (site / "data" / "tasks.xlsx").is_file()
