"""Work done in a child process forked from the build, beside the stages that go on in the build's own.

The build's stages are Python and hold the interpreter's lock, so a thread beside them gains nothing on a
second core; a forked child does, and it needs nothing pickled: it starts with the build's memory as it is
(shared copy-on-write) and only writes files. The child returns nothing but whether it succeeded (an
exception it raised is sent back and raised again by ``join``) and how long its work took.

Fork only where the build runs one thread: the child of a process with other threads may inherit a lock
one of them held. Where there is no ``fork`` (Windows), the work is done in this process at once.
"""

from __future__ import annotations

import os
import pickle
import signal
import time
from collections.abc import Callable


class ForkedError(Exception):
    """The child ended without saying how (killed, or its exception could not be sent)."""


class Forked:
    """``work(*args)`` started in a forked child; ``join`` waits for it and returns its seconds."""

    def __init__(self, work: Callable[..., object], *args: object) -> None:
        self.pid = 0
        self.seconds = 0.0
        self.error: BaseException | None = None
        if not hasattr(os, "fork"):
            self._inline(work, args)
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, say how it went, and leave without running anything of the parent's
            os.close(read)
            _child(write, work, args)
        os.close(write)
        self.pid, self._read = pid, read

    def _inline(self, work: Callable[..., object], args: tuple[object, ...]) -> None:
        started = time.perf_counter()
        try:
            work(*args)
        except Exception as exc:  # raised by join, as from a child
            self.error = exc
        self.seconds = time.perf_counter() - started

    def join(self) -> float:
        if self.pid:
            with os.fdopen(self._read, "rb") as pipe:
                said = pipe.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            self._settle(said, status)
        if self.error is not None:
            raise self.error
        return self.seconds

    def _settle(self, said: bytes, status: int) -> None:
        try:
            seconds, error = pickle.loads(said)
        except Exception:  # nothing said: the child was killed
            self.error = ForkedError(f"the child process ended with status {os.waitstatus_to_exitcode(status)}")
            return
        self.seconds, self.error = seconds, error

    def stop(self) -> None:
        """Kill the child if it still runs (the build failed or was interrupted)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(self._read)
            self.pid = 0


def _child(write: int, work: Callable[..., object], args: tuple[object, ...]) -> None:
    code, error = 0, None
    started = time.perf_counter()
    try:
        work(*args)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        code, error = 1, exc
    said = _said(time.perf_counter() - started, error)
    try:
        with os.fdopen(write, "wb") as pipe:
            pipe.write(said)
    finally:
        os._exit(code)


def _said(seconds: float, error: BaseException | None) -> bytes:
    try:
        return pickle.dumps((seconds, error))
    except Exception:  # an exception that does not pickle: its words, at least
        return pickle.dumps((seconds, ForkedError(f"{type(error).__name__}: {error}")))
