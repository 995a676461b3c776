"""The live preview picks up a saved register within two seconds and serves the rebuilt page."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import REGISTERS, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def test_serve_rebuilds_after_a_save(tmp_path):
    register = tmp_path / "tasks.yaml"
    shutil.copy(REGISTERS / "valid" / "small.yaml", register)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--register", str(register),
                                 "--port", str(port)], cwd=ROOT, stderr=handle, stdout=handle,
                                env={**os.environ, "GENERATOR_PREVIEW_DIR": str(tmp_path / "preview")})
    try:
        url = f"http://127.0.0.1:{port}/tasks/5/"
        deadline = time.time() + 30
        while "Cải tạo chợ trung tâm" not in _get(url):
            assert time.time() < deadline, log.read_text()
            time.sleep(0.2)
        saved = time.time()
        register.write_text(register.read_text(encoding="utf-8").replace("Cải tạo chợ trung tâm", "Cải tạo chợ mới"),
                            encoding="utf-8")
        while "Cải tạo chợ mới" not in _get(url):
            assert time.time() < saved + 20, log.read_text()
            time.sleep(0.2)
        seen = [float(line.split()[1]) for line in log.read_text().splitlines() if line.startswith("rebuilding:")]
        assert seen and seen[0] - saved < 2.0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
