"""Server processes for the benchmarks: started fresh, pinned to a CPU, measured
from /proc, always stopped (shared by bench_server.py and bench_ws_server.py)."""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

__all__ = ["CLK_TCK", "ServerProcess", "cpu_seconds", "default_cpus", "pinned", "rss_kib"]

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2 :].split()  # fields[0] is field 3 (state)
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def default_cpus(args: argparse.Namespace) -> None:
    """Server on the first allowed CPU, client on the second, unless chosen."""
    cpus = sorted(os.sched_getaffinity(0))
    if args.server_cpu is None and args.client_cpu is None and len(cpus) >= 2:
        args.server_cpu, args.client_cpu = cpus[0], cpus[1]


def pinned(cpu: int | None, argv: list[str]) -> list[str]:
    return argv if cpu is None else ["taskset", "-c", str(cpu), *argv]


class ServerProcess:
    """One app server: started fresh, pinned, on 127.0.0.1, always stopped."""

    def __init__(self, module: str, framework: str, loop: str, cpu: int | None) -> None:
        self.name = f"{framework}/{loop}"
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in stop()
        # stdin stays an open pipe: the app exits when it reaches EOF (we died).
        self.proc = subprocess.Popen(
            pinned(cpu, [sys.executable, "-m", module, framework, loop]),
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,  # Ctrl+C goes to us; we stop the server
        )
        self.pid = self.proc.pid  # taskset execs, so this is the server's pid
        self.port = self._wait_ready(timeout=60.0)

    def _wait_ready(self, timeout: float) -> int:
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if sel.select(timeout):
                line = self.proc.stdout.readline().decode(errors="replace").split()
                if len(line) == 2 and line[0] == "READY":
                    return int(line[1])
        self.stop()
        err = self.stderr_text()
        self.close()
        raise RuntimeError(f"{self.name} did not start:\n{err}")

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()

    def close(self) -> None:
        self.stop()
        self._stderr.close()
