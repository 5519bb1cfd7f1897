"""``python -m aioloom.web`` refuses a bad entry point with a usage error, not a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (".a.b:c", "relative module names not supported"),
        ("nomodule_here_xyz:init", "unable to import nomodule_here_xyz"),
        ("just_a_module", "entry-func must look like 'package.module:factory'"),
    ],
)
def test_a_bad_entry_point_is_a_usage_error(entry: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aioloom.web", entry],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
