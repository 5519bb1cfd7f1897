"""Claims the documentation makes that point outside the docs: configs, advisories."""

from __future__ import annotations

import hashlib
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


# A README's list of deliberate differences: a heading that names them (to the next
# heading), or a paragraph that starts with "Differences from" (to the blank line).
_DIFF_HEADING = re.compile(r"^(#+) .*\bdifferences\b", re.IGNORECASE)
_DIFF_PARAGRAPH = re.compile(r"^Differences from ", re.IGNORECASE)
_DIFF_MARK = re.compile(r"^\.\. differences-from: (?P<path>\S+) (?P<digest>[0-9a-f]{12})$", re.M)


def _difference_sections(readme: Path) -> list[str]:
    lines = readme.read_text(encoding="utf-8").splitlines()
    sections: list[str] = []
    for i, line in enumerate(lines):
        heading = _DIFF_HEADING.match(line)
        if heading is None and not _DIFF_PARAGRAPH.match(line):
            continue
        body = [line]
        for rest in lines[i + 1 :]:
            if heading and re.match(rf"^#{{1,{len(heading[1])}}} ", rest):
                break
            if not heading and not rest.strip():
                break
            body.append(rest)
        sections.append(" ".join(" ".join(body).split()))
    return sections


def _fingerprint(readme: Path) -> str:
    return hashlib.sha256("\n".join(_difference_sections(readme)).encode()).hexdigest()[:12]


def test_migration_table_follows_the_readmes_differences() -> None:
    """Every README that lists deliberate differences has its rows on the migration
    page, marked with a fingerprint of the README's list as it was when they were
    written: when a README's list changes, update the page's rows and the mark."""
    page = (DOCS / "migration.rst").read_text(encoding="utf-8")
    marks = {m["path"]: m["digest"] for m in _DIFF_MARK.finditer(page)}
    readmes = {
        path.relative_to(ROOT).as_posix(): path
        for path in sorted(ROOT.glob("packages/*/README.md"))
        if _difference_sections(path)
    }
    assert len(readmes) >= 3, "the READMEs' difference lists were not found"
    assert sorted(marks) == sorted(readmes), "the page must have a table for each README"
    stale = {p: _fingerprint(readmes[p]) for p in readmes if marks[p] != _fingerprint(readmes[p])}
    assert not stale, f"these READMEs' differences changed; update docs/migration.rst: {stale}"
