"""aiohttp-devtools: runserver accepts the app factory (in a child process: runserver
sets multiprocessing's start method, once per process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

NOTES = Path(__file__).parent.parent / "aiohttp_app" / "notes.py"

SCRIPT = f"""
import asyncio
from aioloom.aiohttp_compat import install
install()
from aioloom import web
from aiohttp_devtools.runserver import runserver
from aiohttp_devtools.runserver.config import Config

config = Config(app_path={str(NOTES)!r}, app_factory_name="create_app", main_port=0)
app = asyncio.run(config.load_app(config.import_app_factory()))
assert isinstance(app, web.Application), type(app)
served = runserver(app_path={str(NOTES)!r}, app_factory_name="create_app", main_port=0)
assert isinstance(served["app"], web.Application)
assert issubclass(served["access_log_class"], web.AbstractAccessLogger)
print("accepted")
"""


def test_runserver_accepts_the_app_factory() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("accepted")
