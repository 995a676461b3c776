"""Work in a forked child beside the build (``generator/forked.py``): what it writes is there when ``join``
returns, its failure is raised in the build, and a child the build gives up on is stopped."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from generator.forked import Forked, ForkedError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: the work is done in the process")


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def fail(message: str) -> None:
    raise ValueError(message)


class Unpicklable(Exception):
    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("not this one")


def fail_unpicklably() -> None:
    raise Unpicklable("khó gửi")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_what_the_child_writes_is_there_when_join_returns(tmp_path):
    child = Forked(write, tmp_path / "dữ liệu.csv", "Sơn La")
    assert child.pid and child.pid != os.getpid()
    assert child.join() >= 0
    assert (tmp_path / "dữ liệu.csv").read_text(encoding="utf-8") == "Sơn La"


def test_the_childs_exception_is_raised_by_join():
    child = Forked(fail, "ổ đĩa đầy")
    with pytest.raises(ValueError, match="ổ đĩa đầy"):
        child.join()


def test_an_exception_that_cannot_be_sent_still_says_what_it_was():
    with pytest.raises(ForkedError, match="Unpicklable: khó gửi"):
        Forked(fail_unpicklably).join()


def test_a_child_killed_outright_fails_the_join():
    with pytest.raises(ForkedError, match="-9"):
        Forked(die).join()


def test_stop_ends_a_child_still_at_work(tmp_path):
    child = Forked(time.sleep, 30)
    pid = child.pid
    started = time.perf_counter()
    child.stop()
    assert time.perf_counter() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more
    child.stop()  # a second time does nothing


def test_a_build_writes_the_same_open_data_and_feed_beside_its_pages_as_in_turn(tmp_path, source_date_epoch):
    """The child beside the pages is used only while the build is its process's one thread (the live preview
    runs others): both ways give the same site."""
    import threading

    from generator.build import SiteOptions, build_site
    from tests.conftest import REGISTERS
    from tests.test_incremental import files

    register = REGISTERS / "valid" / "small.yaml"
    beside = build_site(SiteOptions(register, tmp_path / "beside", cache=tmp_path / "c1", pdfs=False))
    assert beside.ok and beside.report and "data_beside" in beside.report.stages
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        in_turn = build_site(SiteOptions(register, tmp_path / "in-turn", cache=tmp_path / "c2", pdfs=False))
    finally:
        stop.set()
        other.join()
    assert in_turn.ok and in_turn.report and "data_beside" not in in_turn.report.stages
    assert files(tmp_path / "beside") == files(tmp_path / "in-turn")
    assert (tmp_path / "beside" / "feed.xml").is_file() and (tmp_path / "beside" / "data" / "tasks.xlsx").is_file()
