"""The wheel: built from this repository, installed into a fresh virtual environment, it runs every
command in an empty folder where no file of this repository is present."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from generator import __version__
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
SOURCES = ("pyproject.toml", "README.md", "generator", "site_templates", "content", ".github")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the sources (links kept as links), so the checkout gets no build folders."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
                   check=True, capture_output=True, timeout=600)
    (found,) = dist.glob("sonhiemvu-*.whl")
    return found


def test_the_wheel_holds_the_templates_assets_translations_and_starter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert wheel.name.startswith(f"sonhiemvu-{__version__}-")
    for needed in ("generator/render/pages.py", "generator/translations.yaml", "generator/site_templates/task.md.j2",
                   "generator/site_templates/assets/site.css", "generator/site_templates/overrides/main.html",
                   "generator/defaults/mkdocs.yml", "generator/defaults/content/methodology.md",
                   "generator/starter/tasks.yaml", "generator/starter/github/workflows/publish.yml",
                   "generator/site_templates/assets/list.css", "generator/site_templates/assets/search.js",
                   "generator/site_templates/assets/search.css", "generator/site_templates/assets/scoreboard.js",
                   "generator/site_templates/assets/report.css", "generator/site_templates/assets/print.css",
                   "generator/site_templates/assets/og-image.png", "generator/site_templates/report-body.html.j2",
                   "generator/site_templates/report-document.html.j2",
                   "generator/site_templates/overrides/partials/site-search.html",
                   "generator/site_templates/overrides/partials/languages/vi.html",
                   "generator/forms/cli.py", "generator/forms/importer.py", "generator/search_index.py",
                   "generator/report.py", "generator/gitrepo.py", "generator/checking.py"):
        assert needed in names


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh environment with the wheel; its dependencies are this environment's (no download)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SONHIEMVU", "VIRTUAL_ENV"))}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    return env_dir, env


def test_every_command_runs_from_the_installed_wheel_in_an_empty_folder(installed, tmp_path):
    env_dir, env = installed
    work = tmp_path / "empty"
    work.mkdir()

    def run(*args: str, cwd: Path = work, ok: int = 0) -> str:
        done = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == ok, (args, done.stdout, done.stderr)
        return done.stdout + done.stderr

    where = run("python", "-c", "import generator; print(generator.__file__)")
    assert str(env_dir) in where and str(ROOT) not in where
    assert "sonhiemvu" in run("sonhiemvu", "--help")
    run("sonhiemvu", "init", "xa")
    body = work / "xa"
    assert "tasks.yaml" in run("sonhiemvu", "validate", "tasks.yaml", cwd=body)
    run("sonhiemvu", "build", "--out", "site", cwd=body)
    assert "Nhiệm vụ mẫu thứ hai" in (body / "site" / "tasks" / "2" / "index.html").read_text(encoding="utf-8")
    assert (body / "site" / "methodology" / "index.html").is_file()
    assert (body / "site" / "pagefind").is_dir() and (body / "site" / "assets" / "og-image.png").is_file()
    month = time.strftime("%Y-%m")
    run("sonhiemvu", "report", "--month", month, "--out", "report.html", cwd=body)
    assert (body / "report.html").is_file()
    run("sonhiemvu", "form", "--all", "--out", "forms", cwd=body)
    filled = sorted((body / "forms").glob("*.xlsx"))
    assert filled
    # forms sent back unfilled: import reads them and refuses, leaving the register as it was
    before = (body / "tasks.yaml").read_bytes()
    assert "tasks.yaml" in run("sonhiemvu", "import", *map(str, filled), cwd=body, ok=1)
    assert (body / "tasks.yaml").read_bytes() == before
    edited = body / "tasks-new.yaml"
    edited.write_text((body / "tasks.yaml").read_text(encoding="utf-8").replace("2026-06-30", "2026-09-30"),
                      encoding="utf-8")
    assert "30/09/2026" in run("sonhiemvu", "diff", "tasks.yaml", "tasks-new.yaml", cwd=body)
    run("python", "-m", "generator", "schema", "--out", "schema.json", cwd=body)
    assert '"tasks"' in (body / "schema.json").read_text(encoding="utf-8")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen(["sonhiemvu", "serve", "--port", str(port)], cwd=body, env=env, stdout=log,
                               stderr=log)
    try:
        deadline, page = time.time() + 120, ""
        while "Nhiệm vụ mẫu thứ nhất" not in page:
            assert time.time() < deadline and serving.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/tasks/1/", timeout=2) as response:
                    page = response.read().decode("utf-8")
            except OSError:
                page = ""
    finally:
        serving.terminate()
        serving.wait(timeout=10)
        log.close()
