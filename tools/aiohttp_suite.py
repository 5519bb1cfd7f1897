"""aiohttp's own server tests against this checkout, checked against a committed list.

    python tools/aiohttp_suite.py                  # run the suite, compare with the list
    python tools/aiohttp_suite.py --update         # run the suite, rewrite the list
    python tools/aiohttp_suite.py --results DIR    # compare (or --update) from an earlier run
    python tools/aiohttp_suite.py --files test_web_response.py   # one file, its entries only

Run it with the test environment's interpreter (aioloom, aiohttp and the pytest
plugins installed): ``.tools/venv/bin/hatch run test:python tools/aiohttp_suite.py``.

The suite and its harness live outside the repository, in
``../shared/conformance/aiohttp-suite`` (or ``$AIOLOOM_SHARED_DIR/conformance/...``);
its ``harness/run.sh`` runs aiohttp's server test files against an aioloom server
with aiohttp's real client (aioloom mode only here). Every test expected not to
pass is listed in ``tests/aiohttp_suite/expected_failures.tsv`` with a category
(A-D, as in the harness's ``triage.tsv``) and a reason. The check fails on a
regression (a failing test the list does not name), on a stale entry (a listed
test that passes, is skipped or no longer exists) and on a harness problem (a
file without results, a collection error, a failed self-check).

``--update`` keeps the entries (and reasons) of tests that still fail, drops the
others, and adds each new failure with the category and note of the first
matching ``triage.tsv`` line; a failure no triage line matches is written with
category ``?``, which the check reports until someone classifies it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "aiohttp_suite" / "expected_failures.tsv"
MODE = "aioloom"
CATEGORIES = ("A", "B", "C", "D")
UNCLASSIFIED = "?"
UNSTABLE_MARK = "may-pass"  # the optional fourth column
FAILING = ("failed", "error")

# A run takes about six minutes in one shard on two cores, mostly waiting; these
# bound a hang.
RUN_TIMEOUT = 1800.0  # the whole run, seconds
FILE_TIMEOUT = 600  # one test file (run.sh kills its pytest process after it)
JOBS = 2  # run.sh shards side by side (see run_and_read)

HEADER = """\
# aiohttp's server tests (../shared/conformance/aiohttp-suite, aioloom mode) that are
# expected NOT to pass on aioloom. Checked by tests/aiohttp_suite/test_aiohttp_suite.py:
# a listed test that passes, or a failing test not listed here, fails the check.
#
# columns: test<TAB>category<TAB>reason[<TAB>may-pass]
#   test      pytest node id as the harness names it (file::[Class::]name[params]);
#             '*' in it matches anything (then every matching test is expected to fail)
#   category  A real behaviour gap, B aiohttp internals/mocks/wording, C documented
#             deliberate difference, D fails on aiohttp too (harness/triage.tsv's groups)
#   may-pass  the test passes on some runs or machines: never reported as stale
#
# Regenerate with `hatch run test:python tools/aiohttp_suite.py --update`: reasons of
# entries that still fail are kept; comments other than this header are not.
"""


# ---------------------------------------------------------------------- the list


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    # Only '*' is special: node ids are full of brackets (triage.tsv's rule too).
    return re.compile("".join(".*" if ch == "*" else re.escape(ch) for ch in pattern) + r"\Z", re.S)


def matches(pattern: str, nodeid: str) -> bool:
    if "*" not in pattern:
        return pattern == nodeid
    return _glob(pattern).match(nodeid) is not None


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the expected-failures list."""

    pattern: str
    category: str
    reason: str
    may_pass: bool = False

    def line(self) -> str:
        cols = [self.pattern, self.category, self.reason]
        if self.may_pass:
            cols.append(UNSTABLE_MARK)
        return "\t".join(cols)


def parse_expected(text: str, source: str = "expected_failures.tsv") -> list[Entry]:
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        where = f"{source}:{number}"
        cols = raw.split("\t")
        if len(cols) not in (3, 4):
            raise ValueError(f"{where}: want 3 or 4 tab-separated columns, got {len(cols)}")
        pattern, category, reason = (c.strip() for c in cols[:3])
        flag = cols[3].strip() if len(cols) == 4 else ""
        if category not in (*CATEGORIES, UNCLASSIFIED):
            raise ValueError(f"{where}: category {category!r} is not one of A, B, C, D")
        if not pattern or not reason:
            raise ValueError(f"{where}: empty test or reason")
        if flag not in ("", UNSTABLE_MARK):
            raise ValueError(f"{where}: fourth column must be {UNSTABLE_MARK!r}, not {flag!r}")
        if pattern in seen:
            raise ValueError(f"{where}: {pattern} is listed twice")
        seen.add(pattern)
        entries.append(Entry(pattern, category, reason, flag == UNSTABLE_MARK))
    return entries


def load_expected(path: Path = EXPECTED) -> list[Entry]:
    return parse_expected(path.read_text(encoding="utf-8"), path.name)


def format_expected(entries: Iterable[Entry]) -> str:
    order = {c: i for i, c in enumerate((UNCLASSIFIED, *CATEGORIES))}
    ordered = sorted(entries, key=lambda e: (order[e.category], e.pattern))
    lines = [HEADER.rstrip("\n")]
    current = None
    for entry in ordered:
        if entry.category != current:
            current = entry.category
            lines.extend(["", f"# ---- {_CATEGORY_TITLES[current]}"])
        lines.append(entry.line())
    return "\n".join(lines) + "\n"


_CATEGORY_TITLES = {
    UNCLASSIFIED: "?: not classified yet (no triage.tsv line matches): classify these",
    "A": "A: real behaviour gaps (to close)",
    "B": "B: the test drives aiohttp internals, mocks, exact wording or reprs",
    "C": "C: deliberate differences documented in an aioloom README",
    "D": "D: fails on the aiohttp baseline too",
}


def matching(pattern: str, nodeids: Collection[str]) -> list[str]:
    """The node ids ``pattern`` matches (a dict or set lookup when it has no '*')."""
    if "*" not in pattern:
        return [pattern] if pattern in nodeids else []
    return [n for n in nodeids if matches(pattern, n)]


def first_match(nodeid: str, entries: Sequence[Entry]) -> Entry | None:
    return next((e for e in entries if matches(e.pattern, nodeid)), None)


# ---------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # passed, failed, error or skipped
    message: str = ""  # first line of the failure or error


@dataclass(slots=True)
class SuiteResult:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # the harness did not do its job
    summary: str = ""  # run.sh's last line


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 200 else line[:197] + "..."


def read_junit(path: Path, filename: str, result: SuiteResult) -> None:
    """Add one file's junit XML to ``result`` (node ids as summarize.py makes them)."""
    module = filename.removesuffix(".py")
    # the XML is the harness's own pytest output on this machine, not outside input
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314
        classname = case.get("classname", "")
        name = case.get("name", "")
        bad = next((c for c in case if c.tag in ("failure", "error")), None)
        if not classname:
            # pytest reports a module that fails to import as a nameless testcase
            message = "" if bad is None else _first_line(bad.get("message") or bad.text or "")
            result.problems.append(f"{filename}: collection error: {message}")
            continue
        parts = classname.split(".")
        index = next((i for i, p in enumerate(parts) if p == module), len(parts) - 1)
        nodeid = "::".join([filename, *parts[index + 1 :], name])
        kinds = {child.tag for child in case}
        if "failure" in kinds:
            status = "failed"
        elif "error" in kinds:
            status = "error"
        elif "skipped" in kinds:
            status = "skipped"
        else:
            status = "passed"
        previous = result.outcomes.get(nodeid)
        if previous is not None and previous.status != "passed":
            continue  # a test with a call failure and a teardown error: keep the first
        message = "" if bad is None else _first_line(bad.get("message") or bad.text or "")
        result.outcomes[nodeid] = Outcome(status, message)


def read_results(work: Path, stderr: str = "") -> SuiteResult:
    """The aioloom-mode results run.sh left in ``work`` (its ``$WORK``)."""
    result = SuiteResult()
    results = work / "results" / MODE
    rc_files = sorted(results.glob("*.py.rc"))
    if not rc_files:
        result.problems.append(f"no results in {results}")
    for rc_file in rc_files:
        filename = rc_file.name.removesuffix(".rc")
        rc = rc_file.read_text().strip()
        xml = results / f"{filename}.xml"
        # pytest exits 0 (all passed) or 1 (some failed); anything else (timeout's
        # 124/137, an internal error, an interrupt) means the file did not finish.
        if rc not in ("0", "1"):
            log = work / "logs" / MODE / f"{filename}.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            result.problems.append(f"{filename}: pytest exited {rc}: {' '.join(tail)}")
        if xml.exists():
            read_junit(xml, filename, result)
        else:
            result.problems.append(f"{filename}: no junit XML (rc={rc})")
    if stderr and f"self-check {MODE}: ok" not in stderr:
        result.problems.append(
            f"the harness self-check failed: see {work}/logs/selfcheck-{MODE}.log"
        )
    return result


# ---------------------------------------------------------------------- comparison


@dataclass(slots=True)
class Report:
    regressions: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    categories: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (self.regressions or self.stale or self.problems)

    def counts_line(self) -> str:
        counts = ", ".join(f"{c} {self.categories[c]}" for c in sorted(self.categories))
        return f"expected failures by category: {counts or 'none'}"

    def render(self) -> str:
        out: list[str] = []
        sections = [
            ("harness problems", self.problems),
            ("regressions: failing, and not in tests/aiohttp_suite/expected_failures.tsv",
             self.regressions),
            ("stale entries in tests/aiohttp_suite/expected_failures.tsv", self.stale),
        ]  # fmt: skip
        for title, items in sections:
            if items:
                out.append(f"{title} ({len(items)}):")
                out.extend(f"  {item}" for item in items)
        out.append(self.counts_line())
        return "\n".join(out)


def in_scope(entry: Entry, files: Collection[str] | None) -> bool:
    """Is the entry about one of ``files`` (None: every file is in scope)?"""
    head = entry.pattern.split("::", 1)[0]
    return files is None or "*" in head or head in files


def compare(
    result: SuiteResult, entries: Sequence[Entry], files: Collection[str] | None = None
) -> Report:
    """Check ``result`` against the list; ``files`` limits it to a partial run's files."""
    report = Report(problems=list(result.problems))
    entries = [e for e in entries if in_scope(e, files)]
    outcomes = result.outcomes
    failing = sorted(n for n, o in outcomes.items() if o.status in FAILING)
    for nodeid in failing:
        entry = first_match(nodeid, entries)
        if entry is None:
            outcome = outcomes[nodeid]
            report.regressions.append(f"{nodeid} ({outcome.status}): {outcome.message}")
        else:
            report.categories[entry.category] += 1
    for entry in entries:
        if entry.category == UNCLASSIFIED:
            report.problems.append(f"{entry.pattern}: not classified (category ?)")
        matched = matching(entry.pattern, outcomes.keys())
        if not matched:
            report.stale.append(f"{entry.pattern}: no such test ran (renamed or removed?)")
            continue
        if entry.may_pass:
            continue
        passing = sorted(n for n in matched if outcomes[n].status == "passed")
        if passing:
            if passing == [entry.pattern]:
                report.stale.append(f"{entry.pattern}: passes now")
            else:
                shown = ", ".join(passing[:5]) + (" ..." if len(passing) > 5 else "")
                report.stale.append(f"{entry.pattern}: {len(passing)} matching pass now: {shown}")
        elif not any(outcomes[n].status in FAILING for n in matched):
            report.stale.append(f"{entry.pattern}: skipped now")
    return report


# ---------------------------------------------------------------------- update


@dataclass(frozen=True, slots=True)
class TriageRule:
    pattern: str
    category: str
    group: str
    note: str


def load_triage(path: Path) -> list[TriageRule]:
    rules: list[TriageRule] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("\t")] + ["", "", ""]
        rules.append(TriageRule(cols[0], cols[1], cols[2], cols[3]))
    return rules


def triage_reason(rule: TriageRule, rules: Sequence[TriageRule]) -> str:
    """The rule's note, led by its group's description (a group's first note)."""
    description = next((r.note for r in rules if r.group == rule.group and r.note), "")
    note = rule.note or description
    if note != description and note.startswith("("):
        note = f"{description} {note}".strip()  # a parenthetical note adds to the group's
    text = f"{rule.group}: {note}" if rule.group else note
    return " ".join(text.split()) or "(no note in triage.tsv)"


def update(
    result: SuiteResult,
    entries: Sequence[Entry],
    rules: Sequence[TriageRule],
    files: Collection[str] | None = None,
) -> tuple[list[Entry], list[str]]:
    """The new list, and what changed (one line per change, for the maintainer).

    With ``files`` (a partial run), entries about other files stay as they are.
    """
    outcomes = result.outcomes
    failing = sorted(n for n, o in outcomes.items() if o.status in FAILING)
    kept: dict[str, Entry] = {}
    notes: list[str] = []
    untouched = [e for e in entries if not in_scope(e, files)]
    for entry in entries:
        if not in_scope(entry, files):
            continue
        matched = matching(entry.pattern, outcomes.keys())
        still = [n for n in matched if outcomes[n].status in FAILING]
        if entry.may_pass and matched:
            kept[entry.pattern] = entry  # flaky by declaration: only a human removes it
        elif not still:
            notes.append(f"dropped (no longer fails): {entry.pattern}")
        elif "*" in entry.pattern and any(outcomes[n].status == "passed" for n in matched):
            # the glob now covers passing tests too: list the failing ones one by one
            notes.append(f"narrowed {entry.pattern} to the {len(still)} tests that still fail")
            for nodeid in still:
                kept.setdefault(nodeid, Entry(nodeid, entry.category, entry.reason))
        else:
            kept[entry.pattern] = entry
    covered = list(kept.values())
    for nodeid in failing:
        if first_match(nodeid, covered) is not None:
            continue
        rule = next((r for r in rules if matches(r.pattern, nodeid)), None)
        if rule is None or rule.category not in CATEGORIES:
            message = outcomes[nodeid].message or outcomes[nodeid].status
            new = Entry(nodeid, UNCLASSIFIED, f"UNCLASSIFIED: {message}")
            notes.append(f"added, NOT CLASSIFIED (no triage.tsv line matches): {nodeid}")
        else:
            new = Entry(nodeid, rule.category, triage_reason(rule, rules))
            notes.append(f"added ({rule.category}): {nodeid}")
        kept[nodeid] = new
        covered.append(new)
    # an entry that is the first match of no failing test only hides behind another
    used = {id(first_match(n, covered)) for n in failing}
    final = [e for e in covered if id(e) in used or e.may_pass]
    notes.extend(f"dropped (shadowed by an earlier entry): {e.pattern}" for e in covered
                 if e not in final)  # fmt: skip
    return [*untouched, *final], notes


# ---------------------------------------------------------------------- running


def suite_dir() -> Path | None:
    """The shared aiohttp-suite folder beside the checkout, or None when absent."""
    env = os.environ.get("AIOLOOM_SHARED_DIR")
    shared = Path(env) if env else ROOT.parent / "shared"
    folder = shared / "conformance" / "aiohttp-suite"
    return folder if (folder / "harness" / "run.sh").is_file() else None


class SuiteTimeoutError(RuntimeError):
    pass


def _kill_session(sid: int) -> None:
    """Kill every process of the session run.sh leads.

    run.sh's coreutils ``timeout`` puts each pytest in a process group of its own,
    so killing run.sh's group would leave them running; the session holds them all.
    """
    proc = Path("/proc")
    if proc.is_dir():
        for stat in proc.glob("[0-9]*/stat"):
            try:
                # the fields after the ")" that ends the command name: state, ppid,
                # pgrp, session ...
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if len(fields) > 3 and fields[3] == str(sid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(stat.parent.name), signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(sid, signal.SIGKILL)


# run.sh's knobs (its README): a value left in the caller's shell must not change
# what the check runs, so each is dropped and the needed ones set.
HARNESS_KNOBS = ("PY", "WORK", "MODES", "FILES", "TEST_TIMEOUT", "FILE_TIMEOUT", "RESULT_JSON",
                 "AIOHTTP_SRC", "AIOHTTP_MIRROR", "AIOHTTP_REF")  # fmt: skip


def harness_files(suite: Path) -> list[str] | None:
    """run.sh's own file list (its REQUIRED and EXTRA), or None if it cannot be read."""
    text = (suite / "harness" / "run.sh").read_text(encoding="utf-8")
    lists: dict[str, str] = dict(re.findall(r'^(REQUIRED|EXTRA)="([^"]*)"', text, re.M))
    if set(lists) != {"REQUIRED", "EXTRA"}:
        return None
    return lists["REQUIRED"].split() + lists["EXTRA"].split()


def _start(suite: Path, work: Path, python: str, files: Sequence[str]) -> subprocess.Popen[str]:
    # an outer pytest's PYTEST_ADDOPTS and the like must not reach the suite's pytest
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST_") and k not in HARNESS_KNOBS
    }
    env.update(
        PY=python,
        MODES=MODE,
        WORK=str(work),
        RESULT_JSON=str(work / "last-result.json"),
        FILE_TIMEOUT=str(FILE_TIMEOUT),
    )
    if files:
        env["FILES"] = " ".join(files)
    work.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        ["bash", str(suite / "harness" / "run.sh")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def _wait(processes: Sequence[subprocess.Popen[str]], timeout: float) -> list[tuple[str, str]]:
    """Each run.sh's stdout and stderr; all are killed when one outlives ``timeout``."""
    deadline = time.monotonic() + timeout
    try:
        outputs = [p.communicate(timeout=max(0.0, deadline - time.monotonic())) for p in processes]
    except subprocess.TimeoutExpired:
        for process in processes:
            _kill_session(process.pid)
        for process in processes:
            # a survivor holding the pipes must not turn the kill into a second hang
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=30)
        raise SuiteTimeoutError(f"run.sh did not finish in {timeout:.0f} s (killed)") from None
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            tail = "\n".join(stderr.strip().splitlines()[-5:])
            raise RuntimeError(f"run.sh exited {process.returncode}:\n{tail}")
    return outputs


def run_suite(
    suite: Path,
    work: Path,
    python: str = sys.executable,
    *,
    files: Sequence[str] = (),
    timeout: float = RUN_TIMEOUT,
) -> tuple[str, str]:
    """Run the harness in aioloom mode into ``work``; return its stdout and stderr.

    ``files`` narrows the run to those test files (default: run.sh's own list).
    """
    return _wait([_start(suite, work, python, files)], timeout)[0]


def totals_line(result: SuiteResult) -> str:
    """The totals in the words of run.sh's summary line (for a run split in shards)."""
    counts = Counter(o.status for o in result.outcomes.values())
    return (
        f"{MODE}: {counts['passed']} passed / {counts['failed']} failed / "
        f"{counts['error']} errors of {len(result.outcomes)} selected"
    )


def run_and_read(
    suite: Path,
    work: Path,
    *,
    files: Sequence[str] = (),
    jobs: int = 1,
    timeout: float = RUN_TIMEOUT,
) -> SuiteResult:
    """Run the suite and read its results; ``jobs`` > 1 splits the files into shards.

    Most of a run's time is spent waiting (on timeouts the tests provoke, and on
    hung tests until pytest-timeout stops them), so shards run side by side on
    the same cores; each is a run.sh of its own in its own folder.
    """
    names = list(files) or (harness_files(suite) if jobs > 1 else None) or []
    shards = [names[i::jobs] for i in range(jobs)] if jobs > 1 and len(names) > 1 else [names]
    shards = [shard for shard in shards if shard] or [[]]
    if len(shards) == 1:
        stdout, stderr = run_suite(suite, work, files=shards[0], timeout=timeout)
        result = read_results(work, stderr)
        lines = stdout.strip().splitlines()
        result.summary = lines[-1] if lines else ""
        return result
    folders = [work / f"shard{i}" for i in range(len(shards))]
    processes = [
        _start(suite, folder, sys.executable, shard)
        for folder, shard in zip(folders, shards, strict=True)
    ]
    outputs = _wait(processes, timeout)
    result = SuiteResult()
    for folder, (_, stderr) in zip(folders, outputs, strict=True):
        part = read_results(folder, stderr)
        result.outcomes.update(part.outcomes)
        result.problems.extend(part.problems)
    result.summary = f"{totals_line(result)} ({len(shards)} shards)"
    return result


# ---------------------------------------------------------------------- CLI


def _obtain(args: argparse.Namespace, suite: Path) -> SuiteResult:
    if args.results is not None:
        print(f"(results of an earlier run: {args.results})")
        return read_results(args.results)
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        print(f"running {suite / 'harness' / 'run.sh'} (aioloom mode) into {work} ...", flush=True)
        result = run_and_read(suite, work, files=args.files, jobs=args.jobs, timeout=args.timeout)
    print(result.summary)
    return result


def _update(
    result: SuiteResult, entries: list[Entry], suite: Path, files: Collection[str] | None
) -> list[Entry]:
    new, notes = update(result, entries, load_triage(suite / "harness" / "triage.tsv"), files)
    EXPECTED.write_text(format_expected(new), encoding="utf-8")
    print(*notes, sep="\n")
    unclassified = sum(e.category == UNCLASSIFIED for e in new)
    flag = f"; {unclassified} NOT CLASSIFIED (category ?)" if unclassified else ""
    print(f"wrote {len(new)} entries to {EXPECTED.relative_to(ROOT)}{flag}")
    return new


def main(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--update", action="store_true", help="rewrite the expected-failures list")
    ap.add_argument("--results", type=Path, help="read this earlier run's $WORK instead of running")
    ap.add_argument("--work", type=Path, help="where run.sh works (default: a temporary folder)")
    ap.add_argument("--timeout", type=float, default=RUN_TIMEOUT, help="seconds for the whole run")
    ap.add_argument("--jobs", type=int, default=JOBS, help="run.sh shards side by side")
    ap.add_argument(
        "--files",
        nargs="+",
        default=[],
        metavar="FILE",
        help="run only these test files (e.g. test_web_response.py);\n"
        "the list is then checked and updated for them alone",
    )
    args = ap.parse_args(argv)
    scope = set(args.files) or None
    suite = suite_dir()
    if suite is None:
        print("the aiohttp suite is not beside this checkout (../shared/conformance/aiohttp-suite)")
        return 2
    result = _obtain(args, suite)
    entries = load_expected() if EXPECTED.exists() else []
    if args.update:
        if result.problems:
            print("not updating: the run had harness problems:", *result.problems, sep="\n  ")
            return 1
        entries = _update(result, entries, suite, scope)
    report = compare(result, entries, scope)
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
