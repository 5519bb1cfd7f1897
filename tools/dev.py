"""Developer entry point; needs only Python 3.11+ and pip.

    python tools/dev.py demo    # serve the showcase (examples/showcase) on http://127.0.0.1:8080
    python tools/dev.py test    # everything CI checks: lint, types, layers, wheels, docs, tests
    python tools/dev.py wheels  # build every distribution's wheel into dist/

It installs a pinned hatch into ``.tools/venv`` on first use; hatch then builds
the development environments defined in ``hatch.toml``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "venv"
HATCH_VERSION = "1.18.2"
BIN = TOOLS / ("Scripts" if os.name == "nt" else "bin")

# (label, hatch command): pytest runs last so its summary closes the output.
CHECKS: list[tuple[str, list[str]]] = [
    ("lint (ruff check + format)", ["run", "lint:check"]),
    ("types (mypy --strict)", ["run", "types:check"]),
    ("layering (tools/check_layers.py)", ["run", "test:layers"]),
    ("standalone wheels (tools/check_standalone.py)", ["run", "test:standalone"]),
    ("docs (sphinx -W)", ["run", "docs:build"]),
    ("tests (pytest)", ["run", "test:run"]),
]


def ensure_hatch() -> Path:
    hatch = BIN / "hatch"
    marker = TOOLS / f".hatch-{HATCH_VERSION}"
    if not marker.exists():
        print(f"setting up hatch {HATCH_VERSION} in {TOOLS.relative_to(ROOT)} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        subprocess.run(
            [str(BIN / "python"), "-m", "pip", "install", "--quiet", f"hatch=={HATCH_VERSION}"],
            check=True,
        )
        marker.touch()
    return hatch


def hatch_env() -> dict[str, str]:
    env = dict(os.environ)
    # hatch bundles uv; the standalone check uses it to build and install wheels.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    return env


def run_checks(hatch: Path, extra: list[str]) -> int:
    failed: list[str] = []
    timings: list[tuple[str, float]] = []
    for label, command in CHECKS:
        print(f"\n=== {label} ===", flush=True)
        if command == ["run", "test:run"]:
            command = [*command, *extra]
        started = time.monotonic()
        result = subprocess.run([str(hatch), *command], cwd=ROOT, env=hatch_env(), check=False)
        timings.append((label, time.monotonic() - started))
        if result.returncode != 0:
            failed.append(label)
    print("\n=== summary ===")
    for label, seconds in timings:
        state = "FAILED" if label in failed else "ok"
        print(f"{state:>6}  {label}  ({seconds:.0f} s)")
    return 1 if failed else 0


def build_wheels() -> int:
    """Every wheel into dist/, so that ``pip install --find-links dist <name>`` works."""
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    for package in sorted(ROOT.glob("packages/*/pyproject.toml")):
        command = [str(BIN / "uv"), "build", "--wheel", "--quiet", "--out-dir", str(dist)]
        result = subprocess.run([*command, str(package.parent)], env=hatch_env(), check=False)
        if result.returncode != 0:
            return result.returncode
    for wheel in sorted(dist.glob("*.whl")):
        print(wheel.relative_to(ROOT))
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "wheels"}:
        print(__doc__)
        return 2
    hatch = ensure_hatch()
    if argv[0] == "wheels":
        return build_wheels()
    if argv[0] == "demo":
        return subprocess.run(
            [str(hatch), "run", "demo"], cwd=ROOT, env=hatch_env(), check=False
        ).returncode
    return run_checks(hatch, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
