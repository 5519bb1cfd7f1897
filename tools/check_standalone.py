"""Build every wheel, then install each distribution alone into a fresh venv.

Proves that ``aioloom-router`` and ``aioloom-http-parser`` work without
``aioloom-web``, that every distribution imports from its wheel, and that the
inter-package pins all name the same release. Needs ``uv`` on PATH (hatch
bundles it; ``tools/dev.py`` puts it there).

Usage: ``python tools/check_standalone.py [--keep DIR]``; exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# distribution -> (imports that must work, imports that must NOT be installed)
EXPECTATIONS: dict[str, tuple[list[str], list[str]]] = {
    "aioloom-http-parser": (["aioloom.http_parser"], ["aioloom.web", "aioloom.router"]),
    "aioloom-router": (["aioloom.router"], ["aioloom.web", "aioloom.http_parser"]),
    "aioloom-websocket": (["aioloom.websocket"], ["aioloom.web", "aioloom.http_parser"]),
    "aioloom-web": (["aioloom.web"], ["aioloom.testing"]),
    "pytest-aioloom": (["aioloom.testing", "aioloom.testing.plugin"], []),
    "aioloom": (["aioloom.web", "aioloom.testing"], ["aioloom.aiohttp_compat"]),
    "aioloom-aiohttp-compat": (["aioloom.aiohttp_compat", "aiohttp"], ["aioloom.testing"]),
}


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not on PATH (run through 'python tools/dev.py test')")
    return uv


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def check_pins() -> list[str]:
    """Every package has one version and every aioloom pin names that version."""
    problems = []
    versions: dict[str, str] = {}
    requirements: dict[str, list[str]] = {}
    for pyproject in sorted(ROOT.glob("packages/*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        name = project["name"]
        if "version" in project:
            versions[name] = project["version"]
        else:
            about = next(pyproject.parent.glob("src/aioloom/*/__about__.py"))
            match = re.search(r'__version__ = "([^"]+)"', about.read_text())
            versions[name] = match.group(1) if match else "?"
        extras = project.get("optional-dependencies", {}).values()
        requirements[name] = [
            *project.get("dependencies", []),
            *(req for group in extras for req in group),
        ]
    release = set(versions.values())
    if len(release) != 1:
        problems.append(f"distributions disagree on the release: {versions}")
    for name, reqs in requirements.items():
        for req in reqs:
            dep = re.split(r"[=<>!~\[; ]", req, maxsplit=1)[0]
            if dep in versions and not req.endswith(f"=={versions[dep]}"):
                problems.append(f"{name} pins {req!r}; expected =={versions[dep]}")
    return problems


def build_wheels(out: Path) -> list[str]:
    problems = []
    for package in sorted(ROOT.glob("packages/*/pyproject.toml")):
        result = _run(
            _uv(), "build", "--wheel", "--quiet", "--out-dir", str(out), str(package.parent)
        )
        if result.returncode != 0:
            problems.append(f"building {package.parent.name} failed:\n{result.stderr}")
    return problems


def check_alone(dist: str, wheels: Path, work: Path) -> list[str]:
    must, must_not = EXPECTATIONS[dist]
    env = work / f"venv-{dist}"
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    steps = [
        (_uv(), "venv", "--quiet", "--python", sys.executable, str(env)),
        (
            _uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            "--find-links",
            str(wheels),
            dist,
        ),
    ]
    for step in steps:
        result = _run(*step)
        if result.returncode != 0:
            return [f"{dist}: {' '.join(step[:3])} failed:\n{result.stderr}"]
    probe = (
        "import importlib, importlib.util, sys\n"
        f"for name in {must!r}: importlib.import_module(name)\n"
        f"bad = [n for n in {must_not!r} if importlib.util.find_spec(n) is not None]\n"
        "sys.exit(f'unexpectedly installed: {bad}' if bad else 0)\n"
    )
    result = _run(str(python), "-c", probe)
    if result.returncode != 0:
        return [f"{dist}: alone in a venv: {result.stderr.strip() or result.stdout.strip()}"]
    print(f"ok  {dist} installs and imports alone")
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and install each distribution alone.")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    problems = check_pins()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        wheels = work / "wheels"
        problems += build_wheels(wheels)
        if not problems:
            for dist in EXPECTATIONS:
                problems += check_alone(dist, wheels, work)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
