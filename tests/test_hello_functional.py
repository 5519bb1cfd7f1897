"""The demo app served by the real CLI, fetched by curl (an independent client)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_serves_the_demo(serve_cli: Callable[..., int], curl: Callable[..., str]) -> None:
    port = serve_cli("examples.hello:init_app")
    output = curl(f"http://127.0.0.1:{port}/")
    assert output.startswith("HTTP/1.1 200 OK\n")
    assert output.endswith("\n\nHello, world")
    assert "Hello, curl" in curl(f"http://127.0.0.1:{port}/curl")


def test_cli_answers_unknown_method_with_405(
    serve_cli: Callable[..., int], curl: Callable[..., str]
) -> None:
    port = serve_cli("examples.hello:init_app")
    output = curl("-X", "DELETE", f"http://127.0.0.1:{port}/")
    assert output.startswith("HTTP/1.1 405 Method Not Allowed\n")
    assert "\nAllow: GET,HEAD\n" in output


def test_cli_rejects_a_bad_entry_point() -> None:
    for entry, message in [
        ("examples.hello", "must look like 'package.module:factory'"),
        ("examples.nope:init_app", "unable to import examples.nope"),
        ("examples.hello:missing", "has no callable 'missing'"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "aioloom.web", entry],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
