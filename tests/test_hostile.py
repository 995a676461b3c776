"""Hostile files: each gives exit 1 at the right line, no traceback, in bounded time and memory.

Each case runs ``python -m generator validate`` in a child process limited to 1 GiB of address
space; the child reports the CPU time that loading and validating took.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

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
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused_cleanly(name, tmp_path):
    content, line, needle = CASES[name]
    path = tmp_path / "tasks.yaml"
    path.write_bytes(content)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=tmp_path, capture_output=True, timeout=60,
                          preexec_fn=_limit_memory, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err[-2000:]
    assert "Traceback" not in err and "internal error" not in err
    assert f"{path}:" in err and ": error: " in err
    if line is not None:
        assert f"{path}:{line}:" in err, err[:2000]
    if needle:
        assert needle in err
    elapsed = float(err.rsplit("ELAPSED ", 1)[1].split()[0])
    assert elapsed < 2.0
    assert not (tmp_path / "PWNED").exists()


def test_corpus_size():
    broken = list((REGISTERS / "broken").glob("*.yaml"))
    assert len(broken) + len(CASES) >= 40 + 15
