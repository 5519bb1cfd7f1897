"""Claims the documentation makes that point outside the docs: configs, advisories."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GHSA = re.compile(r"GHSA[-_]([0-9a-z]{4})[-_]([0-9a-z]{4})[-_]([0-9a-z]{4})")


def _ids(text: str) -> set[str]:
    return {"GHSA-" + "-".join(match) for match in GHSA.findall(text)}


def test_security_page_lists_exactly_the_advisories_with_tests() -> None:
    on_page = _ids((DOCS / "security.rst").read_text())
    tested: set[str] = set()
    for folder in ("packages", "tests", "tools"):
        for path in (ROOT / folder).rglob("test_*.py"):
            names = [*re.findall(r"def (test_GHSA_\w+)", path.read_text()), path.stem]
            tested |= {i for name in names if name.startswith("test_GHSA") for i in _ids(name)}
    assert on_page, "the page names no advisory"
    assert on_page == tested


def test_nginx_config_on_the_deployment_page_parses(tmp_path: Path) -> None:
    # Debian puts nginx in /usr/sbin, which a non-root PATH may lack.
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is required in CI (.ci/run installs it)")
        pytest.skip("nginx is not installed")
    site = (DOCS / "deploy" / "nginx.conf").read_text()
    site = site.replace("listen 80;", "listen 127.0.0.1:18080;")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n"
        f"  proxy_temp_path {tmp_path};\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
