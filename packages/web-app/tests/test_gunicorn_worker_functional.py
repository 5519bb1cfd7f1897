"""The Gunicorn worker's lifecycle in a real gunicorn, as aiohttp's worker's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_a_failing_startup_stops_gunicorn_instead_of_restarting_workers(
    tmp_path: Path,
) -> None:
    pytest.importorskip("gunicorn")
    (tmp_path / "failing_app.py").write_text(
        "from aioloom import web\n"
        "async def connect(app):\n"
        "    raise ConnectionError('database down')\n"
        "app = web.Application()\n"
        "app.on_startup.append(connect)\n"
    )
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "failing_app:app",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--worker-class",
            "aioloom.web.GunicornWebWorker",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    # gunicorn's arbiter stops with its "worker boot error" status (3) when a
    # worker fails before it is booted, rather than booting worker after worker.
    assert process.returncode == 3, process.stderr
    assert "Worker failed to boot" in process.stderr
    assert process.stderr.count("Booting worker") == 1
    assert "ConnectionError: database down" in process.stderr
