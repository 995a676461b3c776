"""Hostile files: each gives exit 1 at the right line, no traceback, in bounded time and memory.

Each case runs ``python -m generator validate`` in a child process limited to 1 GiB of address
space; the child reports the CPU time that loading and validating took.
"""

from __future__ import annotations

import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import REGISTERS, ROOT

SMALL = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")
HEAD = SMALL.split("tasks:\n")[0] + "tasks:\n"
HEAD_LINES = HEAD.count("\n")
MEMORY_LIMIT = 1024 ** 3

CHILD = """
import sys, time
from generator.cli import main
started = time.process_time()  # CPU seconds: what the input costs, whatever else the machine runs
code = main(["validate", sys.argv[1]])
print(f"ELAPSED {time.process_time() - started:.3f}", file=sys.stderr)
raise SystemExit(code)
"""


def _ten_thousand_tasks() -> bytes:
    task = ("  - id: {i}\n    title: Nhiệm vụ {i}: bê tông hóa đường\n    group: do-thi\n    lead: phong-qldt\n"
            "    deadline: 2021-06-30\n    reports:\n      - {{date: 2021-03-31, status: in_progress, progress: 40}}\n")
    body = "".join(task.format(i=i) for i in range(1, 10001)).replace(": bê", " bê")
    bad = "  - id: 10001\n    title: Lỗi ở cuối\n    group: do-thi\n    lead: phong-qldt\n    deadline: 2021-02-30\n"
    return (HEAD + body + bad).encode()


def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


CASES = {
    # name: (content, expected line, expected code in the message)
    "deep_flow_nesting": (b"register: " + b"[" * 200000 + b"\n", 1, None),
    "deep_block_nesting": ("".join(" " * i + f"k{i}:\n" for i in range(0, 2000, 1)).encode(), None, None),
    "billion_laughs": (_billion_laughs(), 1, None),
    "fifty_megabytes": (b"# " + b"x" * (50 * 1024 * 1024) + b"\n", 1, None),
    "binary_garbage": (bytes(random.Random(7).randrange(256) for _ in range(65536)), 1, None),
    "png_image": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, 1, None),
    "latin1_text": (HEAD.encode("utf-8").replace("Kết luận".encode(), "K\xe9t lu\xe2n".encode("latin-1")), 12, None),
    "utf16_file": (SMALL.encode("utf-16"), 1, None),
    "nul_bytes": (HEAD.encode().replace(b"tasks:", b"ta\x00sks:"), HEAD_LINES, None),
    "escape_character": (HEAD.encode().replace(b"  start:", b"  \x1b[31mstart:"), None, None),
    "very_long_line": (HEAD.replace("  start:", "  description: " + "ư" * 3_000_000 + "\n  start:").encode(),
                       None, None),
    "ten_thousand_tasks_one_error_at_the_end": (_ten_thousand_tasks(), HEAD_LINES + 70000 + 5, "2021-02-30"),
    "python_object_tag": (HEAD.replace("title: Kết", "title: !!python/object/apply:os.system ['touch PWNED'] #").encode(),
                          None, None),
    "only_a_scalar": (b"hello\n", 1, None),
    "whitespace_only": (b"   \n\n  \n", 1, None),
    "huge_numbers": ((HEAD + "  - id: 99999999999999999999999999999\n    title: x\n    group: do-thi\n"
                      "    lead: phong-qldt\n    deadline: 2021-06-30\n    reports:\n"
                      "      - {date: 2021-03-01, status: in_progress, progress: 1e400}\n").encode(),
                     HEAD_LINES + 7, None),
    "hundred_thousand_keys": (("x:\n" + "".join(f"  k{i}: v\n" for i in range(100000))).encode(), None, None),
    # issue 18: valid-looking registers that crashed the build or made it unbounded
    "twenty_thousand_agencies": (HEAD.replace("groups:", "".join(
        f"  to-{i}: {{name: Tổ dân phố {i}, bloc: ubnd}}\n" for i in range(20000)) + "groups:", 1).encode(),
        None, "20.003"),  # the count as the register's language writes it
    "id_of_3600_hex_digits": ((HEAD + "  - id: 0x" + "f" * 3600 + "\n    title: x\n    group: do-thi\n"
                               "    lead: phong-qldt\n    deadline: 2021-06-30\n").encode(), HEAD_LINES + 1, "999999"),
    "year_10000_tick": (HEAD.replace("  end: 2021-12-31", "  end: 9999-12-31").encode(), None, "9999-12-31"),
    "site_url_script": (HEAD.replace("  start:", '  site_url: "https://e.org/\\"><svg/onload=alert(1)>/"\n  start:', 1)
                        .encode(), None, "site_url"),
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _validate_in_child(path: Path) -> tuple[subprocess.CompletedProcess, str, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=path.parent, capture_output=True, timeout=60,
                          preexec_fn=_limit_memory, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    err = proc.stderr.decode("utf-8", "replace")
    return proc, err, float(err.rsplit("ELAPSED ", 1)[1].split()[0]) if "ELAPSED " in err else 99.0


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused_cleanly(name, tmp_path):
    content, line, needle = CASES[name]
    path = tmp_path / "tasks.yaml"
    path.write_bytes(content)
    proc, err, elapsed = _validate_in_child(path)
    for _ in range(2):  # CPU time swells when other processes share the core: the best of up to three runs
        if elapsed < 2.0:
            break
        proc, err, elapsed = min((proc, err, elapsed), _validate_in_child(path), key=lambda run: run[2])
    assert proc.returncode == 1, err[-2000:]
    assert "Traceback" not in err and "internal error" not in err
    assert f"{path}:" in err and ": error: " in err
    if line is not None:
        assert f"{path}:{line}:" in err, err[:2000]
    if needle:
        assert needle in err
    # 10,000 tasks is a whole province's register: validating it is held to the speed target of issue 7
    # (< 3 s); every other hostile file must be refused within 2 s of CPU
    assert elapsed < (3.0 if name == "ten_thousand_tasks_one_error_at_the_end" else 2.0), elapsed
    assert not (tmp_path / "PWNED").exists()


def test_corpus_size():
    broken = list((REGISTERS / "broken").glob("*.yaml"))
    assert len(broken) + len(CASES) >= 40 + 15


# --- what validate and diff print is safe in a terminal and in a CI log (issue 18, item 10) -----------

WORKFLOW_LINE = re.compile(r"^::(error|warning) file=[^:,]*,line=\d+,col=\d+::")


def _run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, timeout=120,
                          preexec_fn=_limit_memory, env=env)


def _assert_safe_output(proc: subprocess.CompletedProcess) -> str:
    out = (proc.stdout + proc.stderr).decode("utf-8")
    assert "Traceback" not in out
    for line in out.splitlines():
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", line), line
        if line.lstrip().startswith("::"):
            assert WORKFLOW_LINE.match(line), line  # only our own annotations, never register text
    return out


def test_register_text_cannot_print_escape_sequences_or_workflow_commands(tmp_path):
    payload = "\\e[2J\\n::error file=a,line=1::forged\\n::add-mask::x\\r::stop-commands::t"
    text = HEAD.replace("  start:", f'  "{payload}": 1\n  start:', 1).replace(
        "  title: Kết", f'  issuer: "{payload}"\n  title: Kết', 1)
    (tmp_path / "tasks.yaml").write_text(text, encoding="utf-8")
    proc = _run_cli(["validate", "tasks.yaml"], tmp_path)
    assert proc.returncode == 1
    out = _assert_safe_output(proc)
    assert "\\x1b[2J" in out  # shown, not acted on
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    problems = [line for line in out.splitlines() if re.match(r"tasks\.yaml:\d+:\d+: ", line)]
    assert len(annotations) == len(problems) >= 3  # one per problem, none forged
    assert any("forged" in a for a in annotations) and any("forged" in p for p in problems)


def test_a_hostile_file_name_cannot_start_a_workflow_command(tmp_path):
    name = "::error file=x,line=1::forged.yaml"
    (tmp_path / name).write_text(HEAD.replace("  start:", "  colour: red\n  start:", 1), encoding="utf-8")
    proc = _run_cli(["validate", name], tmp_path)
    assert proc.returncode == 1
    out = _assert_safe_output(proc)
    assert "file=%3A%3Aerror file=x%2Cline=1%3A%3Aforged.yaml," in out


def test_diff_output_is_safe_in_a_terminal(tmp_path):
    old = SMALL
    new = SMALL.replace("title: Thảm nhựa", "title: \"::warning::\\u202egiả mạo \" # ", 1)
    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    for extra in ([], ["--markdown"]):
        proc = _run_cli(["diff", "old.yaml", "new.yaml", *extra], tmp_path)
        _assert_safe_output(proc)


# --- content pages and --out (issue 18, items 6, 8, 12) -------------------------------------------------

def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "tasks.yaml").write_text(SMALL, encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "content", project / "content")
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    return project


def _build(project: Path, out: Path) -> str | None:
    """Build ``project``; the build error's message (in the register's language), or None when it succeeded."""
    from generator.build import BuildError, BuildOptions, build
    from generator.cli import valid_register
    from generator.derive import derive

    result = valid_register(str(project / "tasks.yaml"), None)
    try:
        build(result.register, derive(result.register, result.as_of.date),
              BuildOptions(project / "tasks.yaml", out, project=project, cache=project / ".cache"))
    except BuildError as exc:
        return exc.message(result.language)  # as the build tells it, in the register's language
    return None


@pytest.mark.parametrize("target", ["/etc/passwd", "../.git/config", "loop.md", "/etc"])
def test_a_symlink_in_content_is_refused(tmp_path, target):
    project = _project(tmp_path)
    (project / "content" / "loop.md").symlink_to(target)
    message = _build(project, tmp_path / "site")
    assert message is not None and "content/loop.md" in message and "symlink" in message
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("page, generated", [("tasks/999/index.md", "tasks/"), ("index.md", "index.md"),
                                             ("tasks/1.md", "tasks/1.md"), ("tasks/1/index.md", "tasks/"),
                                             ("README.md", "index.md"),
                                             ("assets/tables.js", "assets/"),
                                             ("reports/2021-05/index.md", "reports/2021-05/index.md"),
                                             ("reports/2099-01.md", "reports/"), ("list/0.md", "list/"),
                                             ("pagefind/index.md", "pagefind/")])
def test_a_hand_written_page_cannot_take_a_generated_path(tmp_path, page, generated):
    project = _project(tmp_path)
    (project / "content" / page).parent.mkdir(parents=True, exist_ok=True)
    (project / "content" / page).write_text("# Nhiệm vụ giả mạo\n", encoding="utf-8")
    message = _build(project, tmp_path / "site")
    assert message is not None and f"content/{page}" in message and f"({generated})" in message
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("where", ["site_templates/assets/out", "site_templates", "content/site", "generator/x", "."])
def test_out_inside_or_over_the_sources_is_refused_quickly(where, capsys):
    started = time.monotonic()
    assert main(["build", "--register", str(ROOT / "tasks.yaml"), "--out", str(ROOT / where)]) == 1
    assert time.monotonic() - started < 60
    err = capsys.readouterr().err
    assert "--out" in err and "Traceback" not in err
    assert not list((ROOT / "site_templates").rglob(".out-build-*"))


def test_a_folder_with_a_copied_marker_is_not_replaced(tmp_path):
    from generator.build import MARKER

    project = _project(tmp_path)
    site = tmp_path / "site"
    assert _build(project, site) is None
    assert _build(project, site) is None  # our own site is replaced
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "report.docx").write_bytes(b"keep me")
    shutil.copy(site / MARKER, documents / MARKER)
    message = _build(project, documents)
    assert message is not None and MARKER in message
    assert (documents / "report.docx").read_bytes() == b"keep me"


# --- bounded renderers (issue 18, item 4) ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["![" * 10_000, "[a](" * 5_000, "![a" * 6_000, "[" * 20_000])
def test_markdown_of_pathological_text_is_fast(text):
    from generator.render.text import markdown_to_html

    started = time.process_time()
    html = markdown_to_html(text)
    assert time.process_time() - started < 0.5
    assert "<script" not in html and text[:40] in html


def test_a_long_group_name_is_fitted_to_its_chart_label_quickly():
    from generator.render.chart_kinds import fit, text_width

    started = time.process_time()
    label = fit("Đô thị và hạ tầng " * 1200, 13, 280)
    assert time.process_time() - started < 0.1
    assert label.endswith("…") and text_width(label, 13) <= 280


def test_carriage_returns_cannot_open_markup_in_a_title():
    from generator.render.text import escape_markdown, markdown_to_html

    for title in ("a\r# giả mạo", "a\r\n```", "a\u2028- mục", "a\x85<b>"):
        html = markdown_to_html(f"# {escape_markdown(title)}")
        assert html.count("<p>") == 1 and "<pre" not in html and "<ul" not in html and "<b>" not in html


# --- commit text in the feed and the change log (issue 18, item 7) ----------------------------------------

def test_commit_subjects_cannot_break_the_feed_or_bloat_it(tmp_path):
    import xml.etree.ElementTree as ET

    from generator.build import BuildOptions, build
    from generator.cli import valid_register
    from generator.derive import derive

    project = _project(tmp_path)
    shutil.rmtree(project / ".git")
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b.vn", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@b.vn", "PATH": "/usr/bin:/bin"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "Sổ nhiệm vụ ban đầu")
    register = project / "tasks.yaml"
    for i, message in enumerate(["Dời hạn \x01\x1b[31m ]]> <x>", "Báo cáo " + "rất dài " * 250_000]):
        register.write_text(register.read_text(encoding="utf-8").replace(
            "deadline: 2021-03-31" if i == 0 else "deadline: 2021-07-31",
            "deadline: 2021-07-31" if i == 0 else "deadline: 2021-08-31"), encoding="utf-8")
        (tmp_path / "message").write_text(message, encoding="utf-8")
        git("commit", "-qa", "-F", str(tmp_path / "message"))
    result = valid_register(str(register), None)
    build(result.register, derive(result.register, result.as_of.date),
          BuildOptions(register, tmp_path / "site", project=project, cache=project / ".cache"))
    feed = tmp_path / "site" / "feed.xml"
    assert feed.stat().st_size < 200_000
    summaries = [e.text or "" for e in ET.parse(feed).getroot().iter("{http://www.w3.org/2005/Atom}summary")]
    assert any(s.startswith("Dời hạn") for s in summaries) and any(s.startswith("Báo cáo rất dài") for s in summaries)
    assert max(len(s) for s in summaries) <= 200
    log = (tmp_path / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert len(log) < 200_000 and "\x1b" not in log and "\x01" not in log


def test_the_editors_guide_states_the_limits_the_validator_applies():
    from generator import schema

    guide = (ROOT / "content" / "editors.md").read_text(encoding="utf-8")
    section = guide.split("## Giới hạn", 1)[1].split("\n## ", 1)[0]
    vi = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731 - Vietnamese thousands
    for figure in (schema.MAX_NAME, schema.MAX_TITLE, schema.MAX_TEXT, schema.MAX_ID, schema.MAX_TASK_ID,
                   schema.MAX_ADDRESS):
        assert vi(figure) in section, figure
    assert "từ {} đến {}".format(*schema.YEARS) in section
    limits = {name: f.shape.limit for name, f in schema.REGISTER.fields.items() if hasattr(f.shape, "limit")}
    assert " / ".join(vi(limits[k]) for k in ("blocs", "groups", "agencies", "tasks")) in section
